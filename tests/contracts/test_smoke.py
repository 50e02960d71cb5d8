def test_deploy_wires_the_coop(coop, admin):
    assert coop.membership.governance() == coop.timelock
    assert coop.rewards.governance() == coop.timelock
    assert coop.governor.timelock() == coop.timelock
