"""Stateful tests: random sequences of member, treasurer and governance actions on a deployed
co-op, checked step by step against the pure-Python reference model in ``dao.model``.

Every rule first tries its operation on a copy of the model at the next block's (estimated) time.
If the model says the call reverts, the contract must revert with the same custom error and
arguments; otherwise the transaction must succeed, and the operation is applied to the model with
the block number and timestamp of the receipt. After every step the invariants compare the
contracts' views with the model and check solvency.

Governance calls (``onlyGovernance``) are sent by impersonating the timelock through anvil rather
than through proposals, which the deterministic governance tests cover.

Timing: every sleep is a whole number of days plus one hour, and all notice periods, suspension
terms and claim windows are whole days. With fewer than 24 sleeps per run, any two moments differ
from a deadline by at least an hour, far more than the few seconds of wall-clock drift between the
model's estimate of a block's timestamp and the real one, so the model and the chain always agree
on which side of a deadline a call falls.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brownie
import brownie.test
import pytest
from brownie import accounts, chain, web3
from brownie.exceptions import VirtualMachineError
from hypothesis import strategies as st

from dao.model import MAX_CLAIM_WINDOW, MAX_NOTICE, CoopModel, ModelRevert, Status
from scripts.deploy import deploy_coop

DAY = 24 * 3600
HOUR = 3600
PRICE = 10**16
SHARE_CAP = 12
NOTICE = 30 * DAY
REASON = "0x" + "ab" * 32
N_MEMBERS = 6

SETTINGS = {"max_examples": 25, "stateful_step_count": 15}
# See the module docstring: the margin argument needs fewer than 24 sleeps in a run.
assert SETTINGS["stateful_step_count"] + 2 < 24

GOV_FUNCTIONS = [
    "admit",
    "suspend",
    "expel",
    "setSharePrice",
    "openPeriod",
    "allocate",
    "releaseReserve",
    "setTreasurer",
]
ALLOCATE_FAULTS = [None] * 6 + [
    "zero_amount",
    "reserve_above_bps",
    "reserve_below_minimum",
    "interest_above_cap",
    "window_too_short",
    "window_too_long",
    "wrong_payment",
]


def _brownie_state_machine(fixture: Callable[..., None]) -> Callable[..., None]:
    """Brownie's ``state_machine``, from its pure-Python source.

    eth-brownie 1.22.2 ships ``brownie/test/stateful.py`` compiled with mypyc, and the compiled
    ``_BrownieStateMachine.__init__`` is declared ``@final``: it rejects the very machine class
    that ``state_machine`` derives from it ("TypeError: brownie.test.stateful._BrownieStateMachine
    object expected"). The source it was compiled from ships beside the extension and runs as is;
    use it, or the fixture if that source is ever missing.
    """
    source = Path(brownie.test.__file__).with_name("stateful.py")
    spec = importlib.util.spec_from_file_location("_brownie_stateful_source", source)
    if spec is None or spec.loader is None or not source.exists():
        return fixture
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.state_machine


@dataclass
class Outcome:
    tx: Any = None  # the receipt, when the call succeeded
    result: Any = None  # what the model operation returned
    error: ModelRevert | None = None  # the expected (and seen) revert


@pytest.fixture(scope="module")
def stateful_coop(admin, treasurer):
    return deploy_coop(
        admin,
        treasurers=[treasurer],
        deployments_dir=None,
        share_cap=SHARE_CAP,
        redemption_notice=NOTICE,
    )


class CoopStateMachine:
    # ------------------------------------------------------------------ strategies
    # (class attributes, named by the rules' default arguments)
    st_member = st.integers(0, N_MEMBERS - 1)
    st_actor = st.integers(0, N_MEMBERS)  # the members and the contributor
    st_shares = st.integers(0, SHARE_CAP + 1)
    st_initial_shares = st.lists(st.integers(0, SHARE_CAP), min_size=N_MEMBERS, max_size=N_MEMBERS)
    st_pay_delta = st.sampled_from([0, 0, 0, 0, 0, -1, 1])
    st_wait = st.booleans()
    st_days = st.sampled_from([0, 1, 2, 7, 31])
    st_suspend_days = st.sampled_from([-1, 1, 2, 7])
    st_price = st.sampled_from([0, PRICE, 7 * 10**15 + 1, 3])
    st_cap = st.sampled_from([0, 5, SHARE_CAP])
    st_policy = st.sampled_from([0, 1])
    st_notice = st.sampled_from([0, DAY, NOTICE, MAX_NOTICE + DAY])
    st_period = st.integers(0, 5)  # see _pick_period
    st_budget = st.sampled_from([0, 500, 1000, 10**6])
    st_entries = st.lists(st.tuples(st.integers(0, N_MEMBERS), st.integers(0, 400)), max_size=3)
    st_who = st.sampled_from(["treasurer", "treasurer", "treasurer", "governance", "actor"])
    st_amount = st.sampled_from([1, 10**15 + 7, 10**18, 3 * 10**17 + 11])
    st_reserve_bps = st.sampled_from([1000, 1000, 2500, 10_000])
    st_rate_bps = st.sampled_from([0, 300, 500])
    st_window = st.sampled_from([DAY, 3 * DAY, 30 * DAY])
    st_fault = st.sampled_from(ALLOCATE_FAULTS)
    st_gov_fn = st.sampled_from(GOV_FUNCTIONS)
    st_fraction = st.integers(0, 5)

    outcomes: Counter[str] = Counter()
    runs = 0

    def __init__(cls, coop, members, contributor, treasurer, outsider):  # noqa: N805
        # Called once, as a class method, before the chain snapshot every run reverts to.
        cls.coop = coop
        cls.membership = coop.membership
        cls.rewards = coop.rewards
        cls.members = list(members)
        cls.contributor = contributor
        cls.actors = [*members, contributor]
        cls.treasurer = treasurer
        cls.outsider = outsider
        cls.gov = accounts.at(coop.timelock.address, force=True)  # anvil_impersonateAccount
        web3.provider.make_request("anvil_setBalance", [coop.timelock.address, hex(10**24)])
        cls.outcomes = Counter()
        cls.runs = 0

    def setup(self):
        type(self).runs += 1
        p = self.coop.params
        self.model = CoopModel.create(
            governance=str(self.gov),
            share_price=p["share_price"],
            share_cap=p["share_cap"],
            redemption_notice=p["redemption_notice"],
            min_reserve_bps=p["min_reserve_bps"],
            interest_cap_bps=p["interest_cap_bps"],
            treasurers=[str(self.treasurer)],
        )
        assert self.membership.balance() == 0 and self.rewards.balance() == 0

    def teardown_final(cls):  # noqa: N805
        print(f"\nstateful runs: {cls.runs}")
        for key, n in sorted(cls.outcomes.items()):
            print(f"  {key:<60} {n}")

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _now() -> int:
        """The latest block's timestamp: what views see, and (within seconds) the next block's."""
        return web3.eth.get_block("latest")["timestamp"]

    @staticmethod
    def _sleep(days: int) -> None:
        chain.sleep(days * DAY + HOUR)
        chain.mine()  # views (eth_call) see the latest block's timestamp, not the clock

    @staticmethod
    def _tx(sender, value: int = 0) -> dict[str, Any]:
        return {"from": sender, "value": value, "gas_price": 0}

    def _run(
        self,
        label: str,
        op: Callable[[CoopModel, int, int], Any],
        send: Callable[[], Any],
    ) -> Outcome:
        """Check `send` (a transaction) against `op` (the same operation on a model, given the
        block timestamp and number), and commit `op` to the model if the transaction succeeded."""
        trial = self.model.clone()
        try:
            op(trial, self._now(), chain.height + 1)
        except ModelRevert as exc:
            expected = exc.message()
            try:
                with brownie.reverts(revert_pattern="(?i)" + re.escape(expected)):
                    send()
            except AssertionError as err:
                raise AssertionError(f"{label}: the model expected '{expected}'; {err}") from None
            self.outcomes[f"{label}: {exc.error}"] += 1
            return Outcome(error=exc)
        try:
            tx = send()
        except VirtualMachineError as err:
            raise AssertionError(
                f"{label}: the model expected success, the contract reverted: {err.revert_msg}"
            ) from None
        try:
            result = op(self.model, tx.timestamp, tx.block_number)
        except ModelRevert as exc:
            raise AssertionError(
                f"{label}: succeeded on chain at {tx.timestamp}, the model says {exc}"
            ) from None
        self.outcomes[f"{label}: ok"] += 1
        return Outcome(tx=tx, result=result)

    def _pick_period(self, choice: int, among: list[int] | None = None) -> int:
        """A period id: mostly a recent one (of `among`, else of all), sometimes an unknown one
        (the next id) or 0."""
        ids = among if among else list(range(1, self.model.rewards.period_count + 1))
        if choice == 5:
            return 0
        if choice == 4 or not ids:
            return self.model.rewards.period_count + 1
        return ids[-1 - choice % len(ids)]

    # ------------------------------------------------------------------ initial state

    def initialize_members(self, shares="st_initial_shares"):
        for i, n in enumerate(shares):
            if n:
                self.rule_join(i, n, 0)

    def initialize_period(self, budget="st_budget", entries="st_entries"):
        self.rule_open_period(budget)
        self.rule_record_points(0, entries, "treasurer", 0)

    # ------------------------------------------------------------------ members

    def rule_join(self, member="st_member", shares="st_shares", pay_delta="st_pay_delta"):
        acct = self.members[member]
        value = max(0, shares * self.model.membership.share_price + pay_delta)
        self._run(
            "join",
            lambda m, now, block: m.membership.join(str(acct), shares, value, now=now, block=block),
            lambda: self.membership.join(shares, self._tx(acct, value)),
        )

    def rule_withdraw_application(self, actor="st_actor"):
        acct = self.actors[actor]
        self._run(
            "withdrawApplication",
            lambda m, now, block: m.membership.withdraw_application(str(acct), now=now),
            lambda: self.membership.withdrawApplication(self._tx(acct)),
        )

    def rule_buy_shares(self, actor="st_actor", shares="st_shares", pay_delta="st_pay_delta"):
        acct = self.actors[actor]
        value = max(0, shares * self.model.membership.share_price + pay_delta)
        self._run(
            "buyShares",
            lambda m, now, block: m.membership.buy_shares(str(acct), shares, value, block=block),
            lambda: self.membership.buyShares(shares, self._tx(acct, value)),
        )

    def rule_request_redemption(self, actor="st_actor", shares="st_shares"):
        acct = self.actors[actor]
        out = self._run(
            "requestRedemption",
            lambda m, now, block: m.membership.request_redemption(
                str(acct), shares, now=now, block=block
            ),
            lambda: self.membership.requestRedemption(shares, self._tx(acct)),
        )
        if out.tx:
            ev = out.tx.events["RedemptionRequested"]
            assert (ev["amount"], ev["availableAt"]) == out.result

    def rule_leave(self, actor="st_actor"):
        acct = self.actors[actor]
        out = self._run(
            "leave",
            lambda m, now, block: m.membership.leave(str(acct), now=now, block=block),
            lambda: self.membership.leave(self._tx(acct)),
        )
        if out.tx:
            ev = out.tx.events["MemberLeft"]
            assert (ev["shares"], ev["amount"], ev["availableAt"]) == out.result

    def rule_withdraw_refund(self, actor="st_actor", wait="st_wait"):
        acct = self.actors[actor]
        if wait:
            self._sleep(31)  # past the longest valid notice
        before = acct.balance()
        out = self._run(
            "withdrawRefund",
            lambda m, now, block: m.membership.withdraw_refund(str(acct), now=now),
            lambda: self.membership.withdrawRefund(self._tx(acct)),
        )
        if out.tx:
            assert acct.balance() - before == out.result  # gas price 0: the refund exactly
            assert out.tx.events["RefundWithdrawn"]["amount"] == out.result

    def rule_end_suspension(self, actor="st_actor", member="st_member", wait="st_wait"):
        caller, acct = self.actors[actor], self.members[member]
        if wait:
            self._sleep(8)  # past the longest suspension
        self._run(
            "endSuspension",
            lambda m, now, block: m.membership.end_suspension(str(acct), now=now, block=block),
            lambda: self.membership.endSuspension(acct, self._tx(caller)),
        )

    # ------------------------------------------------------------------ membership governance

    def rule_admit(self, member="st_member"):
        acct = self.members[member]
        self._run(
            "admit",
            lambda m, now, block: m.membership.admit(str(self.gov), str(acct), block=block),
            lambda: self.membership.admit(acct, self._tx(self.gov)),
        )

    def rule_reject(self, member="st_member"):
        acct = self.members[member]
        self._run(
            "reject",
            lambda m, now, block: m.membership.reject(str(self.gov), str(acct), now=now),
            lambda: self.membership.reject(acct, REASON, self._tx(self.gov)),
        )

    def rule_warn(self, actor="st_actor"):
        acct = self.actors[actor]
        self._run(
            "warn",
            lambda m, now, block: m.membership.warn(str(self.gov), str(acct)),
            lambda: self.membership.warn(acct, REASON, self._tx(self.gov)),
        )

    def rule_suspend(self, member="st_member", days="st_suspend_days"):
        acct = self.members[member]
        until = self._now() + days * DAY
        self._run(
            "suspend",
            lambda m, now, block: m.membership.suspend(
                str(self.gov), str(acct), until, now=now, block=block
            ),
            lambda: self.membership.suspend(acct, until, REASON, self._tx(self.gov)),
        )

    def rule_reinstate(self, member="st_member"):
        acct = self.members[member]
        self._run(
            "reinstate",
            lambda m, now, block: m.membership.reinstate(str(self.gov), str(acct), block=block),
            lambda: self.membership.reinstate(acct, self._tx(self.gov)),
        )

    def rule_expel(self, actor="st_actor"):
        acct = self.actors[actor]
        out = self._run(
            "expel",
            lambda m, now, block: m.membership.expel(
                str(self.gov), str(acct), now=now, block=block
            ),
            lambda: self.membership.expel(acct, REASON, self._tx(self.gov)),
        )
        if out.tx:
            ev = out.tx.events["MemberExpelled"]
            assert (ev["shares"], ev["amount"], ev["availableAt"]) == out.result

    def rule_set_share_price(self, price="st_price"):
        self._run(
            "setSharePrice",
            lambda m, now, block: m.membership.set_share_price(str(self.gov), price),
            lambda: self.membership.setSharePrice(price, self._tx(self.gov)),
        )

    def rule_set_share_cap(self, cap="st_cap"):
        self._run(
            "setShareCap",
            lambda m, now, block: m.membership.set_share_cap(str(self.gov), cap),
            lambda: self.membership.setShareCap(cap, self._tx(self.gov)),
        )

    def rule_set_admission_policy(self, policy="st_policy"):
        self._run(
            "setAdmissionPolicy",
            lambda m, now, block: m.membership.set_admission_policy(str(self.gov), policy),
            lambda: self.membership.setAdmissionPolicy(policy, self._tx(self.gov)),
        )

    def rule_set_redemption_notice(self, notice="st_notice"):
        self._run(
            "setRedemptionNotice",
            lambda m, now, block: m.membership.set_redemption_notice(str(self.gov), notice),
            lambda: self.membership.setRedemptionNotice(notice, self._tx(self.gov)),
        )

    def rule_not_governance(self, actor="st_actor", fn="st_gov_fn"):
        """Anyone but the timelock is refused by every governance function."""
        sender = self.actors[actor]
        s, target = str(sender), self.members[0]
        ms, rw = self.membership, self.rewards
        calls: dict[str, tuple[Callable[[CoopModel, int, int], Any], Callable[[], Any]]] = {
            "admit": (
                lambda m, now, block: m.membership.admit(s, str(target), block=block),
                lambda: ms.admit(target, self._tx(sender)),
            ),
            "suspend": (
                lambda m, now, block: m.membership.suspend(
                    s, str(target), now + DAY, now=now, block=block
                ),
                lambda: ms.suspend(target, self._now() + DAY, REASON, self._tx(sender)),
            ),
            "expel": (
                lambda m, now, block: m.membership.expel(s, str(target), now=now, block=block),
                lambda: ms.expel(target, REASON, self._tx(sender)),
            ),
            "setSharePrice": (
                lambda m, now, block: m.membership.set_share_price(s, 1),
                lambda: ms.setSharePrice(1, self._tx(sender)),
            ),
            "openPeriod": (
                lambda m, now, block: m.rewards.open_period(s, 100, block=block),
                lambda: rw.openPeriod(100, self._tx(sender)),
            ),
            "allocate": (
                lambda m, now, block: m.rewards.allocate(s, 1, 10, 1000, 0, DAY, 10, now=now),
                lambda: rw.allocate(1, 10, 1000, 0, DAY, self._tx(sender, 10)),
            ),
            "releaseReserve": (
                lambda m, now, block: m.rewards.release_reserve(s, s, 0),
                lambda: rw.releaseReserve(sender, 0, self._tx(sender)),
            ),
            "setTreasurer": (
                lambda m, now, block: m.rewards.set_treasurer(s, s, True),
                lambda: rw.setTreasurer(sender, True, self._tx(sender)),
            ),
        }
        op, send = calls[fn]
        out = self._run(f"{fn} (not governance)", op, send)
        assert out.error is not None and out.error.error.endswith("Unauthorized")

    # ------------------------------------------------------------------ rewards

    def rule_open_period(self, budget="st_budget"):
        out = self._run(
            "openPeriod",
            lambda m, now, block: m.rewards.open_period(str(self.gov), budget, block=block),
            lambda: self.rewards.openPeriod(budget, self._tx(self.gov)),
        )
        if out.tx:
            assert out.tx.events["PeriodOpened"]["periodId"] == out.result

    def rule_set_period_budget(self, period="st_period", budget="st_budget"):
        pid = self._pick_period(period)
        self._run(
            "setPeriodBudget",
            lambda m, now, block: m.rewards.set_period_budget(str(self.gov), pid, budget),
            lambda: self.rewards.setPeriodBudget(pid, budget, self._tx(self.gov)),
        )

    def rule_record_points(
        self, period="st_period", entries="st_entries", who="st_who", actor="st_actor"
    ):
        pid = self._pick_period(period)
        sender = self.actors[actor] if who == "actor" else self.treasurer
        recipients = [self.actors[i] for i, _ in entries]
        points = [n for _, n in entries]
        self._run(
            "recordPoints",
            lambda m, now, block: m.rewards.record_points(
                str(sender), pid, [str(a) for a in recipients], points
            ),
            lambda: self.rewards.recordPoints(pid, recipients, points, REASON, self._tx(sender)),
        )

    def rule_close_period(self, period="st_period", who="st_who", actor="st_actor"):
        pid = self._pick_period(period)
        sender = {"treasurer": self.treasurer, "governance": self.gov}.get(who, self.actors[actor])
        out = self._run(
            "closePeriod",
            lambda m, now, block: m.rewards.close_period(str(sender), pid, block=block),
            lambda: self.rewards.closePeriod(pid, self._tx(sender)),
        )
        if out.tx:
            assert out.tx.events["PeriodClosed"]["snapshot"] == out.result

    def rule_allocate(
        self,
        period="st_period",
        amount="st_amount",
        reserve_bps="st_reserve_bps",
        rate_bps="st_rate_bps",
        window="st_window",
        fault="st_fault",
    ):
        pid = self._pick_period(period)
        value = amount
        if fault == "zero_amount":
            amount = value = 0
        elif fault == "reserve_above_bps":
            reserve_bps = 10_001
        elif fault == "reserve_below_minimum":
            reserve_bps = self.model.rewards.min_reserve_bps - 1
        elif fault == "interest_above_cap":
            rate_bps = self.model.rewards.interest_cap_bps + 1
        elif fault == "window_too_short":
            window = DAY - 1
        elif fault == "window_too_long":
            window = MAX_CLAIM_WINDOW + DAY
        elif fault == "wrong_payment":
            value = amount - 1
        out = self._run(
            "allocate",
            lambda m, now, block: m.rewards.allocate(
                str(self.gov), pid, amount, reserve_bps, rate_bps, window, value, now=now
            ),
            lambda: self.rewards.allocate(
                pid, amount, reserve_bps, rate_bps, window, self._tx(self.gov, value)
            ),
        )
        if out.tx:
            ev, a = out.tx.events["SurplusAllocated"], out.result
            assert (ev["reserve"], ev["interestPool"], ev["patronagePool"]) == (
                a.reserve,
                a.interest_pool,
                a.patronage_pool,
            )
            assert a.reserve + a.interest_pool + a.patronage_pool == a.funded

    def rule_claim(self, actor="st_actor", period="st_period"):
        acct = self.actors[actor]
        pid = self._pick_period(period, sorted(self.model.rewards.allocations))

        def op(m: CoopModel, now: int, block: int) -> Any:
            return m.rewards.claim(str(acct), pid, now=now)

        def send() -> Any:
            return self.rewards.claim(pid, self._tx(acct))

        before = acct.balance()
        out = self._run("claim", op, send)
        if out.tx is None:
            return
        c = out.result
        ev = out.tx.events["Claimed"]
        assert (ev["amount"], ev["interest"], ev["patronage"]) == (
            c.amount,
            c.interest,
            c.patronage,
        )
        assert acct.balance() - before == c.amount  # gas price 0: the claim exactly
        # A second claim pays nothing: it reverts.
        again = self._run("claim again", op, send)
        assert again.error is not None and again.error.error == "RewardsNothingToClaim"
        assert acct.balance() - before == c.amount

    def rule_sweep(self, period="st_period", wait="st_wait", actor="st_actor"):
        if wait:
            self._sleep(31)  # past the longest claim window drawn
        pid = self._pick_period(period, sorted(self.model.rewards.allocations))
        out = self._run(
            "sweep",
            lambda m, now, block: m.rewards.sweep(pid, now=now),
            lambda: self.rewards.sweep(pid, self._tx(self.actors[actor])),
        )
        if out.tx:
            assert out.tx.events["Swept"]["amount"] == out.result

    def rule_release_reserve(self, fraction="st_fraction"):
        amount = self.model.rewards.reserve * fraction // 4 + (fraction == 5)
        to = self.outsider
        before = to.balance()
        out = self._run(
            "releaseReserve",
            lambda m, now, block: m.rewards.release_reserve(str(self.gov), str(to), amount),
            lambda: self.rewards.releaseReserve(to, amount, self._tx(self.gov)),
        )
        if out.tx:
            assert to.balance() - before == amount

    # ------------------------------------------------------------------ time

    def rule_sleep(self, days="st_days"):
        self._sleep(days)

    # ------------------------------------------------------------------ invariants

    def invariant_members_match_model(self):
        """Every account's record, vote, refund and application match the model; the active
        member count equals the votes summed."""
        mm = self.model.membership
        votes = 0
        for acct in self.actors:
            a = str(acct)
            assert tuple(self.membership.member(acct)) == mm.member_view(a).as_tuple(), a
            v = self.membership.getVotes(acct)
            assert v == mm.votes(a), a
            votes += v
            assert tuple(self.membership.refund(acct)) == mm.refund(a), a
            assert tuple(self.membership.application(acct)) == mm.application(a), a
        assert self.membership.memberCount() == mm.member_count == votes

    def invariant_totals_are_sums(self):
        """Total shares, total capital and the active count are the sums over the members."""
        mm = self.model.membership
        records = [mm.member(str(a)) for a in self.actors]
        assert self.membership.totalShares() == mm.total_shares == sum(m.shares for m in records)
        assert self.membership.totalCapital() == mm.total_capital == sum(m.capital for m in records)
        assert mm.member_count == sum(m.status == Status.ACTIVE for m in records)
        assert tuple(self.membership.liabilities()) == mm.liabilities()

    def invariant_membership_is_solvent(self):
        """The contract holds exactly every member's capital, held application payments and
        owed refunds."""
        held, owed = self.membership.liabilities()
        balance = self.membership.balance()
        assert balance == self.membership.totalCapital() + held + owed
        assert balance == self.model.membership.balance

    def invariant_voting_history(self):
        """Checkpoints of the previous block (votes and capital, per account and in total)."""
        clock = chain.height - 1
        if clock < 0:
            return
        mm = self.model.membership
        assert self.membership.getPastTotalSupply(clock) == mm.past_total_supply(clock)
        assert self.membership.getPastTotalCapital(clock) == mm.past_total_capital(clock)
        for acct in self.actors:
            a = str(acct)
            assert self.membership.getPastVotes(acct, clock) == mm.past_votes(a, clock), a
            assert self.membership.getPastCapital(acct, clock) == mm.past_capital(a, clock), a

    def invariant_rewards_match_model(self):
        """Periods, allocations, points and claimable amounts match the model; no allocation
        can pay out more than its pools; the contract holds the reserve and every unclaimed
        pool."""
        rm = self.model.rewards
        now = self._now()
        assert self.rewards.periodCount() == rm.period_count
        reserve = self.rewards.reserve()
        assert reserve == rm.reserve
        owed_pools = 0
        for pid in range(1, rm.period_count + 1):
            assert tuple(self.rewards.period(pid)) == rm.period_view(pid), pid
            if pid == rm.period_count:
                for acct in self.actors:
                    assert self.rewards.points(pid, acct) == rm.points(pid, str(acct))
            alloc = self.rewards.allocation(pid)
            assert tuple(alloc) == rm.allocation_view(pid), pid
            if pid not in rm.allocations:
                continue
            funded, a_reserve, interest, patronage, claimed, _, swept, _ = alloc
            claimable = 0
            for acct in self.actors:
                a = str(acct)
                owed = tuple(self.rewards.claimable(pid, acct))
                assert owed == rm.claimable(pid, a, now=now), (pid, a)
                assert self.rewards.hasClaimed(pid, acct) == rm.has_claimed(pid, a), (pid, a)
                claimable += sum(owed)
            assert claimed <= funded
            assert claimed + claimable <= funded - a_reserve, pid
            if not swept:
                owed_pools += interest + patronage - claimed
        balance = self.rewards.balance()
        assert balance >= reserve + owed_pools
        assert balance == rm.balance == reserve + owed_pools


def test_contracts_follow_the_model(
    state_machine, stateful_coop, alice, bob, carol, dave, treasurer, contributor, outsider
):
    members = [alice, bob, carol, dave, accounts[7], accounts[8]]
    assert len(members) == N_MEMBERS
    # Requesting the `state_machine` fixture also marks this test for `brownie test --stateful`.
    _brownie_state_machine(state_machine)(
        CoopStateMachine,
        stateful_coop,
        members,
        contributor,
        treasurer,
        outsider,
        settings=SETTINGS,
    )
