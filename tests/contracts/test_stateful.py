"""Stateful tests: random sequences of member, treasurer and governance actions on a deployed
co-op, checked step by step against the pure-Python reference model in ``tests/model.py``.

Every rule first tries its operation on a copy of the model at the next block's (estimated) time.
If the model says the call reverts, the contract must revert with the same custom error and
arguments; otherwise the transaction must succeed, and the operation is applied to the model with
the block number and timestamp of the receipt. After every step the invariants compare the
contracts' views with the model and check solvency.

Governance calls (``onlyGovernance``) are sent two ways: directly, by impersonating the timelock
through anvil, and through real proposals (propose, vote in person or by a relayed signed ballot,
queue, execute after the timelock delay), checked against ``GovernorModel`` below. Besides the
model comparisons, the invariants check the properties the co-op relies on: one vote per member
per proposal, tallies equal to the number of members who voted, voters active at the snapshot,
executed proposals passed and waited the delay, proposals never change, nonces only increase,
and only the timelock changes settings or anyone else's status.

Timing: every sleep is a whole number of days plus half an hour, and all notice periods,
suspension terms, claim windows and the timelock delay are whole days. With fewer than 48 sleeps
per run, a call is never closer than half an hour to a deadline (unless no time at all was slept
since it was set), far more than the few seconds of wall-clock drift between the model's estimate
of a block's timestamp and the real one, so the model and the chain always agree on which side of
a deadline a call falls. Views are read after a block is mined, since anvil's eth_call uses the
latest block's timestamp.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import brownie
import brownie.test
import pytest
from brownie import accounts, chain, web3
from brownie.exceptions import TransactionError, VirtualMachineError
from brownie.network.transaction import TransactionReceipt
from hypothesis import HealthCheck
from hypothesis import strategies as st
from web3 import Web3

from scripts.deploy import deploy_coop
from tests.conftest import new_account, sign_ballot
from tests.model import (
    MAX_CLAIM_WINDOW,
    MAX_CONTEST_WINDOW,
    MAX_NOTICE,
    ZERO_ADDRESS,
    AdmissionPolicy,
    CoopModel,
    ModelRevert,
    Status,
)

DAY = 24 * 3600
HOUR = 3600
# An odd share price, so that capital times a rate in basis points is seldom a multiple of
# 10_000 and every rounding in the contracts' integer math shows.
PRICE = 10**16 + 3
SHARE_CAP = 12
NOTICE = 30 * DAY
REASON = "0x" + "ab" * 32
ATTESTATION = "0x" + "cd" * 32
N_MEMBERS = 6
N_SPARES = 6  # fresh accounts per run, for moves and recoveries to go to
CONTEST_WINDOW = 3 * DAY  # whole days, like every other deadline (see the module docstring)
YEAR = 365 * DAY
ANNULLED = "0x" + Web3.keccak(text="admission annulled").hex().removeprefix("0x")
COMMITTEE = "(committee)"
MEMBERS = (
    Status.ACTIVE,
    Status.SUSPENDED,
)  # stands for a committee act among the senders of a step

SLEEP_OFFSET = HOUR // 2  # added to every sleep of whole days: see the module docstring
# The CI run: 20 examples of up to 30 steps, in about three minutes on a 2-core machine. A run
# whose random choices outgrow Hypothesis's buffer (many steps with many arguments) ends early and
# does not count as an example, though its steps ran and were checked: that is expected here, not
# a failed health check. The teardown prints how many runs and invariant checks there were.
SETTINGS = {
    "max_examples": 20,
    "stateful_step_count": 30,
    "suppress_health_check": [HealthCheck.data_too_large, HealthCheck.too_slow],
}
# One sleep in the initial state and at most one per step: fewer than DAY / SLEEP_OFFSET sleeps
# keep every deadline at least SLEEP_OFFSET away from any moment a call is made.
assert SETTINGS["stateful_step_count"] + 1 < DAY // SLEEP_OFFSET

SETTINGS_CHANGED = [
    "sharePrice",
    "shareCap",
    "admissionPolicy",
    "redemptionNotice",
    "votingSeniority",
    "contestWindow",
    "periodBudget",
]
# (admission policy, voting seniority in blocks) of a run, set up through the timelock
CONFIGS = [
    (AdmissionPolicy.APPROVAL, 0),
    (AdmissionPolicy.APPROVAL, 2),
    (AdmissionPolicy.COMMITTEE, 0),
    (AdmissionPolicy.COMMITTEE, 2),
    (AdmissionPolicy.OPEN, 2),
]
# What a proposal may do (one or two of these, executed by the timelock in order).
ACTION_KINDS = [
    "setShareCap",
    "setRedemptionNotice",
    "warn",
    "suspend",
    "reinstate",
    "expel",
    "setTreasurer",
    "setVotingPeriod",
]
GOV_FUNCTIONS = [
    "admit",
    "admitMany",
    "recoverMembership",
    "annul",
    "setVotingSeniority",
    "appoint",
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


# ---------------------------------------------------------------------- governance ghost model
# OpenZeppelin's ProposalState, and what the governor adds on top of the register and rewards
# models: proposals with their votes, the timelock's schedule and the signature nonces.
PENDING, ACTIVE, CANCELED, DEFEATED, SUCCEEDED, QUEUED, EXPIRED, EXECUTED = range(8)
VOTING_DELAY = 1  # blocks
VOTING_PERIOD = 6  # blocks: short, so that proposals end within a run
QUORUM_PERCENT = 25
TIMELOCK_DELAY = 2 * DAY
# An action the model applies when the timelock executes it: (model, timestamp, block) -> result
ModelAction = Callable[[CoopModel, int, int], Any]


@dataclass
class ProposalRecord:
    proposer: str
    actions: list[tuple[str, ModelAction]]  # (label, model operation), in execution order
    proposal: tuple[list[str], list[int], list[str], bytes]  # targets, values, calldatas, hash
    snapshot: int
    deadline: int
    votes: dict[int, int] = field(default_factory=dict)  # member index -> support
    eta: int = 0  # timelock eta (seconds), once queued
    queued_at: int = 0
    executed_at: int = 0

    def tally(self) -> tuple[int, int, int]:
        supports = list(self.votes.values())
        return supports.count(0), supports.count(1), supports.count(2)


@dataclass
class GovernorModel:
    voting_delay: int = VOTING_DELAY
    voting_period: int = VOTING_PERIOD
    quorum_percent: int = QUORUM_PERCENT
    delay: int = TIMELOCK_DELAY
    proposals: dict[int, ProposalRecord] = field(default_factory=dict)
    nonces: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def weight(m: CoopModel, account: str, timepoint: int) -> int:
        """CoopMembership.voteWeight: active now, and a voter at `timepoint`."""
        return m.membership.vote_weight(account, timepoint)[0]

    def quorum(self, m: CoopModel, snapshot: int) -> int:
        members = m.membership.past_total_supply(snapshot)
        return max(1, -(-members * self.quorum_percent // 100))

    def passed(self, m: CoopModel, pid: int) -> bool:
        p = self.proposals[pid]
        against, for_, abstain = p.tally()
        return for_ + abstain >= self.quorum(m, p.snapshot) and for_ > against

    def state(self, m: CoopModel, pid: int, block: int) -> int:
        if pid not in self.proposals:
            raise ModelRevert("GovernorNonexistentProposal", pid)
        p = self.proposals[pid]
        if p.executed_at:
            return EXECUTED
        if p.snapshot >= block:
            return PENDING
        if p.deadline >= block:
            return ACTIVE
        if not self.passed(m, pid):
            return DEFEATED
        return QUEUED if p.eta else SUCCEEDED

    def _expect(self, m: CoopModel, pid: int, block: int, *allowed: int) -> None:
        state = self.state(m, pid, block)
        if state not in allowed:
            raise ModelRevert("GovernorUnexpectedProposalState", pid, state)

    def propose(self, m: CoopModel, proposer: str, pid: int, record: ProposalRecord, block: int):
        votes = self.weight(m, proposer, block - 1)
        if votes < 1:
            raise ModelRevert("GovernorInsufficientProposerVotes", proposer, votes, 1)
        if pid in self.proposals:
            raise ModelRevert("GovernorUnexpectedProposalState", pid)
        record.snapshot = block + self.voting_delay
        record.deadline = record.snapshot + self.voting_period
        self.proposals[pid] = record
        return record

    def cast_vote(
        self, m: CoopModel, voter: str, pid: int, support: int, block: int, nonce: int | None
    ) -> None:
        """A direct vote (`nonce` None) or a signed one carrying `nonce`."""
        if nonce is not None:
            if nonce != self.nonces.get(voter, 0):
                raise ModelRevert("GovernorInvalidSignature", voter)
            self.nonces[voter] = nonce + 1
        self._expect(m, pid, block, ACTIVE)
        p = self.proposals[pid]
        if self.weight(m, voter, p.snapshot) == 0:
            raise ModelRevert("GovernorVoterNotMember", pid, voter)
        if support > 2:
            raise ModelRevert("GovernorInvalidVoteType")
        index = m.membership.index_of(voter)  # receipts follow the person, not the key
        if index in p.votes:
            raise ModelRevert("GovernorAlreadyCastVote", voter)
        p.votes[index] = support

    def queue(self, m: CoopModel, pid: int, now: int, block: int) -> int:
        self._expect(m, pid, block, SUCCEEDED)
        p = self.proposals[pid]
        p.eta, p.queued_at = now + self.delay, now
        return p.eta

    def execute(self, m: CoopModel, pid: int, now: int, block: int) -> list[Any]:
        self._expect(m, pid, block, SUCCEEDED, QUEUED)
        p = self.proposals[pid]
        if not p.eta or now < p.eta:
            raise ModelRevert("TimelockUnexpectedOperationState")
        p.executed_at = now
        return [action(m, now, block) for _, action in p.actions]


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
    # Deployed with a voting seniority of 1 block: each run sets its own (0 included) through
    # the timelock in its initial state, and checks that setter on the way.
    return deploy_coop(
        admin,
        treasurers=[treasurer],
        deployments_dir=None,
        share_price=PRICE,
        share_cap=SHARE_CAP,
        redemption_notice=NOTICE,
        voting_delay=VOTING_DELAY,
        voting_period=VOTING_PERIOD,
        quorum_percent=QUORUM_PERCENT,
        timelock_delay=TIMELOCK_DELAY,
        admission="approval",
        voting_seniority=1,
        contest_window=CONTEST_WINDOW,
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
    st_policy = st.sampled_from([0, 1, 2])
    st_seniority = st.sampled_from([0, 1, 3])
    st_contest_window = st.sampled_from([0, DAY, CONTEST_WINDOW, MAX_CONTEST_WINDOW + DAY])
    st_config = st.sampled_from(CONFIGS)
    st_target = st.sampled_from(["fresh"] * 5 + ["zero", "actor", "retired"])
    st_retired = st.sampled_from([False] * 4 + [True])
    st_accounts = st.lists(st.integers(0, N_MEMBERS + N_SPARES), max_size=5)  # of everyone
    st_caller = st.sampled_from(["holder"] * 4 + ["actor"])
    st_mismatch = st.sampled_from([False] * 6 + [True])
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
    st_setting = st.sampled_from(SETTINGS_CHANGED)
    st_claimers = st.lists(st.integers(0, N_MEMBERS), min_size=1, max_size=3, unique=True)
    st_some_actors = st.lists(st.integers(0, N_MEMBERS), max_size=N_MEMBERS + 1, unique=True)
    st_fraction = st.integers(0, 5)
    st_new_price = st.sampled_from([None, 7 * 10**15 + 1, 3, 11 * 10**15 + 1])
    st_top_ups = st.lists(st.integers(0, 3), min_size=N_MEMBERS, max_size=N_MEMBERS)
    st_action_kinds = st.lists(st.sampled_from(ACTION_KINDS), min_size=1, max_size=2)
    st_choice = st.integers(0, 3)
    st_proposal = st.integers(0, 4)  # see _pick_proposal
    st_support = st.sampled_from([1, 1, 1, 0, 0, 2, 3])  # 3 is no vote type
    st_blocks = st.sampled_from([1, 2, VOTING_PERIOD + 1])
    st_tamper = st.sampled_from([False, False, False, True])

    outcomes: Counter[str] = Counter()
    runs = 0
    checks = 0  # how often the invariants ran: after the initial state and after every step

    def __init__(cls, coop, members, contributor, treasurer, outsider, spares):  # noqa: N805
        # Called once, as a class method, before the chain snapshot every run reverts to.
        cls.coop = coop
        cls.membership = coop.membership
        cls.committee = coop.committee
        cls.rewards = coop.rewards
        cls.initial_actors = [*members, contributor]
        cls.spares = list(spares)
        # every account a run can touch: the invariants read them all
        cls.everyone = [*cls.initial_actors, *cls.spares]
        cls.treasurer = treasurer
        cls.outsider = outsider
        cls.governor = coop.governor
        cls.timelock = coop.timelock
        cls.gov = accounts.at(coop.timelock.address, force=True)  # anvil_impersonateAccount
        web3.provider.make_request("anvil_setBalance", [coop.timelock.address, hex(10**24)])
        # The block number a view (eth_call) sees, relative to the latest block's.
        cls.view_block_offset = coop.membership.clock() - web3.eth.block_number
        cls.outcomes = Counter()
        cls.runs = 0
        cls.checks = 0

    def setup(self):
        type(self).runs += 1
        p = self.coop.params
        self.model = CoopModel.create(
            governance=str(self.gov),
            committee=self.committee.address,
            share_price=p["share_price"],
            share_cap=p["share_cap"],
            policy=AdmissionPolicy.APPROVAL,
            redemption_notice=p["redemption_notice"],
            voting_seniority=p["voting_seniority"],
            contest_window=p["contest_window"],
            committee_seats=p["committee_seats"],
            committee_max_term=p["committee_max_term"],
            min_reserve_bps=p["min_reserve_bps"],
            interest_cap_bps=p["interest_cap_bps"],
            treasurers=[str(self.treasurer)],
        )
        self.model.governor = GovernorModel()  # travels with the model's clones
        # Who is who: actors[i] is the account person i holds now (a move or a recovery
        # changes it); fresh accounts are taken in order; retired ones (Moved) are kept.
        self.actors = list(self.initial_actors)
        self.fresh = list(self.spares)
        self.retired: list[Any] = []
        # IVotes history: blocks from here on are checked as they become past
        self.first_block = chain.height + 1
        self.checked_through = chain.height
        self.descriptions = 0
        # Senders of the transactions that succeeded, in order (the timelock when it executed a
        # proposal's calls), and what invariant_only_the_timelock_governs saw at its last check.
        self.senders: list[str] = []
        self.sender = ""
        self.governed: tuple[Any, ...] | None = None
        self.seen_senders = 0
        self.seen_nonces: dict[str, int] = {}
        assert self.membership.balance() == 0 and self.rewards.balance() == 0

    def teardown(self):
        """At the end of each run, the whole IVotes history of the run once more: moves,
        recoveries and annulments rewrite which account answers for a past block."""
        if hasattr(self, "first_block"):  # (not if the set-up itself failed)
            self._check_history(range(self.first_block, chain.height))

    def teardown_final(cls):  # noqa: N805
        # Leave `accounts` as the other test modules expect it (accounts.at appended the timelock).
        web3.provider.make_request("anvil_stopImpersonatingAccount", [cls.gov.address])
        accounts.remove(cls.gov)
        print(f"\nstateful runs: {cls.runs}, invariant checks: {cls.checks}")
        for key, n in sorted(cls.outcomes.items()):
            print(f"  {key:<60} {n}")

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _now() -> int:
        """The latest block's timestamp: what views see, and (within seconds) the next block's."""
        return web3.eth.get_block("latest")["timestamp"]

    @staticmethod
    def _sleep(days: int) -> None:
        chain.sleep(days * DAY + SLEEP_OFFSET)
        chain.mine()  # views (eth_call) see the latest block's timestamp, not the clock

    @staticmethod
    def _read(*calls: tuple[Any, ...]) -> list[Any]:
        """View calls, each given as ``(contract.view, *args)``, sent as one JSON-RPC batch of
        eth_call: the invariants read ~100 views after every step, and one round trip is ~20
        times cheaper than as many Brownie calls (multi-value results come back as tuples)."""
        requests = [
            ("eth_call", [{"to": fn._address, "data": fn.encode_input(*args)}, "latest"])
            for fn, *args in calls
        ]
        values = []
        for (fn, *args), response in zip(
            calls, web3.provider.make_batch_request(requests), strict=True
        ):
            if "error" in response:
                raise AssertionError(f"{fn._name}{tuple(args)} failed: {response['error']}")
            value = fn.decode_output(response["result"])
            values.append(tuple(value) if isinstance(value, tuple) else value)
        return values

    def _tx(self, sender, value: int = 0) -> dict[str, Any]:
        self.sender = str(sender)  # remembered by _run if the transaction succeeds
        return {"from": sender, "value": value, "gas_price": 0}

    def _send(self, send: Callable[[], Any]) -> Any:
        """`send()`, surviving a race in Brownie's confirmation thread.

        That thread reads the sender's nonce, then the receipt; now and then (under load) anvil
        already serves the new nonce but not yet the receipt, and Brownie raises "Tx dropped
        without known replacement" for a transaction that was in fact mined. Fetch the receipt it
        missed, and fail (or not) exactly as Brownie does for a mined receipt.
        """
        try:
            return send()
        except TransactionError as err:
            found = re.search(r"dropped without known replacement: (0x[0-9a-fA-F]{64})", str(err))
            if found is None:
                raise
        self.outcomes["(brownie dropped-tx race recovered)"] += 1
        web3.eth.wait_for_transaction_receipt(found.group(1), timeout=60)
        tx = TransactionReceipt(found.group(1), silent=True, required_confs=1)
        if tx.status == 1:
            return tx
        raise VirtualMachineError(
            ValueError(
                {
                    "message": f"VM Exception while processing transaction: revert {tx.revert_msg}",
                    "code": -32000,
                    "data": {
                        tx.txid: {
                            "error": "revert",
                            "program_counter": tx._revert_pc,
                            "return": tx.return_value,
                            "reason": tx.revert_msg,
                        }
                    },
                }
            )
        )

    def _run(
        self,
        label: str,
        op: Callable[[CoopModel, int, int], Any],
        send: Callable[[], Any],
        *,
        prefix: bool = False,
    ) -> Outcome:
        """Check `send` (a transaction) against `op` (the same operation on a model, given the
        block timestamp and number), and commit `op` to the model if the transaction succeeded.
        With `prefix`, a revert matches if it starts with the modelled error and arguments (the
        governance model leaves out trailing ones, such as OpenZeppelin's state bitmaps)."""
        trial = self.model.clone()
        try:
            op(trial, self._now(), chain.height + 1)
        except ModelRevert as exc:
            expected = exc.message()
            pattern = "(?i)" + re.escape(expected)
            if prefix:
                pattern = "(?i)" + re.escape(expected.rstrip(": ")) + ".*"
            try:
                with brownie.reverts(revert_pattern=pattern):
                    self._send(send)
            except AssertionError as err:
                raise AssertionError(f"{label}: the model expected '{expected}'; {err}") from None
            self.outcomes[f"{label}: {exc.error}"] += 1
            return Outcome(error=exc)
        try:
            tx = self._send(send)
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
        self.senders.append(self.sender)
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

    # ------------------------------------------------------------------ people and accounts

    def _account(self, address: str) -> Any:
        return next(a for a in self.everyone if str(a) == address)

    def _retired_or(self, acct: Any, retired: bool) -> Any:
        """`acct`, or (with `retired`) the latest account a membership moved away from."""
        return self.retired[-1] if retired and self.retired else acct

    def _new_account(self, kind: str, actor: int) -> Any:
        """A move's new account: mostly a fresh one; else the zero address, an actor's account
        (refused once it ever was a member or applied) or a retired one (refused)."""
        if kind == "zero":
            return ZERO_ADDRESS
        if kind == "retired" and self.retired:
            return self.retired[-1]
        if kind == "actor" or not self.fresh:
            return self.actors[actor]
        return self.fresh[0]

    def _moved(self, frm: Any, to: Any) -> None:
        """The person who held `frm` holds `to` now; `frm` is retired."""
        frm, to = self._account(str(frm)), self._account(str(to))
        self.actors = [to if a == frm else a for a in self.actors]
        self.fresh = [a for a in self.fresh if a != to]
        self.retired = [a for a in self.retired if a != to] + [frm]

    def _holder(self) -> Any:
        """The account holding committee seat 0 (an actor's, if the seat is empty)."""
        holder, _ = self.model.committee.seat_view(0)
        return self._account(holder) if holder != ZERO_ADDRESS else self.actors[0]

    # ------------------------------------------------------------------ initial state

    def initialize_coop(
        self,
        config="st_config",
        shares="st_initial_shares",
        budget="st_budget",
        entries="st_entries",
        amount="st_amount",
        reserve_bps="st_reserve_bps",
        rate_bps="st_rate_bps",
        window="st_window",
        claimers="st_some_actors",
        new_price="st_new_price",
        top_ups="st_top_ups",
        kinds="st_action_kinds",
        subject="st_actor",
        choice="st_choice",
        voters="st_some_actors",
        by_signature="st_wait",
        recover="st_wait",
        contest="st_wait",
    ):
        """The run's admission policy and voting seniority. Some members: the founder joins at
        once, the others apply and the timelock admits them all in one admitMany (or, under the
        Open policy, they are admitted at once); once their seniority has passed they are
        enfranchised in one call. The founder takes committee seat 0; under the Committee
        policy the founder admits the applicants instead (contestable admissions), and may
        recover a membership to a fresh account (mostly), which the founder may contest. Some buy more
        shares at a new price, so that capital is not always shares times one price and
        redemptions round. The founder proposes, some vote (the last of them moves its
        membership and votes again, refused), the proposal is queued once voting ends, and
        once its timelock delay has passed it is executed (or refused), so that every run
        checks an executed proposal. Then a first period with points whose surplus is allocated and
        claimed by some, so that every run goes through the whole rewards cycle and starts with
        claims and a sweep in reach; then the second period opens."""
        policy, seniority = config
        self.rule_change_setting("votingSeniority", seniority=seniority)
        if policy == AdmissionPolicy.OPEN:
            self.rule_change_setting("admissionPolicy", policy=policy)
        shares = [max(1, shares[0]), *shares[1:]]  # person 0 founds the co-op
        for i, n in enumerate(shares):
            if n:
                self.rule_join(i, n, 0, False)
        founder = 0
        pending = [a for a in self.actors if self._status(a) == Status.PENDING]
        self._appoint(0, self.actors[founder], self._now() + YEAR)
        if policy == AdmissionPolicy.COMMITTEE:
            self.rule_change_setting("admissionPolicy", policy=policy)
            self.rule_committee_decide(
                [self.actors.index(a) for a in pending], True, "holder", 0, False
            )
        else:
            self._admit_many(pending, True, False)
        chain.mine(seniority)
        self._enfranchise(self.actors)
        if policy == AdmissionPolicy.COMMITTEE and not recover:
            # a member other than the founder (who holds the seat), from `subject` on
            others = [(subject + k) % N_MEMBERS for k in range(N_MEMBERS)]
            lost = next((i for i in others if i and self._status(self.actors[i]) in MEMBERS), 1)
            self.rule_recover(lost, "fresh", 0, True, "holder")
            if not contest:
                self.rule_contest(founder, lost, False)
        if new_price:
            self.rule_change_setting("sharePrice", price=new_price)
            for i, n in enumerate(top_ups):
                if n and shares[i]:
                    self.rule_buy_shares(i, n, 0)
        self.rule_propose(founder, kinds, subject, choice)
        chain.mine(VOTING_DELAY)
        voting = sorted({founder, *voters})
        for i in voting:
            self.rule_vote(i, 0, 1, by_signature, founder, i == voting[-1])
        chain.mine(VOTING_PERIOD)
        self.rule_queue(0, founder, False)
        self._sleep(TIMELOCK_DELAY // DAY)
        self.rule_execute(0, founder, False, False)
        self.rule_open_period(budget)
        self.rule_record_points(0, entries, "treasurer", 0)
        self.rule_allocate(0, amount, reserve_bps, rate_bps, window, None, True)
        self.rule_claim(claimers, 0)
        self.rule_open_period(budget)

    def _status(self, acct: Any) -> Status:
        return self.model.membership.status(str(acct))

    def _appoint(self, seat: int, holder: Any, term_end: int) -> None:
        g = str(self.gov)
        self._run(
            "appoint",
            lambda m, now, block: m.committee.appoint(g, seat, str(holder), term_end, now=now),
            lambda: self.committee.appoint(seat, holder, term_end, self._tx(self.gov)),
        )

    # ------------------------------------------------------------------ members

    def rule_join(
        self, member="st_member", shares="st_shares", pay_delta="st_pay_delta", retired="st_retired"
    ):
        acct = self._retired_or(self.actors[member], retired)
        value = max(0, shares * self.model.membership.share_price + pay_delta)
        out = self._run(
            "join",
            lambda m, now, block: m.membership.join(str(acct), shares, value, now=now, block=block),
            lambda: self.membership.join(shares, self._tx(acct, value)),
        )
        if out.tx and out.result == Status.ACTIVE:
            ev = out.tx.events["MemberJoined"]
            assert (ev["account"], ev["index"]) == (str(acct), self._index(acct))
            assert out.tx.events["Transfer"]["tokenId"] == self._index(acct)

    def _index(self, acct: Any) -> int:
        return self.model.membership.index_of(str(acct))

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

    def rule_withdraw_refund(self, actor="st_actor", wait="st_wait", retired="st_retired"):
        acct = self._retired_or(self.actors[actor], retired)
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
        caller, acct = self.actors[actor], self.actors[member]
        if wait:
            self._sleep(8)  # past the longest suspension
        self._run(
            "endSuspension",
            lambda m, now, block: m.membership.end_suspension(str(acct), now=now, block=block),
            lambda: self.membership.endSuspension(acct, self._tx(caller)),
        )

    def rule_enfranchise(self, some="st_accounts", actor="st_actor"):
        """Anyone enfranchises some accounts (repeats and ineligible ones are skipped)."""
        self._enfranchise([self.everyone[i] for i in some], self.actors[actor])

    def _enfranchise(self, accts: list[Any], caller: Any = None) -> None:
        caller = caller or self.treasurer
        out = self._run(
            "enfranchise",
            lambda m, now, block: m.membership.enfranchise([str(a) for a in accts], block=block),
            lambda: self.membership.enfranchise(accts, self._tx(caller)),
        )
        if out.tx is None:
            return
        events = out.tx.events
        changed = events["DelegateVotesChanged"] if "DelegateVotesChanged" in events else []
        assert [(e["delegate"], e["previousVotes"], e["newVotes"]) for e in changed] == [
            (a, 0, 1) for a in out.result
        ]

    def rule_move(self, actor="st_actor", dest="st_target", other="st_actor"):
        """A member moves its membership to a new account (or tries an account it cannot)."""
        acct, new = self.actors[actor], self._new_account(dest, other)
        out = self._run(
            "moveMembership",
            lambda m, now, block: m.membership.move_membership(str(acct), str(new), now=now),
            lambda: self.membership.moveMembership(new, self._tx(acct)),
        )
        if out.tx:
            self._check_moved(out.tx, acct, new, acct, 0)
            self.senders.append(f"move:{new}")

    def _check_moved(self, tx: Any, frm: Any, to: Any, by: Any, deadline: int) -> None:
        index = self._index(to)
        ev = tx.events["MembershipMoved"]
        assert (ev["from"], ev["to"], ev["index"], ev["by"], ev["contestDeadline"]) == (
            str(frm),
            str(to),
            index,
            str(by),
            deadline,
        )
        transfer = tx.events["Transfer"]
        assert (transfer["from"], transfer["to"], transfer["tokenId"]) == (str(frm), str(to), index)
        self._moved(frm, to)

    def rule_contest(self, actor="st_actor", member="st_member", retired="st_retired"):
        """A member contests a committee act (admission or recovery) of another."""
        caller, acct = self.actors[actor], self._retired_or(self.actors[member], retired)
        out = self._run(
            "contest",
            lambda m, now, block: m.membership.contest(str(caller), str(acct), now=now),
            lambda: self.membership.contest(acct, self._tx(caller)),
        )
        if out.tx:
            ev = out.tx.events["AdmissionContested"]
            assert (ev["account"], ev["by"]) == (str(acct), str(caller))

    # ------------------------------------------------------------------ membership governance

    def rule_decide_application(self, member="st_member", admit="st_wait"):
        acct = self.actors[member]
        if admit:
            out = self._run(
                "admit",
                lambda m, now, block: m.membership.admit(str(self.gov), str(acct), block=block),
                lambda: self.membership.admit(acct, ATTESTATION, self._tx(self.gov)),
            )
            if out.tx:
                ev = out.tx.events["MemberAdmitted"]
                assert (ev["account"], ev["by"], ev["attestation"], ev["contestDeadline"]) == (
                    str(acct),
                    str(self.gov),
                    ATTESTATION,
                    0,
                )
        else:
            self._run(
                "reject",
                lambda m, now, block: m.membership.reject(str(self.gov), str(acct), now=now),
                lambda: self.membership.reject(acct, REASON, self._tx(self.gov)),
            )

    def rule_decide_many(self, some="st_some_actors", admit="st_wait", mismatch="st_mismatch"):
        """The timelock admits (or rejects) several applicants in one call: all or none."""
        self._admit_many([self.actors[i] for i in some], admit, mismatch)

    def _admit_many(self, accts: list[Any], admit: bool, mismatch: bool) -> None:
        g, names = str(self.gov), [str(a) for a in accts]
        hashes = [ATTESTATION if admit else REASON] * (len(accts) + mismatch)
        if admit:
            out = self._run(
                "admitMany",
                lambda m, now, block: m.membership.admit_many(g, names, len(hashes), block=block),
                lambda: self.membership.admitMany(accts, hashes, self._tx(self.gov)),
            )
        else:
            out = self._run(
                "rejectMany",
                lambda m, now, block: m.membership.reject_many(g, names, len(hashes), now=now),
                lambda: self.membership.rejectMany(accts, hashes, self._tx(self.gov)),
            )
        if out.tx and admit and accts:
            joined = out.tx.events["MemberJoined"]
            assert [(e["account"], e["index"]) for e in joined] == [
                (n, self.model.membership.index_of(n)) for n in names
            ]

    def rule_committee_decide(
        self,
        some="st_some_actors",
        admit="st_wait",
        caller="st_caller",
        actor="st_actor",
        mismatch="st_mismatch",
    ):
        """A committee seat holder (or anyone else) admits or rejects applicants: effective
        only under the Committee policy; each admission can be contested for a while."""
        by = self._holder() if caller == "holder" else self.actors[actor]
        accts = [self.actors[i] for i in some]
        names, hashes = [str(a) for a in accts], [ATTESTATION] * (len(accts) + mismatch)
        if admit:
            out = self._run(
                "committee admit",
                lambda m, now, block: m.committee.admit(
                    str(by), names, len(hashes), now=now, block=block
                ),
                lambda: self.committee.admit(accts, hashes, self._tx(by)),
            )
        else:
            out = self._run(
                "committee reject",
                lambda m, now, block: m.committee.reject(str(by), names, len(hashes), now=now),
                lambda: self.committee.reject(accts, hashes, self._tx(by)),
            )
        if out.tx:
            self.senders.append(COMMITTEE)
            if admit and accts:
                deadline = out.tx.timestamp + self.model.membership.contest_window
                admitted = out.tx.events["MemberAdmitted"]
                assert [(e["account"], e["by"], e["contestDeadline"]) for e in admitted] == [
                    (n, str(by), deadline) for n in names
                ]
                for n in names:
                    index = self.model.membership.index_of(n)
                    (contest,) = self._read((self.membership.contestOf, index))
                    assert contest == (ZERO_ADDRESS, deadline, False)

    def rule_recover(
        self,
        member="st_member",
        dest="st_target",
        other="st_actor",
        committee="st_wait",
        caller="st_caller",
    ):
        """A membership whose key is lost is recovered to a new account: by a vote (the
        timelock), or by a committee seat holder, contestable for a while."""
        lost, new = self.actors[member], self._new_account(dest, other)
        if committee:
            by = self._holder() if caller == "holder" else self.actors[other]
            out = self._run(
                "committee recover",
                lambda m, now, block: m.committee.recover(str(by), str(lost), str(new), now=now),
                lambda: self.committee.recover(lost, new, self._tx(by)),
            )
        else:
            by, g = self.gov, str(self.gov)
            out = self._run(
                "recoverMembership",
                lambda m, now, block: m.membership.recover_membership(
                    g, str(lost), str(new), now=now
                ),
                lambda: self.membership.recoverMembership(lost, new, self._tx(self.gov)),
            )
        if out.tx:
            deadline = out.tx.timestamp + self.model.membership.contest_window if committee else 0
            self._check_moved(out.tx, lost, new, by, deadline)
            if committee:
                self.senders.append(COMMITTEE)

    def rule_annul(self, member="st_member", retired="st_retired"):
        """A vote annuls a committee act still open (within its window, or contested)."""
        acct = self._retired_or(self.actors[member], retired)
        g = str(self.gov)
        out = self._run(
            "annul",
            lambda m, now, block: m.membership.annul(g, str(acct), now=now, block=block),
            lambda: self.membership.annul(acct, self._tx(self.gov)),
        )
        if out.tx is None:
            return
        previous = out.result.previous
        assert out.tx.events["CommitteeActAnnulled"]["restoredTo"] == previous
        if previous == ZERO_ADDRESS:
            ev = out.tx.events["MemberExpelled"]
            assert (ev["account"], ev["reasonHash"]) == (str(acct), ANNULLED)
            assert self.model.membership.status(str(acct)) == Status.EXPELLED
        else:
            self._check_moved(out.tx, acct, previous, self.gov, 0)

    def rule_warn(self, actor="st_actor"):
        acct = self.actors[actor]
        out = self._run(
            "warn",
            lambda m, now, block: m.membership.warn(str(self.gov), str(acct)),
            lambda: self.membership.warn(acct, REASON, self._tx(self.gov)),
        )
        if out.tx:
            assert out.tx.events["MemberWarned"]["warnings"] == out.result

    def rule_suspend(self, member="st_member", days="st_suspend_days"):
        acct = self.actors[member]
        until = self._now() + days * DAY
        self._run(
            "suspend",
            lambda m, now, block: m.membership.suspend(
                str(self.gov), str(acct), until, now=now, block=block
            ),
            lambda: self.membership.suspend(acct, until, REASON, self._tx(self.gov)),
        )

    def rule_reinstate(self, member="st_member"):
        acct = self.actors[member]
        self._run(
            "reinstate",
            lambda m, now, block: m.membership.reinstate(
                str(self.gov), str(acct), now=now, block=block
            ),
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

    def rule_change_setting(
        self,
        setting="st_setting",
        price="st_price",
        cap="st_cap",
        policy="st_policy",
        notice="st_notice",
        period="st_period",
        budget="st_budget",
        seniority="st_seniority",
        window="st_contest_window",
    ):
        """Governance changes one setting (possibly to an invalid value)."""
        gov, g, ms = self.gov, str(self.gov), self.membership
        if setting == "sharePrice":
            op, send = (
                lambda m, now, block: m.membership.set_share_price(g, price),
                lambda: ms.setSharePrice(price, self._tx(gov)),
            )
        elif setting == "shareCap":
            op, send = (
                lambda m, now, block: m.membership.set_share_cap(g, cap),
                lambda: ms.setShareCap(cap, self._tx(gov)),
            )
        elif setting == "admissionPolicy":
            op, send = (
                lambda m, now, block: m.membership.set_admission_policy(g, policy),
                lambda: ms.setAdmissionPolicy(policy, self._tx(gov)),
            )
        elif setting == "redemptionNotice":
            op, send = (
                lambda m, now, block: m.membership.set_redemption_notice(g, notice),
                lambda: ms.setRedemptionNotice(notice, self._tx(gov)),
            )
        elif setting == "votingSeniority":
            op, send = (
                lambda m, now, block: m.membership.set_voting_seniority(g, seniority),
                lambda: ms.setVotingSeniority(seniority, self._tx(gov)),
            )
        elif setting == "contestWindow":
            op, send = (
                lambda m, now, block: m.membership.set_contest_window(g, window),
                lambda: ms.setContestWindow(window, self._tx(gov)),
            )
        else:
            pid = self._pick_period(period)
            op, send = (
                lambda m, now, block: m.rewards.set_period_budget(g, pid, budget),
                lambda: self.rewards.setPeriodBudget(pid, budget, self._tx(gov)),
            )
        self._run(f"set {setting}", op, send)

    def rule_not_governance(self, actor="st_actor", fn="st_gov_fn"):
        """Anyone but the timelock is refused by every governance function."""
        sender = self.actors[actor]
        s, target, new = str(sender), self.actors[0], self.spares[-1]
        ms, rw = self.membership, self.rewards
        calls: dict[str, tuple[Callable[[CoopModel, int, int], Any], Callable[[], Any]]] = {
            "admit": (
                lambda m, now, block: m.membership.admit(s, str(target), block=block),
                lambda: ms.admit(target, ATTESTATION, self._tx(sender)),
            ),
            "admitMany": (
                lambda m, now, block: m.membership.admit_many(s, [str(target)], 1, block=block),
                lambda: ms.admitMany([target], [ATTESTATION], self._tx(sender)),
            ),
            "recoverMembership": (
                lambda m, now, block: m.membership.recover_membership(
                    s, str(target), str(new), now=now
                ),
                lambda: ms.recoverMembership(target, new, self._tx(sender)),
            ),
            "annul": (
                lambda m, now, block: m.membership.annul(s, str(target), now=now, block=block),
                lambda: ms.annul(target, self._tx(sender)),
            ),
            "setVotingSeniority": (
                lambda m, now, block: m.membership.set_voting_seniority(s, 5),
                lambda: ms.setVotingSeniority(5, self._tx(sender)),
            ),
            "appoint": (
                lambda m, now, block: m.committee.appoint(s, 1, s, now + DAY, now=now),
                lambda: self.committee.appoint(1, sender, self._now() + DAY, self._tx(sender)),
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
        close_first="st_wait",
    ):
        pid = self._pick_period(period)
        p = self.model.rewards.periods.get(pid)
        if close_first and p is not None and not p.closed:
            self.rule_close_period(period, "treasurer", 0)
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
            assert (ev["reserve"], ev["interestPool"], ev["patronagePool"], ev["deadline"]) == (
                a.reserve,
                a.interest_pool,
                a.patronage_pool,
                a.deadline,
            )
            assert a.reserve + a.interest_pool + a.patronage_pool == a.funded

    def rule_claim(self, claimers="st_claimers", period="st_period"):
        """A few accounts claim, one after the other; each one's second claim pays nothing."""
        pid = self._pick_period(period, sorted(self.model.rewards.allocations))
        for i in claimers:
            self._claim(self.actors[i], pid)

    def _claim(self, acct, pid: int) -> None:
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

    # ------------------------------------------------------------------ governance

    def _action(self, kind: str, actor: int, choice: int) -> tuple[str, str, str, ModelAction]:
        """(target, calldata, label, model operation) of one proposal action. A sanction
        mostly names someone it fits when proposed (choice 3: anyone); a setting is mostly
        valid (choice 3: an invalid one); execution may come when things have changed."""
        g, ms, rw = str(self.gov), self.membership, self.rewards
        fits = {
            "warn": (Status.ACTIVE, Status.SUSPENDED),
            "suspend": (Status.ACTIVE,),
            "reinstate": (Status.SUSPENDED,),
            "expel": (Status.ACTIVE, Status.SUSPENDED),
        }
        if kind in fits and choice < 3:
            mm = self.model.membership
            fitting = [i for i, a in enumerate(self.actors) if mm.status(str(a)) in fits[kind]]
            actor = fitting[actor % len(fitting)] if fitting else actor
        acct = self.actors[actor]
        a = str(acct)
        if kind == "setShareCap":
            cap = [SHARE_CAP, 5, SHARE_CAP + 3, 0][choice]
            return (
                ms.address,
                ms.setShareCap.encode_input(cap),
                kind,
                lambda m, now, block: m.membership.set_share_cap(g, cap),
            )
        if kind == "setRedemptionNotice":
            notice = [NOTICE, DAY, 0, MAX_NOTICE + DAY][choice]
            return (
                ms.address,
                ms.setRedemptionNotice.encode_input(notice),
                kind,
                lambda m, now, block: m.membership.set_redemption_notice(g, notice),
            )
        if kind == "warn":
            return (
                ms.address,
                ms.warn.encode_input(acct, REASON),
                kind,
                lambda m, now, block: m.membership.warn(g, a),
            )
        if kind == "suspend":
            # Fixed when proposed; a term already over when executed is refused.
            until = self._now() + [7, 14, 7, 1][choice] * DAY
            return (
                ms.address,
                ms.suspend.encode_input(acct, until, REASON),
                kind,
                lambda m, now, block: m.membership.suspend(g, a, until, now=now, block=block),
            )
        if kind == "reinstate":
            return (
                ms.address,
                ms.reinstate.encode_input(acct),
                kind,
                lambda m, now, block: m.membership.reinstate(g, a, now=now, block=block),
            )
        if kind == "expel":
            return (
                ms.address,
                ms.expel.encode_input(acct, REASON),
                kind,
                lambda m, now, block: m.membership.expel(g, a, now=now, block=block),
            )
        if kind == "setTreasurer":
            enabled = choice % 2 == 0
            return (
                rw.address,
                rw.setTreasurer.encode_input(acct, enabled),
                kind,
                lambda m, now, block: m.rewards.set_treasurer(g, a, enabled),
            )
        period = [VOTING_PERIOD, 3, 9, 0][choice]

        def set_voting_period(m: CoopModel, now: int, block: int) -> None:
            if period == 0:
                raise ModelRevert("GovernorInvalidVotingPeriod", 0)
            m.governor.voting_period = period

        return (
            self.governor.address,
            self.governor.setVotingPeriod.encode_input(period),
            kind,
            set_voting_period,
        )

    def _pick_proposal(self, choice: int, *states: int) -> int | None:
        """A proposal id, mostly a recent one in one of `states` (at the next block) if any is;
        None if there is no proposal yet."""
        gm = self.model.governor
        ids = list(gm.proposals)
        block = chain.height + 1
        ready = [pid for pid in ids if gm.state(self.model, pid, block) in states]
        if ready and choice < 3:
            ids = ready
        return ids[-1 - choice % len(ids)] if ids else None

    def _tampered(self, pid: int | None) -> tuple[list[str], list[int], list[str], bytes]:
        """The actions of proposal `pid` with the first one's calldata changed (a share cap of
        1), or such an action alone: their hash is no proposal's."""
        if pid is None:
            targets, values, calldatas, dhash = [], [], [], web3.keccak(text="no proposal")
        else:
            targets, values, calldatas, dhash = self.model.governor.proposals[pid].proposal
        calldata = self.membership.setShareCap.encode_input(1)
        return (
            [self.membership.address, *targets[1:]],
            [0, *values[1:]],
            [calldata, *calldatas[1:]],
            dhash,
        )

    def rule_propose(
        self, actor="st_actor", kinds="st_action_kinds", subject="st_actor", choice="st_choice"
    ):
        proposer = self.actors[actor]
        actions = [
            self._action(kind, (subject + i) % len(self.actors), choice)
            for i, kind in enumerate(kinds)
        ]
        targets, calldatas = [a[0] for a in actions], [a[1] for a in actions]
        values = [0] * len(actions)
        self.descriptions += 1
        description = f"stateful proposal {self.descriptions}"
        dhash = web3.keccak(text=description)
        pid = self.governor.hashProposal(targets, values, calldatas, dhash)

        def op(m: CoopModel, now: int, block: int) -> ProposalRecord:
            record = ProposalRecord(
                proposer=str(proposer),
                actions=[(label, action) for _, _, label, action in actions],
                proposal=(targets, values, calldatas, dhash),
                snapshot=0,
                deadline=0,
            )
            return m.governor.propose(m, str(proposer), pid, record, block)

        out = self._run(
            "propose",
            op,
            lambda: self.governor.propose(
                targets, values, calldatas, description, self._tx(proposer)
            ),
            prefix=True,
        )
        if out.tx:
            ev = out.tx.events["ProposalCreated"]
            assert (ev["proposalId"], ev["voteStart"], ev["voteEnd"]) == (
                pid,
                out.result.snapshot,
                out.result.deadline,
            )

    def rule_vote(
        self,
        actor="st_actor",
        proposal="st_proposal",
        support="st_support",
        by_signature="st_wait",
        relayer="st_actor",
        move_on="st_retired",
    ):
        """A member votes in person, or signs a ballot that someone else relays (only accounts
        whose key the test holds can sign); a relayed ballot is replayed, and refused. With
        `move_on`, a member who voted moves its membership to a new account and votes again
        from there: refused, its receipt follows it."""
        voter = self.actors[actor]
        pid = self._pick_proposal(proposal, ACTIVE)
        if pid is None:
            return
        v, g = str(voter), self.governor
        # (a ballot can only be signed for a valid vote type: an invalid one is cast directly)
        if not (by_signature and hasattr(voter, "private_key") and support <= 2):
            out = self._run(
                "castVote",
                lambda m, now, block: m.governor.cast_vote(m, v, pid, support, block, None),
                lambda: g.castVote(pid, support, self._tx(voter)),
                prefix=True,
            )
        else:
            nonce = self.model.governor.nonces.get(v, 0)
            signature = sign_ballot(self.coop, voter, pid, support, nonce=nonce)
            sender = self.actors[relayer] if self.actors[relayer] != voter else self.outsider

            def op(m: CoopModel, now: int, block: int) -> None:
                m.governor.cast_vote(m, v, pid, support, block, nonce)

            def send() -> Any:
                return g.castVoteBySig(pid, support, voter, signature, self._tx(sender))

            out = self._run("castVoteBySig", op, send, prefix=True)
            if out.tx:
                again = self._run("castVoteBySig replayed", op, send, prefix=True)
                assert again.error is not None and again.error.error == "GovernorInvalidSignature"
        if out.tx:
            ev = out.tx.events["VoteCast"]
            assert (ev["voter"], ev["proposalId"], ev["support"], ev["weight"]) == (
                v,
                pid,
                support,
                1,
            )
            if move_on and self.fresh:
                self.rule_move(actor, "fresh", actor)
                again = self.actors[actor]
                if again != voter:
                    a = str(again)
                    out = self._run(
                        "castVote after a move",
                        lambda m, now, block: m.governor.cast_vote(m, a, pid, support, block, None),
                        lambda: g.castVote(pid, support, self._tx(again)),
                        prefix=True,
                    )
                    assert out.error is not None and out.error.error in (
                        "GovernorAlreadyCastVote",
                        "GovernorUnexpectedProposalState",  # voting ended meanwhile
                    )

    def rule_queue(self, proposal="st_proposal", actor="st_actor", tamper="st_tamper"):
        pid = self._pick_proposal(proposal, SUCCEEDED)
        if tamper or pid is None:
            self._refuse_tampered("queue", pid, actor)
            return
        targets, values, calldatas, dhash = self.model.governor.proposals[pid].proposal
        out = self._run(
            "queue",
            lambda m, now, block: m.governor.queue(m, pid, now, block),
            lambda: self.governor.queue(
                targets, values, calldatas, dhash, self._tx(self.actors[actor])
            ),
            prefix=True,
        )
        if out.tx:
            assert out.tx.events["ProposalQueued"]["etaSeconds"] == out.result
            assert out.result == out.tx.timestamp + TIMELOCK_DELAY

    def rule_execute(
        self, proposal="st_proposal", actor="st_actor", tamper="st_tamper", wait="st_wait"
    ):
        if wait:
            self._sleep(TIMELOCK_DELAY // DAY)  # just past the delay of a proposal queued now
        pid = self._pick_proposal(proposal, QUEUED)
        if tamper or pid is None:
            self._refuse_tampered("execute", pid, actor)
            return
        record = self.model.governor.proposals[pid]
        targets, values, calldatas, dhash = record.proposal
        out = self._run(
            "execute",
            lambda m, now, block: m.governor.execute(m, pid, now, block),
            lambda: self.governor.execute(
                targets, values, calldatas, dhash, self._tx(self.actors[actor])
            ),
            prefix=True,
        )
        if out.tx:
            for label, _ in record.actions:
                self.outcomes[f"execute: {label} ok"] += 1
            executed = out.tx.events["CallExecuted"]
            assert len(executed) == len(targets)
            assert [e["target"] for e in executed] == targets
            assert out.tx.events["ProposalExecuted"]["proposalId"] == pid
            self.senders.append(str(self.gov))  # the timelock made the calls

    def _refuse_tampered(self, fn: str, pid: int | None, actor: int) -> None:
        """Queueing or executing a proposal with changed actions names no proposal."""
        proposal = self._tampered(pid)
        tampered = self.governor.hashProposal(*proposal)
        assert tampered not in self.model.governor.proposals
        send = getattr(self.governor, fn)
        out = self._run(
            f"{fn} (changed actions)",
            lambda m, now, block: m.governor.state(m, tampered, block),
            lambda: send(*proposal, self._tx(self.actors[actor])),
        )
        assert out.error is not None and out.error.error == "GovernorNonexistentProposal"

    def rule_mine(self, blocks="st_blocks"):
        chain.mine(blocks)

    # ------------------------------------------------------------------ time

    def rule_sleep(self, days="st_days"):
        self._sleep(days)

    # ------------------------------------------------------------------ invariants

    def invariant_members_match_model(self):
        """Every account's record, vote, delegate, index, vote weight, right to be
        enfranchised, refund and application match the model; member and voter counts match
        the model and the records; no member index is held by two accounts, and accountOf
        names the one that holds it; contests and committee seats match the model."""
        mm, ms, cm = self.model.membership, self.membership, self.model.committee
        clock = chain.height - 1
        view_block = chain.height + self.view_block_offset
        indexes = range(1, mm.last_index + 1)
        reads = iter(
            self._read(
                *(
                    call
                    for acct in self.everyone
                    for call in (
                        (ms.member, acct.address),
                        (ms.getVotes, acct.address),
                        (ms.delegates, acct.address),
                        (ms.memberIndex, acct.address),
                        (ms.voteWeight, acct.address, clock),
                        (ms.canEnfranchise, acct.address),
                        (ms.refund, acct.address),
                        (ms.application, acct.address),
                        (self.committee.inForce, acct.address),
                    )
                ),
                (ms.memberCount,),
                (ms.voterCount,),
                *((ms.accountOf, i) for i in indexes),
                *((ms.contestOf, i) for i in indexes),
                *((self.committee.seat, n) for n in range(cm.seat_count)),
            )
        )
        now = self._now()
        votes, held = 0, {}
        for acct in self.everyone:
            a = str(acct)
            view = mm.member_view(a)
            assert next(reads) == view.as_tuple(), a
            v = next(reads)
            assert v == mm.votes(a), a
            votes += v
            assert next(reads) == mm.delegate(a), a
            index = next(reads)
            assert index == view.index, a
            if index:
                assert index not in held, (index, held.get(index), a)
                held[index] = a
            assert next(reads) == mm.vote_weight(a, clock), a
            assert next(reads) == mm.can_enfranchise(a, view_block), a
            assert next(reads) == mm.refund(a), a
            assert next(reads) == mm.application(a), a
            assert next(reads) == cm.in_force(a, now=now), a
        assert next(reads) == mm.member_count
        assert mm.member_count == sum(mm.status(str(a)) == Status.ACTIVE for a in self.everyone)
        assert next(reads) == mm.voter_count == votes
        for i in indexes:
            assert next(reads) == mm.account_of(i) == held[i], i
        for i in indexes:
            assert next(reads) == mm.contest_of(i).as_tuple(), i
        for n in range(cm.seat_count):
            assert next(reads) == cm.seat_view(n), n

    def invariant_totals_are_sums(self):
        """Total shares, total capital and the active count are the sums over the members; the
        settings match the model."""
        mm, ms = self.model.membership, self.membership
        views = [mm.member_view(str(a)) for a in self.everyone]
        shares, capital, liabilities, *settings = self._read(
            (ms.totalShares,),
            (ms.totalCapital,),
            (ms.liabilities,),
            (ms.sharePrice,),
            (ms.shareCap,),
            (ms.admissionPolicy,),
            (ms.redemptionNotice,),
            (ms.votingSeniority,),
            (ms.contestWindow,),
        )
        assert settings == [
            mm.share_price,
            mm.share_cap,
            mm.policy,
            mm.redemption_notice,
            mm.voting_seniority,
            mm.contest_window,
        ]
        assert shares == mm.total_shares == sum(v.shares for v in views)
        assert capital == mm.total_capital == sum(v.capital for v in views)
        assert liabilities == mm.liabilities()

    def invariant_membership_is_solvent(self):
        """The contract holds exactly every member's capital, held application payments and
        owed refunds."""
        ms = self.membership
        capital, (held, owed) = self._read((ms.totalCapital,), (ms.liabilities,))
        balance = self.membership.balance()
        assert balance == capital + held + owed
        assert balance == self.model.membership.balance

    def invariant_voting_history(self):
        """IVotes is honest: every block that became past since the last check, and a sample
        of older ones (all of them again at the end of the run, in teardown)."""
        last = chain.height - 1
        older = list(range(self.first_block, self.checked_through + 1))
        sample = older[:: max(1, len(older) // 4)][-5:]
        self._check_history([*sample, *range(self.checked_through + 1, last + 1)])
        self.checked_through = last

    def _check_history(self, blocks: Any) -> None:
        """For each past block t: getPastVotes summed over every account the run can touch is
        getPastTotalSupply (one vote per membership, wherever it moved); getPastCapital summed is
        getPastTotalCapital; each account's matches the model; and the governor's quorum is
        ceil(supply * quorumNumerator / 100), at least 1."""
        mm, ms = self.model.membership, self.membership
        blocks = list(blocks)
        for k in range(0, len(blocks), 40):
            chunk = blocks[k : k + 40]
            calls: list[tuple[Any, ...]] = []
            for t in chunk:
                calls += [
                    (ms.getPastTotalSupply, t),
                    (ms.getPastTotalCapital, t),
                    (self.governor.quorum, t),
                    (self.governor.quorumNumerator["uint256"], t),
                ]
                calls += [(ms.getPastVotes, a.address, t) for a in self.everyone]
                calls += [(ms.getPastCapital, a.address, t) for a in self.everyone]
            reads = iter(self._read(*calls))
            for t in chunk:
                supply, capital, quorum, numerator = (next(reads) for _ in range(4))
                votes = [next(reads) for _ in self.everyone]
                capitals = [next(reads) for _ in self.everyone]
                assert supply == sum(votes) == mm.past_total_supply(t), t
                assert capital == sum(capitals) == mm.past_total_capital(t), t
                assert numerator == QUORUM_PERCENT
                assert quorum == max(1, -(-supply * numerator // 100)), t
                for acct, v, c in zip(self.everyone, votes, capitals, strict=True):
                    a = str(acct)
                    assert (v, c) == (mm.past_votes(a, t), mm.past_capital(a, t)), (t, a)

    def invariant_rewards_match_model(self):
        """Periods, allocations, points, claimed flags and claimable amounts match the model
        (points and claims belong to the person: the member index, else the address); no
        allocation can pay out more than its pools; the contract holds the reserve and every
        unclaimed pool."""
        rm, rw = self.model.rewards, self.rewards
        now = self._now()
        pids = range(1, rm.period_count + 1)
        calls = [
            (rw.minReserveBps,),
            (rw.interestCapBps,),
            *((rw.isTreasurer, acct.address) for acct in (self.treasurer, *self.initial_actors)),
            (rw.periodCount,),
            (rw.reserve,),
            *((rw.period, pid) for pid in pids),
            *((rw.allocation, pid) for pid in pids),
            *((rw.points, pid, acct.address) for pid in pids for acct in self.everyone),
        ]
        allocated = sorted(rm.allocations)
        for pid in allocated:
            for acct in self.everyone:
                calls += [(rw.claimable, pid, acct.address), (rw.hasClaimed, pid, acct.address)]
        reads = iter(self._read(*calls))

        assert (next(reads), next(reads)) == (rm.min_reserve_bps, rm.interest_cap_bps)
        for acct in (self.treasurer, *self.initial_actors):
            assert next(reads) == rm.is_treasurer(str(acct)), str(acct)
        count, reserve = next(reads), next(reads)
        assert count == rm.period_count
        assert reserve == rm.reserve
        for pid in pids:
            assert next(reads) == rm.period_view(pid), pid
        allocations = {pid: next(reads) for pid in pids}
        for pid in pids:
            assert allocations[pid] == rm.allocation_view(pid), pid
        for pid in pids:
            for acct in self.everyone:
                assert next(reads) == rm.points(pid, str(acct)), (pid, str(acct))
        owed_pools = 0
        for pid in allocated:
            funded, a_reserve, interest, patronage, claimed, _, swept, _ = allocations[pid]
            claimable = 0
            for acct in self.everyone:
                a = str(acct)
                owed = next(reads)
                assert owed == rm.claimable(pid, a, now=now), (pid, a)
                assert next(reads) == rm.has_claimed(pid, a), (pid, a)
                claimable += sum(owed)
            assert claimed <= funded, pid
            assert claimed + claimable <= funded - a_reserve, pid
            if not swept:
                owed_pools += interest + patronage - claimed
        balance = self.rewards.balance()
        assert balance >= reserve + owed_pools
        assert balance == rm.balance == reserve + owed_pools

    def invariant_governance(self):
        """Proposals keep their snapshot, deadline and proposer; tallies count one vote per
        person (member index) who voted, whichever account it votes from, each a voter at the
        snapshot; states match the model; an executed proposal had quorum and a majority and
        waited the timelock delay; signature nonces match the model and never go down;
        governor and timelock settings match the model."""
        gm, mm = self.model.governor, self.model.membership
        g, t = self.governor, self.timelock
        pids = list(gm.proposals)
        calls: list[tuple[Any, ...]] = [
            (g.clock,),
            (g.votingDelay,),
            (g.votingPeriod,),
            (g.proposalThreshold,),
            (t.getMinDelay,),
            *((g.nonces, acct.address) for acct in self.everyone),
        ]
        for pid in pids:
            calls += [
                (g.proposalSnapshot, pid),
                (g.proposalDeadline, pid),
                (g.proposalProposer, pid),
                (g.proposalVotes, pid),
                (g.proposalEta, pid),
                (g.state, pid),
                *((g.hasVoted, pid, acct.address) for acct in self.everyone),
            ]
        reads = iter(self._read(*calls))
        clock = next(reads)
        settings = (next(reads), next(reads), next(reads), next(reads))
        assert settings == (gm.voting_delay, gm.voting_period, 1, gm.delay)
        for acct in self.everyone:
            a, nonce = str(acct), next(reads)
            assert nonce == gm.nonces.get(a, 0) >= self.seen_nonces.get(a, 0), a
            self.seen_nonces[a] = nonce
        for pid in pids:
            p = gm.proposals[pid]
            assert (next(reads), next(reads), next(reads)) == (p.snapshot, p.deadline, p.proposer)
            against, for_, abstain = next(reads)
            assert (against, for_, abstain) == p.tally(), pid
            assert next(reads) == p.eta, pid
            state = next(reads)
            assert state == gm.state(self.model, pid, clock), pid
            voted = [mm.index_of(str(acct)) for acct in self.everyone if next(reads)]
            assert len(voted) == len(set(voted)) and 0 not in voted, pid
            assert set(voted) == set(p.votes), pid
            assert against + for_ + abstain == len(set(voted)), pid
            for index in voted:
                assert mm.past_votes(mm.account_of(index), p.snapshot) == 1, (pid, index)
            if state == EXECUTED:
                assert p.eta == p.queued_at + TIMELOCK_DELAY and p.executed_at >= p.eta, pid
                assert for_ > against, pid
                assert for_ + abstain >= gm.quorum(self.model, p.snapshot), pid

    def _governed(self) -> tuple[Any, ...]:
        """What only the timelock may change: settings, and each account's status record."""
        mm, rm = self.model.membership, self.model.rewards
        settings = (
            mm.share_price,
            mm.share_cap,
            mm.policy,
            mm.redemption_notice,
            mm.voting_seniority,
            mm.contest_window,
            tuple(sorted((n, s.holder, s.term_end) for n, s in self.model.committee.seats.items())),
            rm.min_reserve_bps,
            rm.interest_cap_bps,
            tuple(rm.is_treasurer(str(a)) for a in (self.treasurer, *self.initial_actors)),
            tuple((pid, p.points_budget) for pid, p in sorted(rm.periods.items())),
            self.model.governor.voting_period,
        )
        statuses = tuple(
            (v.status, v.warnings, v.suspended_until)
            for v in (mm.member_view(str(a)) for a in self.everyone)
        )
        return settings, statuses

    def invariant_only_the_timelock_governs(self):
        """Since the last step, settings changed only if the timelock made a call; a status
        changed only by the account's own call (join, withdraw an application, leave, move
        away), by a move into it by a member, by the end of a suspension's term, by a
        committee act (admit, reject, recover), or by the timelock. (The model is checked
        against the contracts by the other invariants, so its records stand for the
        contracts' here.)"""
        type(self).checks += 1
        governed = self._governed()
        senders = set(self.senders[self.seen_senders :])
        previous, self.governed, self.seen_senders = self.governed, governed, len(self.senders)
        if previous is None:
            return
        by_timelock = str(self.gov) in senders
        by_committee = COMMITTEE in senders
        (old_settings, old_statuses), (settings, statuses) = previous, governed
        assert settings == old_settings or by_timelock, (old_settings, settings)
        now = self._now()
        members = {Status.ACTIVE, Status.SUSPENDED}
        for acct, old, new in zip(self.everyone, old_statuses, statuses, strict=True):
            if old == new or by_timelock:
                continue
            (was, warnings, until), (status, _, _) = old, new
            change = (was, status)
            by_self = str(acct) in senders and change in {
                (Status.NONE, Status.ACTIVE),
                (Status.NONE, Status.PENDING),
                (Status.PENDING, Status.NONE),
                (Status.ACTIVE, Status.NONE),
                (Status.SUSPENDED, Status.NONE),
                (Status.ACTIVE, Status.MOVED),
                (Status.SUSPENDED, Status.MOVED),
            }
            moved_in = f"move:{acct}" in senders and was == Status.NONE and status in members
            committee = by_committee and (
                change in {(Status.PENDING, Status.ACTIVE), (Status.PENDING, Status.NONE)}
                or (was in members and status == Status.MOVED)
                or (was == Status.NONE and status in members)
            )
            term_over = change == (Status.SUSPENDED, Status.ACTIVE) and until <= now
            keeps_warnings = new[1] == warnings or Status.MOVED in change or moved_in or committee
            assert (by_self or moved_in or committee or term_over) and keeps_warnings, (
                str(acct),
                old,
                new,
            )


def test_contracts_follow_the_model(
    state_machine, stateful_coop, admin, alice, bob, carol, dave, treasurer, contributor, outsider
):
    # two members whose keys the test holds, so that they can sign ballots for a relayer
    members = [alice, bob, carol, dave, new_account(alice, 10**21), new_account(bob, 10**21)]
    assert len(members) == N_MEMBERS
    # accounts that memberships move to (their keys are held too: they sign ballots)
    spares = [new_account(admin, 10**21) for _ in range(N_SPARES)]
    # Requesting the `state_machine` fixture also marks this test for `brownie test --stateful`.
    _brownie_state_machine(state_machine)(
        CoopStateMachine,
        stateful_coop,
        members,
        contributor,
        treasurer,
        outsider,
        spares,
        settings=SETTINGS,
    )
