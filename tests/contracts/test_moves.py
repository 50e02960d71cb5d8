"""Moves of a membership to another account: key rotation by the member, recovery of a lost key by
vote or by the committee (contestable), and what follows the person: number, shares, capital,
warnings, refund, vote history, vote receipts and rewards."""

import brownie
import pytest
from brownie import accounts, chain, web3

from scripts.deploy import deploy_coop
from tests.conftest import DAY, FOR, PRICE, admit, block_time, new_account, sign_ballot

NONE, PENDING, ACTIVE, SUSPENDED, EXPELLED, MOVED = range(6)
REASON = b"\x01" * 32
E18 = 10**18
ZERO_ADDRESS = "0x" + "00" * 20


def _record(m, account):
    return (tuple(m.member(account)), tuple(m.refund(account)), m.memberIndex(account))


def test_a_move_keeps_the_number_shares_capital_warnings_refund_and_vote_history(
    coop, tl, members, admin
):
    m = coop.membership
    bob = members[1]  # 2 shares, index 2
    m.warn(bob, REASON, {"from": tl})
    m.requestRedemption(1, {"from": bob})
    refund = tuple(m.refund(bob))
    chain.mine(3)
    before = chain.height - 1
    new = new_account(admin)
    tx = m.moveMembership(new, {"from": bob})
    ev = tx.events["MembershipMoved"]
    assert (ev["from"], ev["to"], ev["index"], ev["by"], ev["contestDeadline"]) == (
        bob,
        new,
        2,
        bob,
        0,
    )
    moved = m.member(new)
    assert moved["status"] == ACTIVE and moved["index"] == 2 and moved["shares"] == 1
    assert moved["capital"] == PRICE and moved["warnings"] == 1
    assert tuple(m.refund(new)) == refund and m.refund(bob)[0] == 0
    assert m.member(bob)["status"] == MOVED and m.memberIndex(bob) == 0
    assert m.accountOf(2) == new and m.ownerOf(2) == new
    chain.mine()
    assert m.getPastVotes(new, before) == 1 and m.getPastVotes(bob, before) == 0
    assert m.getPastCapital(new, before) == PRICE and m.getPastCapital(bob, before) == 0
    assert m.getVotes(new) == 1 and m.getVotes(bob) == 0
    assert m.memberCount() == m.voterCount() == 4


def test_a_moved_account_cannot_join_again_nor_be_moved_into(coop, members, admin):
    m = coop.membership
    bob, carol = members[1], members[2]
    m.moveMembership(new_account(admin), {"from": bob})
    with brownie.reverts(revert_pattern=r"MembershipRetiredAccount: .*"):
        m.join(1, {"from": bob, "value": PRICE})
    with brownie.reverts(revert_pattern=r"MembershipAccountTaken: .*"):
        m.moveMembership(bob, {"from": carol})
    assert m.member(carol)["status"] == ACTIVE


def test_voting_then_moving_then_voting_again_with_the_new_key_is_refused(
    coop, gov, members, admin
):
    bob = members[1]
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))]
    )
    gov.start_voting(pid)
    coop.governor.castVote(pid, FOR, {"from": bob})
    new = new_account(admin)
    coop.membership.moveMembership(new, {"from": bob})
    assert coop.governor.hasVoted(pid, new)
    with brownie.reverts(revert_pattern=r"GovernorAlreadyCastVote: .*"):
        coop.governor.castVote(pid, FOR, {"from": new})
    assert [int(v) for v in coop.governor.proposalVotes(pid)] == [0, 1, 0]


def test_a_signed_ballot_from_the_new_key_cannot_vote_twice_either(coop, gov, tl, members, admin):
    old, new = accounts.add(), accounts.add()
    admin.transfer(old, E18)
    admit(coop, tl, old, 1)
    chain.mine()
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))]
    )
    gov.start_voting(pid)
    coop.governor.castVoteBySig(pid, FOR, old, sign_ballot(coop, old, pid, FOR), {"from": admin})
    coop.membership.moveMembership(new, {"from": old})
    sig = sign_ballot(coop, new, pid, FOR)
    with brownie.reverts(revert_pattern=r"GovernorAlreadyCastVote: .*"):
        coop.governor.castVoteBySig(pid, FOR, new, sig, {"from": admin})
    assert [int(v) for v in coop.governor.proposalVotes(pid)] == [0, 1, 0]


@pytest.mark.parametrize("target", ["member", "applicant", "former member", "expelled"])
def test_a_move_to_an_account_that_is_was_or_applied_to_be_a_member_is_refused(
    coop, tl, members, admin, target
):
    m = coop.membership
    bob = members[1]
    other = new_account(admin)
    admit(coop, tl, other, 1)
    if target == "applicant":
        other = new_account(admin)
        m.join(1, {"from": other, "value": PRICE})
    elif target == "former member":
        m.leave({"from": other})
    elif target == "expelled":
        m.expel(other, REASON, {"from": tl})
    before = (_record(m, bob), _record(m, other))
    with brownie.reverts(revert_pattern=r"MembershipAccountTaken: .*"):
        m.moveMembership(other, {"from": bob})
    assert (_record(m, bob), _record(m, other)) == before


def test_a_lost_key_is_recovered_by_a_passed_proposal(coop, gov, members, admin):
    m = coop.membership
    alice, bob, carol, dave = members
    new = new_account(admin)
    tx = gov.pass_(
        alice, [(m, 0, m.recoverMembership.encode_input(bob, new))], [alice, carol, dave]
    )
    ev = tx.events["MembershipMoved"]
    assert ev["from"] == bob and ev["to"] == new and ev["by"] == coop.timelock
    assert ev["contestDeadline"] == 0
    assert m.member(new)["index"] == 2 and m.member(new)["shares"] == 2
    assert m.member(bob)["status"] == MOVED
    m.requestRedemption(1, {"from": new})  # the recovered membership is usable at once


# ---------------------------------------------------------------- recovery by the committee


@pytest.fixture(scope="module")
def ccoop(admin):
    return deploy_coop(admin, admission="committee", redemption_notice=0, deployments_dir=None)


@pytest.fixture(scope="module")
def ctl(ccoop):
    acct = accounts.at(ccoop.timelock.address, force=True)
    accounts[0].transfer(acct, 10 * E18)
    return acct


@pytest.fixture
def recovered(ccoop, ctl, alice, bob, carol):
    """Carol holds a seat; bob, with a refund owed and available, lost his key: carol moves his
    membership to a new account. Returns (lost, new, recovery tx)."""
    m = ccoop.membership
    m.join(1, {"from": alice, "value": PRICE})
    admit(ccoop, ctl, bob, 3)
    admit(ccoop, ctl, carol, 1)
    ccoop.committee.appoint(0, carol, block_time() + 365 * DAY, {"from": ctl})
    m.requestRedemption(1, {"from": bob})  # no notice in this co-op: withdrawable at once
    new = new_account(alice)
    tx = ccoop.committee.recover(bob, new, {"from": carol})
    return bob, new, tx


def test_a_committee_recovery_is_frozen_while_it_can_be_contested(ccoop, recovered, admin):
    m = ccoop.membership
    lost, new, tx = recovered
    ev = tx.events["MembershipMoved"]
    deadline = web3.eth.get_block(tx.block_number).timestamp + m.contestWindow()
    assert ev["by"] != lost and ev["contestDeadline"] == deadline
    assert m.contestOf(m.memberIndex(new))["previous"] == lost
    assert m.refund(new)[0] == PRICE
    for call in (
        lambda: m.leave({"from": new}),
        lambda: m.requestRedemption(1, {"from": new}),
        lambda: m.withdrawRefund({"from": new}),
        lambda: m.moveMembership(new_account(admin), {"from": new}),
    ):
        with brownie.reverts(revert_pattern=r"MembershipUnderContest: .*"):
            call()
    chain.sleep(m.contestWindow() + 1)
    chain.mine()
    m.withdrawRefund({"from": new})  # uncontested, and the window over: free again
    m.requestRedemption(1, {"from": new})


def test_annulling_a_committee_recovery_moves_the_membership_back(ccoop, ctl, recovered, carol):
    m = ccoop.membership
    lost, new, _ = recovered
    m.contest(new, {"from": carol})
    chain.sleep(m.contestWindow() + 1)
    chain.mine()
    with brownie.reverts(revert_pattern=r"MembershipUnderContest: .*"):  # contested: still frozen
        m.leave({"from": new})
    tx = m.annul(new, {"from": ctl})
    assert tx.events["CommitteeActAnnulled"]["restoredTo"] == lost
    assert tx.events["MembershipMoved"]["from"] == new
    assert tx.events["MembershipMoved"]["to"] == lost
    back = m.member(lost)
    assert back["status"] == ACTIVE and back["index"] == 2 and back["shares"] == 2
    assert m.refund(lost)[0] == PRICE and m.refund(new)[0] == 0
    assert m.member(new)["status"] == MOVED
    m.withdrawRefund({"from": lost})


# ---------------------------------------------------------------- rewards follow the person


def test_rewards_recorded_before_a_move_are_claimed_once_by_the_new_account(
    coop, tl, members, treasurer, admin
):
    r = coop.rewards
    bob = members[1]
    r.openPeriod(100, {"from": tl})
    r.recordPoints(1, [bob, members[0]], [60, 40], REASON, {"from": treasurer})
    chain.mine()
    r.closePeriod(1, {"from": treasurer})
    r.allocate(1, E18, 2000, 500, 30 * DAY, {"from": tl, "value": E18})
    owed = sum(r.claimable(1, bob))
    assert owed > 0
    new = new_account(admin)
    coop.membership.moveMembership(new, {"from": bob})
    assert r.points(1, new) == 60 and r.points(1, bob) == 0
    assert sum(r.claimable(1, new)) == owed and sum(r.claimable(1, bob)) == 0
    with brownie.reverts(revert_pattern=r"RewardsNothingToClaim: .*"):
        r.claim(1, {"from": bob})
    before = new.balance()
    r.claim(1, {"from": new, "gas_price": 0})
    assert new.balance() - before == owed
    with brownie.reverts(revert_pattern=r"RewardsNothingToClaim: .*"):
        r.claim(1, {"from": new})
    assert r.allocation(1)["claimed"] == owed


# ---------------------------------------------------------------- IVotes invariant


def test_past_votes_add_up_to_the_past_total_supply_across_moves(coop, tl, members, admin):
    m = coop.membership
    start = chain.height
    alice, bob, carol, dave = members
    keys = [new_account(admin) for _ in range(4)]
    m.moveMembership(keys[0], {"from": bob})
    chain.mine()
    m.moveMembership(keys[1], {"from": keys[0]})
    m.suspend(carol, block_time() + 10 * DAY, REASON, {"from": tl})
    chain.mine(2)
    m.moveMembership(keys[2], {"from": carol})  # a suspended member may move too
    m.reinstate(keys[2], {"from": tl})
    chain.mine()
    m.moveMembership(keys[3], {"from": dave})
    m.leave({"from": keys[3]})
    chain.mine()
    everyone = [alice, bob, carol, dave, *keys]
    for t in range(start - 3, chain.height):
        assert sum(m.getPastVotes(a, t) for a in everyone) == m.getPastTotalSupply(t), t
    assert m.getPastTotalSupply(chain.height - 1) == 3


def test_a_committee_recovery_cannot_wipe_out_a_contested_committee_admission(
    ccoop, ctl, alice, bob, carol, admin
):
    """The committee admits bob, a member contests it, then the committee tries to 'recover' bob's
    membership to another account: refused, so the contest (and the annulment) stands."""
    m = ccoop.membership
    m.join(1, {"from": alice, "value": PRICE})
    admit(ccoop, ctl, carol, 1)
    ccoop.committee.appoint(0, carol, block_time() + 365 * DAY, {"from": ctl})
    m.join(1, {"from": bob, "value": PRICE})
    ccoop.committee.admit([bob], [b"\x01" * 32], {"from": carol})
    m.contest(bob, {"from": alice})
    with brownie.reverts(revert_pattern=r"MembershipUnderContest: .*"):
        ccoop.committee.recover(bob, new_account(admin), {"from": carol})
    chain.sleep(m.contestWindow() + 1)
    chain.mine()
    with brownie.reverts(revert_pattern=r"MembershipUnderContest: .*"):  # contested: still
        ccoop.committee.recover(bob, new_account(admin), {"from": carol})
    tx = m.annul(bob, {"from": ctl})
    assert tx.events["CommitteeActAnnulled"]["restoredTo"] == ZERO_ADDRESS
    assert m.member(bob)["status"] == EXPELLED
