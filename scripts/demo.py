"""Seed a demo co-op on a running local chain (`make demo` starts the chain and calls this).

Deploys a co-op whose applications are admitted by vote or by an elected admissions committee,
with a voting seniority of a few blocks, and plays a short history through real votes: the
founder joins; the first proposal admits the other founding members (approval by vote) and seats
a committee member; the committee admits an applicant, with an attestation (the hash of what it
checked); another applicant waits; once the seniority has passed, the new members are
enfranchised; the treasury pays a contributor, a fiscal period is opened, points are recorded, a
surplus is allocated and claimed, a proposal is defeated, one is being voted on and one waits for
its voting to start.
"""

from __future__ import annotations

from brownie import accounts, chain, web3

from scripts.deploy import deploy_coop

E18 = 10**18
PRICE = 10**16
FOR, AGAINST, ABSTAIN = 1, 0, 2
ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
SENIORITY = 5  # blocks between admission and the right to vote
NAMES = [
    "admin (deployer)",
    "alice (founder)",
    "bob",
    "carol (committee)",
    "dave",
    "treasurer",
    "contributor",
    "relayer (the API's gasless ballots)",
    "erin (admitted by the committee)",
    "frank (applicant, pending)",
]


def _propose(coop, proposer, actions, description):
    targets = [str(a[0]) for a in actions]
    values = [a[1] for a in actions]
    calldatas = [a[2] for a in actions]
    tx = coop.governor.propose(targets, values, calldatas, description, {"from": proposer})
    return tx.events["ProposalCreated"]["proposalId"], (
        targets,
        values,
        calldatas,
        web3.keccak(text=description),
    )


def _mine_to(block):
    if block > chain.height:
        chain.mine(block - chain.height)


def _pass(coop, proposer, actions, description, votes):
    pid, p = _propose(coop, proposer, actions, description)
    _mine_to(coop.governor.proposalSnapshot(pid) + 1)
    for voter, support, reason in votes:
        coop.governor.castVoteWithReason(pid, support, reason, {"from": voter})
    _mine_to(coop.governor.proposalDeadline(pid) + 1)
    coop.governor.queue(*p, {"from": proposer})
    chain.sleep(coop.timelock.getMinDelay() + 1)
    chain.mine()
    return coop.governor.execute(*p, {"from": proposer})


def main() -> None:
    admin, alice, bob, carol, dave, treasurer, contributor, _relayer, erin, frank = (
        accounts[i] for i in range(len(NAMES))
    )
    coop = deploy_coop(
        admin,
        treasurers=[treasurer],
        voting_period=20,
        name="Demo Coop",
        admission="committee",
        voting_seniority=SENIORITY,
    )
    m, r, committee = coop.membership, coop.rewards, coop.committee
    m.join(1, {"from": alice, "value": PRICE})  # the founder: admitted at once, votes at once
    founders = (bob, carol, dave)
    for shares, member in enumerate(founders, start=2):
        m.join(shares, {"from": member, "value": shares * PRICE})  # applications
    admin.transfer(coop.timelock, 10 * E18)  # the co-op's treasury
    chain.mine()

    # approval by vote: the founder's vote admits the other founding members and seats carol on
    # the admissions committee for a year
    checked = [
        web3.keccak(text=f"founding member {i}: met at the general assembly") for i in (2, 3, 4)
    ]
    term_end = chain.time() + 365 * 86400
    _pass(
        coop,
        alice,
        [
            (m, 0, m.admitMany.encode_input(founders, checked)),
            (committee, 0, committee.appoint.encode_input(0, carol, term_end)),
        ],
        "Admit the founding members; carol on the admissions committee",
        [(alice, FOR, "welcome")],
    )
    # the committee admits an applicant (contestable for the contest window); another waits
    m.join(1, {"from": erin, "value": PRICE})
    committee.admit([erin], [web3.keccak(text="erin: ID and references checked")], {"from": carol})
    m.join(1, {"from": frank, "value": PRICE})
    # after the seniority, anyone may enfranchise the new members: they vote from then on
    _mine_to(chain.height + SENIORITY)
    m.enfranchise([bob, carol, dave, erin], {"from": alice})
    chain.mine()

    everyone = [(x, FOR, "") for x in (alice, bob, carol, dave, erin)]

    _pass(coop, alice, [(contributor, E18, b"")], "Pay the new logo (1 ETH)", everyone)
    _pass(coop, bob, [(r, 0, r.openPeriod.encode_input(1000))], "Open fiscal period 1", everyone)
    r.recordPoints(1, [alice, bob, contributor], [200, 300, 500], b"\x00" * 32, {"from": treasurer})
    chain.mine()
    r.closePeriod(1, {"from": treasurer})
    allocate = r.allocate.encode_input(1, 2 * E18, 2000, 500, 30 * 86400)
    _pass(coop, carol, [(r, 2 * E18, allocate)], "Share the 2026 surplus (2 ETH)", everyone)
    r.claim(1, {"from": alice})
    r.claim(1, {"from": contributor})

    defeated = [(alice, AGAINST, "too early"), (bob, AGAINST, ""), (carol, FOR, "")]
    pid, _ = _propose(coop, dave, [(m, 0, m.setShareCap.encode_input(500))], "Raise the cap to 500")
    _mine_to(coop.governor.proposalSnapshot(pid) + 1)
    for voter, support, reason in defeated:
        coop.governor.castVoteWithReason(pid, support, reason, {"from": voter})
    _mine_to(coop.governor.proposalDeadline(pid) + 1)

    active, _ = _propose(
        coop, alice, [(m, 0, m.setSharePrice.encode_input(2 * PRICE))], "Double the share price"
    )
    _mine_to(coop.governor.proposalSnapshot(active) + 1)
    coop.governor.castVoteWithReason(active, FOR, "capital for the new server", {"from": bob})
    _propose(
        coop, bob, [(m, 0, m.setRedemptionNotice.encode_input(60 * 86400))], "Notice of 60 days"
    )

    print("\nDemo co-op deployed and seeded:")
    for name, contract in coop.contracts.items():
        print(f"  {name:<11} {contract.address}")
    treasury = web3.eth.get_balance(str(coop.timelock)) / E18
    print(f"  members     {m.memberCount()} ({m.voterCount()} voters), 1 application pending")
    print(f"  treasury    {treasury} ETH")
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    print("\nDemo accounts (anvil's well-known test keys: never use them on a real network):")
    for i, name in enumerate(NAMES):
        key = Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").key.hex()
        print(f"  {name:<36} {accounts[i].address}  0x{key.removeprefix('0x')}")
