"""Gas of the co-op's main actions, as measured by Brownie (`tx.gas_used`, 21k base included).

    brownie run scripts/gas_report.py

The side-by-side comparison with OpenZeppelin's reference governor is `make bench`'s job; this
script reports the co-op alone, quickly.
"""

from statistics import median

from brownie import accounts, chain

from dao.ballots import ballot_typed_data, sign_typed_data
from scripts.deploy import deploy_coop

PRICE = 10**16


def main() -> None:
    admin = accounts[0]
    coop = deploy_coop(admin, deployments_dir=None)
    m, g = coop.membership, coop.governor
    voters = [accounts.add() for _ in range(12)]
    for v in voters:
        admin.transfer(v, 10**18, silent=True)
    joins = [m.join(1, {"from": v, "value": PRICE, "silent": True}).gas_used for v in voters]
    chain.mine()
    admin.transfer(coop.timelock, 10**18, silent=True)
    desc = "Pay 0.1 ETH"
    targets, values, calldatas = [str(admin)], [10**17], [b""]
    tx = g.propose(targets, values, calldatas, desc, {"from": voters[0], "silent": True})
    propose = tx.gas_used
    pid = tx.events["ProposalCreated"]["proposalId"]
    chain.mine(2)
    first = g.castVote(pid, 1, {"from": voters[0], "silent": True}).gas_used
    later = [g.castVote(pid, 1, {"from": v, "silent": True}).gas_used for v in voters[1:9]]
    reason = g.castVoteWithReason(pid, 0, "x" * 40, {"from": voters[9], "silent": True}).gas_used
    signer = voters[10]
    data = ballot_typed_data(
        governor_name=g.name(),
        governor_address=g.address,
        chain_id=chain.id,
        proposal_id=pid,
        support=1,
        voter=signer.address,
        nonce=g.nonces(signer),
    )
    sig = sign_typed_data(signer.private_key, data)
    by_sig = g.castVoteBySig(pid, 1, signer, sig, {"from": admin, "silent": True}).gas_used
    chain.mine(g.votingPeriod() + 1)
    import brownie

    dhash = brownie.web3.keccak(text=desc)
    queue = g.queue(targets, values, calldatas, dhash, {"from": admin, "silent": True}).gas_used
    chain.sleep(coop.timelock.getMinDelay() + 1)
    chain.mine()
    execute = g.execute(targets, values, calldatas, dhash, {"from": admin, "silent": True}).gas_used
    rows = {
        "join (first member)": joins[0],
        "join (typical, median)": int(median(joins[1:])),
        "propose (1 action)": propose,
        "castVote (first on the proposal)": first,
        "castVote (typical, median of 8)": int(median(later)),
        "castVoteWithReason (40 chars)": reason,
        "castVoteBySig (first signed ballot)": by_sig,
        "queue (1 action)": queue,
        "execute (1 action, ETH payment)": execute,
    }
    for name, gas in rows.items():
        print(f"{name:<40} {gas:>9,}")
