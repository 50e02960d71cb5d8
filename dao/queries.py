"""Read-side queries over the index, shared by the API, the audit and the CLI."""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
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


# ------------------------------------------------------------ derived data, kept per index state
#
# Some answers need the whole index: the quorum of a proposal needs the number of active members
# at its snapshot, a proposal list needs every proposal's tally. The index only changes when the
# indexer commits a range, and it commits the cursor (last block and its hash) in the same
# transaction, so such data derived as of the cursor stays valid until the cursor moves (to a new
# block, or back after a reorganisation). It is computed once per cursor and engine, under a lock
# (concurrent requests wait for one computation instead of repeating it), and kept in memory.
# A row edited by hand, behind the indexer's back, shows in these answers from the next indexed
# block on (the audit, a process of its own, reads the tables afresh).


class _Memo:
    def __init__(self) -> None:
        self.lock = threading.RLock()  # a computation may use another memoized value
        self.key: tuple[int, str] | None = None
        self.values: dict[Any, Any] = {}


_memos: weakref.WeakKeyDictionary[Any, _Memo] = weakref.WeakKeyDictionary()
_memos_lock = threading.Lock()


def _cursor(session: Session) -> tuple[int, str] | None:
    # read once per session, like indexed_block (the session keeps the row)
    c = session.get(t.Cursor, 1)
    return None if c is None else (c.block_number, c.block_hash)


def _memoized(session: Session, name: Any, block: int, compute: Callable[[int], Any]) -> Any:
    """`compute(block)`, kept while the index's cursor stays where it is, when `block` is the
    cursor's block; computed afresh for any other block."""
    key = _cursor(session)
    if key is None or key[0] != block:
        return compute(block)
    engine = session.get_bind()
    with _memos_lock:
        memo = _memos.get(engine)
        if memo is None:
            memo = _memos[engine] = _Memo()
    with memo.lock:
        if memo.key != key:
            memo.key, memo.values = key, {}
        if name not in memo.values:
            memo.values[name] = compute(block)
        return memo.values[name]


@dataclass(frozen=True)
class ActiveMembers:
    """How many members were active after each block in which some membership changed."""

    blocks: list[int]
    counts: list[int]

    def at(self, block: int) -> int:
        i = bisect_right(self.blocks, block)
        return self.counts[i - 1] if i else 0


def _active_members(session: Session, block: int, *, voters: bool = False) -> ActiveMembers:
    """One pass over the membership rows in chain order (the latest row of each account is its
    state, as in register_at); with `voters`, only the active members who vote count."""
    active: set[str] = set()
    blocks: list[int] = []
    counts: list[int] = []
    rows = session.exec(
        select(
            t.MemberState.account,
            t.MemberState.status,
            t.MemberState.block_number,
            t.MemberState.votes,
        )
        .where(t.MemberState.block_number <= block)
        .order_by(col(t.MemberState.block_number), col(t.MemberState.log_index))
    )
    for account, status, number, votes in rows:
        if status == "active" and (votes or not voters):
            active.add(account)
        else:
            active.discard(account)
        if blocks and blocks[-1] == number:
            counts[-1] = len(active)
        else:
            blocks.append(number)
            counts.append(len(active))
    return ActiveMembers(blocks, counts)


def active_members(session: Session, block: int | None = None) -> ActiveMembers:
    """Active members as a function of the block, up to `block` (default: the indexed block)."""
    if block is None:
        block = indexed_block(session)
        if block is None:
            return ActiveMembers([], [])
    return _memoized(session, "active members", block, lambda b: _active_members(session, b))


def voters(session: Session, block: int | None = None) -> ActiveMembers:
    """Voters (active members with a vote: the governor's electorate, IVotes' total supply) as
    a function of the block, up to `block` (default: the indexed block)."""
    if block is None:
        block = indexed_block(session)
        if block is None:
            return ActiveMembers([], [])
    return _memoized(session, "voters", block, lambda b: _active_members(session, b, voters=True))


def _setting_changes(session: Session, name: str, block: int) -> list[tuple[int, int]]:
    return [
        (c.block_number, int(c.new_value))
        for c in session.exec(
            select(t.SettingChange)
            .where(t.SettingChange.name == name, t.SettingChange.block_number <= block)
            .order_by(col(t.SettingChange.block_number), col(t.SettingChange.log_index))
        )
    ]


def setting_changes(session: Session, name: str, block: int) -> list[tuple[int, int]]:
    """(block, new value) of every change of an integer setting up to `block`, in chain order."""
    return _memoized(
        session, ("setting changes", name), block, lambda b: _setting_changes(session, name, b)
    )


def _quorum(members: int, numerator: int) -> int:
    return max(1, -(-members * numerator // 100))


def quorum_numerators(session: Session, block: int) -> list[tuple[int, int]]:
    """(block, new numerator) of every quorum change up to `block`, in chain order."""
    return setting_changes(session, "quorumNumerator", block)


def value_at(changes: list[tuple[int, int]], block: int, default: int) -> int:
    """The value in force at `block`, from a setting's (block, new value) changes."""
    i = bisect_right([n for n, _ in changes], block)
    return changes[i - 1][1] if i else default


def quorum_at(session: Session, snapshot: int, default_numerator: int) -> int:
    latest = indexed_block(session)
    if latest is None or snapshot > latest:
        members = sum(1 for r in register_at(session, snapshot) if r.status == "active" and r.votes)
        numerators = _setting_changes(session, "quorumNumerator", snapshot)
        return _quorum(members, value_at(numerators, snapshot, default_numerator))
    members = voters(session, latest).at(snapshot)
    numerator = value_at(quorum_numerators(session, latest), snapshot, default_numerator)
    return _quorum(members, numerator)


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


def proposal_tally(session: Session, proposal_id: str, block: int | None = None) -> list[int]:
    """Against, for and abstain votes of one proposal (as of `block`)."""
    q = (
        select(t.Vote.support, func.sum(t.Vote.weight))
        .where(t.Vote.proposal_id == proposal_id)
        .group_by(t.Vote.support)
    )
    if block is not None:
        q = q.where(t.Vote.block_number <= block)
    out = [0, 0, 0]
    for support, weight in session.exec(q):
        out[support] = int(weight)
    return out


def _state(p: t.Proposal, events: dict[str, Any], block: int, votes: list[int], quorum: int) -> str:
    if "executed" in events:
        return "Executed"
    if "canceled" in events:
        return "Canceled"
    if "queued" in events:
        return "Queued"
    if p.vote_start >= block:
        return "Pending"
    if p.vote_end >= block:
        return "Active"
    against, for_, abstain = votes
    return "Succeeded" if for_ + abstain >= quorum and for_ > against else "Defeated"


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
        tally = proposal_tally(session, p.proposal_id, block)
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
    return ProposalView(p, _state(p, events, block, tally, quorum), list(tally), quorum, events)


def _proposals(session: Session, block: int, default_quorum: int) -> list[ProposalView]:
    """Every proposal's view in three queries (plus the active-member timeline)."""
    all_tallies = tallies(session, block)
    events: dict[str, dict[str, t.ProposalEvent]] = defaultdict(dict)
    loaded: list[Any] = []
    for e in session.exec(select(t.ProposalEvent).where(t.ProposalEvent.block_number <= block)):
        events[e.proposal_id][e.kind] = e
        loaded.append(e)
    rows = session.exec(
        select(t.Proposal)
        .where(t.Proposal.block_number <= block)
        .order_by(col(t.Proposal.block_number).desc())
    ).all()
    loaded += rows
    members = voters(session, block)
    numerators = quorum_numerators(session, block)
    views = []
    for p in rows:
        votes = all_tallies.get(p.proposal_id, [0, 0, 0])
        evs = events.get(p.proposal_id, {})
        quorum = 0
        if p.vote_start < block:
            numerator = value_at(numerators, p.vote_start, default_quorum)
            quorum = _quorum(members.at(p.vote_start), numerator)
        views.append(
            ProposalView(p, _state(p, evs, block, votes, quorum), list(votes), quorum, evs)
        )
    # the views outlive this session (they are kept per cursor): detach their rows from it
    for row in loaded:
        session.expunge(row)
    return views


def proposals(session: Session, *, block: int, default_quorum: int) -> list[ProposalView]:
    """Every proposal as of `block`, newest first (kept per cursor when `block` is the indexed
    block: do not modify the views)."""
    return list(
        _memoized(
            session,
            ("proposals", default_quorum),
            block,
            lambda b: _proposals(session, b, default_quorum),
        )
    )


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
    return dict(
        _memoized(
            session,
            ("summary", default_quorum),
            block,
            lambda b: _summary(session, b, default_quorum),
        )
    )


def _summary(session: Session, block: int, default_quorum: int) -> dict[str, Any]:
    latest: dict[str, tuple[str, int, int]] = {}
    for account, status, shares, capital in session.exec(
        select(
            t.MemberState.account,
            t.MemberState.status,
            t.MemberState.shares,
            t.MemberState.capital,
        )
        .where(t.MemberState.block_number <= block)
        .order_by(col(t.MemberState.block_number), col(t.MemberState.log_index))
    ):
        latest[account] = (status, shares, capital)
    register = latest.values()
    open_ = [
        v
        for v in proposals(session, block=block, default_quorum=default_quorum)
        if v.state in ("Pending", "Active")
    ]
    paid = select(t.TreasuryMovement.value).where(t.TreasuryMovement.block_number <= block)
    return {
        "indexed_block": block,
        "members": sum(1 for status, _, _ in register if status == "active"),
        "suspended": sum(1 for status, _, _ in register if status == "suspended"),
        "pending_applications": sum(1 for status, _, _ in register if status == "pending"),
        "capital": sum(capital for _, _, capital in register),
        "shares": sum(shares for _, shares, _ in register),
        "reserve": reserve(session, block),
        "open_proposals": len(open_),
        "treasury_paid_out": sum(session.exec(paid)),
    }


# ------------------------------------------------------------ register v2: admissions, people


def latest_state(session: Session, account: str) -> Any:
    """The account's latest member_state row (a plain row: attribute access, no ORM object),
    or None if the index has none."""
    ms = t.MemberState.__table__  # type: ignore[attr-defined]
    return session.execute(
        select(ms)
        .where(ms.c.account == account)
        .order_by(ms.c.block_number.desc(), ms.c.log_index.desc())
        .limit(1)
    ).first()


def member_history(session: Session, index: int) -> list[t.MemberState]:
    """One person's membership across addresses: every member_state row of every account that
    held member number `index` (through moves and recoveries), in chain order. The rows of an
    account from before it held the number (an application) and after it gave it up (the
    "moved" row) are included, so the history reads from application to today."""
    accounts = set(
        session.exec(
            select(t.MemberState.account).where(t.MemberState.member_index == index).distinct()
        )
    )
    for move in session.exec(
        select(t.MembershipMove).where(t.MembershipMove.member_index == index)
    ):
        accounts.update((move.from_account, move.to_account))
    if not accounts:
        return []
    return list(
        session.exec(
            select(t.MemberState)
            .where(col(t.MemberState.account).in_(sorted(accounts)))
            .order_by(
                col(t.MemberState.block_number),
                col(t.MemberState.log_index),
                col(t.MemberState.id),
            )
        )
    )


@dataclass(frozen=True)
class PendingApplication:
    account: str
    shares: int
    amount: int
    applied_block: int
    age_blocks: int
    tx_hash: str


def pending_applications(session: Session, block: int | None = None) -> list[PendingApplication]:
    """Applications waiting for a decision as of `block` (default: the indexed block): accounts
    whose latest status is "pending", oldest first, with their latest application."""
    if block is None:
        block = indexed_block(session) or 0
    pending = {r.account for r in register_at(session, block) if r.status == "pending"}
    if not pending:
        return []
    latest: dict[str, t.ShareMovement] = {}
    for row in session.exec(
        select(t.ShareMovement)
        .where(
            col(t.ShareMovement.account).in_(sorted(pending)),
            t.ShareMovement.kind == "applied",
            t.ShareMovement.block_number <= block,
        )
        .order_by(col(t.ShareMovement.block_number), col(t.ShareMovement.log_index))
    ):
        latest[row.account] = row
    out = [
        PendingApplication(a, r.shares, r.amount, r.block_number, block - r.block_number, r.tx_hash)
        for a, r in latest.items()
    ]
    return sorted(out, key=lambda p: (p.applied_block, p.account))


def admissions_between(session: Session, after: int, upto: int) -> int:
    """Admissions (MemberJoined: by the policy, a vote, the committee, or a rejoin) in the
    blocks (after, upto]."""
    return int(
        session.exec(
            select(func.count())
            .select_from(t.MemberState)
            .where(
                t.MemberState.event == "MemberJoined",
                t.MemberState.block_number > after,
                t.MemberState.block_number <= upto,
            )
        ).one()
    )


def voting_seniority(session: Session, block: int, default: int = 0) -> int:
    """The register's votingSeniority (blocks) as of `block`: its latest change, else
    `default` (the deployment's parameter)."""
    return _latest_setting(session, "votingSeniority", block, default)


def committee_seat_count(session: Session, block: int, default: int = 0) -> int:
    """The committee's seat count as of `block`."""
    return _latest_setting(session, "committeeSeats", block, default)


def setting_at(session: Session, name: str, block: int) -> str | None:
    """The value of a setting (by its SettingChange name) as of `block`, or None if never set."""
    return session.exec(
        select(t.SettingChange.new_value)
        .where(t.SettingChange.name == name, t.SettingChange.block_number <= block)
        .order_by(col(t.SettingChange.block_number).desc(), col(t.SettingChange.log_index).desc())
        .limit(1)
    ).first()


def _latest_setting(session: Session, name: str, block: int, default: int) -> int:
    value = setting_at(session, name, block)
    return default if value is None else int(value)


def committee_seats(session: Session, block: int | None = None) -> dict[int, t.CommitteeSeatEvent]:
    """The latest event of each committee seat as of `block` (a "vacated" one: an empty seat)."""
    q = select(t.CommitteeSeatEvent)
    if block is not None:
        q = q.where(t.CommitteeSeatEvent.block_number <= block)
    latest: dict[int, t.CommitteeSeatEvent] = {}
    for row in session.exec(
        q.order_by(col(t.CommitteeSeatEvent.block_number), col(t.CommitteeSeatEvent.log_index))
    ):
        latest[row.seat] = row
    return latest


def enfranchisable(session: Session, *, block: int, seniority: int) -> list[str]:
    """Active members not voting yet whose admission is at least `seniority` blocks old as of
    `block`: the candidates for `enfranchise` (the contract has the last word)."""
    return [
        r.account
        for r in register_at(session, block)
        if r.status == "active" and r.votes_from == 0 and r.admitted_at + seniority <= block
    ]
