"""Reconciliation of the index with the contracts' own view calls, at one block.

Each check compares what the database says (rows at or below the block) with what the chain
says (eth_call at that block) and lists the first differences, naming the row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from web3 import Web3

from dao import queries
from dao import tables as t
from dao.contracts import Deployment
from dao.indexer import register_at
from dao.queries import STATE_NAMES

ZERO_ADDRESS = "0x" + "0" * 40

STATUS_CODES = {"none": 0, "pending": 1, "active": 2, "suspended": 3, "expelled": 4, "moved": 5}


@dataclass
class Check:
    name: str
    compared: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def summary(self) -> str:
        if self.ok:
            return f"{self.compared} compared, all equal"
        return f"{len(self.differences)} of {self.compared} differ"

    def compare(self, what: str, db: Any, chain: Any) -> None:
        self.compared += 1
        if db != chain:
            self.differences.append(f"{what}: database {db!r}, chain {chain!r}")


@dataclass
class AuditReport:
    block: int
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def run_audit(
    *, w3: Web3, engine: Engine, deployment: Deployment, block: int | None = None
) -> AuditReport:
    with Session(engine) as session:
        cursor = session.get(t.Cursor, 1)
        if cursor is None:
            empty = Check("index exists")
            empty.compare("indexed blocks", "none", "run `coop index` first")
            return AuditReport(block or 0, [empty])
        indexed = cursor.block_number
        at = indexed if block is None else block
        if at > indexed:
            missing = Check("index covers the block")
            missing.compare("indexed up to block", indexed, f">= {at}")
            return AuditReport(at, [missing])
        return AuditReport(at, _Auditor(w3, session, deployment, at).run())


class _Auditor:
    def __init__(self, w3: Web3, session: Session, deployment: Deployment, block: int) -> None:
        self.w3 = w3
        self.s = session
        self.d = deployment
        self.block = block
        self.membership = deployment.contract(w3, "membership")
        self.governor = deployment.contract(w3, "governor")
        self.rewards = deployment.contract(w3, "rewards")
        self.committee = deployment.contract(w3, "committee")

    def call(self, fn: Any) -> Any:
        return fn.call(block_identifier=self.block)

    def run(self) -> list[Check]:
        register = register_at(self.s, self.block)
        return [
            self.members(register),
            self.totals(register),
            self.holders(register),
            self.committee_seats(),
            self.balances(register),
            self.proposals(),
            self.rewards_check(register),
        ]

    # ------------------------------------------------------------ membership

    def members(self, register: list[t.MemberState]) -> Check:
        c = Check("members and shares")
        m = self.membership.functions
        for row in register:
            # (status, index, shares, capital, joinedAt, suspendedUntil, warnings, votesFrom)
            view = self.call(m.member(row.account))
            status, index, shares, capital = view[0], view[1], view[2], view[3]
            label = f"member {row.account} (member_state row {row.id})"
            c.compare(f"{label} status", STATUS_CODES[row.status], status)
            c.compare(f"{label} shares", row.shares, shares)
            c.compare(f"{label} capital", row.capital, capital)
            c.compare(f"{label} index", row.member_index, index)
            c.compare(f"{label} votes from", row.votes_from, view[7])
            c.compare(f"{label} admitted at (joinedAt)", row.admitted_at, view[4])
            c.compare(f"{label} votes", row.votes, self.call(m.getVotes(row.account)))
            c.compare(f"{label} refund owed", row.refund_owed, self.call(m.refund(row.account))[0])
        return c

    def totals(self, register: list[t.MemberState]) -> Check:
        c = Check("member count and totals")
        m = self.membership.functions
        c.compare(
            "active members",
            sum(1 for r in register if r.status == "active"),
            self.call(m.memberCount()),
        )
        c.compare(
            "voters",
            sum(1 for r in register if r.status == "active" and r.votes),
            self.call(m.voterCount()),
        )
        c.compare("total shares", sum(r.shares for r in register), self.call(m.totalShares()))
        c.compare("total capital", sum(r.capital for r in register), self.call(m.totalCapital()))
        held, owed = self.call(m.liabilities())
        c.compare("refunds owed", sum(r.refund_owed for r in register), owed)
        c.compare("held for applications", self._held_for_applications(register), held)
        return c

    def holders(self, register: list[t.MemberState]) -> Check:
        """Each member index is held by one account: the latest one the index gave it to."""
        c = Check("member numbers and their accounts")
        m = self.membership.functions
        holder: dict[int, t.MemberState] = {}
        for row in register:
            if row.member_index:
                latest = holder.get(row.member_index)
                if latest is None or (row.block_number, row.log_index) > (
                    latest.block_number,
                    latest.log_index,
                ):
                    holder[row.member_index] = row
        for index, row in sorted(holder.items()):
            c.compare(
                f"member number {index} account (member_state row {row.id})",
                row.account,
                self.call(m.accountOf(index)),
            )
        return c

    def committee_seats(self) -> Check:
        c = Check("committee seats")
        f = self.committee.functions
        latest = queries.committee_seats(self.s, self.block)
        seats = self.call(f.seatCount())
        c.compare("seat count", queries.committee_seat_count(self.s, self.block, seats), seats)
        for seat in range(max([seats, *[n + 1 for n in latest]])):
            row = latest.get(seat)
            db = (
                (row.holder, row.term_end)
                if row is not None and row.kind == "filled"
                else (ZERO_ADDRESS, 0)
            )
            label = f"seat {seat}" + (f" (committee_seat_event row {row.id})" if row else "")
            chain_seat = self.call(f.seat(seat))
            c.compare(f"{label} holder and term end", db, (chain_seat[0], chain_seat[1]))
        return c

    def _held_for_applications(self, register: list[t.MemberState]) -> int:
        pending = {r.account for r in register if r.status == "pending"}
        held = 0
        for account in pending:
            applied = self.s.exec(
                select(t.ShareMovement)
                .where(
                    t.ShareMovement.account == account,
                    t.ShareMovement.kind == "applied",
                    t.ShareMovement.block_number <= self.block,
                )
                .order_by(
                    col(t.ShareMovement.block_number).desc(), col(t.ShareMovement.log_index).desc()
                )
            ).first()
            held += applied.amount if applied else 0
        return held

    def balances(self, register: list[t.MemberState]) -> Check:
        c = Check("treasury, capital and reserve balances")
        held = self._held_for_applications(register)
        db_capital = sum(r.capital for r in register) + held + sum(r.refund_owed for r in register)
        c.compare(
            "membership contract balance (capital + applications + refunds)",
            db_capital,
            self.w3.eth.get_balance(self.d.addresses["membership"], block_identifier=self.block),
        )
        reserve = self._db_reserve()
        c.compare("reserve", reserve, self.call(self.rewards.functions.reserve()))
        outstanding = 0
        for alloc in self._allocations():
            claimed = self._claimed(alloc.period_id)
            if not self._swept(alloc.period_id):
                outstanding += alloc.interest_pool + alloc.patronage_pool - claimed
        c.compare(
            "rewards contract balance (reserve + unclaimed pools)",
            reserve + outstanding,
            self.w3.eth.get_balance(self.d.addresses["rewards"], block_identifier=self.block),
        )
        paid_out = sum(
            r.value
            for r in self.s.exec(
                select(t.TreasuryMovement).where(t.TreasuryMovement.block_number <= self.block)
            )
        )
        c.compare("treasury payments out are all indexed (non-negative total)", paid_out >= 0, True)
        return c

    def _db_reserve(self) -> int:
        total = 0
        for r in self.s.exec(
            select(t.ReserveMovement).where(t.ReserveMovement.block_number <= self.block)
        ):
            total += -r.amount if r.kind == "release" else r.amount
        return total

    def _allocations(self) -> list[t.Allocation]:
        return list(
            self.s.exec(select(t.Allocation).where(t.Allocation.block_number <= self.block))
        )

    def _claimed(self, period_id: int) -> int:
        return sum(
            c.amount
            for c in self.s.exec(
                select(t.Claim).where(
                    t.Claim.period_id == period_id, t.Claim.block_number <= self.block
                )
            )
        )

    def _swept(self, period_id: int) -> bool:
        return (
            self.s.exec(
                select(t.ReserveMovement).where(
                    t.ReserveMovement.kind == "sweep",
                    t.ReserveMovement.period_id == period_id,
                    t.ReserveMovement.block_number <= self.block,
                )
            ).first()
            is not None
        )

    # ------------------------------------------------------------ governance

    def proposals(self) -> Check:
        c = Check("proposal states and tallies")
        g = self.governor.functions
        default_quorum = int(self.d.params.get("quorum_percent", 0))
        for view in queries.proposals(self.s, block=self.block, default_quorum=default_quorum):
            p = view.proposal
            pid = int(p.proposal_id)
            label = f"proposal {p.proposal_id[:12]}... (proposal row {p.id})"
            c.compare(
                f"{label} tally against/for/abstain",
                view.tally,
                list(self.call(g.proposalVotes(pid))),
            )
            c.compare(f"{label} state", view.state, STATE_NAMES[self.call(g.state(pid))])
        return c

    # ------------------------------------------------------------ rewards

    def rewards_check(self, register: list[t.MemberState]) -> Check:
        c = Check("claimed and claimable rewards")
        r = self.rewards.functions
        timestamp = self.w3.eth.get_block(self.block)["timestamp"]
        for alloc in self._allocations():
            pid = alloc.period_id
            chain_alloc = self.call(r.allocation(pid))
            claimed = self._claimed(pid)
            c.compare(
                f"period {pid} claimed total (allocation row {alloc.id})", claimed, chain_alloc[4]
            )
            c.compare(f"period {pid} funded", alloc.funded, chain_alloc[0])
            closed = self.s.exec(
                select(t.PeriodEvent).where(
                    t.PeriodEvent.period_id == pid, t.PeriodEvent.kind == "closed"
                )
            ).first()
            if closed is None:
                c.compare(f"period {pid} closed event indexed", False, True)
                continue
            capital = {row.account: row.capital for row in register_at(self.s, closed.snapshot)}
            points: dict[str, int] = {}
            for row in self.s.exec(select(t.Points).where(t.Points.period_id == pid)):
                points[row.account] = row.account_points
            claimers = {
                cl.account
                for cl in self.s.exec(
                    select(t.Claim).where(
                        t.Claim.period_id == pid, t.Claim.block_number <= self.block
                    )
                )
            }
            open_ = not self._swept(pid) and timestamp <= alloc.deadline
            for account in sorted(set(capital) | set(points)):
                owed = 0
                if open_ and account not in claimers:
                    if alloc.interest_pool and alloc.total_capital:
                        owed += alloc.interest_pool * capital.get(account, 0) // alloc.total_capital
                    if alloc.patronage_pool and closed.value:
                        owed += alloc.patronage_pool * points.get(account, 0) // closed.value
                c.compare(
                    f"period {pid} claimable by {account}",
                    owed,
                    sum(self.call(r.claimable(pid, account))),
                )
                c.compare(
                    f"period {pid} has {account} claimed",
                    account in claimers,
                    self.call(r.hasClaimed(pid, account)),
                )
        return c
