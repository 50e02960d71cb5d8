"""Copy the contracts' ABIs from Brownie's build into the Python package (dao/abis/).

    brownie compile && python scripts/export_abis.py

The indexer and the API read these files, so they run without Brownie or a compiler; a test
checks they match the compiled contracts.
"""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ("CoopMembership", "CoopGovernor", "CoopRewards", "CoopTimelock", "CoopCommittee")


def export(
    build_dir: Path = ROOT / "build" / "contracts", out_dir: Path = ROOT / "dao" / "abis"
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in CONTRACTS:
        abi = json.loads((build_dir / f"{name}.json").read_text())["abi"]
        (out_dir / f"{name}.json").write_text(json.dumps(abi, indent=1, sort_keys=True) + "\n")


def main() -> None:
    export()


if __name__ == "__main__":
    main()
