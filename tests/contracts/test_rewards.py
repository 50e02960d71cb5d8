"""Fiscal periods, points within a budget, surplus allocation and O(1) pull claims."""

import brownie
import pytest
from brownie import chain

from tests.conftest import DAY, PRICE

E18 = 10**18


@pytest.fixture
def period(coop, tl, members, treasurer, contributor):
    """Period 1 closed with points: alice 10, bob 30, contributor (not a member) 60."""
    r = coop.rewards
    r.openPeriod(1000, {"from": tl})
    alice, bob = members[:2]
    r.recordPoints(1, [alice, bob, contributor], [10, 30, 60], b"\x00" * 32, {"from": treasurer})
    chain.mine()
    r.closePeriod(1, {"from": treasurer})
    return 1


def test_treasurer_records_points_in_batches_within_the_budget(
    coop, tl, members, treasurer, contributor
):
    r = coop.rewards
    r.openPeriod(100, {"from": tl})
    tx = r.recordPoints(1, [members[0], contributor], [40, 50], b"\x11" * 32, {"from": treasurer})
    assert len(tx.events["PointsRecorded"]) == 2
    assert r.points(1, contributor) == 50
    with brownie.reverts(revert_pattern=r"RewardsBudgetExceeded: .*"):
        r.recordPoints(1, [members[1]], [11], b"\x00" * 32, {"from": treasurer})
    r.recordPoints(1, [members[1]], [10], b"\x00" * 32, {"from": treasurer})
    assert r.period(1)["totalPoints"] == 100


def test_points_arrays_of_different_lengths_revert(coop, tl, treasurer, alice):
    coop.rewards.openPeriod(100, {"from": tl})
    with brownie.reverts(revert_pattern=r"RewardsLengthMismatch: .*"):
        coop.rewards.recordPoints(1, [alice], [1, 2], b"\x00" * 32, {"from": treasurer})


def test_no_points_after_close_and_one_open_period_at_a_time(coop, tl, treasurer, alice):
    r = coop.rewards
    r.openPeriod(100, {"from": tl})
    with brownie.reverts(revert_pattern=r"RewardsPeriodStillOpen: .*"):
        r.openPeriod(100, {"from": tl})
    r.closePeriod(1, {"from": treasurer})
    with brownie.reverts(revert_pattern=r"RewardsPeriodClosed: .*"):
        r.recordPoints(1, [alice], [1], b"\x00" * 32, {"from": treasurer})
    r.openPeriod(100, {"from": tl})
    assert r.periodCount() == 2


def test_allocation_splits_reserve_interest_and_patronage(coop, tl, members, period, contributor):
    r = coop.rewards
    total_capital = 10 * PRICE  # members hold 1 + 2 + 3 + 4 shares
    tx = r.allocate(period, E18, 2000, 500, 30 * DAY, {"from": tl, "value": E18})
    ev = tx.events["SurplusAllocated"]
    assert ev["reserve"] == E18 * 2000 // 10000
    assert ev["interestPool"] == total_capital * 500 // 10000
    assert ev["patronagePool"] == E18 - ev["reserve"] - ev["interestPool"]
    assert ev["totalCapital"] == total_capital
    alice, bob, carol, _ = members
    interest, patronage = r.claimable(period, bob)
    assert interest == ev["interestPool"] * 2 * PRICE // total_capital
    assert patronage == ev["patronagePool"] * 30 // 100
    assert r.claimable(period, contributor)[0] == 0  # no capital, no interest
    assert r.claimable(period, contributor)[1] == ev["patronagePool"] * 60 // 100
    assert r.claimable(period, carol)[1] == 0  # capital but no points


def test_claim_pays_once(coop, tl, members, period):
    r = coop.rewards
    r.allocate(period, E18, 2000, 500, 30 * DAY, {"from": tl, "value": E18})
    bob = members[1]
    owed = sum(r.claimable(period, bob))
    before = bob.balance()
    tx = r.claim(period, {"from": bob, "gas_price": 0})
    assert bob.balance() - before == owed == tx.events["Claimed"]["amount"]
    assert sum(r.claimable(period, bob)) == 0
    with brownie.reverts(revert_pattern=r"RewardsNothingToClaim: .*"):
        r.claim(period, {"from": bob})


def test_a_claim_marks_the_claimer_without_changing_the_recorded_points(coop, tl, members, period):
    """The claimed mark shares the points word (one slot read and rewritten per claim): the points
    read back unchanged, an interest-only member (no points) is marked too, and `allocation()`
    counts both claims."""
    r = coop.rewards
    r.allocate(period, E18, 2000, 500, 30 * DAY, {"from": tl, "value": E18})
    alice, _, carol, _ = members
    assert not r.hasClaimed(period, alice) and not r.hasClaimed(period, carol)
    paid = r.claim(period, {"from": alice}).events["Claimed"]["amount"]
    paid += r.claim(period, {"from": carol}).events["Claimed"]["amount"]  # interest only
    assert r.hasClaimed(period, alice) and r.hasClaimed(period, carol)
    assert r.points(period, alice) == 10 and r.points(period, carol) == 0
    assert sum(r.claimable(period, carol)) == 0
    assert r.allocation(period)["claimed"] == paid


def test_reserve_share_below_the_statutory_minimum_reverts(coop, tl, period):
    with brownie.reverts(revert_pattern=r"RewardsReserveBelowMinimum: .*"):
        coop.rewards.allocate(period, E18, 500, 0, 30 * DAY, {"from": tl, "value": E18})


def test_interest_above_the_statutory_cap_reverts(coop, tl, period):
    with brownie.reverts(revert_pattern=r"RewardsInterestAboveCap: .*"):
        coop.rewards.allocate(period, E18, 2000, 501, 30 * DAY, {"from": tl, "value": E18})


def test_open_period_cannot_be_allocated(coop, tl):
    coop.rewards.openPeriod(10, {"from": tl})
    with brownie.reverts(revert_pattern=r"RewardsPeriodStillOpen: .*"):
        coop.rewards.allocate(1, E18, 2000, 0, 30 * DAY, {"from": tl, "value": E18})


def test_a_period_is_allocated_once(coop, tl, period):
    coop.rewards.allocate(period, E18, 2000, 0, 30 * DAY, {"from": tl, "value": E18})
    with brownie.reverts(revert_pattern=r"RewardsAlreadyAllocated: .*"):
        coop.rewards.allocate(period, E18, 2000, 0, 30 * DAY, {"from": tl, "value": E18})


def test_unclaimed_amounts_and_dust_return_to_the_reserve_after_the_deadline(
    coop, tl, members, period, contributor
):
    r = coop.rewards
    amount = E18 + 7  # leaves rounding dust
    r.allocate(period, amount, 2000, 500, 10 * DAY, {"from": tl, "value": amount})
    reserve0 = r.reserve()
    alice, bob = members[:2]
    paid = (
        r.claim(period, {"from": alice}).return_value + r.claim(period, {"from": bob}).return_value
    )
    with brownie.reverts(revert_pattern=r"RewardsClaimWindowOpen: .*"):
        r.sweep(period, {"from": alice})
    chain.sleep(10 * DAY + 1)
    chain.mine()
    assert sum(r.claimable(period, contributor)) == 0
    with brownie.reverts(revert_pattern=r"RewardsClaimWindowClosed: .*"):
        r.claim(period, {"from": contributor})
    swept = r.sweep(period, {"from": alice}).return_value
    assert r.reserve() == reserve0 + swept
    assert r.reserve() + paid == amount  # every wei is either paid or in the reserve
    assert r.balance() == r.reserve()
    with brownie.reverts(revert_pattern=r"RewardsAlreadySwept: .*"):
        r.sweep(period, {"from": alice})


def test_everything_claimed_never_exceeds_what_was_funded(coop, tl, members, period, contributor):
    r = coop.rewards
    amount = 10**18 + 12345
    tx = r.allocate(period, amount, 1000, 500, 10 * DAY, {"from": tl, "value": amount})
    pools = (
        tx.events["SurplusAllocated"]["interestPool"]
        + tx.events["SurplusAllocated"]["patronagePool"]
    )
    paid = 0
    for a in [*members, contributor]:
        if sum(r.claimable(period, a)) > 0:
            paid += r.claim(period, {"from": a}).return_value
    assert paid <= pools
    assert pools - paid < 10  # only rounding dust is left
    assert r.allocation(period)["claimed"] == paid


def test_no_points_means_the_patronage_pool_stays_in_the_reserve(coop, tl, members, treasurer):
    r = coop.rewards
    r.openPeriod(10, {"from": tl})
    chain.mine()
    r.closePeriod(1, {"from": treasurer})
    tx = r.allocate(1, E18, 1000, 0, 10 * DAY, {"from": tl, "value": E18})
    assert tx.events["SurplusAllocated"]["patronagePool"] == 0
    assert r.reserve() == E18


def test_capital_bought_after_the_period_closed_earns_no_interest(coop, tl, members, period, dave):
    r = coop.rewards
    before = dave.balance()
    coop.membership.buyShares(10, {"from": dave, "value": 10 * PRICE})
    r.allocate(period, E18, 1000, 500, 10 * DAY, {"from": tl, "value": E18})
    interest, _ = r.claimable(period, dave)
    assert interest == (10 * PRICE * 500 // 10000) * 4 * PRICE // (10 * PRICE)
    assert before  # dave was a member with 4 shares at the snapshot


def test_reserve_is_released_only_by_governance(coop, tl, members, alice, period):
    r = coop.rewards
    r.allocate(period, E18, 10000, 0, 10 * DAY, {"from": tl, "value": E18})
    with brownie.reverts(revert_pattern=r"RewardsUnauthorized: .*"):
        r.releaseReserve(alice, 1, {"from": alice})
    with brownie.reverts(revert_pattern=r"RewardsInsufficientReserve: .*"):
        r.releaseReserve(alice, E18 + 1, {"from": tl})
    before = alice.balance()
    r.releaseReserve(alice, E18, {"from": tl})
    assert alice.balance() - before == E18
