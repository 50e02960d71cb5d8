"""The auditor's endpoints: the audit report and the exports."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.errors import NotFound, Unavailable
from dao import tables as t
from dao.export import EXPORTED, export_all

router = APIRouter(prefix="/api", tags=["audit"])
TABLES = {m.__tablename__ for m in EXPORTED}  # type: ignore[attr-defined]


@router.get("/audit")
def audit(request: Request) -> dict[str, Any]:
    """Reconcile the index with the contracts' view calls at the indexed block."""
    from dao.audit import run_audit

    w3, deployment = request.app.state.w3, request.app.state.deployment
    if w3 is None or deployment is None:
        raise Unavailable("the audit needs a chain connection and a deployment file")
    report = run_audit(w3=w3, engine=request.app.state.engine, deployment=deployment)
    return {
        "block": report.block,
        "ok": report.ok,
        "checks": [
            {
                "name": c.name,
                "ok": c.ok,
                "compared": c.compared,
                "summary": c.summary,
                "differences": c.differences[:20],
            }
            for c in report.checks
        ],
    }


@router.get("/export")
def export_index() -> dict[str, Any]:
    """The tables that can be downloaded."""
    return {"tables": sorted(TABLES), "formats": ["csv", "json"]}


@router.get("/export/{name}")
def export_table(name: str, request: Request) -> Response:
    """One table as CSV or JSON: `/api/export/vote.csv`, `/api/export/raw_event.json`."""
    table, _, fmt = name.rpartition(".")
    if fmt not in ("csv", "json") or table not in TABLES:
        raise NotFound(
            f"no export {name!r}: ask for <table>.csv or <table>.json, tables: {', '.join(sorted(TABLES))}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        export_all(request.app.state.engine, Path(tmp), fmt, only={table})
        body = (Path(tmp) / f"{table}.{fmt}").read_bytes()
    media = "text/csv" if fmt == "csv" else "application/json"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


__all__ = ["router", "t"]
