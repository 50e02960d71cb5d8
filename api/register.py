"""Read-side queries of register v2 (admission policy, voting seniority, voters, surges,
applications, committee, moves), in one place: what dao/queries.py gains of these (its
`pending_applications`, `member_history` and surge helpers) replaces them here, one by one.

Definitions (the API's docstrings repeat them):

- voter at block b: the account's latest membership row at or below b is "active" with
  `votes_from` set (0 < votes_from <= b), as the register's getPastVotes counts it.
- summary surge: admissions (MemberJoined rows) in the last `votingSeniority` blocks up to the
  indexed block, over the active members now; a warning when that share is above the threshold.
- proposal surge: voters at the proposal's snapshot vs voters `votingSeniority` blocks before it
  (S as of the snapshot); growth = (at snapshot - before) / before; a warning when growth is above
  the threshold. With no voter before (a co-op younger than its seniority) growth is null and no
  warning is raised: there is no electorate to dilute.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from dao import queries
from dao import tables as t

POLICIES = {"0": "open", "1": "approval", "2": "committee"}


def setting_at(session: Session, name: str, block: int) -> str | None:
    """The value of a setting (by its SettingChange name) as of `block`, or None if never set."""
    row = session.exec(
        select(t.SettingChange.new_value)
        .where(t.SettingChange.name == name, t.SettingChange.block_number <= block)
        .order_by(col(t.SettingChange.block_number).desc(), col(t.SettingChange.log_index).desc())
        .limit(1)
    ).first()
    return row


def seniority_at(session: Session, block: int) -> int:
    value = setting_at(session, "votingSeniority", block)
    return int(value) if value is not None else 0


def policy_at(session: Session, block: int) -> str | None:
    value = setting_at(session, "admissionPolicy", block)
    return None if value is None else POLICIES.get(value, value)


def block_time(session: Session, block: int) -> int | None:
    """The timestamp of an indexed block (range ends and blocks with events), if the index has it."""
    row = session.get(t.IndexedBlock, block)
    return None if row is None else row.timestamp


# The voters timeline and the admission counts are the index's own (dao/queries.py).
voters = queries.voters
admissions_between = queries.admissions_between


def summary_surge(
    session: Session, *, block: int, members: int, threshold: float
) -> dict[str, Any]:
    window = seniority_at(session, block)
    admitted = admissions_between(session, block - window, block) if window else 0
    share = admitted / members if members else 0.0
    return {
        "window_blocks": window,
        "admissions_in_window": admitted,
        "share_of_register": round(share, 6),
        "threshold": threshold,
        "warning": share > threshold,
    }


def proposal_surge(
    session: Session, *, snapshot: int, indexed: int, threshold: float
) -> dict[str, Any]:
    timeline = voters(session, indexed)
    window = seniority_at(session, min(snapshot, indexed))
    at_snapshot = timeline.at(snapshot)
    before = timeline.at(snapshot - window) if snapshot - window >= 0 else 0
    growth = None if before == 0 else (at_snapshot - before) / before
    return {
        "window_blocks": window,
        "voters_at_snapshot": at_snapshot,
        "voters_before": before,
        "before_block": max(0, snapshot - window),
        "growth": None if growth is None else round(growth, 6),
        "threshold": threshold,
        "warning": growth is not None and growth > threshold,
    }


def latest_states(session: Session, block: int) -> dict[str, Any]:
    """The latest membership row (plain row) of every account, as of `block`."""
    ms = t.MemberState.__table__  # type: ignore[attr-defined]
    latest: dict[str, Any] = {}
    for row in session.execute(
        select(ms).where(ms.c.block_number <= block).order_by(ms.c.block_number, ms.c.log_index)
    ):
        latest[row.account] = row
    return latest


def pending_applications(session: Session, block: int) -> list[dict[str, Any]]:
    """Open applications as of `block`, oldest first: account, shares, amount, applied block,
    age in blocks and (when the index knows both blocks' times) in seconds."""
    now = block_time(session, block)
    pending = [r for r in latest_states(session, block).values() if r.status == "pending"]
    applied: dict[str, Any] = {}
    if pending:
        for m in session.exec(
            select(t.ShareMovement)
            .where(
                t.ShareMovement.kind == "applied",
                col(t.ShareMovement.account).in_([r.account for r in pending]),
                t.ShareMovement.block_number <= block,
            )
            .order_by(col(t.ShareMovement.block_number), col(t.ShareMovement.log_index))
        ):
            applied[m.account] = m  # the latest application of each account
    out = []
    for r in pending:
        m = applied.get(r.account)
        at = m.block_number if m is not None else r.block_number
        then = block_time(session, at)
        out.append(
            {
                "account": r.account,
                "shares": m.shares if m is not None else 0,
                "amount": str(m.amount if m is not None else 0),
                "applied_block": at,
                "tx_hash": m.tx_hash if m is not None else r.tx_hash,
                "age_blocks": block - at,
                "age_seconds": None if now is None or then is None else now - then,
            }
        )
    return sorted(out, key=lambda a: (a["applied_block"], a["account"]))


def voters_due(session: Session, block: int) -> list[str]:
    """Accounts that enfranchise() would make voters in the block after `block`."""
    window = seniority_at(session, block)
    return [
        r.account
        for r in latest_states(session, block).values()
        if r.status == "active" and r.votes_from == 0 and r.admitted_at + window <= block + 1
    ]


def person(session: Session, account: str) -> dict[str, Any] | None:
    """The person behind an account across moves: every move of its membership (by member
    index), its accounts in order and the current one; None if the account never moved."""
    moves = t.MembershipMove
    indexes = set(
        session.exec(
            select(moves.member_index).where(
                (moves.from_account == account) | (moves.to_account == account)
            )
        )
    )
    if not indexes:
        return None
    rows = session.exec(
        select(moves)
        .where(col(moves.member_index).in_(indexes))
        .order_by(col(moves.block_number), col(moves.log_index))
    ).all()
    accounts: list[str] = []
    for m in rows:
        for a in (m.from_account, m.to_account):
            if a in accounts:
                accounts.remove(a)  # an annulled recovery moves it back: keep the latest order
            accounts.append(a)
    return {
        "member_index": rows[-1].member_index,
        "accounts": accounts,
        "current_account": rows[-1].to_account,
        "previous_accounts": [a for a in accounts if a != rows[-1].to_account],
        "moves": [
            {
                "from": m.from_account,
                "to": m.to_account,
                "by": m.moved_by,
                "contest_deadline": m.contest_deadline,
                "block_number": m.block_number,
                "tx_hash": m.tx_hash,
                "log_index": m.log_index,
            }
            for m in rows
        ],
    }


def latest_admission(session: Session, accounts: list[str]) -> Any:
    """The latest admission of any of a person's accounts."""
    return session.exec(
        select(t.Admission)
        .where(col(t.Admission.account).in_(accounts))
        .order_by(col(t.Admission.block_number).desc(), col(t.Admission.log_index).desc())
        .limit(1)
    ).first()


def committee(session: Session, block: int, *, recent: int = 50) -> dict[str, Any]:
    """Seats (latest event of each), the settings, and the recent committee admissions with
    their contest state; `in_force` is computed against the indexed block's time."""
    now = block_time(session, block)
    states = latest_states(session, block)
    seats: dict[int, Any] = {}
    for e in session.exec(
        select(t.CommitteeSeatEvent)
        .where(t.CommitteeSeatEvent.block_number <= block)
        .order_by(col(t.CommitteeSeatEvent.block_number), col(t.CommitteeSeatEvent.log_index))
    ):
        seats[e.seat] = e
    count = setting_at(session, "committeeSeats", block)
    numbers = set(seats) | set(range(int(count) if count is not None else 0))
    seat_list = []
    for n in sorted(numbers):
        e = seats.get(n)
        holder = e.holder if e is not None and e.kind == "filled" else None
        term_end = e.term_end if holder else 0
        state = states.get(holder) if holder else None
        seat_list.append(
            {
                "seat": n,
                "holder": holder,
                "term_end": term_end,
                "in_force": bool(
                    holder
                    and now is not None
                    and term_end > now
                    and state is not None
                    and state.status == "active"
                ),
                "since_block": e.block_number if e is not None else None,
            }
        )
    contests: dict[str, list[Any]] = {}
    for c in session.exec(
        select(t.ContestEvent)
        .where(t.ContestEvent.block_number <= block)
        .order_by(col(t.ContestEvent.block_number), col(t.ContestEvent.log_index))
    ):
        contests.setdefault(c.account, []).append(c)
    admissions = []
    for a in session.exec(
        select(t.Admission)
        .where(t.Admission.contest_deadline > 0, t.Admission.block_number <= block)
        .order_by(col(t.Admission.block_number).desc(), col(t.Admission.log_index).desc())
        .limit(recent)
    ):
        after = [
            c
            for c in contests.get(a.account, [])
            if (c.block_number, c.log_index) > (a.block_number, a.log_index)
        ]
        annulled = any(c.kind == "annulled" for c in after)
        admissions.append(
            {
                "account": a.account,
                "admitted_by": a.admitted_by,
                "attestation": a.attestation,
                "contest_deadline": a.contest_deadline,
                "contested": any(c.kind == "contested" for c in after),
                "contested_by": [c.actor for c in after if c.kind == "contested"],
                "annulled": annulled,
                "contestable": not annulled and now is not None and now <= a.contest_deadline,
                "block_number": a.block_number,
                "tx_hash": a.tx_hash,
                "log_index": a.log_index,
            }
        )
    window = setting_at(session, "contestWindow", block)
    max_term = setting_at(session, "committeeMaxTerm", block)
    return {
        "block": block,
        "block_time": now,
        "seat_count": int(count) if count is not None else len(seat_list),
        "max_term": int(max_term) if max_term is not None else None,
        "contest_window": int(window) if window is not None else None,
        "seats": seat_list,
        "admissions": admissions,
    }
