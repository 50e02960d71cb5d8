"""Issue 10's takeover: one person, five fresh addresses, one share each, and a proposal that pays
the whole treasury to that person. A demo-like co-op (a founder and three admitted members, 7 ETH
in the timelock) under each admission policy: approval and committee never make the addresses
members; open makes them members at once, but their vote waits for the voting seniority, so the
proposal whose snapshot falls in that wait is decided by the real members only, while the surge
shows as members who do not vote yet."""

import brownie
import pytest
from brownie import accounts, chain

from scripts.deploy import deploy_coop
from tests.conftest import AGAINST, FOR, PRICE, Gov, admit

E18 = 10**18
TREASURY = 7 * E18
SYBILS = 5
SENIORITY = 100  # blocks: longer than a proposal's voting delay and period (1 + 50)
PENDING, ACTIVE = 1, 2
DEFEATED = 3


def _demo_coop(admin, alice, bob, carol, dave, **statutes):
    coop = deploy_coop(admin, deployments_dir=None, **statutes)
    timelock = accounts.at(coop.timelock.address, force=True)
    coop.membership.join(1, {"from": alice, "value": PRICE})  # the founder
    for shares, m in enumerate((bob, carol, dave), start=2):
        if statutes.get("admission") == "open":
            coop.membership.join(shares, {"from": m, "value": shares * PRICE})
        else:
            admit(coop, timelock, m, shares)
    if coop.membership.votingSeniority():
        chain.mine(SENIORITY)
        assert coop.membership.enfranchise([bob, carol, dave]).return_value == 3
    admin.transfer(coop.timelock, TREASURY - coop.timelock.balance())
    chain.mine()
    assert coop.timelock.balance() == TREASURY
    assert coop.membership.voterCount() == coop.membership.memberCount() == 4
    return coop


@pytest.fixture
def attacker(outsider):
    """The outsider and the five fresh addresses it controls, each funded for one share."""
    sybils = [accounts.add() for _ in range(SYBILS)]
    for s in sybils:
        outsider.transfer(s, E18)
    return outsider, sybils


def _pay_the_treasury_to(coop, proposer, attacker, description="Pay the treasury"):
    return Gov(coop).propose(proposer, [(attacker, TREASURY, b"")], description)


def _real_members_defeat(coop, pid, members):
    alice, bob, carol, dave = members
    coop.governor.castVote(pid, FOR, {"from": alice})  # the proposer, tricked or bribed
    for m in (bob, carol, dave):
        coop.governor.castVote(pid, AGAINST, {"from": m})
    Gov(coop).end_voting(pid)
    assert coop.governor.state(pid) == DEFEATED
    assert [int(v) for v in coop.governor.proposalVotes(pid)] == [3, 1, 0]


@pytest.mark.parametrize("admission", ["approval", "committee"])
def test_fresh_addresses_stay_applicants_who_can_neither_propose_nor_vote(
    admin, alice, bob, carol, dave, attacker, admission
):
    coop = _demo_coop(admin, alice, bob, carol, dave, admission=admission)
    m, g = coop.membership, coop.governor
    outsider, sybils = attacker
    for s in sybils:
        tx = m.join(1, {"from": s, "value": PRICE})
        assert "MemberApplied" in tx.events and "MemberJoined" not in tx.events
    chain.mine()
    assert all(m.member(s)["status"] == PENDING for s in sybils)
    assert all(m.balanceOf(s) == 0 for s in sybils)  # no card either
    assert m.memberCount() == m.voterCount() == 4
    if admission == "committee":  # a committee exists, but none of its seats admitted them
        assert not any(coop.committee.inForce(a) for a in [outsider, *sybils])

    with brownie.reverts(revert_pattern=r"GovernorInsufficientProposerVotes: .*"):
        _pay_the_treasury_to(coop, sybils[0], outsider)
    pid, _ = _pay_the_treasury_to(coop, alice, outsider)
    Gov(coop).start_voting(pid)
    for s in sybils:
        with brownie.reverts(revert_pattern=r"GovernorVoterNotMember: .*"):
            g.castVote(pid, FOR, {"from": s})
    _real_members_defeat(coop, pid, [alice, bob, carol, dave])
    assert coop.timelock.balance() == TREASURY


def test_under_open_admission_the_surge_waits_out_its_seniority_and_is_visible_meanwhile(
    admin, alice, bob, carol, dave, attacker
):
    coop = _demo_coop(admin, alice, bob, carol, dave, admission="open", voting_seniority=SENIORITY)
    m, g = coop.membership, coop.governor
    outsider, sybils = attacker
    admitted = [m.join(1, {"from": s, "value": PRICE}).block_number for s in sybils]
    attacker_balance = outsider.balance()
    last_admission = max(admitted)
    assert all(m.member(s)["status"] == ACTIVE for s in sybils)
    assert all(m.balanceOf(s) == 1 and m.getVotes(s) == 0 for s in sybils)
    # the surge: five more members, no more voters
    assert m.memberCount() == 9 and m.voterCount() == 4

    # they cannot propose (no vote in the block before) ...
    chain.mine()
    with brownie.reverts(revert_pattern=r"GovernorInsufficientProposerVotes: .*"):
        _pay_the_treasury_to(coop, sybils[0], outsider)
    # ... and on a real member's proposal, whose snapshot is within their seniority, no vote
    pid, _ = _pay_the_treasury_to(coop, alice, outsider)
    snapshot = g.proposalSnapshot(pid)
    assert snapshot < min(admitted) + SENIORITY
    Gov(coop).start_voting(pid)
    assert m.enfranchise(sybils, {"from": outsider}).return_value == 0  # too early: nothing
    assert m.voterCount() == 4
    for s in sybils:
        with brownie.reverts(revert_pattern=r"GovernorVoterNotMember: .*"):
            g.castVote(pid, FOR, {"from": s})
    # the quorum is counted from the voters at the snapshot, which exclude them
    assert m.getPastTotalSupply(snapshot) == 4
    assert g.quorum(snapshot) == 1  # 25% of 4, rounded up (of 9 it would be 3)
    _real_members_defeat(coop, pid, [alice, bob, carol, dave])
    assert coop.timelock.balance() == TREASURY
    assert outsider.balance() == attacker_balance

    # seniority delays, it does not exclude: once it has passed, enfranchise makes them voters
    chain.mine(max(0, last_admission + SENIORITY - chain.height))
    tx = m.enfranchise(sybils, {"from": outsider})
    assert tx.return_value == SYBILS and len(tx.events["DelegateVotesChanged"]) == SYBILS
    assert m.voterCount() == m.memberCount() == 9
    chain.mine()
    pid2, _ = _pay_the_treasury_to(coop, sybils[0], outsider, "Again")  # now it can
    Gov(coop).start_voting(pid2)
    for s in sybils:
        assert g.castVote(pid2, FOR, {"from": s}).events["VoteCast"]["weight"] == 1
    assert g.quorum(g.proposalSnapshot(pid2)) == 3  # ceil(25% of 9)
