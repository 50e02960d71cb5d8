"""The API's answers about register v2 (admission policy, voting seniority, surges,
applications, committee, moves), built on the index's queries (dao/queries.py).

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


setting_at = queries.setting_at
seniority_at = queries.voting_seniority
voters = queries.voters
admissions_between = queries.admissions_between


def policy_at(session: Session, block: int) -> str | None:
    value = setting_at(session, "admissionPolicy", block)
    return None if value is None else POLICIES.get(value, value)


def block_time(session: Session, block: int) -> int | None:
    """The timestamp of an indexed block (range ends and blocks with events), if the index has it."""
    row = session.get(t.IndexedBlock, block)
    return None if row is None else row.timestamp


def register_summary(session: Session, block: int) -> dict[str, Any]:
    """The summary's register-v2 figures as of `block` (kept while the index stays there):
    admission policy, voting seniority, voters, and admissions in the last seniority window."""

    def compute(b: int) -> dict[str, Any]:
        window = seniority_at(session, b)
        return {
            "admission_policy": policy_at(session, b),
            "voting_seniority": window,
            "voters": voters(session, b).at(b),
            "admissions_in_window": admissions_between(session, b - window, b) if window else 0,
        }

    return queries._memoized(session, "register summary", block, compute)


def summary_surge(*, window: int, admitted: int, members: int, threshold: float) -> dict[str, Any]:
    share = admitted / members if members else 0.0
    return {
        "window_blocks": window,
        "admissions_in_window": admitted,
        "share_of_register": round(share, 6),
        "threshold": threshold,
        "warning": share > threshold,
    }


def proposal_surges(
    session: Session, snapshots: list[int], *, indexed: int, threshold: float
) -> list[dict[str, Any]]:
    """The surge of each proposal snapshot in `snapshots`, from one voter timeline and one
    seniority history (both kept per indexed block)."""
    timeline = voters(session, indexed)
    changes = queries.setting_changes(session, "votingSeniority", indexed)
    out = []
    for snapshot in snapshots:
        window = queries.value_at(changes, min(snapshot, indexed), 0)
        at_snapshot = timeline.at(snapshot)
        before = timeline.at(snapshot - window) if snapshot - window >= 0 else 0
        growth = None if before == 0 else (at_snapshot - before) / before
        out.append(
            {
                "window_blocks": window,
                "voters_at_snapshot": at_snapshot,
                "voters_before": before,
                "before_block": max(0, snapshot - window),
                "growth": None if growth is None else round(growth, 6),
                "threshold": threshold,
                "warning": growth is not None and growth > threshold,
            }
        )
    return out


def pending_applications(session: Session, block: int) -> list[dict[str, Any]]:
    """Open applications as of `block`, oldest first: account, shares, amount, applied block,
    age in blocks and (when the index knows both blocks' times) in seconds."""
    now = block_time(session, block)
    out = []
    for p in queries.pending_applications(session, block):
        then = block_time(session, p.applied_block)
        out.append(
            {
                "account": p.account,
                "shares": p.shares,
                "amount": str(p.amount),
                "applied_block": p.applied_block,
                "tx_hash": p.tx_hash,
                "age_blocks": p.age_blocks,
                "age_seconds": None if now is None or then is None else now - then,
            }
        )
    return out


def voters_due(session: Session, block: int) -> list[str]:
    """Accounts that enfranchise() would make voters in the block after `block`."""
    return queries.enfranchisable(session, block=block + 1, seniority=seniority_at(session, block))


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
    states = {r.account: r for r in queries.register_at(session, block)}
    seats = queries.committee_seats(session, block)
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
