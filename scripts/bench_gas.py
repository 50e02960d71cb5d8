"""Gas, side by side in one run: the co-op against a reference built only from OpenZeppelin parts
(soulbound ERC721Votes + Governor with Settings, CountingSimple, Votes, VotesQuorumFraction,
TimelockControl), with the same settings and the same scenario.

    brownie run scripts/bench_gas.py        (part of `make bench`)

Writes the "gas" section of bench/results.json and the gas table of BENCHMARKS.md.
"""

from __future__ import annotations

from statistics import median

from brownie import CoopTimelock, RefGovernor, RefMembershipNFT, accounts, chain, web3

from dao.ballots import ballot_typed_data, sign_typed_data
from scripts._bench import footer, replace_block, table, update_results
from scripts.deploy import deploy_coop

PRICE = 10**16
VOTERS = 12
# ratio targets (co-op / reference), from the benchmark issue
TARGETS = {
    "castVote": 0.75,
    "castVoteFirst": 1.0,
    "castVoteBySig": 0.85,
    "admission": 0.6,
    "propose": 1.0,
}


def _deploy_reference(admin, params):
    timelock = CoopTimelock.deploy(params["timelock_delay"], [], [], admin, {"from": admin})
    token = RefMembershipNFT.deploy({"from": admin})
    governor = RefGovernor.deploy(
        token,
        timelock,
        params["voting_delay"],
        params["voting_period"],
        params["quorum_percent"],
        {"from": admin},
    )
    for role in (timelock.PROPOSER_ROLE(), timelock.EXECUTOR_ROLE(), timelock.CANCELLER_ROLE()):
        timelock.grantRole(role, governor, {"from": admin})
    return token, governor, timelock


def _scenario(admit, governor, timelock, voters, admin):
    """The same steps on either system; returns gas per operation."""
    admission = [admit(v) for v in voters]
    chain.mine()
    admin.transfer(timelock, 10**18, silent=True)
    description = "Pay 0.1 ETH to the contributor"
    targets, values, calldatas = [str(admin)], [10**17], [b""]
    tx = governor.propose(
        targets, values, calldatas, description, {"from": voters[0], "silent": True}
    )
    pid = tx.events["ProposalCreated"]["proposalId"]
    propose = tx.gas_used
    chain.mine(governor.votingDelay() + 1)
    first = governor.castVote(pid, 1, {"from": voters[0], "silent": True}).gas_used
    later = [governor.castVote(pid, 1, {"from": v, "silent": True}).gas_used for v in voters[1:9]]
    reason = governor.castVoteWithReason(
        pid, 0, "x" * 40, {"from": voters[9], "silent": True}
    ).gas_used
    signer = voters[10]
    typed = ballot_typed_data(
        governor_name=governor.name(),
        governor_address=governor.address,
        chain_id=chain.id,
        proposal_id=pid,
        support=1,
        voter=signer.address,
        nonce=governor.nonces(signer),
    )
    by_sig = governor.castVoteBySig(
        pid, 1, signer, sign_typed_data(signer.private_key, typed), {"from": admin, "silent": True}
    ).gas_used
    chain.mine(governor.votingPeriod() + 1)
    dhash = web3.keccak(text=description)
    queue = governor.queue(
        targets, values, calldatas, dhash, {"from": admin, "silent": True}
    ).gas_used
    chain.sleep(timelock.getMinDelay() + 1)
    chain.mine()
    execute = governor.execute(
        targets, values, calldatas, dhash, {"from": admin, "silent": True}
    ).gas_used
    return {
        "admission": int(median(admission[1:])),
        "propose": propose,
        "castVoteFirst": first,
        "castVote": int(median(later)),
        "castVoteWithReason": reason,
        "castVoteBySig": by_sig,
        "queue": queue,
        "execute": execute,
    }


def _voters(admin):
    out = []
    for _ in range(VOTERS):
        v = accounts.add()
        admin.transfer(v, 10**18, silent=True)
        out.append(v)
    return out


def measure() -> dict:
    admin = accounts[0]
    coop = deploy_coop(admin, deployments_dir=None)
    params = coop.params
    coop_gas = _scenario(
        lambda v: coop.membership.join(1, {"from": v, "value": PRICE, "silent": True}).gas_used,
        coop.governor,
        coop.timelock,
        _voters(admin),
        admin,
    )
    token, governor, timelock = _deploy_reference(admin, params)

    def ref_admit(v):
        minted = token.mint(v, {"from": admin, "silent": True}).gas_used
        return minted + token.delegate(v, {"from": v, "silent": True}).gas_used

    ref_gas = _scenario(ref_admit, governor, timelock, _voters(admin), admin)
    return {name: {"coop": coop_gas[name], "reference": ref_gas[name]} for name in coop_gas}


def write(gas: dict) -> None:
    update_results("gas", gas)
    rows = []
    for name, g in gas.items():
        ratio = g["coop"] / g["reference"]
        target = TARGETS.get(name)
        mark = "" if target is None else f"≤ {target:.2f} " + ("✓" if ratio <= target else "✗")
        rows.append([name, f"{g['coop']:,}", f"{g['reference']:,}", f"{ratio:.2f}", mark])
    md = table(["operation", "co-op gas", "OpenZeppelin reference gas", "ratio", "target"], rows)
    replace_block("gas", f"{md}\n\n{footer()}")
    print(md)


def main() -> None:
    write(measure())
