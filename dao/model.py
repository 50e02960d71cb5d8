"""A pure-Python reference model of the member register and the rewards contract.

It mirrors ``contracts/CoopMembership.sol`` and ``contracts/CoopRewards.sol`` (ETH as the share
currency) operation by operation, with the same integer math and the same order of checks: every
operation either applies, or raises :class:`ModelRevert` naming the custom error (and its
arguments) the contract reverts with, leaving the model unchanged. The stateful tests use it as the
oracle; nothing here talks to a chain.

Time is passed in explicitly: ``now`` is the block timestamp and ``block`` the block number
(``clock()``) of the transaction being modelled. Capital and voting history is kept per block,
like the contracts' checkpoints, so that snapshots (a period's close, a proposal's snapshot) are
answered exactly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import IntEnum

BPS = 10_000
DAY = 24 * 3600
MAX_NOTICE = 5 * 365 * DAY
MIN_CLAIM_WINDOW = DAY
MAX_CLAIM_WINDOW = 10 * 365 * DAY
UINT128_MAX = 2**128 - 1
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"

Arg = int | str


class Status(IntEnum):
    NONE = 0
    PENDING = 1
    ACTIVE = 2
    SUSPENDED = 3
    EXPELLED = 4


class AdmissionPolicy(IntEnum):
    OPEN = 0
    APPROVAL = 1


class ModelRevert(Exception):
    """The modelled call reverts with the custom error ``error(*params)``."""

    def __init__(self, error: str, *params: Arg) -> None:
        self.error = error
        self.params: tuple[Arg, ...] = params
        super().__init__(f"{error}({', '.join(str(p) for p in params)})")

    def message(self) -> str:
        """The revert string as Brownie renders a decoded custom error: ``Name: a, b``."""
        return f"{self.error}: " + ", ".join(
            str(int(p)) if isinstance(p, int) else str(p) for p in self.params
        )


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


# ==================================================================== membership


@dataclass
class AccountCheckpoint:
    clock: int
    capital: int
    active: bool


@dataclass
class TotalsCheckpoint:
    clock: int
    capital: int
    active: int


@dataclass
class MemberRecord:
    status: Status = Status.NONE
    index: int = 0
    shares: int = 0
    joined_at: int = 0
    suspended_until: int = 0
    warnings: int = 0
    history: list[AccountCheckpoint] = field(default_factory=list)

    @property
    def capital(self) -> int:
        return self.history[-1].capital if self.history else 0

    def at(self, clock: int) -> AccountCheckpoint:
        """The latest checkpoint at or before ``clock`` (zero before the first one)."""
        for cp in reversed(self.history):
            if cp.clock <= clock:
                return cp
        return AccountCheckpoint(0, 0, False)


@dataclass
class Application:
    shares: int
    amount: int


@dataclass
class Refund:
    amount: int = 0
    available_at: int = 0


@dataclass
class MemberView:
    """What ``CoopMembership.member(account)`` returns."""

    status: Status
    index: int
    shares: int
    capital: int
    joined_at: int
    suspended_until: int
    warnings: int

    def as_tuple(self) -> tuple[int, int, int, int, int, int, int]:
        return (
            int(self.status),
            self.index,
            self.shares,
            self.capital,
            self.joined_at,
            self.suspended_until,
            self.warnings,
        )


@dataclass
class MembershipModel:
    governance: str
    share_price: int
    share_cap: int
    policy: AdmissionPolicy = AdmissionPolicy.OPEN
    redemption_notice: int = 30 * DAY
    members: dict[str, MemberRecord] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    totals: list[TotalsCheckpoint] = field(default_factory=list)
    last_index: int = 0
    total_shares: int = 0
    held_for_applications: int = 0
    owed_refunds: int = 0
    balance: int = 0  # ETH the contract should hold

    def __post_init__(self) -> None:
        self._check_price(self.share_price)
        self._check_cap(self.share_cap)
        self._check_notice(self.redemption_notice)

    # ------------------------------------------------------------ views

    def member(self, account: str) -> MemberRecord:
        """The record of ``account`` (an empty one, not stored, if it never interacted)."""
        return self.members.get(account, MemberRecord())

    def member_view(self, account: str) -> MemberView:
        m = self.member(account)
        return MemberView(
            m.status, m.index, m.shares, m.capital, m.joined_at, m.suspended_until, m.warnings
        )

    @property
    def member_count(self) -> int:
        return self.totals[-1].active if self.totals else 0

    @property
    def total_capital(self) -> int:
        return self.totals[-1].capital if self.totals else 0

    def votes(self, account: str) -> int:
        return 1 if self.member(account).status == Status.ACTIVE else 0

    def refund(self, account: str) -> tuple[int, int]:
        r = self.refunds.get(account, Refund())
        return r.amount, r.available_at

    def application(self, account: str) -> tuple[int, int]:
        a = self.applications.get(account)
        return (a.shares, a.amount) if a else (0, 0)

    def liabilities(self) -> tuple[int, int]:
        return self.held_for_applications, self.owed_refunds

    def past_capital(self, account: str, clock: int) -> int:
        return self.member(account).at(clock).capital

    def past_votes(self, account: str, clock: int) -> int:
        return 1 if self.member(account).at(clock).active else 0

    def _totals_at(self, clock: int) -> TotalsCheckpoint:
        for cp in reversed(self.totals):
            if cp.clock <= clock:
                return cp
        return TotalsCheckpoint(0, 0, 0)

    def past_total_capital(self, clock: int) -> int:
        return self._totals_at(clock).capital

    def past_total_supply(self, clock: int) -> int:
        return self._totals_at(clock).active

    # ------------------------------------------------------------ members

    def join(self, account: str, shares: int, value: int, *, now: int, block: int) -> Status:
        """Returns the new status: Active (admitted at once) or Pending (an application)."""
        if shares == 0:
            raise ModelRevert("MembershipZeroShares")
        m = self.member(account)
        if m.status == Status.EXPELLED:
            raise ModelRevert("MembershipExpelledAccount", account)
        if m.status != Status.NONE:
            raise ModelRevert("MembershipAlreadyMember", account, m.status)
        if shares > self.share_cap:
            raise ModelRevert("MembershipShareCapExceeded", account, shares, self.share_cap)
        amount = shares * self.share_price
        self._collect(amount, value)
        m = self.members.setdefault(account, m)
        if (
            self.policy == AdmissionPolicy.OPEN or self.last_index == 0
        ):  # founder: nobody ever admitted
            self._activate(account, m, shares, amount, block)
        else:
            m.status = Status.PENDING
            self.applications[account] = Application(shares, amount)
            self.held_for_applications += amount
        return m.status

    def withdraw_application(self, account: str, *, now: int) -> int:
        return self._close_application(account, now)

    def buy_shares(self, account: str, shares: int, value: int, *, block: int) -> None:
        if shares == 0:
            raise ModelRevert("MembershipZeroShares")
        m = self.member(account)
        if m.status != Status.ACTIVE:
            raise ModelRevert("MembershipNotActive", account, m.status)
        held = m.shares + shares
        if held > self.share_cap:
            raise ModelRevert("MembershipShareCapExceeded", account, held, self.share_cap)
        amount = shares * self.share_price
        self._collect(amount, value)
        capital = m.capital + amount
        m.shares = held
        self.total_shares += shares
        self._write_account(m, capital, True, block)
        self._write_totals(amount, 0, block)

    def request_redemption(
        self, account: str, shares: int, *, now: int, block: int
    ) -> tuple[int, int]:
        """Returns (amount refunded, availableAt of the whole refund)."""
        if shares == 0:
            raise ModelRevert("MembershipZeroShares")
        m = self.member(account)
        if m.status not in (Status.ACTIVE, Status.SUSPENDED):
            raise ModelRevert("MembershipNotMember", account, m.status)
        held = m.shares
        if shares >= held:
            raise ModelRevert("MembershipRedemptionTooLarge", account, shares, held)
        capital = m.capital
        amount = capital * shares // held
        m.shares = held - shares
        self.total_shares -= shares
        self._write_account(m, capital - amount, m.status == Status.ACTIVE, block)
        self._write_totals(-amount, 0, block)
        return amount, self._credit(account, amount, now + self.redemption_notice)

    def leave(self, account: str, *, now: int, block: int) -> tuple[int, int, int]:
        """Returns (shares given back, amount refunded, availableAt)."""
        m = self.member(account)
        if m.status not in (Status.ACTIVE, Status.SUSPENDED):
            raise ModelRevert("MembershipNotMember", account, m.status)
        shares, amount = self._end(m, Status.NONE, block)
        return shares, amount, self._credit(account, amount, now + self.redemption_notice)

    def withdraw_refund(self, account: str, *, now: int) -> int:
        """Returns the amount paid out."""
        r = self.refunds.get(account, Refund())
        if r.amount == 0:
            raise ModelRevert("MembershipNothingToWithdraw", account)
        if now < r.available_at:
            raise ModelRevert("MembershipRefundLocked", account, r.available_at)
        del self.refunds[account]
        self.owed_refunds -= r.amount
        self.balance -= r.amount
        return r.amount

    def end_suspension(self, account: str, *, now: int, block: int) -> None:
        m = self.member(account)
        if m.status != Status.SUSPENDED:
            raise ModelRevert("MembershipNotSuspended", account, m.status)
        if now < m.suspended_until:
            raise ModelRevert("MembershipStillSuspended", account, m.suspended_until)
        self._reinstate(m, block)

    # ------------------------------------------------------------ governance

    def _only_governance(self, sender: str) -> None:
        if not _same(sender, self.governance):
            raise ModelRevert("MembershipUnauthorized", sender)

    def admit(self, sender: str, account: str, *, block: int) -> None:
        self._only_governance(sender)
        m = self.member(account)
        if m.status != Status.PENDING:
            raise ModelRevert("MembershipNotPending", account, m.status)
        a = self.applications.pop(account)
        self.held_for_applications -= a.amount
        self._activate(account, m, a.shares, a.amount, block)

    def reject(self, sender: str, account: str, *, now: int) -> int:
        self._only_governance(sender)
        return self._close_application(account, now)

    def warn(self, sender: str, account: str) -> int:
        self._only_governance(sender)
        m = self.member(account)
        if m.status not in (Status.ACTIVE, Status.SUSPENDED):
            raise ModelRevert("MembershipNotMember", account, m.status)
        m.warnings += 1
        return m.warnings

    def suspend(self, sender: str, account: str, until: int, *, now: int, block: int) -> None:
        self._only_governance(sender)
        if until <= now:
            raise ModelRevert("MembershipInvalidSuspension", until)
        m = self.member(account)
        if m.status == Status.ACTIVE:
            m.status = Status.SUSPENDED
            m.suspended_until = until
            self._write_account(m, m.capital, False, block)
            self._write_totals(0, -1, block)
        elif m.status == Status.SUSPENDED:
            m.suspended_until = until
        else:
            raise ModelRevert("MembershipNotMember", account, m.status)

    def reinstate(self, sender: str, account: str, *, block: int) -> None:
        self._only_governance(sender)
        m = self.member(account)
        if m.status != Status.SUSPENDED:
            raise ModelRevert("MembershipNotSuspended", account, m.status)
        self._reinstate(m, block)

    def expel(self, sender: str, account: str, *, now: int, block: int) -> tuple[int, int, int]:
        self._only_governance(sender)
        m = self.member(account)
        if m.status not in (Status.ACTIVE, Status.SUSPENDED):
            raise ModelRevert("MembershipNotMember", account, m.status)
        shares, amount = self._end(m, Status.EXPELLED, block)
        return shares, amount, self._credit(account, amount, now + self.redemption_notice)

    def set_share_price(self, sender: str, price: int) -> None:
        self._only_governance(sender)
        self._check_price(price)
        self.share_price = price

    def set_share_cap(self, sender: str, cap: int) -> None:
        self._only_governance(sender)
        self._check_cap(cap)
        self.share_cap = cap

    def set_admission_policy(self, sender: str, policy: AdmissionPolicy) -> None:
        self._only_governance(sender)
        self.policy = AdmissionPolicy(policy)

    def set_redemption_notice(self, sender: str, notice: int) -> None:
        self._only_governance(sender)
        self._check_notice(notice)
        self.redemption_notice = notice

    # ------------------------------------------------------------ internals

    @staticmethod
    def _check_price(price: int) -> None:
        if price == 0 or price > UINT128_MAX:
            raise ModelRevert("MembershipInvalidSharePrice", price)

    @staticmethod
    def _check_cap(cap: int) -> None:
        if cap == 0:
            raise ModelRevert("MembershipInvalidShareCap", cap)

    @staticmethod
    def _check_notice(notice: int) -> None:
        if notice > MAX_NOTICE:
            raise ModelRevert("MembershipInvalidNotice", notice)

    def _collect(self, amount: int, value: int) -> None:
        if value != amount:
            raise ModelRevert("MembershipWrongPayment", amount, value)
        self.balance += amount

    def _activate(
        self, account: str, m: MemberRecord, shares: int, amount: int, block: int
    ) -> None:
        self.members[account] = m
        if m.index == 0:
            self.last_index += 1
            m.index = self.last_index
        m.status = Status.ACTIVE
        m.shares = shares
        m.joined_at = block
        self.total_shares += shares
        self._write_account(m, amount, True, block)
        self._write_totals(amount, 1, block)

    def _end(self, m: MemberRecord, new_status: Status, block: int) -> tuple[int, int]:
        was_active = m.status == Status.ACTIVE
        shares, amount = m.shares, m.capital
        m.status = new_status
        m.shares = 0
        m.suspended_until = 0
        self.total_shares -= shares
        self._write_account(m, 0, False, block)
        self._write_totals(-amount, -1 if was_active else 0, block)
        return shares, amount

    def _reinstate(self, m: MemberRecord, block: int) -> None:
        m.status = Status.ACTIVE
        m.suspended_until = 0
        self._write_account(m, m.capital, True, block)
        self._write_totals(0, 1, block)

    def _close_application(self, account: str, now: int) -> int:
        m = self.member(account)
        if m.status != Status.PENDING:
            raise ModelRevert("MembershipNotPending", account, m.status)
        a = self.applications.pop(account)
        m.status = Status.NONE
        self.held_for_applications -= a.amount
        self._credit(account, a.amount, now)
        return a.amount

    def _credit(self, account: str, amount: int, available_at: int) -> int:
        """Adds to the refund of ``account``; the whole refund unlocks at the latest date."""
        r = self.refunds.get(account, Refund())
        unlock = max(available_at, r.available_at)
        if amount == 0:
            return unlock
        r.amount += amount
        r.available_at = unlock
        self.refunds[account] = r
        self.owed_refunds += amount
        return unlock

    @staticmethod
    def _write_account(m: MemberRecord, capital: int, active: bool, block: int) -> None:
        if m.history and m.history[-1].clock == block:
            m.history[-1] = AccountCheckpoint(block, capital, active)
        else:
            m.history.append(AccountCheckpoint(block, capital, active))

    def _write_totals(self, capital_delta: int, active_delta: int, block: int) -> None:
        cp = TotalsCheckpoint(
            block, self.total_capital + capital_delta, self.member_count + active_delta
        )
        assert cp.capital >= 0 and cp.active >= 0, "model totals went negative"
        if self.totals and self.totals[-1].clock == block:
            self.totals[-1] = cp
        else:
            self.totals.append(cp)


# ==================================================================== rewards


@dataclass
class PeriodRecord:
    opened_at: int
    points_budget: int
    snapshot: int = 0
    total_points: int = 0
    closed: bool = False
    points: dict[str, int] = field(default_factory=dict)

    def as_tuple(self) -> tuple[int, int, int, int, bool]:
        """As ``CoopRewards.period(id)`` returns it."""
        return (self.opened_at, self.snapshot, self.points_budget, self.total_points, self.closed)


@dataclass
class AllocationRecord:
    funded: int
    reserve: int
    interest_pool: int
    patronage_pool: int
    deadline: int
    total_capital: int
    claimed: int = 0
    swept: bool = False
    claimants: set[str] = field(default_factory=set)

    @property
    def unclaimed(self) -> int:
        """What is still owed to claimants (0 once swept)."""
        return 0 if self.swept else self.interest_pool + self.patronage_pool - self.claimed

    def as_tuple(self) -> tuple[int, int, int, int, int, int, bool, int]:
        """As ``CoopRewards.allocation(id)`` returns it."""
        return (
            self.funded,
            self.reserve,
            self.interest_pool,
            self.patronage_pool,
            self.claimed,
            self.deadline,
            self.swept,
            self.total_capital,
        )


@dataclass
class Claim:
    amount: int
    interest: int
    patronage: int


@dataclass
class RewardsModel:
    membership: MembershipModel
    min_reserve_bps: int
    interest_cap_bps: int
    treasurers: set[str] = field(default_factory=set)
    periods: dict[int, PeriodRecord] = field(default_factory=dict)
    allocations: dict[int, AllocationRecord] = field(default_factory=dict)
    period_count: int = 0
    reserve: int = 0
    balance: int = 0  # ETH the contract should hold

    def __post_init__(self) -> None:
        self._check_bps(self.min_reserve_bps)
        self._check_bps(self.interest_cap_bps)
        for t in self.treasurers:
            if _same(t, ZERO_ADDRESS):
                raise ModelRevert("RewardsZeroAddress")

    @property
    def governance(self) -> str:
        return self.membership.governance

    # ------------------------------------------------------------ views

    def is_treasurer(self, account: str) -> bool:
        return account in self.treasurers

    def period_view(self, period_id: int) -> tuple[int, int, int, int, bool]:
        p = self.periods.get(period_id)
        return p.as_tuple() if p else (0, 0, 0, 0, False)

    def allocation_view(self, period_id: int) -> tuple[int, int, int, int, int, int, bool, int]:
        a = self.allocations.get(period_id)
        return a.as_tuple() if a else (0, 0, 0, 0, 0, 0, False, 0)

    def points(self, period_id: int, account: str) -> int:
        p = self.periods.get(period_id)
        return p.points.get(account, 0) if p else 0

    def has_claimed(self, period_id: int, account: str) -> bool:
        a = self.allocations.get(period_id)
        return a is not None and account in a.claimants

    def claimable(self, period_id: int, account: str, *, now: int) -> tuple[int, int]:
        """(interest, patronage) that ``account`` could claim at time ``now``."""
        a = self.allocations.get(period_id)
        if a is None or a.swept or now > a.deadline:
            return 0, 0
        return self._owed(period_id, a, account)

    def unclaimed_pools(self) -> int:
        return sum(a.unclaimed for a in self.allocations.values())

    # ------------------------------------------------------------ governance

    def _only_governance(self, sender: str) -> None:
        if not _same(sender, self.governance):
            raise ModelRevert("RewardsUnauthorized", sender)

    def set_treasurer(self, sender: str, account: str, enabled: bool) -> None:
        self._only_governance(sender)
        if _same(account, ZERO_ADDRESS):
            raise ModelRevert("RewardsZeroAddress")
        if enabled:
            self.treasurers.add(account)
        else:
            self.treasurers.discard(account)

    def set_min_reserve(self, sender: str, bps: int) -> None:
        self._only_governance(sender)
        self._check_bps(bps)
        self.min_reserve_bps = bps

    def set_interest_cap(self, sender: str, bps: int) -> None:
        self._only_governance(sender)
        self._check_bps(bps)
        self.interest_cap_bps = bps

    def open_period(self, sender: str, points_budget: int, *, block: int) -> int:
        self._only_governance(sender)
        last = self.period_count
        if last != 0 and not self.periods[last].closed:
            raise ModelRevert("RewardsPeriodStillOpen", last)
        period_id = last + 1
        self.period_count = period_id
        self.periods[period_id] = PeriodRecord(opened_at=block, points_budget=points_budget)
        return period_id

    def set_period_budget(self, sender: str, period_id: int, points_budget: int) -> None:
        self._only_governance(sender)
        p = self._open_period(period_id)
        if points_budget < p.total_points:
            raise ModelRevert(
                "RewardsBudgetBelowRecorded", period_id, points_budget, p.total_points
            )
        p.points_budget = points_budget

    def allocate(
        self,
        sender: str,
        period_id: int,
        amount: int,
        reserve_bps: int,
        interest_rate_bps: int,
        claim_window: int,
        value: int,
        *,
        now: int,
    ) -> AllocationRecord:
        self._only_governance(sender)
        p = self.periods.get(period_id)
        if p is None:
            raise ModelRevert("RewardsUnknownPeriod", period_id)
        if not p.closed:
            raise ModelRevert("RewardsPeriodStillOpen", period_id)
        if period_id in self.allocations:
            raise ModelRevert("RewardsAlreadyAllocated", period_id)
        if amount == 0:
            raise ModelRevert("RewardsZeroAmount")
        if reserve_bps > BPS:
            raise ModelRevert("RewardsInvalidBps", reserve_bps)
        if reserve_bps < self.min_reserve_bps:
            raise ModelRevert("RewardsReserveBelowMinimum", reserve_bps, self.min_reserve_bps)
        if interest_rate_bps > self.interest_cap_bps:
            raise ModelRevert("RewardsInterestAboveCap", interest_rate_bps, self.interest_cap_bps)
        if claim_window < MIN_CLAIM_WINDOW or claim_window > MAX_CLAIM_WINDOW:
            raise ModelRevert("RewardsInvalidClaimWindow", claim_window)
        if value != amount:
            raise ModelRevert("RewardsWrongPayment", amount, value)

        # Reserves first, then limited interest on capital, then patronage refunds.
        to_reserve = amount * reserve_bps // BPS
        rest = amount - to_reserve
        total_capital = self.membership.past_total_capital(p.snapshot)
        interest_pool = min(total_capital * interest_rate_bps // BPS, rest)
        patronage_pool = rest - interest_pool
        if p.total_points == 0:
            to_reserve += patronage_pool  # nobody to refund: it all stays in the reserve
            patronage_pool = 0
        self.reserve += to_reserve
        self.balance += amount
        a = AllocationRecord(
            funded=amount,
            reserve=to_reserve,
            interest_pool=interest_pool,
            patronage_pool=patronage_pool,
            deadline=now + claim_window,
            total_capital=total_capital,
        )
        self.allocations[period_id] = a
        return a

    def release_reserve(self, sender: str, to: str, amount: int) -> None:
        self._only_governance(sender)
        if _same(to, ZERO_ADDRESS):
            raise ModelRevert("RewardsZeroAddress")
        if amount > self.reserve:
            raise ModelRevert("RewardsInsufficientReserve", amount, self.reserve)
        self.reserve -= amount
        self.balance -= amount

    # ------------------------------------------------------------ treasurers

    def record_points(
        self, sender: str, period_id: int, accounts: list[str], points: list[int]
    ) -> None:
        if sender not in self.treasurers:
            raise ModelRevert("RewardsNotTreasurer", sender)
        if len(accounts) != len(points):
            raise ModelRevert("RewardsLengthMismatch", len(accounts), len(points))
        p = self._open_period(period_id)
        total = p.total_points
        ledger = dict(p.points)  # committed only if the whole call succeeds
        for account, n in zip(accounts, points, strict=True):
            if _same(account, ZERO_ADDRESS):
                raise ModelRevert("RewardsZeroAddress")
            ledger[account] = ledger.get(account, 0) + n
            total += n
        if total > p.points_budget:
            raise ModelRevert("RewardsBudgetExceeded", period_id, total, p.points_budget)
        p.points = ledger
        p.total_points = total

    def close_period(self, sender: str, period_id: int, *, block: int) -> int:
        """Returns the snapshot clock (the block before the closing one)."""
        if sender not in self.treasurers and not _same(sender, self.governance):
            raise ModelRevert("RewardsNotTreasurer", sender)
        p = self._open_period(period_id)
        p.closed = True
        p.snapshot = block - 1
        return p.snapshot

    # ------------------------------------------------------------ everyone

    def claim(self, account: str, period_id: int, *, now: int) -> Claim:
        a = self.allocations.get(period_id)
        if a is None:
            raise ModelRevert("RewardsNotAllocated", period_id)
        if a.swept or now > a.deadline:
            raise ModelRevert("RewardsClaimWindowClosed", period_id, a.deadline)
        interest, patronage = self._owed(period_id, a, account)
        amount = interest + patronage
        if amount == 0:
            raise ModelRevert("RewardsNothingToClaim", period_id, account)
        a.claimants.add(account)
        a.claimed += amount
        self.balance -= amount
        return Claim(amount, interest, patronage)

    def sweep(self, period_id: int, *, now: int) -> int:
        a = self.allocations.get(period_id)
        if a is None:
            raise ModelRevert("RewardsNotAllocated", period_id)
        if a.swept:
            raise ModelRevert("RewardsAlreadySwept", period_id)
        if now <= a.deadline:
            raise ModelRevert("RewardsClaimWindowOpen", period_id, a.deadline)
        amount = a.interest_pool + a.patronage_pool - a.claimed
        a.swept = True
        a.reserve += amount
        self.reserve += amount
        return amount

    # ------------------------------------------------------------ internals

    @staticmethod
    def _check_bps(bps: int) -> None:
        if bps > BPS:
            raise ModelRevert("RewardsInvalidBps", bps)

    def _open_period(self, period_id: int) -> PeriodRecord:
        p = self.periods.get(period_id)
        if p is None:
            raise ModelRevert("RewardsUnknownPeriod", period_id)
        if p.closed:
            raise ModelRevert("RewardsPeriodClosed", period_id)
        return p

    def _owed(self, period_id: int, a: AllocationRecord, account: str) -> tuple[int, int]:
        """Two pro-rata shares, each rounded down; nothing once claimed."""
        if account in a.claimants:
            return 0, 0
        p = self.periods[period_id]
        interest = patronage = 0
        if a.interest_pool != 0:
            capital = self.membership.past_capital(account, p.snapshot)
            interest = a.interest_pool * capital // a.total_capital
        if a.patronage_pool != 0:
            patronage = a.patronage_pool * p.points.get(account, 0) // p.total_points
        return interest, patronage


# ==================================================================== both


@dataclass
class CoopModel:
    """The member register and the rewards contract of one co-op."""

    membership: MembershipModel
    rewards: RewardsModel

    @classmethod
    def create(
        cls,
        *,
        governance: str,
        share_price: int,
        share_cap: int,
        policy: AdmissionPolicy = AdmissionPolicy.OPEN,
        redemption_notice: int = 30 * DAY,
        min_reserve_bps: int = 1000,
        interest_cap_bps: int = 500,
        treasurers: tuple[str, ...] | list[str] = (),
    ) -> CoopModel:
        membership = MembershipModel(
            governance=governance,
            share_price=share_price,
            share_cap=share_cap,
            policy=AdmissionPolicy(policy),
            redemption_notice=redemption_notice,
        )
        rewards = RewardsModel(
            membership=membership,
            min_reserve_bps=min_reserve_bps,
            interest_cap_bps=interest_cap_bps,
            treasurers=set(treasurers),
        )
        return cls(membership=membership, rewards=rewards)

    def clone(self) -> CoopModel:
        """A deep copy, to try an operation without committing it."""
        return copy.deepcopy(self)
