"""Read-side queries over the index, shared by the API, the audit and the CLI."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from dao import tables as t
from dao.indexer import register_at

STATE_NAMES = [
    "Pending",
    "Active",
    "Canceled",
    "Defeated",
    "Succeeded",
    "Queued",
    "Expired",
    "Executed",
]


def indexed_block(session: Session) -> int | None:
    c = session.get(t.Cursor, 1)
    return c.block_number if c else None


def quorum_numerator_at(session: Session, block: int, default: int) -> int:
    numerator = default
    for change in session.exec(
        select(t.SettingChange)
        .where(t.SettingChange.name == "quorumNumerator", t.SettingChange.block_number <= block)
        .order_by(col(t.SettingChange.block_number), col(t.SettingChange.log_index))
    ):
        numerator = int(change.new_value)
    return numerator


def quorum_at(session: Session, snapshot: int, default_numerator: int) -> int:
    members = sum(1 for r in register_at(session, snapshot) if r.status == "active")
    numerator = quorum_numerator_at(session, snapshot, default_numerator)
    return max(1, -(-members * numerator // 100))


@dataclass
class ProposalView:
    proposal: t.Proposal
    state: str
    tally: list[int]  # against, for, abstain
    quorum: int
    events: dict[str, t.ProposalEvent]


def tallies(session: Session, block: int | None = None) -> dict[str, list[int]]:
    q = select(t.Vote.proposal_id, t.Vote.support, func.sum(t.Vote.weight)).group_by(
        t.Vote.proposal_id, t.Vote.support
    )
    if block is not None:
        q = q.where(t.Vote.block_number <= block)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pid, support, weight in session.exec(q):
        out[pid][support] = int(weight)
    return out


def proposal_view(
    session: Session,
    p: t.Proposal,
    *,
    block: int,
    default_quorum: int,
    tally: list[int] | None = None,
    events: dict[str, t.ProposalEvent] | None = None,
) -> ProposalView:
    if tally is None:
        tally = tallies(session, block).get(p.proposal_id, [0, 0, 0])
    if events is None:
        events = {
            e.kind: e
            for e in session.exec(
                select(t.ProposalEvent).where(
                    t.ProposalEvent.proposal_id == p.proposal_id,
                    t.ProposalEvent.block_number <= block,
                )
            )
        }
    quorum = quorum_at(session, p.vote_start, default_quorum) if p.vote_start < block else 0
    if "executed" in events:
        state = "Executed"
    elif "canceled" in events:
        state = "Canceled"
    elif "queued" in events:
        state = "Queued"
    elif p.vote_start >= block:
        state = "Pending"
    elif p.vote_end >= block:
        state = "Active"
    else:
        against, for_, abstain = tally
        state = "Succeeded" if for_ + abstain >= quorum and for_ > against else "Defeated"
    return ProposalView(p, state, list(tally), quorum, events)


def proposals(session: Session, *, block: int, default_quorum: int) -> list[ProposalView]:
    all_tallies = tallies(session, block)
    events: dict[str, dict[str, t.ProposalEvent]] = defaultdict(dict)
    for e in session.exec(select(t.ProposalEvent).where(t.ProposalEvent.block_number <= block)):
        events[e.proposal_id][e.kind] = e
    rows = session.exec(
        select(t.Proposal)
        .where(t.Proposal.block_number <= block)
        .order_by(col(t.Proposal.block_number).desc())
    ).all()
    return [
        proposal_view(
            session,
            p,
            block=block,
            default_quorum=default_quorum,
            tally=all_tallies.get(p.proposal_id, [0, 0, 0]),
            events=events.get(p.proposal_id, {}),
        )
        for p in rows
    ]


def reserve(session: Session, block: int | None = None) -> int:
    q = select(t.ReserveMovement)
    if block is not None:
        q = q.where(t.ReserveMovement.block_number <= block)
    return sum(-r.amount if r.kind == "release" else r.amount for r in session.exec(q))


def summary(session: Session, *, default_quorum: int) -> dict[str, Any]:
    block = indexed_block(session)
    if block is None:
        return {
            "indexed_block": None,
            "members": 0,
            "capital": 0,
            "shares": 0,
            "reserve": 0,
            "open_proposals": 0,
        }
    register = register_at(session, block)
    open_ = [
        v
        for v in proposals(session, block=block, default_quorum=default_quorum)
        if v.state in ("Pending", "Active")
    ]
    return {
        "indexed_block": block,
        "members": sum(1 for r in register if r.status == "active"),
        "suspended": sum(1 for r in register if r.status == "suspended"),
        "pending_applications": sum(1 for r in register if r.status == "pending"),
        "capital": sum(r.capital for r in register),
        "shares": sum(r.shares for r in register),
        "reserve": reserve(session, block),
        "open_proposals": len(open_),
        "treasury_paid_out": sum(m.value for m in session.exec(select(t.TreasuryMovement))),
    }
