"""Admission: by vote (approval), by the elected committee (its seats, terms and limits, and the
members' right to contest and annul what it did), and the voting seniority of the admitted."""

import brownie
import pytest
from brownie import accounts, chain, web3

from scripts.deploy import deploy_coop
from tests.conftest import DAY, PRICE, Gov, admit, attestation, block_time, new_account

NONE, PENDING, ACTIVE, SUSPENDED, EXPELLED, MOVED = range(6)
YEAR = 365 * DAY
ANNULLED = bytes(web3.keccak(text="admission annulled"))
REASON = bytes(web3.keccak(text="no residence in the area"))


def _applicants(coop, funder, n):
    people = [new_account(funder, 10**18) for _ in range(n)]
    for p in people:
        coop.membership.join(1, {"from": p, "value": PRICE})
    return people


def _timestamp(tx):
    return web3.eth.get_block(tx.block_number).timestamp


# ---------------------------------------------------------------- approval: by vote


def test_one_proposal_admits_and_rejects_applicants_with_their_attestations(
    coop, gov, members, admin
):
    m = coop.membership
    a, b, c = _applicants(coop, admin, 3)
    hashes = [attestation(a), attestation(b)]
    tx = gov.pass_(
        members[0],
        [
            (m, 0, m.admitMany.encode_input([a, b], hashes)),
            (m, 0, m.rejectMany.encode_input([c], [REASON])),
        ],
        members,
        "Admissions of the month",
    )
    admitted = tx.events["MemberAdmitted"]
    assert [e["account"] for e in admitted] == [a, b]
    assert [bytes(e["attestation"]) for e in admitted] == hashes
    assert all(e["by"] == coop.timelock and e["contestDeadline"] == 0 for e in admitted)
    assert [e["index"] for e in tx.events["MemberJoined"]] == [5, 6]
    assert tx.events["ApplicationRejected"]["account"] == c
    assert bytes(tx.events["ApplicationRejected"]["reasonHash"]) == REASON
    assert m.member(a)["status"] == m.member(b)["status"] == ACTIVE
    assert m.member(c)["status"] == NONE and m.refund(c)[0] == PRICE
    assert m.memberCount() == m.voterCount() == 6
    assert [int(x) for x in m.liabilities()] == [0, PRICE]


def test_admitting_someone_who_did_not_apply_is_refused(coop, tl, members, outsider):
    with brownie.reverts(revert_pattern=r"MembershipNotPending: .*"):
        coop.membership.admit(outsider, attestation(outsider), {"from": tl})
    with brownie.reverts(revert_pattern=r"MembershipNotPending: .*"):  # nor a member again
        coop.membership.admitMany([members[1]], [attestation(members[1])], {"from": tl})


def test_batches_of_different_lengths_are_refused(coop, tl, members, admin):
    a, b = _applicants(coop, admin, 2)
    with brownie.reverts(revert_pattern=r"MembershipLengthMismatch: .*"):
        coop.membership.admitMany([a, b], [attestation(a)], {"from": tl})
    with brownie.reverts(revert_pattern=r"MembershipLengthMismatch: .*"):
        coop.membership.rejectMany([a], [REASON, REASON], {"from": tl})
    assert coop.membership.member(a)["status"] == coop.membership.member(b)["status"] == PENDING


# ---------------------------------------------------------------- the admissions committee


@pytest.fixture(scope="module")
def ccoop(admin, treasurer):
    return deploy_coop(admin, admission="committee", treasurers=[treasurer], deployments_dir=None)


@pytest.fixture(scope="module")
def ctl(ccoop):
    acct = accounts.at(ccoop.timelock.address, force=True)
    accounts[0].transfer(acct, 10 * 10**18)
    return acct


@pytest.fixture(scope="module")
def cmembers(ccoop, ctl, alice, bob, carol, dave):
    ccoop.membership.join(1, {"from": alice, "value": PRICE})
    for shares, m in enumerate((bob, carol, dave), start=2):
        admit(ccoop, ctl, m, shares)
    chain.mine()
    return [alice, bob, carol, dave]


@pytest.fixture
def seated(ccoop, cmembers):
    """Bob holds seat 0 for a year, appointed by a passed proposal."""
    bob = cmembers[1]
    c = ccoop.committee
    term_end = block_time() + YEAR
    tx = Gov(ccoop).pass_(cmembers[0], [(c, 0, c.appoint.encode_input(0, bob, term_end))], cmembers)
    assert tx.events["SeatFilled"]["holder"] == bob
    assert c.seat(0)["termEnd"] == term_end and c.inForce(bob)
    return bob


def test_a_seat_holder_admits_and_rejects_with_an_attestation_open_to_contest(ccoop, seated, admin):
    m = ccoop.membership
    a, b, c = _applicants(ccoop, admin, 3)
    tx = ccoop.committee.admit([a, b], [attestation(a), attestation(b)], {"from": seated})
    for e in tx.events["MemberAdmitted"]:
        assert e["by"] == seated
        assert e["contestDeadline"] == _timestamp(tx) + m.contestWindow()
    assert bytes(tx.events["MemberAdmitted"][0]["attestation"]) == attestation(a)
    contest = m.contestOf(m.memberIndex(a))
    assert contest["previous"] == "0x" + "00" * 20 and not contest["contested"]
    assert contest["deadline"] == _timestamp(tx) + m.contestWindow()
    tx = ccoop.committee.reject([c], [REASON], {"from": seated})
    assert tx.events["ApplicationRejected"]["account"] == c
    assert m.member(a)["status"] == ACTIVE and m.member(c)["status"] == NONE


def test_a_seat_past_its_term_end_has_no_power(ccoop, seated, admin):
    a = _applicants(ccoop, admin, 1)[0]
    chain.sleep(YEAR + 1)
    chain.mine()
    assert not ccoop.committee.inForce(seated)
    with brownie.reverts(revert_pattern=r"CommitteeSeatNotInForce: .*"):
        ccoop.committee.admit([a], [attestation(a)], {"from": seated})
    assert ccoop.membership.member(a)["status"] == PENDING


def test_a_term_beyond_the_maximum_is_refused(ccoop, ctl, cmembers):
    latest = block_time() + ccoop.committee.maxTerm()
    with brownie.reverts(revert_pattern=r"CommitteeInvalidTerm: .*"):
        ccoop.committee.appoint(0, cmembers[2], latest + DAY, {"from": ctl})
    with brownie.reverts(revert_pattern=r"CommitteeInvalidTerm: .*"):  # nor one already over
        ccoop.committee.appoint(0, cmembers[2], block_time() - 1, {"from": ctl})


def test_a_maximum_term_above_six_years_is_refused(ccoop, ctl, admin):
    c = ccoop.committee
    with brownie.reverts(revert_pattern=r"CommitteeInvalidMaxTerm: .*"):
        c.setMaxTerm(6 * YEAR + 2 * DAY, {"from": ctl})
    with brownie.reverts(revert_pattern=r"CommitteeInvalidMaxTerm: .*"):
        deploy_coop(admin, admission="committee", committee_max_term=7 * YEAR, deployments_dir=None)
    c.setMaxTerm(6 * YEAR, {"from": ctl})
    assert c.maxTerm() == 6 * YEAR


def test_a_holder_who_is_no_longer_an_active_member_cannot_act(ccoop, ctl, seated, admin):
    a = _applicants(ccoop, admin, 1)[0]
    ccoop.membership.suspend(seated, block_time() + 10 * DAY, REASON, {"from": ctl})
    assert not ccoop.committee.inForce(seated)
    with brownie.reverts(revert_pattern=r"CommitteeHolderNotMember: .*"):
        ccoop.committee.admit([a], [attestation(a)], {"from": seated})


def test_a_committee_acts_only_under_the_committee_policy(coop, tl, members, admin):
    bob = members[1]
    coop.committee.appoint(0, bob, block_time() + YEAR, {"from": tl})
    assert coop.committee.inForce(bob)
    a = _applicants(coop, admin, 1)[0]
    with brownie.reverts(revert_pattern=r"MembershipCommitteeInactive: .*"):
        coop.committee.admit([a], [attestation(a)], {"from": bob})
    with brownie.reverts(revert_pattern=r"MembershipCommitteeInactive: .*"):
        coop.committee.reject([a], [REASON], {"from": bob})
    with brownie.reverts(revert_pattern=r"MembershipCommitteeInactive: .*"):
        coop.committee.recover(members[2], new_account(admin), {"from": bob})
    assert coop.membership.member(a)["status"] == PENDING


def test_the_committee_cannot_sanction_change_statutes_or_touch_money(ccoop, cmembers, outsider):
    """Even the committee contract itself (impersonated) has only its three doors."""
    m, r = ccoop.membership, ccoop.rewards
    committee = accounts.at(ccoop.committee.address, force=True)
    bob = cmembers[1]
    tx = {"from": committee}
    for call in (
        lambda: m.warn(bob, REASON, tx),
        lambda: m.suspend(bob, 2**40, REASON, tx),
        lambda: m.expel(bob, REASON, tx),
        lambda: m.admit(outsider, REASON, tx),
        lambda: m.recoverMembership(bob, outsider, tx),
        lambda: m.annul(bob, tx),
        lambda: m.setSharePrice(1, tx),
        lambda: m.setShareCap(1, tx),
        lambda: m.setAdmissionPolicy(1, tx),
        lambda: m.setRedemptionNotice(0, tx),
        lambda: m.setVotingSeniority(1, tx),
        lambda: m.setContestWindow(1, tx),
    ):
        with brownie.reverts(revert_pattern=r"MembershipUnauthorized: .*"):
            call()
    for call in (
        lambda: r.setTreasurer(outsider, True, tx),
        lambda: r.openPeriod(1, tx),
        lambda: r.allocate(1, 1, 10000, 0, DAY, tx),
        lambda: r.releaseReserve(outsider, 1, tx),
    ):
        with brownie.reverts(revert_pattern=r"RewardsUnauthorized: .*"):
            call()
    assert m.member(bob)["status"] == ACTIVE and m.member(bob)["warnings"] == 0


@pytest.fixture
def committee_admitted(ccoop, seated, admin):
    """An applicant with 3 shares admitted by the committee; returns (account, admission tx)."""
    a = new_account(admin, 10**18)
    ccoop.membership.join(3, {"from": a, "value": 3 * PRICE})
    return a, ccoop.committee.admit([a], [attestation(a)], {"from": seated})


def test_a_member_contests_a_committee_admission_within_the_window(
    ccoop, cmembers, committee_admitted
):
    a, _ = committee_admitted
    m = ccoop.membership
    tx = m.contest(a, {"from": cmembers[2]})
    assert tx.events["AdmissionContested"]["account"] == a
    assert tx.events["AdmissionContested"]["by"] == cmembers[2]
    assert m.contestOf(m.memberIndex(a))["contested"]


def test_a_contest_after_the_window_is_refused(ccoop, cmembers, committee_admitted, outsider):
    a, _ = committee_admitted
    with brownie.reverts(revert_pattern=r"MembershipNotActive: .*"):  # members only
        ccoop.membership.contest(a, {"from": outsider})
    chain.sleep(ccoop.membership.contestWindow() + 1)
    chain.mine()
    with brownie.reverts(revert_pattern=r"MembershipNotContestable: .*"):
        ccoop.membership.contest(a, {"from": cmembers[2]})


def _assert_annulled(ccoop, a, tx):
    m = ccoop.membership
    assert tx.events["CommitteeActAnnulled"]["account"] == a
    assert tx.events["CommitteeActAnnulled"]["restoredTo"] == "0x" + "00" * 20
    ev = tx.events["MemberExpelled"]
    assert bytes(ev["reasonHash"]) == ANNULLED and ev["amount"] == 3 * PRICE
    assert m.member(a)["status"] == EXPELLED
    amount, available_at = m.refund(a)
    assert amount == 3 * PRICE and available_at == _timestamp(tx)
    before = a.balance()
    m.withdrawRefund({"from": a, "gas_price": 0})  # at once, no notice
    assert a.balance() - before == 3 * PRICE


def test_a_vote_annuls_a_committee_admission_within_its_window(ccoop, ctl, committee_admitted):
    a, _ = committee_admitted
    _assert_annulled(ccoop, a, ccoop.membership.annul(a, {"from": ctl}))


def test_a_contested_admission_is_annulled_by_a_passed_proposal_after_the_window(
    ccoop, cmembers, committee_admitted
):
    a, _ = committee_admitted
    m = ccoop.membership
    m.contest(a, {"from": cmembers[3]})
    chain.sleep(m.contestWindow() + 1)
    tx = Gov(ccoop).pass_(cmembers[0], [(m, 0, m.annul.encode_input(a))], cmembers, "Annul")
    _assert_annulled(ccoop, a, tx)


def test_an_uncontested_admission_cannot_be_annulled_after_its_window(
    ccoop, ctl, committee_admitted
):
    a, _ = committee_admitted
    chain.sleep(ccoop.membership.contestWindow() + 1)
    chain.mine()
    with brownie.reverts(revert_pattern=r"MembershipNotContestable: .*"):
        ccoop.membership.annul(a, {"from": ctl})
    assert ccoop.membership.member(a)["status"] == ACTIVE


def test_an_admission_by_vote_cannot_be_annulled(coop, tl, members):
    with brownie.reverts(revert_pattern=r"MembershipNotContestable: .*"):
        coop.membership.annul(members[1], {"from": tl})


# ---------------------------------------------------------------- voting seniority

SENIORITY = 10


def test_an_admitted_member_votes_only_once_enfranchised_after_the_seniority(
    admin, alice, bob, carol
):
    c = deploy_coop(admin, voting_seniority=SENIORITY, deployments_dir=None)
    m = c.membership
    timelock = accounts.at(c.timelock.address, force=True)
    founded = m.join(1, {"from": alice, "value": PRICE}).block_number
    chain.mine()
    assert m.getVotes(alice) == 1 and m.getPastVotes(alice, founded) == 1  # founder: at once
    admitted = admit(c, timelock, bob, 1).block_number
    assert m.getVotes(bob) == 0 and m.member(bob)["votesFrom"] == 0
    assert m.enfranchise([bob], {"from": carol}).return_value == 0
    chain.mine(admitted + SENIORITY - chain.height)
    assert m.canEnfranchise(bob)
    tx = m.enfranchise([bob], {"from": carol})  # anyone may call it
    assert tx.return_value == 1 and tx.block_number >= admitted + SENIORITY
    chain.mine()
    assert m.getVotes(bob) == 1
    assert m.getPastVotes(bob, tx.block_number - 1) == 0
    assert m.getPastVotes(bob, tx.block_number) == 1
    assert m.enfranchise([bob], {"from": carol}).return_value == 0  # once
