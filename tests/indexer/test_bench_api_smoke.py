"""Smoke run of the API load benchmark (so `make bench` cannot rot): a small index on this test
chain, the real server in a subprocess, the load generator in another, on SQLite and PostgreSQL.
No latency threshold here: the benchmark reports, it does not pass or fail the build."""

from scripts.bench_api import ENDPOINTS, measure
from tests.indexer.conftest import PG_ADMIN_URL

MEASURES = {"requests", "errors", "rps", "p50_ms", "p99_ms", "max_ms", "first_ms"}


def test_api_benchmark_loads_every_endpoint_on_both_databases_without_errors():
    api = measure(small=True, postgres_url=PG_ADMIN_URL)
    assert api["sizes"]["members"] >= 200 and api["sizes"]["votes"] == 1_000
    for backend in (api, api["postgresql"]):
        assert set(backend["endpoints"]) == set(ENDPOINTS)
        for name, e in backend["endpoints"].items():
            assert set(e) == MEASURES, name
            assert e["errors"] == 0, (name, e)
            assert e["requests"] > 0 and e["rps"] > 0, (name, e)
            assert 0 < e["p50_ms"] <= e["p99_ms"] <= e["max_ms"], (name, e)
