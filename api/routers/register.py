"""Register v2 read endpoints: pending applications and the admissions committee."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import register
from api.deps import SessionDep, indexed_block

router = APIRouter(prefix="/api")


@router.get("/applications", tags=["members"])
def applications(session: SessionDep) -> dict[str, Any]:
    """Pending applications, oldest first: account, shares, amount (wei), applied block, age in
    blocks and, when the index knows the blocks' times, in seconds."""
    block = indexed_block(session)
    items = register.pending_applications(session, block)
    return {
        "block": block,
        "admission_policy": register.policy_at(session, block),
        "total": len(items),
        "items": items,
    }


@router.get("/committee", tags=["members"])
def committee(session: SessionDep) -> dict[str, Any]:
    """The admissions committee: seats (holder, term end, in force at the indexed block's time),
    the contest window (seconds), and recent committee admissions with who admitted whom, the
    attestation, the contest deadline and whether it was contested or annulled."""
    return register.committee(session, indexed_block(session))
