"""One member, one vote: proposals, snapshot, quorum, timelock, signed ballots, sanctions."""

import brownie
from brownie import chain, web3

from tests.conftest import ABSTAIN, AGAINST, FOR, PRICE, admit, new_account, sign_ballot

PENDING, ACTIVE, DEFEATED, SUCCEEDED, QUEUED, EXECUTED = 0, 1, 3, 4, 5, 7


def test_governor_keeps_the_standard_interface(coop):
    g = coop.governor
    assert g.COUNTING_MODE() == "support=bravo&quorum=for,abstain"
    assert g.CLOCK_MODE() == "mode=blocknumber&from=default"
    assert g.token() == coop.membership
    assert g.proposalThreshold() == 1
    assert g.version() == "1"
    # IGovernor interface id (ERC-165), as OpenZeppelin reports it
    assert g.supportsInterface("0x01ffc9a7")


def test_only_members_may_propose(coop, gov, members, outsider):
    with brownie.reverts(revert_pattern=r"GovernorInsufficientProposerVotes: .*"):
        gov.propose(outsider, [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))])


def test_one_member_one_vote_whatever_the_shares(coop, gov, members):
    alice, bob, carol, dave = members  # 1, 2, 3 and 4 shares
    pid, _ = gov.propose(alice, [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))])
    gov.start_voting(pid)
    coop.governor.castVote(pid, FOR, {"from": alice})
    coop.governor.castVote(pid, AGAINST, {"from": dave})
    coop.governor.castVote(pid, AGAINST, {"from": carol})
    tx = coop.governor.castVoteWithReason(pid, ABSTAIN, "conflict of interest", {"from": bob})
    assert tx.events["VoteCast"]["weight"] == 1
    assert tx.events["VoteCast"]["reason"] == "conflict of interest"
    assert [int(v) for v in coop.governor.proposalVotes(pid)] == [2, 1, 1]
    assert coop.governor.hasVoted(pid, bob)
    gov.end_voting(pid)
    assert coop.governor.state(pid) == DEFEATED


def test_quorum_is_a_fraction_of_members_at_the_snapshot_rounded_up(coop, gov, members):
    alice = members[0]
    pid, _ = gov.propose(alice, [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))])
    snapshot = coop.governor.proposalSnapshot(pid)
    gov.start_voting(pid)
    assert coop.governor.quorum(snapshot) == 1  # 25% of 4 members
    coop.governor.castVote(pid, FOR, {"from": alice})
    gov.end_voting(pid)
    assert coop.governor.state(pid) == SUCCEEDED


def test_without_quorum_a_proposal_is_defeated(admin, treasurer, alice, bob, carol, dave):
    from scripts.deploy import deploy_coop
    from tests.conftest import Gov

    c = deploy_coop(admin, quorum_percent=60, deployments_dir=None)
    c.membership.join(1, {"from": alice, "value": PRICE})
    timelock = brownie.accounts.at(c.timelock.address, force=True)
    for m in (bob, carol, dave):
        admit(c, timelock, m, 1)
    chain.mine()
    g = Gov(c)
    pid, _ = g.propose(alice, [(c.membership, 0, c.membership.setShareCap.encode_input(5))])
    g.start_voting(pid)
    assert c.governor.quorum(c.governor.proposalSnapshot(pid)) == 3  # ceil(0.6 * 4)
    c.governor.castVote(pid, FOR, {"from": alice})
    c.governor.castVote(pid, FOR, {"from": bob})
    g.end_voting(pid)
    assert c.governor.state(pid) == DEFEATED


def test_decision_waits_for_the_timelock_then_executes(coop, gov, members):
    alice = members[0]
    pid, proposal = gov.propose(
        alice, [(coop.membership, 0, coop.membership.setShareCap.encode_input(7))]
    )
    gov.start_voting(pid)
    for m in members:
        coop.governor.castVote(pid, FOR, {"from": m})
    gov.end_voting(pid)
    targets, values, calldatas, dhash = proposal
    coop.governor.queue(targets, values, calldatas, dhash, {"from": alice})
    assert coop.governor.state(pid) == QUEUED
    with brownie.reverts():
        coop.governor.execute(targets, values, calldatas, dhash, {"from": alice})
    chain.sleep(coop.timelock.getMinDelay() + 1)
    chain.mine()
    coop.governor.execute(targets, values, calldatas, dhash, {"from": alice})
    assert coop.governor.state(pid) == EXECUTED
    assert coop.membership.shareCap() == 7


def test_governor_settings_change_only_by_proposal(coop, gov, members, alice):
    with brownie.reverts(revert_pattern=r"GovernorOnlyExecutor: .*"):
        coop.governor.setVotingPeriod(10, {"from": alice})
    gov.pass_(alice, [(coop.governor, 0, coop.governor.setVotingPeriod.encode_input(77))], members)
    assert coop.governor.votingPeriod() == 77


def test_signed_ballot_is_counted_and_pays_no_gas_for_the_voter(
    coop, gov, members, signer, admin, tl
):
    admit(coop, tl, signer, 1)
    chain.mine()
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))]
    )
    gov.start_voting(pid)
    balance = signer.balance()
    sig = sign_ballot(coop, signer, pid, FOR)
    tx = coop.governor.castVoteBySig(pid, FOR, signer, sig, {"from": admin})
    assert tx.events["VoteCast"]["voter"] == signer
    assert coop.governor.hasVoted(pid, signer)
    assert coop.governor.nonces(signer) == 1
    assert signer.balance() == balance


def test_replayed_signed_ballot_reverts(coop, gov, members, signer, admin, tl):
    admit(coop, tl, signer, 1)
    chain.mine()
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))]
    )
    gov.start_voting(pid)
    sig = sign_ballot(coop, signer, pid, FOR)
    coop.governor.castVoteBySig(pid, FOR, signer, sig, {"from": admin})
    with brownie.reverts(revert_pattern=r"GovernorInvalidSignature: .*"):
        coop.governor.castVoteBySig(pid, FOR, signer, sig, {"from": admin})
    # and a replay on another proposal (same nonce) is refused too
    pid2, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(6))]
    )
    gov.start_voting(pid2)
    with brownie.reverts(revert_pattern=r"GovernorInvalidSignature: .*"):
        coop.governor.castVoteBySig(pid2, FOR, signer, sig, {"from": admin})


def test_wrong_chain_signed_ballot_reverts(coop, gov, members, signer, admin, tl):
    admit(coop, tl, signer, 1)
    chain.mine()
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))]
    )
    gov.start_voting(pid)
    sig = sign_ballot(coop, signer, pid, FOR, chain_id=chain.id + 1)
    with brownie.reverts(revert_pattern=r"GovernorInvalidSignature: .*"):
        coop.governor.castVoteBySig(pid, FOR, signer, sig, {"from": admin})
    assert not coop.governor.hasVoted(pid, signer)


def test_ballot_signed_for_another_choice_reverts(coop, gov, members, signer, admin, tl):
    admit(coop, tl, signer, 1)
    chain.mine()
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))]
    )
    gov.start_voting(pid)
    sig = sign_ballot(coop, signer, pid, AGAINST)
    with brownie.reverts(revert_pattern=r"GovernorInvalidSignature: .*"):
        coop.governor.castVoteBySig(pid, FOR, signer, sig, {"from": admin})


def test_double_voting_reverts(coop, gov, members):
    alice = members[0]
    pid, _ = gov.propose(alice, [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))])
    gov.start_voting(pid)
    coop.governor.castVote(pid, FOR, {"from": alice})
    with brownie.reverts(revert_pattern=r"GovernorAlreadyCastVote: .*"):
        coop.governor.castVote(pid, AGAINST, {"from": alice})
    with brownie.reverts(revert_pattern=r"GovernorAlreadyCastVote: .*"):
        coop.governor.castVoteWithReason(pid, FOR, "again", {"from": alice})


def test_receipts_of_members_far_apart_do_not_collide(coop, gov, members, admin, tl):
    voters = [new_account(admin, 10**17) for _ in range(4)]
    for v in voters:
        admit(coop, tl, v, 1)
    chain.mine()
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))]
    )
    gov.start_voting(pid)
    coop.governor.castVote(pid, FOR, {"from": voters[1]})
    assert coop.governor.hasVoted(pid, voters[1])
    assert not any(coop.governor.hasVoted(pid, v) for v in voters if v != voters[1])
    assert not any(coop.governor.hasVoted(pid, m) for m in members)


def test_invalid_vote_type_reverts(coop, gov, members):
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(5))]
    )
    gov.start_voting(pid)
    with brownie.reverts(revert_pattern=r"GovernorInvalidVoteType.*"):
        coop.governor.castVote(pid, 3, {"from": members[0]})


# ---------------------------------------------------------------- sanctions, decided by vote


def test_warning_suspension_reinstatement_and_expulsion_by_vote(coop, gov, members, carol):
    alice, bob, _, dave = members
    voters = [alice, bob, dave]
    m = coop.membership
    reason = web3.keccak(text="missed three assemblies")
    tx = gov.pass_(alice, [(m, 0, m.warn.encode_input(carol, reason))], voters)
    assert m.member(carol)["warnings"] == 1
    until = chain.time() + 30 * 86400
    tx = gov.pass_(alice, [(m, 0, m.suspend.encode_input(carol, until, reason))], voters)
    assert m.member(carol)["status"] == 3 and m.getVotes(carol) == 0
    assert m.memberCount() == 3
    with brownie.reverts(revert_pattern=r"MembershipStillSuspended: .*"):
        m.endSuspension(carol, {"from": carol})
    gov.pass_(alice, [(m, 0, m.reinstate.encode_input(carol))], voters)
    assert m.getVotes(carol) == 1
    tx = gov.pass_(alice, [(m, 0, m.expel.encode_input(carol, reason))], voters)
    ev = tx.events["MemberExpelled"]
    assert ev["account"] == carol and ev["amount"] == 3 * PRICE
    assert m.member(carol)["status"] == 4 and m.getVotes(carol) == 0
    assert m.refund(carol)[0] == 3 * PRICE  # capital refundable by pull
    with brownie.reverts(revert_pattern=r"MembershipExpelledAccount: .*"):
        m.join(1, {"from": carol, "value": PRICE})


def test_a_suspension_ends_by_itself_once_its_term_passes(coop, gov, members, carol):
    alice, bob, _, dave = members
    m = coop.membership
    until = chain.time() + 5 * 86400
    gov.pass_(
        alice, [(m, 0, m.suspend.encode_input(carol, until, b"\x01" * 32))], [alice, bob, dave]
    )
    chain.sleep(until - chain.time() + 1)
    tx = m.endSuspension(carol, {"from": alice})
    assert tx.events["MemberReinstated"]["early"] is False
    assert m.getVotes(carol) == 1
