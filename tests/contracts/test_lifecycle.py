"""The whole life of a co-op, every decision through a real vote, queue and execution."""

from brownie import chain

from tests.conftest import DAY, FOR, PRICE

E18 = 10**18


def test_members_pay_a_contributor_from_the_treasury_by_vote(
    coop, gov, members, admin, contributor
):
    alice = members[0]
    admin.transfer(coop.timelock, 5 * E18)  # the co-op's treasury
    before, treasury = contributor.balance(), coop.timelock.balance()
    tx = gov.pass_(alice, [(contributor, 2 * E18, b"")], members, "Pay the logo design")
    assert contributor.balance() - before == 2 * E18
    assert treasury - coop.timelock.balance() == 2 * E18
    assert "ProposalExecuted" in tx.events


def test_surplus_is_voted_allocated_and_claimed(coop, gov, members, admin, treasurer, contributor):
    alice, bob, carol, dave = members
    r = coop.rewards
    admin.transfer(coop.timelock, 5 * E18)

    # governance opens a fiscal period with a points budget
    gov.pass_(alice, [(r, 0, r.openPeriod.encode_input(1000))], members, "Open period 1")
    assert r.periodCount() == 1

    # the treasurer records patronage / contribution points, then closes the period
    r.recordPoints(1, [alice, bob, contributor], [100, 300, 600], b"\x01" * 32, {"from": treasurer})
    chain.mine()
    r.closePeriod(1, {"from": treasurer})

    # members vote a surplus of 1 ETH from the treasury: 20% reserve, 5% interest on capital
    calldata = r.allocate.encode_input(1, E18, 2000, 500, 30 * DAY)
    treasury = coop.timelock.balance()
    tx = gov.pass_(alice, [(r, E18, calldata)], members, "Share the 2026 surplus")
    ev = tx.events["SurplusAllocated"]
    assert ev["funded"] == E18 and ev["reserve"] == E18 // 5
    assert treasury - coop.timelock.balance() == E18

    # everyone pulls their own share
    paid = 0
    for who in (alice, bob, carol, dave, contributor):
        owed = sum(r.claimable(1, who))
        if owed:
            before = who.balance()
            r.claim(1, {"from": who, "gas_price": 0})
            assert who.balance() - before == owed
            paid += owed
    assert paid <= ev["interestPool"] + ev["patronagePool"]
    assert r.balance() == r.reserve() + (ev["interestPool"] + ev["patronagePool"] - paid)


def test_statutes_change_by_vote(coop, gov, members):
    alice = members[0]
    m = coop.membership
    gov.pass_(
        alice,
        [
            (m, 0, m.setSharePrice.encode_input(2 * PRICE)),
            (m, 0, m.setAdmissionPolicy.encode_input(2)),  # committee
            (m, 0, m.setRedemptionNotice.encode_input(90 * DAY)),
            (m, 0, m.setVotingSeniority.encode_input(100)),
            (m, 0, m.setContestWindow.encode_input(3 * DAY)),
            (coop.governor, 0, coop.governor.updateQuorumNumerator.encode_input(50)),
        ],
        members,
        "Statutes 2027",
    )
    assert m.sharePrice() == 2 * PRICE
    assert m.admissionPolicy() == 2
    assert m.redemptionNotice() == 90 * DAY
    assert m.votingSeniority() == 100
    assert m.contestWindow() == 3 * DAY
    assert coop.governor.quorumNumerator() == 50


def test_voters_who_vote_with_gov_helper_all_count(coop, gov, members):
    pid, _ = gov.propose(
        members[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(9))]
    )
    gov.start_voting(pid)
    for m in members:
        coop.governor.castVote(pid, FOR, {"from": m})
    assert [int(v) for v in coop.governor.proposalVotes(pid)] == [0, 4, 0]
