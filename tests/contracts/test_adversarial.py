"""Adversarial targets and tokens: what a proposal runs is what was voted on, a proposal cannot
get around the timelock by calling back into governance, and hostile ERC-20s used as the share
currency (which is also the rewards' currency) are refused or handled without loss."""

import brownie
import pytest
from brownie import (
    Contract,
    EvilEscrow,
    GovernanceCallback,
    HonestEscrow,
    HostileToken,
    MetamorphicFactory,
    TokenReentrantMember,
    chain,
    web3,
)

from scripts.deploy import deploy_coop
from tests.conftest import DAY, FOR

E18 = 10**18
REASON = b"\x00" * 32


def _selector(signature: str) -> bytes:
    return bytes(web3.keccak(text=signature)[:4])


def _vote_and_queue(coop, gov, proposer, voters, actions, description):
    pid, proposal = gov.propose(proposer, actions, description)
    gov.start_voting(pid)
    for v in voters:
        coop.governor.castVote(pid, FOR, {"from": v})
    gov.end_voting(pid)
    targets, values, calldatas, dhash = proposal
    coop.governor.queue(targets, values, calldatas, dhash, {"from": proposer})
    return pid, proposal


def _execute(coop, proposal, sender):
    targets, values, calldatas, dhash = proposal
    return coop.governor.execute(
        targets, values, calldatas, dhash, {"from": sender, "gas_price": 0}
    )


# ---------------------------------------------------------------- targets that change


def test_a_metamorphic_target_cannot_change_between_queue_and_execute(
    coop, gov, members, admin, outsider
):
    factory = MetamorphicFactory.deploy({"from": admin})
    honest = HonestEscrow.deploy({"from": admin})
    evil = EvilEscrow.deploy({"from": admin})
    target = factory.deploy(honest, {"from": outsider}).events["Deployed"]["target"]
    escrow = Contract.from_abi("HonestEscrow", target, HonestEscrow.abi)
    voted_code = web3.eth.get_code(target)
    assert voted_code == web3.eth.get_code(honest.address)
    admin.transfer(coop.timelock, 2 * E18)
    action = (target, E18, escrow.deposit.encode_input())
    _, proposal = _vote_and_queue(coop, gov, members[0], members, [action], "fund the escrow")

    # Between queue and execute the attacker self-destructs the target and deploys its evil
    # twin at the same address: since Cancun (EIP-6780) the code stays, so the address is taken.
    escrow.destroy(outsider, {"from": outsider})
    with brownie.reverts(revert_pattern=r"DeployFailed.*"):
        factory.deploy(evil, {"from": outsider})
    assert web3.eth.get_code(target) == voted_code

    chain.sleep(coop.timelock.getMinDelay() + 1)
    chain.mine()
    before = outsider.balance()
    _execute(coop, proposal, outsider)  # the attacker executes, hoping to be tx.origin
    assert escrow.deposits() == E18 and web3.eth.get_balance(target) == E18
    assert outsider.balance() == before  # (gas price 0) nothing was forwarded to the attacker
    assert web3.eth.get_code(target) == voted_code


# ---------------------------------------------------------------- calls back into governance


def test_a_proposal_cannot_schedule_a_timelock_operation_of_its_own(coop, gov, members, alice):
    t, m = coop.timelock, coop.membership
    salt = b"\x01" * 32
    schedule = t.schedule.encode_input(m, 0, m.setShareCap.encode_input(1), REASON, salt, 0)
    _, proposal = _vote_and_queue(coop, gov, alice, members, [(t, 0, schedule)], "no delay")
    chain.sleep(t.getMinDelay() + 1)
    chain.mine()
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount: .*"):
        _execute(coop, proposal, alice)
    assert m.shareCap() != 1


def test_a_proposal_relaying_through_the_governor_is_not_the_register_s_governance(
    coop, gov, members, alice, bob
):
    g, m = coop.governor, coop.membership
    relay = g.relay.encode_input(m, 0, m.expel.encode_input(bob, REASON))
    _, proposal = _vote_and_queue(coop, gov, alice, members, [(g, 0, relay)], "expel via relay")
    chain.sleep(coop.timelock.getMinDelay() + 1)
    chain.mine()
    with brownie.reverts(revert_pattern=r"MembershipUnauthorized: .*"):
        _execute(coop, proposal, alice)
    assert m.getVotes(bob) == 1


def test_a_callback_while_executing_cannot_run_another_proposal_before_its_delay(
    coop, gov, members, alice, admin
):
    g, m, t = coop.governor, coop.membership, coop.timelock
    early = GovernanceCallback.deploy({"from": admin})
    direct = GovernanceCallback.deploy({"from": admin})
    # B: a share cap of 3, queued a day after A
    pid_b, b = gov.propose(alice, [(m, 0, m.setShareCap.encode_input(3))], "B")
    targets, values, calldatas, dhash = b
    # the governor's timelock salt: its address (left-aligned) xor the description hash
    salt = bytes(
        x ^ y for x, y in zip(bytes.fromhex(g.address[2:]) + bytes(12), dhash, strict=True)
    )
    op_b = t.hashOperationBatch(targets, values, calldatas, REASON, salt)
    execute_b = t.executeBatch.encode_input(targets, values, calldatas, REASON, salt)
    actions_a = [
        (early, 0, early.poke.encode_input(g, g.execute.encode_input(*b))),
        (direct, 0, direct.poke.encode_input(t, execute_b)),
    ]
    pid_a, a = gov.propose(alice, actions_a, "A")
    gov.start_voting(pid_a)
    for v in members:
        g.castVote(pid_a, FOR, {"from": v})
        g.castVote(pid_b, FOR, {"from": v})
    gov.end_voting(pid_a)
    gov.end_voting(pid_b)
    g.queue(*a, {"from": alice})
    chain.sleep(DAY)
    g.queue(*b, {"from": alice})
    chain.sleep(t.getMinDelay() - DAY + 1)
    chain.mine()

    _execute(coop, a, alice)
    assert early.called() and early.callbackFailed()
    assert bytes(early.callbackError())[:4] == _selector(
        "TimelockUnexpectedOperationState(bytes32,bytes32)"
    )
    assert direct.called() and direct.callbackFailed()
    assert bytes(direct.callbackError())[:4] == _selector(
        "AccessControlUnauthorizedAccount(address,bytes32)"
    )
    assert m.shareCap() != 3 and g.state(pid_b) == 5 and t.isOperationPending(op_b)

    chain.sleep(DAY)
    chain.mine()
    _execute(coop, b, alice)  # B itself was fine: only its timing was refused
    assert m.shareCap() == 3


# ---------------------------------------------------------------- hostile tokens

PRICE = E18


@pytest.fixture
def token_coop(admin, treasurer):
    token = HostileToken.deploy({"from": admin})
    coop = deploy_coop(
        admin, asset=token.address, share_price=PRICE, treasurers=[treasurer], deployments_dir=None
    )
    return token, coop


@pytest.fixture
def attacker(token_coop, admin):
    token, coop = token_coop
    a = TokenReentrantMember.deploy(token, [coop.membership, coop.rewards], {"from": admin})
    token.mint(a, 100 * PRICE, {"from": admin})
    return a


def _liabilities_covered(token, m):
    held, owed = m.liabilities()
    assert token.balanceOf(m) == m.totalCapital() + held + owed


def test_a_reentrant_token_cannot_buy_shares_in_the_middle_of_a_join(token_coop, attacker, admin):
    token, coop = token_coop
    m = coop.membership
    token.setHooked(attacker, {"from": admin})
    attacker.setReentry(m, m.buyShares.encode_input(1), {"from": admin})
    attacker.act(m, m.join.encode_input(2), {"from": admin})  # hook fires on transferFrom
    assert attacker.attempts() == 1 and attacker.reentryFailed()
    assert bytes(attacker.reentryError())[:4] == _selector("ReentrancyGuardReentrantCall()")
    assert m.member(attacker)["shares"] == 2 and m.member(attacker)["capital"] == 2 * PRICE
    _liabilities_covered(token, m)


def test_a_reentrant_token_cannot_withdraw_a_refund_twice(
    token_coop, attacker, admin, alice, token_tl
):
    token, coop = token_coop
    m = coop.membership
    token.mint(alice, 5 * PRICE, {"from": admin})
    token.approve(m, 5 * PRICE, {"from": alice})
    m.join(5, {"from": alice})
    attacker.act(m, m.join.encode_input(3), {"from": admin})
    m.admit(attacker, REASON, {"from": token_tl})
    attacker.act(m, m.leave.encode_input(), {"from": admin})
    chain.sleep(m.redemptionNotice() + 1)
    token.setHooked(attacker, {"from": admin})
    attacker.setReentry(m, m.withdrawRefund.encode_input(), {"from": admin})
    before = token.balanceOf(attacker)
    attacker.act(m, m.withdrawRefund.encode_input(), {"from": admin})
    assert attacker.attempts() == 1 and attacker.reentryFailed()
    assert token.balanceOf(attacker) - before == 3 * PRICE
    assert token.balanceOf(m) == 5 * PRICE  # alice's capital is all there
    _liabilities_covered(token, m)


def _allocate(coop, token, tl, treasurer, admin, account, amount):
    r = coop.rewards
    r.openPeriod(100, {"from": tl})
    r.recordPoints(1, [account], [100], REASON, {"from": treasurer})
    chain.mine()
    r.closePeriod(1, {"from": treasurer})
    token.mint(tl, amount, {"from": admin})
    token.approve(r, amount, {"from": tl})
    return r.allocate(1, amount, 1000, 0, 10 * DAY, {"from": tl})


@pytest.fixture
def token_tl(token_coop, admin):
    from brownie import accounts

    _, coop = token_coop
    acct = accounts.at(coop.timelock.address, force=True)
    admin.transfer(acct, 10 * E18)
    return acct


def test_a_reentrant_token_cannot_claim_a_reward_twice(
    token_coop, attacker, admin, treasurer, token_tl
):
    token, coop = token_coop
    r = coop.rewards
    attacker.act(coop.membership, coop.membership.join.encode_input(1), {"from": admin})
    _allocate(coop, token, token_tl, treasurer, admin, attacker, 10 * PRICE)
    owed = sum(r.claimable(1, attacker))
    assert owed == 9 * PRICE  # all of the patronage pool: the only one with points
    token.setHooked(attacker, {"from": admin})
    attacker.setReentry(r, r.claim.encode_input(1), {"from": admin})
    before = token.balanceOf(attacker)
    attacker.act(r, r.claim.encode_input(1), {"from": admin})
    assert attacker.attempts() == 1 and attacker.reentryFailed()
    assert token.balanceOf(attacker) - before == owed
    assert token.balanceOf(r) == r.reserve() == PRICE


def test_a_token_that_returns_false_is_refused_and_nothing_is_lost(
    token_coop, admin, alice, treasurer, token_tl
):
    token, coop = token_coop
    m = coop.membership
    token.mint(alice, 5 * PRICE, {"from": admin})
    token.approve(m, 5 * PRICE, {"from": alice})
    token.setReturnFalse(True, {"from": admin})
    with brownie.reverts(revert_pattern=r"SafeERC20FailedOperation: .*"):
        m.join(2, {"from": alice})
    assert m.member(alice)["status"] == 0 and token.balanceOf(m) == 0

    token.setReturnFalse(False, {"from": admin})
    m.join(2, {"from": alice})
    m.leave({"from": alice})
    chain.sleep(m.redemptionNotice() + 1)
    token.setReturnFalse(True, {"from": admin})
    with brownie.reverts(revert_pattern=r"SafeERC20FailedOperation: .*"):
        m.withdrawRefund({"from": alice})
    assert m.refund(alice)[0] == 2 * PRICE  # still owed, not forgotten
    _liabilities_covered(token, m)
    # as the rewards' currency too: an allocation paid in such a token is refused
    with brownie.reverts(revert_pattern=r"SafeERC20FailedOperation: .*"):
        _allocate(coop, token, token_tl, treasurer, admin, alice, 10 * PRICE)
    assert coop.rewards.allocation(1)["funded"] == 0

    token.setReturnFalse(False, {"from": admin})
    m.withdrawRefund({"from": alice})
    assert token.balanceOf(alice) == 5 * PRICE


def test_a_token_that_starts_charging_a_fee_is_refused_on_the_way_in_and_keeps_the_books_whole(
    token_coop, admin, alice, bob, treasurer, token_tl
):
    token, coop = token_coop
    m = coop.membership
    for who in (alice, bob):
        token.mint(who, 5 * PRICE, {"from": admin})
        token.approve(m, 5 * PRICE, {"from": who})
    m.join(2, {"from": alice})
    m.join(3, {"from": bob})
    m.admit(bob, REASON, {"from": token_tl})
    token.setFee(100, {"from": admin})  # 1% from now on
    with brownie.reverts(revert_pattern=r"MembershipTransferShortfall: .*"):
        m.buyShares(1, {"from": alice})
    with brownie.reverts(revert_pattern=r"RewardsTransferShortfall: .*"):
        _allocate(coop, token, token_tl, treasurer, admin, alice, 10 * PRICE)
    assert coop.rewards.allocation(1)["funded"] == 0 and token.balanceOf(coop.rewards) == 0
    m.leave({"from": alice})
    chain.sleep(m.redemptionNotice() + 1)
    before = token.balanceOf(m)
    m.withdrawRefund({"from": alice})
    # the co-op paid exactly what it owed (the token kept its fee out of alice's receipt) and
    # still holds every other member's capital
    assert before - token.balanceOf(m) == 2 * PRICE
    assert token.balanceOf(alice) == 3 * PRICE + 2 * PRICE * 99 // 100
    assert token.balanceOf(m) == m.totalCapital() == 3 * PRICE
    _liabilities_covered(token, m)
