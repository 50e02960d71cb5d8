"""Read endpoints over the index: the co-op, its members, proposals, periods and the event log."""

from __future__ import annotations

from typing import Annotated, Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import function_signature_to_4byte_selector
from fastapi import APIRouter, Query, Request
from sqlmodel import col, func, select

from api import register
from api.deps import (
    MAX_DB_INT,
    MAX_OFFSET,
    QuorumDep,
    SessionDep,
    SurgeDep,
    checksum,
    indexed_block,
)
from api.errors import BadRequest, NotFound
from dao import queries
from dao import tables as t
from dao.indexer import register_at

router = APIRouter(prefix="/api")

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]
Limit = Annotated[int, Query(ge=1, le=500, description="rows to return")]
STATUSES = ("none", "pending", "active", "suspended", "expelled", "moved")


def _num(value: int) -> str:
    """Wei amounts as decimal strings (JSON numbers lose precision past 2**53)."""
    return str(value)


def _member(row: t.MemberState) -> dict[str, Any]:
    return {
        "account": row.account,
        "status": row.status,
        "index": row.member_index,
        "shares": row.shares,
        "capital": _num(row.capital),
        "votes": row.votes,
        "warnings": row.warnings,
        "suspended_until": row.suspended_until,
        "refund_owed": _num(row.refund_owed),
        "refund_available_at": row.refund_available_at,
        "since_block": row.block_number,
        "last_event": row.event,
        "votes_from": row.votes_from,
        "admitted_at": row.admitted_at,
    }


def _ref(row: Any) -> dict[str, Any]:
    return {"block_number": row.block_number, "tx_hash": row.tx_hash, "log_index": row.log_index}


def _proposal(
    view: queries.ProposalView, *, surge: dict[str, Any], detail: bool = False
) -> dict[str, Any]:
    p = view.proposal
    against, for_, abstain = view.tally
    out: dict[str, Any] = {
        "proposal_id": p.proposal_id,
        "proposer": p.proposer,
        "title": p.description.splitlines()[0] if p.description else "",
        "state": view.state,
        "vote_start": p.vote_start,
        "vote_end": p.vote_end,
        "votes": {"against": against, "for": for_, "abstain": abstain},
        "quorum": view.quorum,
        "quorum_reached": view.quorum > 0 and for_ + abstain >= view.quorum,
        "surge": surge,
        **_ref(p),
    }
    if detail:
        out["description"] = p.description
        out["actions"] = [
            {"target": tgt, "value": val, "signature": sig, "calldata": data}
            for tgt, val, sig, data in zip(
                p.targets, p.values, p.signatures, p.calldatas, strict=True
            )
        ]
        out["timeline"] = [{"kind": "created", **_ref(p)}] + [
            {"kind": kind, "eta": e.eta, **_ref(e)}
            for kind, e in sorted(view.events.items(), key=lambda kv: kv[1].block_number)
        ]
    return out


@router.get("/summary", tags=["co-op"])
def summary(session: SessionDep, quorum: QuorumDep, threshold: SurgeDep) -> dict[str, Any]:
    """The co-op at a glance: members, voters, applications, capital, reserve, open proposals,
    admission policy, voting seniority and surge.

    `surge`: admissions (MemberJoined) in the last `votingSeniority` blocks up to the indexed
    block (`admissions_in_window`), over the active members (`share_of_register`); `warning`
    when that share is above SURGE_THRESHOLD (default 0.20)."""
    s = queries.summary(session, default_quorum=quorum)
    for key in ("capital", "reserve", "treasury_paid_out"):
        if key in s:
            s[key] = _num(s[key])
    block = s["indexed_block"]
    if block is None:
        s.update(admission_policy=None, voting_seniority=0, voters=0, pending_applications=0)
        s["surge"] = register.summary_surge(window=0, admitted=0, members=0, threshold=threshold)
        return s
    r = register.register_summary(session, block)
    s.update(
        admission_policy=r["admission_policy"],
        voting_seniority=r["voting_seniority"],
        voters=r["voters"],
    )
    s["surge"] = register.summary_surge(
        window=r["voting_seniority"],
        admitted=r["admissions_in_window"],
        members=s["members"],
        threshold=threshold,
    )
    return s


@router.get("/members", tags=["members"])
def members(
    session: SessionDep,
    status: Annotated[
        str | None, Query(description="none, pending, active, suspended or expelled")
    ] = None,
    as_of_block: Annotated[
        int | None, Query(ge=0, le=MAX_DB_INT, description="the register as of this block")
    ] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    """The member register, now or as of a past block."""
    if status is not None and status not in STATUSES:
        raise BadRequest(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    block = indexed_block(session) if as_of_block is None else as_of_block
    rows = [r for r in register_at(session, block) if status is None or r.status == status]
    return {
        "block": block,
        "total": len(rows),
        "items": [_member(r) for r in rows[offset : offset + limit]],
    }


@router.get("/members/{address}", tags=["members"])
def member(address: str, session: SessionDep, request: Request) -> dict[str, Any]:
    """One member: shares, status, seniority, admission, sanctions, votes, points, claims, share
    movements; a moved membership reads as one person (`person`: every account it was held by,
    the moves, the current account; the lists cover all of them, each item names its account)."""
    account = checksum(address)
    latest = queries.latest_state(session, account)
    person = register.person(session, account)
    accounts = person["accounts"] if person else [account]

    def rows(table: Any, column: str, *order: str) -> list[Any]:
        # plain rows (attribute access, column types applied) rather than ORM objects: this is
        # the API's busiest page, and building model instances was most of its time
        core = table.__table__
        query = select(core).where(core.c[column].in_(accounts))
        return list(session.execute(query.order_by(*(core.c[o] for o in order))))

    points = rows(t.Points, "account", "block_number", "log_index")
    if latest is None and not points:
        raise NotFound(f"{account} has never been a member or a contributor of this co-op")
    sanctions = rows(t.Sanction, "account", "block_number", "log_index")
    votes = rows(t.Vote, "voter", "block_number", "log_index")
    claims = rows(t.Claim, "account", "block_number", "log_index")
    moves = rows(t.ShareMovement, "account", "block_number", "log_index")
    claimable = _claimable(request, session, account)
    current = _member(latest) if latest is not None else None
    block = queries.indexed_block(session) or 0
    if current is not None:
        admission = register.latest_admission(session, accounts)
        seniority = register.register_summary(session, block)["voting_seniority"]
        # the person's membership lives at the current account: its state is the one that votes
        state = latest if not person else queries.latest_state(session, person["current_account"])
        current["admitted_by"] = admission.admitted_by if admission else None
        current["attestation"] = admission.attestation if admission else None
        current["contest_deadline"] = admission.contest_deadline if admission else 0
        current["seniority_until"] = (
            state.admitted_at + seniority if state is not None and state.admitted_at else None
        )
        current["can_enfranchise"] = bool(
            latest.status == "active"
            and latest.votes_from == 0
            and latest.admitted_at + seniority <= block + 1
        )
    return {
        "account": account,
        "current": current,
        "moved_to": person["current_account"]
        if person and current is not None and current["status"] == "moved"
        else None,
        "person": person,
        "claimable": claimable,
        "sanctions": [
            {
                "account": s.account,
                "kind": s.kind,
                "reason_hash": s.reason_hash,
                "until": s.until,
                **_ref(s),
            }
            for s in sanctions
        ],
        "votes": [
            {
                "account": v.voter,
                "proposal_id": v.proposal_id,
                "support": v.support,
                "reason": v.reason,
                **_ref(v),
            }
            for v in votes
        ],
        "points": [
            {"account": p.account, "period_id": p.period_id, "points": _num(p.points), **_ref(p)}
            for p in points
        ],
        "claims": [
            {"account": c.account, "period_id": c.period_id, "amount": _num(c.amount), **_ref(c)}
            for c in claims
        ],
        "share_movements": [
            {
                "account": m.account,
                "kind": m.kind,
                "shares": m.shares,
                "amount": _num(m.amount),
                "available_at": m.available_at,
                **_ref(m),
            }
            for m in moves
        ],
    }


# rewards.claimable(uint256 periodId, address account) -> (uint256 interest, uint256 patronage),
# called with a precomputed selector: building a web3 contract object and matching its ABI on
# every request costs more than the call itself
CLAIMABLE = function_signature_to_4byte_selector("claimable(uint256,address)")


def _claimable(request: Request, session: SessionDep, account: str) -> list[dict[str, Any]]:
    """Rewards the account can claim now, per allocated period (from the contract's view)."""
    w3, deployment = request.app.state.w3, request.app.state.deployment
    if w3 is None or deployment is None:
        return []
    rewards = deployment.addresses["rewards"]
    out = []
    for period_id in session.exec(
        select(t.Allocation.period_id).order_by(col(t.Allocation.period_id))
    ):
        try:
            data = CLAIMABLE + abi_encode(["uint256", "address"], [period_id, account])
            # straight to the provider: web3.py's middleware (request validation, formatting)
            # took most of this page's time
            reply = w3.provider.make_request(
                "eth_call", [{"to": rewards, "data": "0x" + data.hex()}, "latest"]
            )
            result = reply.get("result") if isinstance(reply, dict) else None
            if not isinstance(result, str) or not result.startswith("0x"):
                return []
            interest, patronage = abi_decode(["uint256", "uint256"], bytes.fromhex(result[2:]))
        except Exception:  # noqa: BLE001  (chain unreachable: the index alone answers the rest)
            return []
        if interest or patronage:
            out.append(
                {
                    "period_id": period_id,
                    "interest": _num(interest),
                    "patronage": _num(patronage),
                }
            )
    return out


def _by_period_and_account(
    session: SessionDep, model: Any, period_id: int | None, account: str | None
) -> list[Any]:
    """Rows of `model` (Points or Claim), optionally of one period and one account, in chain order."""
    q = select(model)
    if period_id is not None:
        q = q.where(model.period_id == period_id)
    if account is not None:
        q = q.where(model.account == checksum(account))
    return list(session.exec(q.order_by(col(model.block_number), col(model.log_index))))


@router.get("/contributions", tags=["rewards"])
def contributions(
    session: SessionDep,
    period_id: Annotated[int | None, Query(ge=1, le=MAX_DB_INT)] = None,
    account: str | None = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> dict[str, Any]:
    """Patronage / contribution points recorded by the treasurers."""
    rows = _by_period_and_account(session, t.Points, period_id, account)
    items = [
        {
            "period_id": p.period_id,
            "account": p.account,
            "points": _num(p.points),
            "reason_hash": p.reason_hash,
            **_ref(p),
        }
        for p in rows[offset : offset + limit]
    ]
    return {"total": len(rows), "items": items}


@router.get("/claims", tags=["rewards"])
def claims(
    session: SessionDep,
    period_id: Annotated[int | None, Query(ge=1, le=MAX_DB_INT)] = None,
    account: str | None = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> dict[str, Any]:
    """Rewards claimed: interest on capital and patronage refunds."""
    rows = _by_period_and_account(session, t.Claim, period_id, account)
    items = [
        {
            "period_id": c.period_id,
            "account": c.account,
            "amount": _num(c.amount),
            "interest": _num(c.interest),
            "patronage": _num(c.patronage),
            **_ref(c),
        }
        for c in rows[offset : offset + limit]
    ]
    return {"total": len(rows), "items": items}


@router.get("/proposals", tags=["proposals"])
def proposal_list(
    session: SessionDep,
    quorum: QuorumDep,
    threshold: SurgeDep,
    state: Annotated[
        str | None,
        Query(description="Pending, Active, Defeated, Succeeded, Queued, Executed, Canceled"),
    ] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    """Proposals, newest first, optionally by state; each with its `surge` (as in
    /api/proposals/{proposal_id})."""
    if state is not None and state not in queries.STATE_NAMES:
        raise BadRequest(f"state must be one of {', '.join(queries.STATE_NAMES)}, not {state!r}")
    views = [
        v
        for v in queries.proposals(session, block=indexed_block(session), default_quorum=quorum)
        if state is None or v.state == state
    ]
    page = views[offset : offset + limit]
    surges = register.proposal_surges(
        session,
        [v.proposal.vote_start for v in page],
        indexed=indexed_block(session),
        threshold=threshold,
    )
    return {
        "total": len(views),
        "items": [_proposal(v, surge=surge) for v, surge in zip(page, surges, strict=True)],
    }


@router.get("/proposals/{proposal_id}", tags=["proposals"])
def proposal(
    proposal_id: str, session: SessionDep, quorum: QuorumDep, threshold: SurgeDep
) -> dict[str, Any]:
    """One proposal: actions, description, timeline, live tally, quorum progress, votes with
    reasons, and `surge`.

    `surge` compares the electorate at the snapshot (`voters_at_snapshot`: members who vote at
    that block) with the electorate `votingSeniority` blocks before it (`voters_before`, at
    `before_block`; S as of the snapshot): `growth` = (voters_at_snapshot - voters_before) /
    voters_before, null when nobody voted before; `warning` when growth is above SURGE_THRESHOLD
    (default 0.20)."""
    if not proposal_id.isdigit():
        raise BadRequest(f"a proposal id is a decimal number, not {proposal_id!r}")
    p = session.exec(select(t.Proposal).where(t.Proposal.proposal_id == proposal_id)).first()
    if p is None:
        raise NotFound(f"no proposal {proposal_id}")
    block = indexed_block(session)
    view = queries.proposal_view(session, p, block=block, default_quorum=quorum)
    [surge] = register.proposal_surges(
        session, [view.proposal.vote_start], indexed=block, threshold=threshold
    )
    out = _proposal(view, surge=surge, detail=True)
    # columns, not ORM objects: a proposal may have thousands of votes
    votes = session.exec(
        select(t.Vote.voter, t.Vote.support, t.Vote.reason, *VOTE_REF)
        .where(t.Vote.proposal_id == proposal_id)
        .order_by(col(t.Vote.block_number))
    )
    out["vote_list"] = [
        {
            "voter": voter,
            "support": support,
            "reason": reason,
            "block_number": block_number,
            "tx_hash": tx_hash,
            "log_index": log_index,
        }
        for voter, support, reason, block_number, tx_hash, log_index in votes
    ]
    return out


VOTE_REF = (t.Vote.block_number, t.Vote.tx_hash, t.Vote.log_index)


@router.get("/periods", tags=["rewards"])
def periods(session: SessionDep) -> dict[str, Any]:
    """Fiscal periods with their budget, points, closing and allocation."""
    items = []
    for p in session.exec(select(t.Period).order_by(col(t.Period.period_id))):
        closed = session.exec(
            select(t.PeriodEvent).where(
                t.PeriodEvent.period_id == p.period_id, t.PeriodEvent.kind == "closed"
            )
        ).first()
        total = session.exec(
            select(func.count()).select_from(t.Points).where(t.Points.period_id == p.period_id)
        ).one()
        alloc = session.exec(
            select(t.Allocation).where(t.Allocation.period_id == p.period_id)
        ).first()
        claimed = sum(
            c.amount for c in session.exec(select(t.Claim).where(t.Claim.period_id == p.period_id))
        )
        items.append(
            {
                "period_id": p.period_id,
                "points_budget": _num(p.points_budget),
                "points_entries": total,
                "closed": closed is not None,
                "total_points": _num(closed.value) if closed else None,
                "snapshot": closed.snapshot if closed else None,
                "allocation": None
                if alloc is None
                else {
                    "funded": _num(alloc.funded),
                    "reserve": _num(alloc.reserve),
                    "interest_pool": _num(alloc.interest_pool),
                    "patronage_pool": _num(alloc.patronage_pool),
                    "deadline": alloc.deadline,
                    "claimed": _num(claimed),
                    **_ref(alloc),
                },
                **_ref(p),
            }
        )
    return {"total": len(items), "items": items}


@router.get("/events", tags=["audit"])
def events(
    session: SessionDep,
    event: Annotated[str | None, Query(description="only this event name")] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> dict[str, Any]:
    """The event log, newest first, with block and transaction references."""
    q = select(t.RawEvent)
    n = select(func.count()).select_from(t.RawEvent)
    if event:
        q, n = q.where(t.RawEvent.event == event), n.where(t.RawEvent.event == event)
    rows = session.exec(
        q.order_by(col(t.RawEvent.block_number).desc(), col(t.RawEvent.log_index).desc())
        .offset(offset)
        .limit(limit)
    )
    return {
        "total": session.exec(n).one(),
        "items": [
            {
                "event": r.event,
                "contract": r.contract,
                "args": r.args,
                "block_hash": r.block_hash,
                **_ref(r),
            }
            for r in rows
        ],
    }


STATUTES = [
    # (setting name in the index, contract role, view function, unit)
    ("sharePrice", "membership", "sharePrice", "wei"),
    ("shareCap", "membership", "shareCap", "shares"),
    ("admissionPolicy", "membership", "admissionPolicy", "policy"),
    ("redemptionNotice", "membership", "redemptionNotice", "seconds"),
    ("votingSeniority", "membership", "votingSeniority", "blocks"),
    ("contestWindow", "membership", "contestWindow", "seconds"),
    ("quorumNumerator", "governor", "quorumNumerator", "percent"),
    ("votingDelay", "governor", "votingDelay", "blocks"),
    ("votingPeriod", "governor", "votingPeriod", "blocks"),
    ("timelockDelay", "timelock", "getMinDelay", "seconds"),
    ("minReserveBps", "rewards", "minReserveBps", "bps"),
    ("interestCapBps", "rewards", "interestCapBps", "bps"),
]


@router.get("/statutes", tags=["co-op"])
def statutes(session: SessionDep, request: Request) -> dict[str, Any]:
    """The rules the contracts enforce now, each with its history of changes and the proposal
    that made each change."""
    w3, deployment = request.app.state.w3, request.app.state.deployment
    executed = {
        e.tx_hash: e.proposal_id
        for e in session.exec(select(t.ProposalEvent).where(t.ProposalEvent.kind == "executed"))
    }
    items = []
    for name, role, view, unit in STATUTES:
        current: Any = None
        if w3 is not None and deployment is not None:
            try:
                current = str(getattr(deployment.contract(w3, role).functions, view)().call())
            except Exception:  # noqa: BLE001  (chain unreachable: history only)
                current = None
        changes = session.exec(
            select(t.SettingChange)
            .where(t.SettingChange.name == name)
            .order_by(col(t.SettingChange.block_number), col(t.SettingChange.log_index))
        ).all()
        history = [
            {
                "old": c.old_value,
                "new": c.new_value,
                "proposal_id": executed.get(c.tx_hash),
                **_ref(c),
            }
            for c in changes
        ]
        if current is None and history:
            current = history[-1]["new"]
        items.append(
            {"name": name, "contract": role, "unit": unit, "value": current, "history": history}
        )
    return {"items": items}
