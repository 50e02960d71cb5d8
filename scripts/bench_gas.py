"""Gas, side by side in one run: the co-op against a reference built only from OpenZeppelin parts
(soulbound ERC721Votes + Governor with Settings, CountingSimple, Votes, VotesQuorumFraction,
TimelockControl), with the same settings and the same scenario.

    brownie run scripts/bench_gas.py        (part of `make bench`)

Admission is measured until the new member can vote, on the cheapest honest path of each policy:
open with a voting seniority (`join`, then a share of one `enfranchise` batch once the seniority
has passed) and approval by vote (`join`, which files the application, then a share of one
`admitMany` batch, called here by the impersonated timelock: what a passed proposal's execution
runs). The reference's member needs a mint and a self-delegation.

Writes the "gas" section of bench/results.json and the gas table of BENCHMARKS.md.
"""

from __future__ import annotations

from statistics import median

from brownie import CoopTimelock, RefGovernor, RefMembershipNFT, accounts, chain, web3

from dao.ballots import ballot_typed_data, sign_typed_data
from scripts._bench import footer, replace_block, small, table, update_results
from scripts.deploy import deploy_coop

PRICE = 10**16
VOTERS = 12
BATCH = 20  # accounts per enfranchise / admitMany batch
SENIORITY = 10  # blocks, for the open policy
MOVES = 3  # moveMembership: the median of this many
CLAIM_SIZES = (10, 100, 1000)
SMALL_CLAIM_SIZES = (2, 4, 8)  # BENCH_SMALL=1
ADMIT_BATCH = 100  # claims benchmark: applicants per admitMany transaction
NO_HASH = "0x" + "00" * 32
COMMAND = "brownie run scripts/bench_gas.py"  # as `make bench` runs it
# ratio targets (co-op / reference), from the benchmark issues
TARGETS = {
    "castVote": 0.75,
    "castVoteFirst": 1.0,
    "castVoteBySig": 0.85,
    "admission": 0.6,
    "admissionApproval": 0.6,
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


def _scenario(governor, timelock, voters, admin):
    """The same governance steps on either system, by `voters` who can all vote already; returns
    gas per operation."""
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
        "propose": propose,
        "castVoteFirst": first,
        "castVote": int(median(later)),
        "castVoteWithReason": reason,
        "castVoteBySig": by_sig,
        "queue": queue,
        "execute": execute,
    }


def _people(admin, count):
    out = []
    for _ in range(count):
        v = accounts.add()
        admin.transfer(v, 10**18, silent=True)
        out.append(v)
    return out


def _joins(membership, people) -> list[int]:
    return [
        membership.join(1, {"from": p, "value": PRICE, "silent": True}).gas_used for p in people
    ]


def _impersonated_timelock(coop, admin):
    timelock = accounts.at(coop.timelock.address, force=True)
    admin.transfer(timelock, 10**18, silent=True)
    return timelock


def _open_path(admin) -> dict:
    """Open policy with a voting seniority: everyone is admitted by `join`, and votes once one
    `enfranchise` (anyone may send it) has covered it after the seniority."""
    coop = deploy_coop(admin, deployments_dir=None, admission="open", voting_seniority=SENIORITY)
    m = coop.membership
    m.join(1, {"from": admin, "value": PRICE, "silent": True})  # the founder
    people = _people(admin, BATCH)
    joins = _joins(m, people)
    chain.mine(SENIORITY)
    tx = m.enfranchise(people, {"from": admin, "silent": True})
    if m.voterCount() != BATCH + 1:
        raise RuntimeError(f"enfranchise made {m.voterCount() - 1} voters, not {BATCH}")
    return {"join": int(median(joins)), "enfranchise": tx.gas_used / BATCH}


def _approval_path(admin):
    """Approval policy, no seniority: `join` files the application, one `admitMany` (here from
    the impersonated timelock) admits the batch, and each applicant votes from then on. Returns
    the gas and the co-op with its BATCH new voters."""
    coop = deploy_coop(admin, deployments_dir=None, admission="approval", voting_seniority=0)
    m = coop.membership
    m.join(1, {"from": admin, "value": PRICE, "silent": True})  # the founder
    people = _people(admin, BATCH)
    joins = _joins(m, people)
    timelock = _impersonated_timelock(coop, admin)
    tx = m.admitMany(people, [NO_HASH] * BATCH, {"from": timelock, "silent": True})
    if m.voterCount() != BATCH + 1:
        raise RuntimeError(f"admitMany made {m.voterCount() - 1} voters, not {BATCH}")
    return {"join": int(median(joins)), "admitMany": tx.gas_used / BATCH}, coop, people


def _moves(coop, members, admin) -> int:
    """Members who have voted move their membership to fresh addresses (key rotation)."""
    gas = []
    for member, new in zip(members[:MOVES], _people(admin, MOVES), strict=True):
        tx = coop.membership.moveMembership(new, {"from": member, "silent": True})
        gas.append(tx.gas_used)
    return int(median(gas))


def measure() -> dict:
    admin = accounts[0]
    open_path = _open_path(admin)
    approval, coop, voters = _approval_path(admin)
    coop_gas = _scenario(coop.governor, coop.timelock, voters[:VOTERS], admin)
    move = _moves(coop, voters, admin)

    token, governor, timelock = _deploy_reference(admin, coop.params)
    ref_voters = _people(admin, VOTERS)
    mints = [token.mint(v, {"from": admin, "silent": True}).gas_used for v in ref_voters]
    delegates = [token.delegate(v, {"from": v, "silent": True}).gas_used for v in ref_voters]
    # the first mint and delegation write the token's first checkpoints: left out, as for the
    # co-op, whose first member (the founder) is left out
    mint, delegate = int(median(mints[1:])), int(median(delegates[1:]))
    ref_gas = _scenario(governor, timelock, ref_voters, admin)

    gas = {
        "admission": {
            "coop": round(open_path["join"] + open_path["enfranchise"]),
            "reference": mint + delegate,
        },
        "admissionApproval": {
            "coop": round(approval["join"] + approval["admitMany"]),
            "reference": mint + delegate,
        },
        "enfranchisePerAccount": {
            "coop": round(open_path["enfranchise"]),
            "reference": delegate,
        },
        "admitManyPerApplicant": {"coop": round(approval["admitMany"]), "reference": mint},
        "moveMembership": {"coop": move},
    }
    gas.update({name: {"coop": coop_gas[name], "reference": ref_gas[name]} for name in coop_gas})
    return gas


def _send(sender: str, to, data: str, value: int = 0) -> dict:
    """A raw transaction from an anvil-unlocked account; raises unless it succeeded. (Brownie's
    per-transaction bookkeeping is slow and loses track of some transactions at this volume.)"""
    tx = {"from": sender, "to": str(to), "data": data, "value": value, "gas": 10_000_000}
    receipt = web3.eth.wait_for_transaction_receipt(web3.eth.send_transaction(tx))
    if receipt.status != 1:
        raise RuntimeError(f"benchmark transaction failed: {receipt.transactionHash.hex()}")
    return receipt


def _admit_many(membership, timelock: str, count: int, start: int) -> list[str]:
    """`count` new members through real `join` transactions, from throw-away addresses that anvil
    funds and unlocks, admitted by `admitMany` from the (impersonated) timelock; the very first
    one is the founder, admitted by its join."""
    data = membership.join.encode_input(1)
    out = []
    for i in range(start, start + count):
        addr = web3.to_checksum_address(f"0x{0xC0_0000 + i:040x}")
        web3.provider.make_request("anvil_setBalance", [addr, hex(10**18)])
        web3.provider.make_request("anvil_impersonateAccount", [addr])
        _send(addr, membership, data, PRICE)
        out.append(addr)
    applicants = out[1:] if start == 0 else out
    for i in range(0, len(applicants), ADMIT_BATCH):
        batch = applicants[i : i + ADMIT_BATCH]
        _send(
            timelock, membership, membership.admitMany.encode_input(batch, [NO_HASH] * len(batch))
        )
    return out


def measure_claims(sizes=CLAIM_SIZES, claimers: int = 5) -> dict:
    """Gas of one `claim` in a period with 10, 100 and 1,000 members, each with capital (interest
    on capital) and points (patronage, recorded by address and kept by member index): the largest
    of `claimers` claims spread over the register, the first claim of the period included."""
    admin = str(accounts[0])
    coop = deploy_coop(accounts[0], deployments_dir=None, treasurers=(admin,))
    rewards, timelock = coop.rewards, coop.timelock.address
    web3.provider.make_request("anvil_setBalance", [timelock, hex(10**24)])
    web3.provider.make_request("anvil_impersonateAccount", [timelock])
    members: list[str] = []
    out = {}
    for size in sizes:
        members += _admit_many(coop.membership, timelock, size - len(members), len(members))
        _send(timelock, rewards, rewards.openPeriod.encode_input(10**30))
        pid = rewards.periodCount()
        for i in range(0, len(members), 200):
            batch = members[i : i + 200]
            points = [100 + (j % 7) for j in range(len(batch))]
            _send(
                admin,
                rewards,
                rewards.recordPoints.encode_input(pid, batch, points, "0x" + "01" * 32),
            )
        web3.provider.make_request("evm_mine", [])
        _send(admin, rewards, rewards.closePeriod.encode_input(pid))
        web3.provider.make_request("evm_mine", [])
        allocate = rewards.allocate.encode_input(pid, 10**18, 2000, 300, 30 * 86400)
        _send(timelock, rewards, allocate, 10**18)
        step = max(1, len(members) // claimers)
        out[str(size)] = max(
            _send(addr, rewards, rewards.claim.encode_input(pid)).gasUsed
            for addr in members[::step][:claimers]
        )
    return out


def write(gas: dict) -> None:
    update_results("gas", gas, COMMAND)
    rows = []
    for name, g in gas.items():
        ref = g.get("reference")
        ratio = None if ref is None else g["coop"] / ref
        target = TARGETS.get(name)
        mark = "" if target is None else f"≤ {target:.2f} " + ("✓" if ratio <= target else "✗")
        rows.append(
            [
                name,
                f"{g['coop']:,}",
                "—" if ref is None else f"{ref:,}",
                "—" if ratio is None else f"{ratio:.2f}",
                mark,
            ]
        )
    md = table(["operation", "co-op gas", "OpenZeppelin reference gas", "ratio", "target"], rows)
    replace_block("gas", f"{md}\n\n{footer(COMMAND)}")
    print(md)


def write_claims(claims: dict) -> None:
    update_results("claim_gas", claims, COMMAND)
    smallest, largest = min(claims.values()), max(claims.values())
    rows = [[f"{int(n):,}", f"{g:,}", f"{g / smallest:.3f}"] for n, g in claims.items()]
    md = table(["members in the period", "claim gas", "× the smallest"], rows)
    verdict = (
        f"Largest / smallest: {largest / smallest:.3f} (target ≤ 1.05), largest {largest:,} gas "
        f"(target ≤ 60,000)."
    )
    replace_block("claims", f"{md}\n\n{verdict}\n\n{footer(COMMAND)}")
    print(md)


def main() -> None:
    write(measure())
    write_claims(measure_claims(SMALL_CLAIM_SIZES if small() else CLAIM_SIZES))
