"""Smoke run of the gas benchmark (so `make bench` cannot rot): both systems go through the whole
scenario. No gas threshold here: the benchmark reports, it does not pass or fail the build."""

from scripts.bench_gas import measure

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


def test_gas_benchmark_runs_the_whole_scenario_on_both_systems():
    gas = measure()
    assert set(gas) == OPERATIONS
    for name, g in gas.items():
        assert g["coop"] > 21_000 and g["reference"] > 21_000, name
