"""Attacks, each test named after what it proves."""

import brownie
import pytest
from brownie import ReentrantClaimer, chain, web3

from tests.conftest import DAY, FOR, PRICE, admit, attestation, block_time, sign_ballot

E18 = 10**18
ZERO = "0x" + "00" * 20


@pytest.fixture
def proposal(coop, gov, members):
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))]
    )
    gov.start_voting(pid)
    return pid


def _same_block(*sends):
    """Run the given send callables in one block (automine off), return their receipts."""
    web3.provider.make_request("evm_setAutomine", [False])
    try:
        txs = [send() for send in sends]
        web3.provider.make_request("evm_mine", [])
    finally:
        web3.provider.make_request("evm_setAutomine", [True])
    return [web3.eth.get_transaction_receipt(tx.txid) for tx in txs]


def test_being_admitted_and_voting_in_the_same_block_gives_no_vote(coop, proposal, tl, outsider):
    coop.membership.join(1, {"from": outsider, "value": PRICE})
    admission, vote = _same_block(
        lambda: coop.membership.admit(
            outsider, attestation(outsider), {"from": tl, "required_confs": 0}
        ),
        lambda: coop.governor.castVote(
            proposal, FOR, {"from": outsider, "required_confs": 0, "gas_limit": 500_000}
        ),
    )
    assert admission.status == 1 and admission.blockNumber == vote.blockNumber
    assert vote.status == 0
    assert not coop.governor.hasVoted(proposal, outsider)
    assert [int(v) for v in coop.governor.proposalVotes(proposal)] == [0, 0, 0]


def test_being_admitted_and_proposing_in_the_same_block_is_refused(coop, members, tl, outsider):
    m = coop.membership
    m.join(1, {"from": outsider, "value": PRICE})
    admission, prop = _same_block(
        lambda: m.admit(outsider, attestation(outsider), {"from": tl, "required_confs": 0}),
        lambda: coop.governor.propose(
            [m.address],
            [0],
            [m.setShareCap.encode_input(5)],
            "flash",
            {"from": outsider, "required_confs": 0, "gas_limit": 1_000_000},
        ),
    )
    assert admission.status == 1 and prop.status == 0
    assert m.getVotes(outsider) == 1  # a voter now, but not in the block before its proposal


def test_a_member_who_joined_after_the_snapshot_cannot_vote(coop, proposal, tl, outsider):
    admit(coop, tl, outsider, 1)
    chain.mine()
    assert coop.membership.getVotes(outsider) == 1
    with brownie.reverts(revert_pattern=r"GovernorVoterNotMember: .*"):
        coop.governor.castVote(proposal, FOR, {"from": outsider})


def test_an_applicant_cannot_vote_or_propose(coop, proposal, outsider):
    coop.membership.join(1, {"from": outsider, "value": PRICE})
    chain.mine()
    assert coop.membership.member(outsider)["status"] == 1  # Pending
    with brownie.reverts(revert_pattern=r"GovernorVoterNotMember: .*"):
        coop.governor.castVote(proposal, FOR, {"from": outsider})
    m = coop.membership
    with brownie.reverts(revert_pattern=r"GovernorInsufficientProposerVotes: .*"):
        coop.governor.propose([m], [0], [m.setShareCap.encode_input(5)], "x", {"from": outsider})


def test_a_non_member_cannot_vote(coop, proposal, outsider):
    with brownie.reverts(revert_pattern=r"GovernorVoterNotMember: .*"):
        coop.governor.castVote(proposal, FOR, {"from": outsider})


@pytest.fixture
def signed_member(coop, gov, members, signer, tl):
    admit(coop, tl, signer, 1)
    chain.mine()
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))]
    )
    gov.start_voting(pid)
    return signer, pid


def _assert_cannot_vote(coop, account, pid, admin):
    with brownie.reverts(revert_pattern=r"GovernorVoterNotMember: .*"):
        coop.governor.castVote(pid, FOR, {"from": account})
    sig = sign_ballot(coop, account, pid, FOR)
    with brownie.reverts(revert_pattern=r"GovernorVoterNotMember: .*"):
        coop.governor.castVoteBySig(pid, FOR, account, sig, {"from": admin})
    assert not coop.governor.hasVoted(pid, account)


def test_a_suspended_member_cannot_vote_directly_or_by_signature(coop, signed_member, tl, admin):
    signer, pid = signed_member
    coop.membership.suspend(signer, chain.time() + 10 * DAY, b"\x00" * 32, {"from": tl})
    _assert_cannot_vote(coop, signer, pid, admin)


def test_an_expelled_member_cannot_vote_directly_or_by_signature(coop, signed_member, tl, admin):
    signer, pid = signed_member
    coop.membership.expel(signer, b"\x00" * 32, {"from": tl})
    _assert_cannot_vote(coop, signer, pid, admin)


def test_a_departed_member_cannot_vote_directly_or_by_signature(coop, signed_member, admin):
    signer, pid = signed_member
    coop.membership.leave({"from": signer})
    _assert_cannot_vote(coop, signer, pid, admin)


def test_a_reentrant_claim_through_a_malicious_receiver_gets_nothing_extra(
    coop, tl, members, treasurer, admin
):
    attacker = ReentrantClaimer.deploy(coop.membership, coop.rewards, {"from": admin})
    attacker.join(3, {"from": admin, "value": 3 * PRICE})
    coop.membership.admit(attacker, attestation(attacker), {"from": tl})
    r = coop.rewards
    r.openPeriod(100, {"from": tl})
    r.recordPoints(1, [attacker, members[0]], [50, 50], b"\x00" * 32, {"from": treasurer})
    chain.mine()
    r.closePeriod(1, {"from": treasurer})
    r.allocate(1, E18, 1000, 500, 10 * DAY, {"from": tl, "value": E18})
    owed = sum(r.claimable(1, attacker))
    balance_before = r.balance()
    attacker.claim(1, {"from": admin})
    assert attacker.attempts() == 1 and attacker.reentryFailed()
    assert attacker.received() == owed
    assert balance_before - r.balance() == owed
    # and the refund of its capital cannot be withdrawn twice either
    attacker.leave({"from": admin})
    chain.sleep(coop.membership.redemptionNotice() + 1)
    attacker.withdrawRefund({"from": admin})
    assert attacker.received() == owed + 3 * PRICE


def test_the_deployer_keeps_no_power_over_the_timelock(coop, admin):
    t = coop.timelock
    for role in (t.DEFAULT_ADMIN_ROLE(), t.PROPOSER_ROLE(), t.EXECUTOR_ROLE(), t.CANCELLER_ROLE()):
        assert not t.hasRole(role, admin)
    assert t.hasRole(t.PROPOSER_ROLE(), coop.governor)
    assert t.hasRole(t.EXECUTOR_ROLE(), coop.governor)
    assert t.hasRole(t.CANCELLER_ROLE(), coop.governor)
    assert t.hasRole(t.DEFAULT_ADMIN_ROLE(), t)  # only the timelock administers itself
    assert not t.hasRole(t.EXECUTOR_ROLE(), ZERO)  # nobody may execute around the governor


COMMITTEE_GOV = r"CommitteeUnauthorized: .*"
NOT_SEATED = r"CommitteeSeatNotInForce: .*"


def _committee_entry_points(m, someone):
    """The register's doors for the committee contract: nobody else may use them, not even
    the timelock (a vote acts through admit / reject / recoverMembership instead)."""
    h = b"\x00" * 32
    unauthorized = r"MembershipUnauthorized: .*"
    return [
        (
            "membership.committeeAdmit",
            lambda tx: m.committeeAdmit(someone, h, someone, tx),
            unauthorized,
        ),
        ("membership.committeeReject", lambda tx: m.committeeReject(someone, h, tx), unauthorized),
        (
            "membership.committeeRecover",
            lambda tx: m.committeeRecover(someone, ZERO, someone, tx),
            unauthorized,
        ),
    ]


def _privileged_calls(coop, someone):
    m, r, g, t, c = coop.membership, coop.rewards, coop.governor, coop.timelock, coop.committee
    h = b"\x00" * 32
    unauthorized = r"MembershipUnauthorized: .*"
    return [
        ("membership.admit", lambda tx: m.admit(someone, h, tx), unauthorized),
        ("membership.admitMany", lambda tx: m.admitMany([someone], [h], tx), unauthorized),
        ("membership.reject", lambda tx: m.reject(someone, h, tx), unauthorized),
        ("membership.rejectMany", lambda tx: m.rejectMany([someone], [h], tx), unauthorized),
        ("membership.warn", lambda tx: m.warn(someone, h, tx), unauthorized),
        ("membership.suspend", lambda tx: m.suspend(someone, 2**40, h, tx), unauthorized),
        ("membership.reinstate", lambda tx: m.reinstate(someone, tx), unauthorized),
        ("membership.expel", lambda tx: m.expel(someone, h, tx), unauthorized),
        (
            "membership.recoverMembership",
            lambda tx: m.recoverMembership(someone, ZERO, tx),
            unauthorized,
        ),
        ("membership.annul", lambda tx: m.annul(someone, tx), unauthorized),
        ("membership.setSharePrice", lambda tx: m.setSharePrice(1, tx), unauthorized),
        ("membership.setShareCap", lambda tx: m.setShareCap(1, tx), unauthorized),
        ("membership.setAdmissionPolicy", lambda tx: m.setAdmissionPolicy(2, tx), unauthorized),
        ("membership.setRedemptionNotice", lambda tx: m.setRedemptionNotice(1, tx), unauthorized),
        ("membership.setVotingSeniority", lambda tx: m.setVotingSeniority(9, tx), unauthorized),
        ("membership.setContestWindow", lambda tx: m.setContestWindow(9, tx), unauthorized),
        *_committee_entry_points(m, someone),
        ("committee.appoint", lambda tx: c.appoint(0, someone, 2**40, tx), COMMITTEE_GOV),
        ("committee.vacate", lambda tx: c.vacate(0, tx), COMMITTEE_GOV),
        ("committee.setSeatCount", lambda tx: c.setSeatCount(5, tx), COMMITTEE_GOV),
        ("committee.setMaxTerm", lambda tx: c.setMaxTerm(DAY, tx), COMMITTEE_GOV),
        ("committee.admit", lambda tx: c.admit([someone], [h], tx), NOT_SEATED),
        ("committee.reject", lambda tx: c.reject([someone], [h], tx), NOT_SEATED),
        ("committee.recover", lambda tx: c.recover(someone, ZERO, tx), NOT_SEATED),
        (
            "rewards.setTreasurer",
            lambda tx: r.setTreasurer(someone, True, tx),
            r"RewardsUnauthorized: .*",
        ),
        ("rewards.setMinReserve", lambda tx: r.setMinReserve(0, tx), r"RewardsUnauthorized: .*"),
        (
            "rewards.setInterestCap",
            lambda tx: r.setInterestCap(10000, tx),
            r"RewardsUnauthorized: .*",
        ),
        ("rewards.openPeriod", lambda tx: r.openPeriod(1, tx), r"RewardsUnauthorized: .*"),
        (
            "rewards.setPeriodBudget",
            lambda tx: r.setPeriodBudget(1, 1, tx),
            r"RewardsUnauthorized: .*",
        ),
        (
            "rewards.allocate",
            lambda tx: r.allocate(1, 1, 10000, 0, DAY, tx),
            r"RewardsUnauthorized: .*",
        ),
        (
            "rewards.releaseReserve",
            lambda tx: r.releaseReserve(someone, 1, tx),
            r"RewardsUnauthorized: .*",
        ),
        (
            "rewards.recordPoints",
            lambda tx: r.recordPoints(1, [someone], [1], h, tx),
            r"RewardsNotTreasurer: .*",
        ),
        ("rewards.closePeriod", lambda tx: r.closePeriod(1, tx), r"RewardsNotTreasurer: .*"),
        (
            "governor.setVotingDelay",
            lambda tx: g.setVotingDelay(0, tx),
            r"GovernorOnlyExecutor: .*",
        ),
        (
            "governor.setVotingPeriod",
            lambda tx: g.setVotingPeriod(1, tx),
            r"GovernorOnlyExecutor: .*",
        ),
        (
            "governor.setProposalThreshold",
            lambda tx: g.setProposalThreshold(0, tx),
            r"GovernorOnlyExecutor: .*",
        ),
        (
            "governor.updateQuorumNumerator",
            lambda tx: g.updateQuorumNumerator(0, tx),
            r"GovernorOnlyExecutor: .*",
        ),
        (
            "governor.updateTimelock",
            lambda tx: g.updateTimelock(someone, tx),
            r"GovernorOnlyExecutor: .*",
        ),
        ("governor.relay", lambda tx: g.relay(someone, 0, b"", tx), r"GovernorOnlyExecutor: .*"),
        (
            "timelock.schedule",
            lambda tx: t.schedule(someone, 0, b"", h, h, 2 * DAY, tx),
            r"AccessControlUnauthorizedAccount: .*",
        ),
        (
            "timelock.execute",
            lambda tx: t.execute(someone, 0, b"", h, h, tx),
            r"AccessControlUnauthorizedAccount: .*",
        ),
        ("timelock.cancel", lambda tx: t.cancel(h, tx), r"AccessControlUnauthorizedAccount: .*"),
        (
            "timelock.updateDelay",
            lambda tx: t.updateDelay(0, tx),
            r"TimelockUnauthorizedCaller: .*",
        ),
        (
            "timelock.grantRole",
            lambda tx: t.grantRole(t.PROPOSER_ROLE(), someone, tx),
            r"AccessControlUnauthorizedAccount: .*",
        ),
    ]


@pytest.mark.parametrize("caller_name", ["outsider", "deployer", "member", "treasurer_for_gov"])
def test_every_privileged_function_reverts_for_anyone_but_governance(
    coop, members, outsider, admin, treasurer, caller_name
):
    caller = {
        "outsider": outsider,
        "deployer": admin,
        "member": members[0],
        "treasurer_for_gov": treasurer,
    }[caller_name]
    for name, call, pattern in _privileged_calls(coop, outsider):
        if caller_name == "treasurer_for_gov" and name in (
            "rewards.recordPoints",
            "rewards.closePeriod",
        ):
            continue  # the treasurer's own functions (they revert here for another reason)
        with brownie.reverts(revert_pattern=pattern):
            call({"from": caller})


def test_the_timelock_cannot_use_the_committee_s_entry_points(coop, tl, members, outsider):
    coop.membership.join(1, {"from": outsider, "value": PRICE})
    for _, call, pattern in _committee_entry_points(coop.membership, outsider):
        with brownie.reverts(revert_pattern=pattern):
            call({"from": tl})
    with brownie.reverts(revert_pattern=NOT_SEATED):  # nor act as a seat holder
        coop.committee.admit([outsider], [b"\x00" * 32], {"from": tl})
    assert coop.membership.member(outsider)["status"] == 1  # still Pending


def test_governance_itself_passes_the_permission_checks(coop, tl, members, outsider):
    """The matrix above is not vacuous: the same calls from the timelock get past the guard."""
    m, c = coop.membership, coop.committee
    m.setShareCap(50, {"from": tl})
    m.setVotingSeniority(9, {"from": tl})
    m.setContestWindow(DAY, {"from": tl})
    coop.rewards.setTreasurer(outsider, True, {"from": tl})
    m.join(1, {"from": outsider, "value": PRICE})
    m.admitMany([outsider], [b"\x01" * 32], {"from": tl})
    c.appoint(0, members[1], block_time() + 30 * DAY, {"from": tl})
    c.setSeatCount(5, {"from": tl})
    c.setMaxTerm(365 * DAY, {"from": tl})
    assert m.shareCap() == 50 and m.votingSeniority() == 9 and m.contestWindow() == DAY
    assert coop.rewards.isTreasurer(outsider)
    assert m.member(outsider)["status"] == 2
    assert c.seat(0)["holder"] == members[1]
    assert c.seatCount() == 5 and c.maxTerm() == 365 * DAY
