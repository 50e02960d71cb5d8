"""Smoke run of `make bench`'s gas part (so the benchmark cannot rot): `BENCH_SMALL=1` sizes, the
same code, the results written to a temporary folder instead of over the published numbers. No gas
threshold here: the benchmark reports, it does not pass or fail the build."""

import json

from scripts import bench_gas

OPERATIONS = {
    "admission",
    "propose",
    "castVoteFirst",
    "castVote",
    "castVoteWithReason",
    "castVoteBySig",
    "queue",
    "execute",
}


def test_gas_benchmark_runs_both_systems_and_claims_and_writes_its_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_SMALL", "1")
    monkeypatch.setenv("BENCH_OUT", str(tmp_path))
    bench_gas.main()
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results["gas"]) == OPERATIONS
    for name, g in results["gas"].items():
        assert g["coop"] > 21_000 and g["reference"] > 21_000, name
    sizes = [str(n) for n in bench_gas.SMALL_CLAIM_SIZES]
    assert list(results["claim_gas"]) == sizes
    assert all(g > 21_000 for g in results["claim_gas"].values())
    doc = (tmp_path / "BENCHMARKS.md").read_text()
    for block in ("gas", "claims"):
        assert f"<!-- {block}:start -->" in doc and f"<!-- {block}:end -->" in doc
    assert "| castVoteBySig |" in doc and f"| {sizes[-1]} |" in doc
