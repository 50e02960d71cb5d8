"""A pure-Python reference model of the member register, its admissions committee and the
rewards contract: the oracle of ``tests/contracts/test_stateful.py``.

It mirrors ``contracts/CoopMembership.sol`` (with ``contracts/membership/``),
``contracts/CoopCommittee.sol`` and ``contracts/CoopRewards.sol`` (ETH as the share currency)
operation by operation, with the same integer math and the same order of checks: every operation
either applies, or raises :class:`ModelRevert` naming the custom error (and its arguments) the
contract reverts with. (An operation that raises may have changed the model half-way, as a
reverted transaction's writes are undone on chain: the tests try every operation on a clone
first.) Nothing here talks to a chain.

Time is passed in explicitly: ``now`` is the block timestamp and ``block`` the block number
(``clock()``) of the transaction being modelled. A membership is keyed by its member index: its
states (clock, votesFrom, capital), sanctions and contest belong to the index, and an account
only points at an index, so that a move or a recovery carries the whole history to the new
account, as the contracts do. Totals are checkpointed per block, so that snapshots (a period's
close, a proposal's snapshot) are answered exactly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import IntEnum

BPS = 10_000
DAY = 24 * 3600
MAX_NOTICE = 5 * 365 * DAY
MAX_CONTEST_WINDOW = 365 * DAY
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
    MOVED = 5


class AdmissionPolicy(IntEnum):
    OPEN = 0
    APPROVAL = 1
    COMMITTEE = 2


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


def is_member(status: Status) -> bool:
    return status in (Status.ACTIVE, Status.SUSPENDED)


# ==================================================================== membership


@dataclass
class State:
    """A membership's state from ``clock`` on: it votes at t if votes_from != 0 <= t."""

    clock: int
    votes_from: int
    capital: int

    def votes_at(self, timepoint: int) -> int:
        return 1 if self.votes_from != 0 and self.votes_from <= timepoint else 0


@dataclass
class TotalsCheckpoint:
    clock: int
    voters: int
    capital: int


@dataclass
class AccountRecord:
    """What an account holds: a status and, once admitted, a member index."""

    status: Status = Status.NONE
    index: int = 0
    shares: int = 0
    admitted_at: int = 0


@dataclass
class Sanctions:
    suspended_until: int = 0
    warnings: int = 0


@dataclass
class Contest:
    """As ``contestOf(index)`` returns it: previous is the account a committee recovery took
    the membership from (the zero address for a committee admission)."""

    previous: str = ZERO_ADDRESS
    deadline: int = 0
    contested: bool = False

    def as_tuple(self) -> tuple[str, int, bool]:
        return (self.previous, self.deadline, self.contested)


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
    votes_from: int

    def as_tuple(self) -> tuple[int, ...]:
        return (
            int(self.status),
            self.index,
            self.shares,
            self.capital,
            self.joined_at,
            self.suspended_until,
            self.warnings,
            self.votes_from,
        )


@dataclass
class MembershipModel:
    governance: str
    committee: str
    share_price: int
    share_cap: int
    policy: AdmissionPolicy = AdmissionPolicy.APPROVAL
    redemption_notice: int = 30 * DAY
    voting_seniority: int = 0
    contest_window: int = 7 * DAY
    accounts: dict[str, AccountRecord] = field(default_factory=dict)
    holders: dict[int, str] = field(default_factory=dict)  # member index -> account (its card)
    states: dict[int, list[State]] = field(default_factory=dict)  # per index, current last
    sanctions: dict[int, Sanctions] = field(default_factory=dict)
    contests: dict[int, Contest] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    totals: list[TotalsCheckpoint] = field(default_factory=list)
    last_index: int = 0
    active_members: int = 0
    total_shares: int = 0
    held_for_applications: int = 0
    owed_refunds: int = 0
    balance: int = 0  # ETH the contract should hold

    def __post_init__(self) -> None:
        self._check_price(self.share_price)
        self._check_cap(self.share_cap)
        self._check_notice(self.redemption_notice)
        self._check_contest_window(self.contest_window)
        self._check_policy(self.policy, self.voting_seniority)

    # ------------------------------------------------------------ views

    def record(self, account: str) -> AccountRecord:
        """The record of ``account`` (an empty one, not stored, if it never interacted)."""
        return self.accounts.get(account, AccountRecord())

    def status(self, account: str) -> Status:
        return self.record(account).status

    def index_of(self, account: str) -> int:
        return self.record(account).index

    def account_of(self, index: int) -> str:
        return self.holders.get(index, ZERO_ADDRESS)

    def current_state(self, account: str) -> State:
        index = self.index_of(account)
        return self.states[index][-1] if index else State(0, 0, 0)

    def capital(self, account: str) -> int:
        r = self.record(account)
        return self.current_state(account).capital if is_member(r.status) else 0

    def member_view(self, account: str) -> MemberView:
        r = self.record(account)
        sanctions = self.sanctions.get(r.index, Sanctions()) if r.index else Sanctions()
        current = is_member(r.status)
        return MemberView(
            r.status,
            r.index,
            r.shares,
            self.current_state(account).capital if current else 0,
            r.admitted_at,
            sanctions.suspended_until if r.status == Status.SUSPENDED else 0,
            sanctions.warnings,
            self.current_state(account).votes_from,
        )

    @property
    def member_count(self) -> int:
        return self.active_members

    def _latest_totals(self) -> TotalsCheckpoint:
        return self.totals[-1] if self.totals else TotalsCheckpoint(0, 0, 0)

    @property
    def voter_count(self) -> int:
        return self._latest_totals().voters

    @property
    def total_capital(self) -> int:
        return self._latest_totals().capital

    def votes(self, account: str) -> int:
        """getVotes: an active member that is a voter."""
        r = self.record(account)
        return int(r.status == Status.ACTIVE and self.current_state(account).votes_from != 0)

    def delegate(self, account: str) -> str:
        return account if self.status(account) == Status.ACTIVE else ZERO_ADDRESS

    def can_enfranchise(self, account: str, block: int) -> bool:
        r = self.record(account)
        return (
            r.status == Status.ACTIVE
            and self.current_state(account).votes_from == 0
            and r.admitted_at + self.voting_seniority <= block
        )

    def refund(self, account: str) -> tuple[int, int]:
        r = self.refunds.get(account, Refund())
        return r.amount, r.available_at

    def application(self, account: str) -> tuple[int, int]:
        a = self.applications.get(account)
        return (a.shares, a.amount) if a else (0, 0)

    def contest_of(self, index: int) -> Contest:
        return self.contests.get(index, Contest())

    def liabilities(self) -> tuple[int, int]:
        return self.held_for_applications, self.owed_refunds

    def state_at(self, account: str, clock: int) -> State:
        """The state of the membership ``account`` holds (or held last) in force at ``clock``."""
        index = self.index_of(account)
        for st in reversed(self.states.get(index, []) if index else []):
            if st.clock <= clock:
                return st
        return State(0, 0, 0)

    def past_capital(self, account: str, clock: int) -> int:
        return self.state_at(account, clock).capital

    def past_votes(self, account: str, clock: int) -> int:
        return self.state_at(account, clock).votes_at(clock)

    def vote_weight(self, account: str, clock: int) -> tuple[int, int]:
        """voteWeight: a voter at ``clock`` and an active member now; and the member index."""
        r = self.record(account)
        if r.status != Status.ACTIVE:
            return 0, r.index
        return self.past_votes(account, clock), r.index

    def _totals_at(self, clock: int) -> TotalsCheckpoint:
        for cp in reversed(self.totals):
            if cp.clock <= clock:
                return cp
        return TotalsCheckpoint(0, 0, 0)

    def past_total_capital(self, clock: int) -> int:
        return self._totals_at(clock).capital

    def past_total_supply(self, clock: int) -> int:
        return self._totals_at(clock).voters

    # ------------------------------------------------------------ members

    def join(self, account: str, shares: int, value: int, *, now: int, block: int) -> Status:
        """Returns the new status: Active (admitted at once) or Pending (an application)."""
        if shares == 0:
            raise ModelRevert("MembershipZeroShares")
        r = self.record(account)
        if r.status == Status.EXPELLED:
            raise ModelRevert("MembershipExpelledAccount", account)
        if r.status == Status.MOVED:
            raise ModelRevert("MembershipRetiredAccount", account)
        if r.status != Status.NONE:
            raise ModelRevert("MembershipAlreadyMember", account, r.status)
        if shares > self.share_cap:
            raise ModelRevert("MembershipShareCapExceeded", account, shares, self.share_cap)
        amount = shares * self.share_price
        self._collect(amount, value)
        r = self.accounts.setdefault(account, r)
        founder = self.last_index == 0  # nobody ever admitted: admitted, and votes, at once
        if self.policy == AdmissionPolicy.OPEN or founder:
            self._activate(account, r, shares, amount, founder or self.voting_seniority == 0, block)
        else:
            r.status = Status.PENDING
            self.applications[account] = Application(shares, amount)
            self.held_for_applications += amount
        return r.status

    def withdraw_application(self, account: str, *, now: int) -> int:
        return self._close_application(account, now)

    def buy_shares(self, account: str, shares: int, value: int, *, block: int) -> None:
        if shares == 0:
            raise ModelRevert("MembershipZeroShares")
        r = self.record(account)
        if r.status != Status.ACTIVE:
            raise ModelRevert("MembershipNotActive", account, r.status)
        held = r.shares + shares
        if held > self.share_cap:
            raise ModelRevert("MembershipShareCapExceeded", account, held, self.share_cap)
        amount = shares * self.share_price
        st = self.current_state(account)
        r.shares = held
        self.total_shares += shares
        self._write_state(r.index, st.capital + amount, st.votes_from, block)
        self._write_totals(amount, 0, block)
        self._collect(amount, value)

    def request_redemption(
        self, account: str, shares: int, *, now: int, block: int
    ) -> tuple[int, int]:
        """Returns (amount refunded, availableAt of the whole refund)."""
        if shares == 0:
            raise ModelRevert("MembershipZeroShares")
        r = self.record(account)
        if not is_member(r.status):
            raise ModelRevert("MembershipNotMember", account, r.status)
        self._check_not_under_contest(account, r.index, now)
        held = r.shares
        if shares >= held:
            raise ModelRevert("MembershipRedemptionTooLarge", account, shares, held)
        st = self.current_state(account)
        amount = st.capital * shares // held
        r.shares = held - shares
        self.total_shares -= shares
        self._write_state(r.index, st.capital - amount, st.votes_from, block)
        self._write_totals(-amount, 0, block)
        return amount, self._credit(account, amount, now + self.redemption_notice)

    def leave(self, account: str, *, now: int, block: int) -> tuple[int, int, int]:
        """Returns (shares given back, amount refunded, availableAt)."""
        r = self.record(account)
        if not is_member(r.status):
            raise ModelRevert("MembershipNotMember", account, r.status)
        self._check_not_under_contest(account, r.index, now)
        shares, amount = self._end(r, Status.NONE, block)
        return shares, amount, self._credit(account, amount, now + self.redemption_notice)

    def withdraw_refund(self, account: str, *, now: int) -> int:
        """Returns the amount paid out."""
        r = self.refunds.get(account, Refund())
        if r.amount == 0:
            raise ModelRevert("MembershipNothingToWithdraw", account)
        if now < r.available_at:
            raise ModelRevert("MembershipRefundLocked", account, r.available_at)
        self._check_not_under_contest(account, self.index_of(account), now)
        del self.refunds[account]
        self.owed_refunds -= r.amount
        self.balance -= r.amount
        return r.amount

    def end_suspension(self, account: str, *, now: int, block: int) -> None:
        self._reinstate(account, False, now, block)

    def enfranchise(self, accounts: list[str], *, block: int) -> list[str]:
        """Returns the accounts enfranchised (each once), in order."""
        done = []
        for account in accounts:
            if not self.can_enfranchise(account, block):
                continue
            # in place: the current state votes from this block on
            self.states[self.index_of(account)][-1].votes_from = block
            done.append(account)
        if done:
            self._write_totals(0, len(done), block)
        return done

    def move_membership(self, account: str, new_account: str, *, now: int) -> None:
        self._move(account, new_account, account, 0, now)

    def contest(self, by: str, account: str, *, now: int) -> None:
        caller = self.record(by)
        if caller.status != Status.ACTIVE:
            raise ModelRevert("MembershipNotActive", by, caller.status)
        r = self.record(account)
        c = self.contests.get(r.index) if r.index else None
        deadline = c.deadline if c else 0
        if c is None or deadline == 0 or now > deadline or not is_member(r.status):
            raise ModelRevert("MembershipNotContestable", account, deadline)
        c.contested = True

    # ------------------------------------------------------------ governance

    def _only_governance(self, sender: str) -> None:
        if not _same(sender, self.governance):
            raise ModelRevert("MembershipUnauthorized", sender)

    def _only_committee(self, sender: str) -> None:
        if not _same(sender, self.committee):
            raise ModelRevert("MembershipUnauthorized", sender)
        if self.policy != AdmissionPolicy.COMMITTEE:
            raise ModelRevert("MembershipCommitteeInactive", self.policy)

    def admit(self, sender: str, account: str, *, block: int) -> None:
        self._only_governance(sender)
        self._admit(account, 0, block)

    def admit_many(self, sender: str, accounts: list[str], n_attestations: int, *, block: int):
        self._only_governance(sender)
        if len(accounts) != n_attestations:
            raise ModelRevert("MembershipLengthMismatch", len(accounts), n_attestations)
        for account in accounts:
            self._admit(account, 0, block)

    def reject(self, sender: str, account: str, *, now: int) -> int:
        self._only_governance(sender)
        return self._close_application(account, now)

    def reject_many(self, sender: str, accounts: list[str], n_reasons: int, *, now: int):
        self._only_governance(sender)
        if len(accounts) != n_reasons:
            raise ModelRevert("MembershipLengthMismatch", len(accounts), n_reasons)
        for account in accounts:
            self._close_application(account, now)

    def warn(self, sender: str, account: str) -> int:
        self._only_governance(sender)
        r = self.record(account)
        if not is_member(r.status):
            raise ModelRevert("MembershipNotMember", account, r.status)
        s = self.sanctions.setdefault(r.index, Sanctions())
        s.warnings += 1
        return s.warnings

    def suspend(self, sender: str, account: str, until: int, *, now: int, block: int) -> None:
        self._only_governance(sender)
        if until <= now:
            raise ModelRevert("MembershipInvalidSuspension", until)
        r = self.record(account)
        if r.status == Status.ACTIVE:
            r.status = Status.SUSPENDED
            self.active_members -= 1
            st = self.current_state(account)
            was_voter = st.votes_from != 0
            self._write_state(r.index, st.capital, 0, block)
            if was_voter:
                self._write_totals(0, -1, block)
        elif r.status != Status.SUSPENDED:
            raise ModelRevert("MembershipNotMember", account, r.status)
        self.sanctions.setdefault(r.index, Sanctions()).suspended_until = until

    def reinstate(self, sender: str, account: str, *, now: int, block: int) -> None:
        self._only_governance(sender)
        self._reinstate(account, True, now, block)

    def expel(self, sender: str, account: str, *, now: int, block: int) -> tuple[int, int, int]:
        self._only_governance(sender)
        r = self.record(account)
        if not is_member(r.status):
            raise ModelRevert("MembershipNotMember", account, r.status)
        shares, amount = self._end(r, Status.EXPELLED, block)
        return shares, amount, self._credit(account, amount, now + self.redemption_notice)

    def recover_membership(self, sender: str, lost: str, new_account: str, *, now: int) -> None:
        self._only_governance(sender)
        self._move(lost, new_account, sender, 0, now)

    def annul(self, sender: str, account: str, *, now: int, block: int) -> Contest:
        """Returns the contest annulled: an admission's (previous 0) expels ``account`` with
        its capital refundable at once; a recovery's moves the membership back to previous."""
        self._only_governance(sender)
        r = self.record(account)
        c = self.contests.get(r.index, Contest()) if r.index else Contest()
        open_ = c.deadline != 0 and (c.contested or now <= c.deadline)
        if not open_ or not is_member(r.status):
            raise ModelRevert("MembershipNotContestable", account, c.deadline)
        del self.contests[r.index]
        if c.previous == ZERO_ADDRESS:
            _, amount = self._end(r, Status.EXPELLED, block)
            self._credit(account, amount, now)
        else:
            self.accounts[c.previous].status = Status.NONE
            self._transfer(account, c.previous, sender, 0)
        return c

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
        self._check_policy(AdmissionPolicy(policy), self.voting_seniority)
        self.policy = AdmissionPolicy(policy)

    def set_voting_seniority(self, sender: str, seniority: int) -> None:
        self._only_governance(sender)
        self._check_policy(self.policy, seniority)
        self.voting_seniority = seniority

    def set_redemption_notice(self, sender: str, notice: int) -> None:
        self._only_governance(sender)
        self._check_notice(notice)
        self.redemption_notice = notice

    def set_contest_window(self, sender: str, window: int) -> None:
        self._only_governance(sender)
        self._check_contest_window(window)
        self.contest_window = window

    # ------------------------------------------------------------ admissions committee

    def committee_admit(self, sender: str, account: str, by: str, *, now: int, block: int):
        self._only_committee(sender)
        self._admit(account, now + self.contest_window, block)

    def committee_reject(self, sender: str, account: str, *, now: int) -> int:
        self._only_committee(sender)
        return self._close_application(account, now)

    def committee_recover(self, sender: str, lost: str, new_account: str, by: str, *, now: int):
        self._only_committee(sender)
        self._move(lost, new_account, by, now + self.contest_window, now)

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

    @staticmethod
    def _check_contest_window(window: int) -> None:
        if window == 0 or window > MAX_CONTEST_WINDOW:
            raise ModelRevert("MembershipInvalidContestWindow", window)

    @staticmethod
    def _check_policy(policy: AdmissionPolicy, seniority: int) -> None:
        if policy == AdmissionPolicy.OPEN and seniority == 0:
            raise ModelRevert("MembershipOpenWithoutSeniority")

    def _check_not_under_contest(self, account: str, index: int, now: int) -> None:
        c = self.contests.get(index) if index else None
        if c and c.previous != ZERO_ADDRESS and (c.contested or now <= c.deadline):
            raise ModelRevert("MembershipUnderContest", account, c.deadline)

    def _collect(self, amount: int, value: int) -> None:
        if value != amount:
            raise ModelRevert("MembershipWrongPayment", amount, value)
        self.balance += amount

    def _admit(self, account: str, contest_deadline: int, block: int) -> None:
        r = self.record(account)
        if r.status != Status.PENDING:
            raise ModelRevert("MembershipNotPending", account, r.status)
        a = self.applications.pop(account)
        self.held_for_applications -= a.amount
        self._activate(account, r, a.shares, a.amount, self.voting_seniority == 0, block)
        if contest_deadline:
            self.contests[r.index] = Contest(ZERO_ADDRESS, contest_deadline, False)

    def _activate(
        self, account: str, r: AccountRecord, shares: int, amount: int, votes_now: bool, block: int
    ) -> None:
        self.accounts[account] = r
        if r.index == 0:  # a member index is permanent: rejoining keeps it
            self.last_index += 1
            r.index = self.last_index
            self.holders[r.index] = account
        self.active_members += 1
        self.total_shares += shares
        r.status = Status.ACTIVE
        r.shares = shares
        r.admitted_at = block
        self._write_state(r.index, amount, block if votes_now else 0, block)
        self._write_totals(amount, 1 if votes_now else 0, block)

    def _end(self, r: AccountRecord, new_status: Status, block: int) -> tuple[int, int]:
        was_active = r.status == Status.ACTIVE
        st = self.states[r.index][-1]
        was_voter = st.votes_from != 0
        shares, amount = r.shares, st.capital
        r.status = new_status
        r.shares = 0
        if was_active:
            self.active_members -= 1
        self.total_shares -= shares
        if r.index in self.sanctions:  # warnings stay with the member number
            self.sanctions[r.index].suspended_until = 0
        self.contests.pop(r.index, None)
        self._write_state(r.index, 0, 0, block)
        self._write_totals(-amount, -1 if was_voter else 0, block)
        return shares, amount

    def _reinstate(self, account: str, early: bool, now: int, block: int) -> None:
        r = self.record(account)
        if r.status != Status.SUSPENDED:
            raise ModelRevert("MembershipNotSuspended", account, r.status)
        s = self.sanctions.setdefault(r.index, Sanctions())
        if not early and now < s.suspended_until:
            raise ModelRevert("MembershipStillSuspended", account, s.suspended_until)
        r.status = Status.ACTIVE
        self.active_members += 1
        s.suspended_until = 0
        # one suspended during its seniority resumes it; one past it votes at once
        votes_now = r.admitted_at + self.voting_seniority <= block
        self._write_state(r.index, self.current_state(account).capital, block * votes_now, block)
        if votes_now:
            self._write_totals(0, 1, block)

    def _move(self, frm: str, to: str, by: str, contest_deadline: int, now: int) -> None:
        r = self.record(frm)
        if not is_member(r.status):
            raise ModelRevert("MembershipNotMember", frm, r.status)
        if contest_deadline != 0:
            # a committee recovery waits until any open contest (an admission's too) is settled
            c = self.contests.get(r.index)
            if c and (c.contested or now <= c.deadline):
                raise ModelRevert("MembershipUnderContest", frm, c.deadline)
        elif _same(by, frm):
            self._check_not_under_contest(frm, r.index, now)
        else:
            self.contests.pop(r.index, None)  # a vote settles any open contest
        self._transfer(frm, to, by, contest_deadline)

    def _transfer(self, frm: str, to: str, by: str, contest_deadline: int) -> None:
        if _same(to, ZERO_ADDRESS):
            raise ModelRevert("MembershipZeroAddress")
        target = self.record(to)
        if target.status != Status.NONE or target.index != 0:
            raise ModelRevert("MembershipAccountTaken", to, target.status)
        r = self.accounts[frm]
        self.accounts[to] = r
        self.accounts[frm] = AccountRecord(Status.MOVED)
        self.holders[r.index] = to
        moved = self.refunds.pop(frm, None)
        if moved is not None:
            t = self.refunds.setdefault(to, Refund())
            t.amount += moved.amount
            t.available_at = max(t.available_at, moved.available_at)
        if contest_deadline:
            self.contests[r.index] = Contest(frm, contest_deadline, False)

    def _close_application(self, account: str, now: int) -> int:
        r = self.record(account)
        if r.status != Status.PENDING:
            raise ModelRevert("MembershipNotPending", account, r.status)
        a = self.applications.pop(account)
        r.status = Status.NONE
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

    def _write_state(self, index: int, capital: int, votes_from: int, block: int) -> None:
        states = self.states.setdefault(index, [])
        st = State(block, votes_from, capital)
        if states and states[-1].clock == block:
            states[-1] = st
        else:
            states.append(st)

    def _write_totals(self, capital_delta: int, voters_delta: int, block: int) -> None:
        last = self._latest_totals()
        cp = TotalsCheckpoint(block, last.voters + voters_delta, last.capital + capital_delta)
        assert cp.capital >= 0 and cp.voters >= 0, "model totals went negative"
        if self.totals and self.totals[-1].clock == block:
            self.totals[-1] = cp
        else:
            self.totals.append(cp)


# ==================================================================== committee


@dataclass
class Seat:
    holder: str
    term_end: int


@dataclass
class CommitteeModel:
    """CoopCommittee: seats with terms; holders in force act through the register."""

    address: str
    membership: MembershipModel
    seat_count: int = 3
    max_term: int = 2 * 365 * DAY
    seats: dict[int, Seat] = field(default_factory=dict)

    def seat_of(self, holder: str) -> int | None:
        return next((n for n, s in self.seats.items() if s.holder == holder), None)

    def seat_view(self, seat: int) -> tuple[str, int]:
        s = self.seats.get(seat)
        return (s.holder, s.term_end) if s else (ZERO_ADDRESS, 0)

    def in_force(self, account: str, *, now: int) -> bool:
        n = self.seat_of(account)
        if n is None or self.seats[n].term_end <= now:
            return False
        return self.membership.status(account) == Status.ACTIVE

    def appoint(self, sender: str, seat: int, holder: str, term_end: int, *, now: int) -> None:
        if not _same(sender, self.membership.governance):
            raise ModelRevert("CommitteeUnauthorized", sender)
        if seat >= self.seat_count:
            raise ModelRevert("CommitteeInvalidSeat", seat, self.seat_count)
        if _same(holder, ZERO_ADDRESS):
            raise ModelRevert("CommitteeZeroAddress")
        latest = now + self.max_term
        if term_end <= now or term_end > latest:
            raise ModelRevert("CommitteeInvalidTerm", term_end, latest)
        if self.membership.status(holder) != Status.ACTIVE:
            raise ModelRevert("CommitteeHolderNotMember", holder)
        held = self.seat_of(holder)
        if held is not None and held != seat:
            raise ModelRevert("CommitteeAlreadySeated", holder, held)
        self.seats[seat] = Seat(holder, term_end)

    def _check_in_force(self, caller: str, now: int) -> None:
        n = self.seat_of(caller)
        term_end = self.seats[n].term_end if n is not None else 0
        if term_end <= now:
            raise ModelRevert("CommitteeSeatNotInForce", caller, term_end)
        if self.membership.status(caller) != Status.ACTIVE:
            raise ModelRevert("CommitteeHolderNotMember", caller)

    def admit(self, caller: str, accounts: list[str], n_attestations: int, *, now: int, block: int):
        self._check_in_force(caller, now)
        if len(accounts) != n_attestations:
            raise ModelRevert("CommitteeLengthMismatch", len(accounts), n_attestations)
        for account in accounts:
            self.membership.committee_admit(self.address, account, caller, now=now, block=block)

    def reject(self, caller: str, accounts: list[str], n_reasons: int, *, now: int) -> None:
        self._check_in_force(caller, now)
        if len(accounts) != n_reasons:
            raise ModelRevert("CommitteeLengthMismatch", len(accounts), n_reasons)
        for account in accounts:
            self.membership.committee_reject(self.address, account, now=now)

    def recover(self, caller: str, lost: str, new_account: str, *, now: int) -> None:
        self._check_in_force(caller, now)
        self.membership.committee_recover(self.address, lost, new_account, caller, now=now)


# ==================================================================== rewards


# Whom points and claims belong to: a member's (or former member's) index, else the address.
Person = tuple[str, int | str]


@dataclass
class PeriodRecord:
    opened_at: int
    points_budget: int
    snapshot: int = 0
    total_points: int = 0
    closed: bool = False
    points: dict[Person, int] = field(default_factory=dict)

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
    claimants: set[Person] = field(default_factory=set)

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

    def person(self, account: str) -> Person:
        """The key of ``account``'s points and claims now (CoopRewards._key)."""
        index = self.membership.index_of(account)
        return ("index", index) if index else ("address", account.lower())

    def points(self, period_id: int, account: str) -> int:
        p = self.periods.get(period_id)
        return p.points.get(self.person(account), 0) if p else 0

    def has_claimed(self, period_id: int, account: str) -> bool:
        a = self.allocations.get(period_id)
        return a is not None and self.person(account) in a.claimants

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
            person = self.person(account)
            ledger[person] = ledger.get(person, 0) + n
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
        a.claimants.add(self.person(account))
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
        person = self.person(account)
        if person in a.claimants:
            return 0, 0
        p = self.periods[period_id]
        interest = patronage = 0
        if a.interest_pool != 0:
            capital = self.membership.past_capital(account, p.snapshot)
            interest = a.interest_pool * capital // a.total_capital
        if a.patronage_pool != 0:
            patronage = a.patronage_pool * p.points.get(person, 0) // p.total_points
        return interest, patronage


# ==================================================================== both


@dataclass
class CoopModel:
    """The member register, its admissions committee and the rewards contract of one co-op."""

    membership: MembershipModel
    committee: CommitteeModel
    rewards: RewardsModel

    @classmethod
    def create(
        cls,
        *,
        governance: str,
        committee: str,
        share_price: int,
        share_cap: int,
        policy: AdmissionPolicy = AdmissionPolicy.APPROVAL,
        redemption_notice: int = 30 * DAY,
        voting_seniority: int = 0,
        contest_window: int = 7 * DAY,
        committee_seats: int = 3,
        committee_max_term: int = 2 * 365 * DAY,
        min_reserve_bps: int = 1000,
        interest_cap_bps: int = 500,
        treasurers: tuple[str, ...] | list[str] = (),
    ) -> CoopModel:
        membership = MembershipModel(
            governance=governance,
            committee=committee,
            share_price=share_price,
            share_cap=share_cap,
            policy=AdmissionPolicy(policy),
            redemption_notice=redemption_notice,
            voting_seniority=voting_seniority,
            contest_window=contest_window,
        )
        seats = CommitteeModel(
            address=committee,
            membership=membership,
            seat_count=committee_seats,
            max_term=committee_max_term,
        )
        rewards = RewardsModel(
            membership=membership,
            min_reserve_bps=min_reserve_bps,
            interest_cap_bps=interest_cap_bps,
            treasurers=set(treasurers),
        )
        return cls(membership=membership, committee=seats, rewards=rewards)

    def clone(self) -> CoopModel:
        """A deep copy, to try an operation without committing it."""
        return copy.deepcopy(self)
