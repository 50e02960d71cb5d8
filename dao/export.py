"""Export of the whole index for auditors: one file per table, every row with its block number,
transaction hash and log index (the raw event table also carries the block hash)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from dao import tables as t

EXPORTED = [*t.PROJECTION_TABLES, t.IndexedBlock, t.Cursor]


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return value


def export_all(
    engine: Engine, out_dir: Path, fmt: str = "csv", only: set[str] | None = None
) -> dict[str, int]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    with engine.connect() as conn:
        for model in EXPORTED:
            table = model.__table__  # type: ignore[attr-defined]
            if only is not None and table.name not in only:
                continue
            order = [c for c in ("block_number", "log_index", "number", "id") if c in table.c]
            rows = (
                conn.execute(select(table).order_by(*[table.c[c] for c in order])).mappings().all()
            )
            columns = [c.name for c in table.columns]
            path = out_dir / f"{table.name}.{fmt}"
            if fmt == "csv":
                with path.open("w", newline="") as f:
                    writer = csv.writer(f)
                    writer.writerow(columns)
                    for row in rows:
                        writer.writerow([_cell(row[c]) for c in columns])
            else:
                data = [
                    {
                        c: (
                            str(row[c])
                            if isinstance(row[c], int) and abs(row[c]) > 2**53
                            else row[c]
                        )
                        for c in columns
                    }
                    for row in rows
                ]
                path.write_text(json.dumps(data, indent=1, default=str) + "\n")
            written[table.name] = len(rows)
    return written


def member_history(engine: Engine, index: int) -> list[dict[str, Any]]:
    """One person's membership rows across the accounts that held member number `index`, in
    chain order (dao.queries.member_history), as plain dicts for an auditor's file."""
    from sqlmodel import Session

    from dao import queries

    with Session(engine) as session:
        return [row.model_dump() for row in queries.member_history(session, index)]
