"""Smoke run of the indexer benchmark (so `make bench` cannot rot): the whole scenario at a small
size on the test chain, `coop index` on SQLite and PostgreSQL, the audit, the naive baseline. No
speed threshold here: the benchmark reports, it does not pass or fail the build."""

from scripts.bench_indexer import measure
from tests.indexer.conftest import PG_ADMIN_URL

KEYS = {
    "events",
    "blocks",
    "transactions",
    "members",
    "ranges",
    "index_events",
    "index_seconds",
    "events_per_s",
    "baseline_events",
    "baseline_seconds",
    "baseline_events_per_s",
    "ratio",
    "audit_ok",
    "audit_compared",
    "postgres_events",
    "postgres_seconds",
    "postgres_events_per_s",
    "postgres_ratio",
}


def test_indexer_benchmark_indexes_every_event_both_ways_and_the_audit_passes():
    r = measure(small=True, postgres_url=PG_ADMIN_URL)
    assert KEYS <= set(r)
    # every kind of activity made it to the chain: joins alone give 3 events a member
    assert r["events"] > 3 * r["members"] + 6 * 30
    assert r["index_events"] == r["baseline_events"] == r["postgres_events"] == r["events"]
    assert r["audit_ok"], r["audit_differences"]
    assert r["audit_compared"] > 5 * r["members"]
    for key in ("events_per_s", "baseline_events_per_s", "postgres_events_per_s"):
        assert isinstance(r[key], float) and r[key] > 0
    assert abs(r["ratio"] - r["events_per_s"] / r["baseline_events_per_s"]) < 0.01
