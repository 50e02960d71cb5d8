"""The migrations create exactly the schema of dao/tables.py, and the packaged ABIs are those of
the compiled contracts."""

import json
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import dao.personal  # noqa: F401
import dao.tables  # noqa: F401
from dao.contracts import ABI_DIR, CONTRACTS

ROOT = Path(__file__).resolve().parents[2]


def test_migrations_match_the_table_definitions(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], f"the models changed without a migration: {diff}"


def test_packaged_abis_match_the_compiled_contracts():
    for name in CONTRACTS.values():
        built = json.loads((ROOT / "build" / "contracts" / f"{name}.json").read_text())["abi"]
        packaged = json.loads((ABI_DIR / f"{name}.json").read_text())
        key = lambda item: json.dumps(item, sort_keys=True)  # noqa: E731
        assert sorted(map(key, built)) == sorted(map(key, packaged)), (
            f"dao/abis/{name}.json is stale: run `python scripts/export_abis.py` after compiling"
        )
