"""Smoke run of `make bench`'s gas part (so the benchmark cannot rot): `BENCH_SMALL=1` sizes, the
same code, the results written to a temporary folder instead of over the published numbers. No gas
threshold here: the benchmark reports, it does not pass or fail the build."""

import json

from scripts import bench_gas

GOVERNANCE = {
    "propose",
    "castVoteFirst",
    "castVote",
    "castVoteWithReason",
    "castVoteBySig",
    "queue",
    "execute",
}
ADMISSION = {"admission", "admissionApproval", "enfranchisePerAccount", "admitManyPerApplicant"}
COOP_ONLY = {"moveMembership"}


def test_gas_benchmark_runs_both_systems_and_claims_and_writes_its_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_SMALL", "1")
    monkeypatch.setenv("BENCH_OUT", str(tmp_path))
    bench_gas.main()
    results = json.loads((tmp_path / "results.json").read_text())
    gas = results["gas"]
    assert set(gas) == GOVERNANCE | ADMISSION | COOP_ONLY
    for name in GOVERNANCE | {"admission", "admissionApproval"}:
        assert gas[name]["coop"] > 21_000 and gas[name]["reference"] > 21_000, name
    assert set(gas["moveMembership"]) == {"coop"} and gas["moveMembership"]["coop"] > 21_000
    # a share of a batch costs less than a transaction of its own, but more than nothing
    for name in ("enfranchisePerAccount", "admitManyPerApplicant"):
        assert 1_000 < gas[name]["coop"] < gas[name]["reference"], name
        assert gas[name]["reference"] > 21_000, name
    # admission until able to vote = the applicant's join + its share of the batch
    assert gas["admission"]["coop"] > gas["enfranchisePerAccount"]["coop"]
    assert gas["admissionApproval"]["coop"] > gas["admitManyPerApplicant"]["coop"]
    assert gas["admission"]["reference"] == gas["admissionApproval"]["reference"]
    assert gas["admission"]["reference"] == (
        gas["enfranchisePerAccount"]["reference"] + gas["admitManyPerApplicant"]["reference"]
    )
    sizes = [str(n) for n in bench_gas.SMALL_CLAIM_SIZES]
    assert list(results["claim_gas"]) == sizes
    assert all(g > 21_000 for g in results["claim_gas"].values())
    doc = (tmp_path / "BENCHMARKS.md").read_text()
    for block in ("gas", "claims"):
        assert f"<!-- {block}:start -->" in doc and f"<!-- {block}:end -->" in doc
    assert "| castVoteBySig |" in doc and f"| {sizes[-1]} |" in doc
    assert "| moveMembership |" in doc and "| admissionApproval |" in doc
