"""Member register and share capital: joining, admission, shares, redemption, leaving."""

import brownie
import pytest
from brownie import chain, web3

from scripts.deploy import deploy_coop
from tests.conftest import PRICE, admit

NONE, PENDING, ACTIVE, SUSPENDED, EXPELLED, MOVED = range(6)
OPEN, APPROVAL, COMMITTEE = range(3)


def test_member_joins_by_paying_shares_times_price(coop, alice):
    tx = coop.membership.join(3, {"from": alice, "value": 3 * PRICE})
    m = coop.membership.member(alice)
    assert m["status"] == ACTIVE and m["shares"] == 3 and m["capital"] == 3 * PRICE
    assert m["index"] == 1
    assert tx.events["MemberJoined"]["account"] == alice
    assert tx.events["DelegateVotesChanged"]["newVotes"] == 1
    assert tx.events["DelegateChanged"]["toDelegate"] == alice
    assert coop.membership.getVotes(alice) == 1
    assert coop.membership.delegates(alice) == alice
    assert coop.membership.memberCount() == 1
    assert coop.membership.totalShares() == 3
    assert coop.membership.balance() == 3 * PRICE


def test_join_with_wrong_payment_reverts(coop, alice):
    with brownie.reverts(revert_pattern=r"MembershipWrongPayment: .*"):
        coop.membership.join(2, {"from": alice, "value": PRICE})


def test_join_with_zero_shares_reverts(coop, alice):
    with brownie.reverts(revert_pattern=r"MembershipZeroShares.*"):
        coop.membership.join(0, {"from": alice})


def test_one_membership_per_address(coop, alice):
    coop.membership.join(1, {"from": alice, "value": PRICE})
    with brownie.reverts(revert_pattern=r"MembershipAlreadyMember: .*"):
        coop.membership.join(1, {"from": alice, "value": PRICE})


def test_share_cap_per_member_holds_on_join_and_purchase(coop, alice):
    cap = coop.membership.shareCap()
    with brownie.reverts(revert_pattern=r"MembershipShareCapExceeded: .*"):
        coop.membership.join(cap + 1, {"from": alice, "value": (cap + 1) * PRICE})
    coop.membership.join(cap - 1, {"from": alice, "value": (cap - 1) * PRICE})
    with brownie.reverts(revert_pattern=r"MembershipShareCapExceeded: .*"):
        coop.membership.buyShares(2, {"from": alice, "value": 2 * PRICE})
    coop.membership.buyShares(1, {"from": alice, "value": PRICE})
    assert coop.membership.member(alice)["shares"] == cap


def test_member_buys_more_shares_without_gaining_votes(coop, alice):
    coop.membership.join(1, {"from": alice, "value": PRICE})
    tx = coop.membership.buyShares(4, {"from": alice, "value": 4 * PRICE})
    assert tx.events["SharesPurchased"]["totalShares"] == 5
    assert coop.membership.member(alice)["capital"] == 5 * PRICE
    assert coop.membership.getVotes(alice) == 1
    assert "DelegateVotesChanged" not in tx.events


def test_non_member_cannot_buy_shares(coop, outsider):
    with brownie.reverts(revert_pattern=r"MembershipNotActive: .*"):
        coop.membership.buyShares(1, {"from": outsider, "value": PRICE})


def test_redemption_is_paid_after_the_notice_period(coop, alice):
    coop.membership.join(4, {"from": alice, "value": 4 * PRICE})
    tx = coop.membership.requestRedemption(3, {"from": alice})
    available_at = tx.events["RedemptionRequested"]["availableAt"]
    assert tx.events["RedemptionRequested"]["amount"] == 3 * PRICE
    assert coop.membership.member(alice)["shares"] == 1
    assert coop.membership.getVotes(alice) == 1  # still a member
    with brownie.reverts(revert_pattern=r"MembershipRefundLocked: .*"):
        coop.membership.withdrawRefund({"from": alice})
    chain.sleep(available_at - chain.time() + 1)
    before = alice.balance()
    coop.membership.withdrawRefund({"from": alice, "gas_price": 0})
    assert alice.balance() - before == 3 * PRICE
    with brownie.reverts(revert_pattern=r"MembershipNothingToWithdraw: .*"):
        coop.membership.withdrawRefund({"from": alice})


def test_redeeming_every_share_requires_leaving(coop, alice):
    coop.membership.join(2, {"from": alice, "value": 2 * PRICE})
    with brownie.reverts(revert_pattern=r"MembershipRedemptionTooLarge: .*"):
        coop.membership.requestRedemption(2, {"from": alice})


def test_leaving_ends_membership_and_refunds_all_capital(coop, tl, alice, bob):
    coop.membership.join(2, {"from": alice, "value": 2 * PRICE})
    admit(coop, tl, bob, 1)
    tx = coop.membership.leave({"from": alice})
    assert tx.events["MemberLeft"]["amount"] == 2 * PRICE
    assert tx.events["DelegateVotesChanged"]["newVotes"] == 0
    m = coop.membership.member(alice)
    assert m["status"] == NONE and m["shares"] == 0 and m["capital"] == 0
    assert coop.membership.getVotes(alice) == 0
    assert coop.membership.memberCount() == 1
    assert coop.membership.totalShares() == 1
    chain.sleep(coop.membership.redemptionNotice() + 1)
    before = alice.balance()
    coop.membership.withdrawRefund({"from": alice, "gas_price": 0})
    assert alice.balance() - before == 2 * PRICE
    assert coop.membership.balance() == PRICE


def test_a_member_who_left_may_apply_again_and_keeps_the_same_index(coop, tl, alice, bob):
    coop.membership.join(1, {"from": alice, "value": PRICE})
    admit(coop, tl, bob, 1)
    coop.membership.leave({"from": alice})
    admit(coop, tl, alice, 2)  # no second founder: she applies and is admitted like anyone
    assert coop.membership.member(alice)["index"] == 1
    assert coop.membership.getVotes(alice) == 1


def test_leaving_and_rejoining_does_not_wipe_warnings(coop, tl, alice, bob):
    """Graduated sanctions count: a warned member cannot leave and apply again to start afresh."""
    m = coop.membership
    m.join(1, {"from": alice, "value": PRICE})
    admit(coop, tl, bob, 1)
    m.warn(bob, b"\x01" * 32, {"from": tl})
    m.leave({"from": bob})
    assert m.member(bob)["warnings"] == 1  # the former member's record keeps them
    admit(coop, tl, bob, 1)
    assert m.member(bob)["warnings"] == 1
    assert m.warn(bob, b"\x02" * 32, {"from": tl}).events["MemberWarned"]["warnings"] == 2


def test_voting_power_is_checkpointed_by_block(coop, tl, alice, bob):
    coop.membership.join(1, {"from": alice, "value": PRICE})
    b1 = chain.height
    chain.mine(2)
    admit(coop, tl, bob, 1)
    b2 = chain.height
    chain.mine(2)
    coop.membership.leave({"from": alice})
    b3 = chain.height
    chain.mine()
    assert coop.membership.getPastVotes(alice, b1 - 1) == 0
    assert coop.membership.getPastVotes(alice, b1) == 1
    assert coop.membership.getPastVotes(alice, b3 - 1) == 1
    assert coop.membership.getPastVotes(alice, b3) == 0
    assert coop.membership.getPastTotalSupply(b1) == 1
    assert coop.membership.getPastTotalSupply(b2) == 2
    assert coop.membership.getPastTotalSupply(b3) == 1
    assert coop.membership.getPastCapital(alice, b2) == PRICE
    assert coop.membership.getPastTotalCapital(b2) == 2 * PRICE
    assert coop.membership.getPastTotalCapital(b3) == PRICE


def test_past_lookups_in_the_future_revert(coop, alice):
    with brownie.reverts(revert_pattern=r"MembershipFutureLookup: .*"):
        coop.membership.getPastVotes(alice, chain.height + 5)
    with brownie.reverts(revert_pattern=r"MembershipFutureLookup: .*"):
        coop.membership.getPastTotalSupply(chain.height + 5)


def test_many_checkpoints_are_searched_correctly(coop, tl, alice, bob):
    coop.membership.join(1, {"from": bob, "value": PRICE})
    history = []
    for _ in range(6):
        admit(coop, tl, alice, 1)
        history.append((chain.height, 1))
        chain.mine()
        coop.membership.leave({"from": alice})
        history.append((chain.height, 0))
        chain.mine()
    chain.mine()
    for block, votes in history:
        assert coop.membership.getPastVotes(alice, block) == votes
        assert coop.membership.getPastVotes(alice, block + 1) == votes  # mined gap block


def test_clock_is_the_block_number(coop):
    assert coop.membership.CLOCK_MODE() == "mode=blocknumber&from=default"
    assert coop.membership.clock() == web3.eth.block_number
    assert coop.governor.clock() == web3.eth.block_number


def test_delegation_is_disabled_with_a_clear_error(coop, alice, bob):
    coop.membership.join(1, {"from": alice, "value": PRICE})
    with brownie.reverts(revert_pattern=r"MembershipDelegationDisabled.*"):
        coop.membership.delegate(bob, {"from": alice})
    with brownie.reverts(revert_pattern=r"MembershipDelegationDisabled.*"):
        coop.membership.delegateBySig(bob, 0, 0, 27, b"\x00" * 32, b"\x00" * 32, {"from": alice})


def test_a_share_transfer_is_impossible(coop, alice, bob):
    coop.membership.join(2, {"from": alice, "value": 2 * PRICE})
    with brownie.reverts(revert_pattern=r"MembershipSharesNotTransferable.*"):
        coop.membership.transfer(bob, 1, {"from": alice})
    with brownie.reverts(revert_pattern=r"MembershipCardSoulbound.*"):  # the card's, token 1
        coop.membership.transferFrom(alice, bob, 1, {"from": alice})
    assert coop.membership.member(alice)["shares"] == 2
    assert coop.membership.member(bob)["status"] == NONE


# ---------------------------------------------------------------- approval policy


@pytest.fixture(scope="module")
def approval_coop(admin, treasurer):
    return deploy_coop(admin, admission="approval", treasurers=[treasurer], deployments_dir=None)


def test_founder_is_admitted_at_once_under_approval(approval_coop, alice, bob):
    approval_coop.membership.join(1, {"from": alice, "value": PRICE})
    assert approval_coop.membership.member(alice)["status"] == ACTIVE
    tx = approval_coop.membership.join(2, {"from": bob, "value": 2 * PRICE})
    assert tx.events["MemberApplied"]["amount"] == 2 * PRICE
    assert approval_coop.membership.member(bob)["status"] == PENDING
    assert approval_coop.membership.getVotes(bob) == 0
    assert [int(x) for x in approval_coop.membership.application(bob)] == [2, 2 * PRICE]
    assert [int(x) for x in approval_coop.membership.liabilities()] == [2 * PRICE, 0]


def test_pending_application_can_be_withdrawn_and_refunded_at_once(approval_coop, alice, bob):
    approval_coop.membership.join(1, {"from": alice, "value": PRICE})
    approval_coop.membership.join(2, {"from": bob, "value": 2 * PRICE})
    approval_coop.membership.withdrawApplication({"from": bob})
    assert approval_coop.membership.member(bob)["status"] == NONE
    before = bob.balance()
    approval_coop.membership.withdrawRefund({"from": bob, "gas_price": 0})
    assert bob.balance() - before == 2 * PRICE
    assert [int(x) for x in approval_coop.membership.liabilities()] == [0, 0]


def test_governance_admits_or_rejects_applicants(approval_coop, alice, bob, carol):
    m = approval_coop.membership
    tl = brownie.accounts.at(approval_coop.timelock.address, force=True)
    m.join(1, {"from": alice, "value": PRICE})
    m.join(2, {"from": bob, "value": 2 * PRICE})
    m.join(1, {"from": carol, "value": PRICE})
    attestation = web3.keccak(text="identity and residence checked")
    tx = m.admit(bob, attestation, {"from": tl, "gas_price": 0})
    assert tx.events["MemberJoined"]["shares"] == 2
    assert bytes(tx.events["MemberAdmitted"]["attestation"]) == bytes(attestation)
    assert tx.events["MemberAdmitted"]["by"] == tl
    assert tx.events["MemberAdmitted"]["contestDeadline"] == 0
    assert m.getVotes(bob) == 1 and m.member(bob)["capital"] == 2 * PRICE
    reason = web3.keccak(text="incomplete application")
    tx = m.reject(carol, reason, {"from": tl, "gas_price": 0})
    assert bytes(tx.events["ApplicationRejected"]["reasonHash"]) == bytes(reason)
    assert m.member(carol)["status"] == NONE
    assert m.refund(carol)[0] == PRICE
    with brownie.reverts(revert_pattern=r"MembershipNotPending: .*"):
        m.admit(carol, attestation, {"from": tl, "gas_price": 0})


def test_erc20_share_currency(admin, alice):
    from brownie import TestToken

    token = TestToken.deploy({"from": admin})
    c = deploy_coop(admin, asset=token.address, share_price=5 * 10**18, deployments_dir=None)
    token.mint(alice, 100 * 10**18, {"from": admin})
    token.approve(c.membership, 10 * 10**18, {"from": alice})
    with brownie.reverts(revert_pattern=r"MembershipWrongPayment: .*"):
        c.membership.join(2, {"from": alice, "value": 1})
    c.membership.join(2, {"from": alice})
    assert token.balanceOf(c.membership) == 10 * 10**18
    assert c.membership.member(alice)["capital"] == 10 * 10**18
    c.membership.leave({"from": alice})
    chain.sleep(c.membership.redemptionNotice() + 1)
    c.membership.withdrawRefund({"from": alice})
    assert token.balanceOf(alice) == 100 * 10**18


def test_fee_on_transfer_token_is_refused(admin, alice):
    from brownie import FeeOnTransferToken

    token = FeeOnTransferToken.deploy({"from": admin})
    c = deploy_coop(admin, asset=token.address, share_price=10**18, deployments_dir=None)
    token.mint(alice, 10 * 10**18, {"from": admin})
    token.approve(c.membership, 10 * 10**18, {"from": alice})
    with brownie.reverts(revert_pattern=r"MembershipTransferShortfall: .*"):
        c.membership.join(1, {"from": alice})
    assert c.membership.memberCount() == 0


def test_deployment_writes_addresses_chain_id_and_start_block(admin, tmp_path):
    import json

    c = deploy_coop(admin, deployments_dir=tmp_path)
    record = (
        json.loads((tmp_path / "development.json").read_text())
        if (tmp_path / "development.json").exists()
        else json.loads(next(tmp_path.glob("*.json")).read_text())
    )
    assert record["chainId"] == chain.id
    assert record["contracts"]["governor"] == c.governor.address
    assert record["contracts"]["membership"] == c.membership.address
    assert record["startBlock"] <= c.timelock.tx.block_number


def test_unknown_deploy_parameter_is_refused(admin):
    with pytest.raises(ValueError, match="unknown co-op parameter"):
        deploy_coop(admin, sharePrice=1, deployments_dir=None)


def test_only_the_very_first_member_skips_approval(approval_coop, alice, bob):
    m = approval_coop.membership
    m.join(1, {"from": alice, "value": PRICE})
    m.leave({"from": alice})  # the co-op has no active member left
    m.join(1, {"from": bob, "value": PRICE})
    assert m.member(bob)["status"] == PENDING  # still needs a vote: no second founder


# ---------------------------------------------------------------- open policy, with seniority

SENIORITY = 5


@pytest.fixture(scope="module")
def open_coop(admin):
    return deploy_coop(admin, admission="open", voting_seniority=SENIORITY, deployments_dir=None)


def test_open_admission_without_a_voting_seniority_cannot_be_deployed(admin):
    with brownie.reverts(revert_pattern=r"MembershipOpenWithoutSeniority.*"):
        deploy_coop(admin, admission="open", voting_seniority=0, deployments_dir=None)


def test_open_admission_admits_at_once_but_votes_only_after_the_seniority(open_coop, alice, bob):
    m = open_coop.membership
    m.join(1, {"from": alice, "value": PRICE})  # the founder votes at once
    tx = m.join(2, {"from": bob, "value": 2 * PRICE})
    admitted = tx.block_number
    assert "MemberApplied" not in tx.events and tx.events["MemberJoined"]["shares"] == 2
    assert m.member(bob)["status"] == ACTIVE and m.member(bob)["votesFrom"] == 0
    assert m.getVotes(bob) == 0 and m.getVotes(alice) == 1
    assert m.memberCount() == 2 and m.voterCount() == 1
    assert not m.canEnfranchise(bob)
    chain.mine(admitted + SENIORITY - chain.height - 2)
    tx = m.enfranchise([bob, alice], {"from": alice})
    assert tx.block_number == admitted + SENIORITY - 1 and tx.return_value == 0  # a block short
    assert "DelegateVotesChanged" not in tx.events and m.getVotes(bob) == 0
    chain.mine()
    assert m.canEnfranchise(bob)
    tx = m.enfranchise([bob, alice], {"from": alice})  # alice already votes: skipped
    assert tx.return_value == 1
    assert tx.events["DelegateVotesChanged"]["delegate"] == bob
    assert m.member(bob)["votesFrom"] == tx.block_number
    chain.mine()
    assert m.getPastVotes(bob, tx.block_number - 1) == 0
    assert m.getPastVotes(bob, tx.block_number) == 1
    assert m.getPastTotalSupply(tx.block_number - 1) == 1
    assert m.getPastTotalSupply(tx.block_number) == 2 == m.voterCount()


def test_open_policy_and_a_zero_seniority_exclude_each_other(open_coop, coop, tl):
    open_tl = brownie.accounts.at(open_coop.timelock.address, force=True)
    with brownie.reverts(revert_pattern=r"MembershipOpenWithoutSeniority.*"):
        open_coop.membership.setVotingSeniority(0, {"from": open_tl})
    with brownie.reverts(revert_pattern=r"MembershipOpenWithoutSeniority.*"):
        coop.membership.setAdmissionPolicy(OPEN, {"from": tl})  # seniority 0
    coop.membership.setVotingSeniority(3, {"from": tl})
    tx = coop.membership.setAdmissionPolicy(OPEN, {"from": tl})
    assert tx.events["AdmissionPolicySet"]["newPolicy"] == OPEN
