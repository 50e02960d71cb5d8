"""Shared fixtures: roles, a deployed co-op, and helpers to take proposals through governance."""

from __future__ import annotations

import pytest
from brownie import accounts, chain, web3

from dao.ballots import ballot_typed_data, sign_typed_data
from scripts.deploy import deploy_coop

PRICE = 10**16  # default share price (0.01 ETH)
DAY = 24 * 3600
FOR, AGAINST, ABSTAIN = 1, 0, 2


@pytest.fixture(scope="session")
def admin():
    return accounts[0]


@pytest.fixture(scope="session")
def alice():
    return accounts[1]


@pytest.fixture(scope="session")
def bob():
    return accounts[2]


@pytest.fixture(scope="session")
def carol():
    return accounts[3]


@pytest.fixture(scope="session")
def dave():
    return accounts[4]


@pytest.fixture(scope="session")
def treasurer():
    return accounts[5]


@pytest.fixture(scope="session")
def contributor():
    return accounts[6]


@pytest.fixture(scope="session")
def outsider():
    return accounts[9]


@pytest.fixture(scope="module")
def signer(admin):
    """An account whose private key we hold, for signed ballots (funded in each module, since
    every module's chain state is rolled back at its end)."""
    acct = accounts.add()
    admin.transfer(acct, 10**20)
    return acct


def block_time() -> int:
    """The timestamp of a block mined now, close to the next transaction's block.timestamp (Brownie's
    chain.time() can drift from the node's clock across the snapshot reverts between tests)."""
    chain.mine()
    return web3.eth.get_block("latest").timestamp


def new_account(funder, amount=10**19):
    acct = accounts.add()
    funder.transfer(acct, amount)
    return acct


@pytest.fixture(scope="module")
def coop(admin, treasurer, tmp_path_factory):
    return deploy_coop(
        admin,
        treasurers=[treasurer],
        deployments_dir=tmp_path_factory.mktemp("deployments"),
    )


@pytest.fixture(scope="module")
def tl(coop):
    """The timelock, impersonated (and funded), for unit tests of governance-only functions;
    the real path through proposals is tested in test_lifecycle, test_governor and
    test_admission."""
    acct = accounts.at(coop.timelock.address, force=True)
    accounts[0].transfer(acct, 100 * 10**18)
    return acct


def attestation(account) -> bytes:
    """A stand-in for the hash of what was checked about an applicant (no personal data)."""
    return bytes(web3.keccak(text=f"checked {account}"))


def admit(coop, tl, account, shares):
    """`account` applies with `shares` shares and the (impersonated) timelock admits it: a
    member from this block, and a voter too unless the co-op has a voting seniority."""
    price = coop.membership.sharePrice()
    coop.membership.join(shares, {"from": account, "value": shares * price})
    return coop.membership.admit(account, attestation(account), {"from": tl})


@pytest.fixture(scope="module")
def members(coop, tl, alice, bob, carol, dave):
    """Four members holding 1, 2, 3 and 4 shares, able to vote from the next block: the founder
    (alice) is admitted as she joins, the others apply and are admitted in one decision."""
    coop.membership.join(1, {"from": alice, "value": PRICE})
    applicants = [bob, carol, dave]
    for i, m in enumerate(applicants, start=2):
        coop.membership.join(i, {"from": m, "value": i * PRICE})
    coop.membership.admitMany(applicants, [attestation(a) for a in applicants], {"from": tl})
    chain.mine()
    return [alice, bob, carol, dave]


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass


class Gov:
    """Drives a proposal through propose -> vote -> queue -> execute."""

    def __init__(self, coop):
        self.coop = coop
        self.governor = coop.governor

    def propose(self, proposer, actions, description="a proposal"):
        targets = [a[0].address if hasattr(a[0], "address") else a[0] for a in actions]
        values = [a[1] for a in actions]
        calldatas = [a[2] for a in actions]
        tx = self.governor.propose(targets, values, calldatas, description, {"from": proposer})
        pid = tx.events["ProposalCreated"]["proposalId"]
        return pid, (targets, values, calldatas, web3.keccak(text=description))

    def start_voting(self, pid):
        snapshot = self.governor.proposalSnapshot(pid)
        chain.mine(max(0, snapshot - chain.height + 1))

    def end_voting(self, pid):
        deadline = self.governor.proposalDeadline(pid)
        chain.mine(max(0, deadline - chain.height + 1))

    def queue_and_execute(self, proposal, sender):
        targets, values, calldatas, dhash = proposal
        self.governor.queue(targets, values, calldatas, dhash, {"from": sender})
        chain.sleep(self.coop.timelock.getMinDelay() + 1)
        chain.mine()
        return self.governor.execute(targets, values, calldatas, dhash, {"from": sender})

    def pass_(self, proposer, actions, voters, description="a proposal"):
        """Propose, have every voter vote for, queue and execute; returns the execute tx."""
        pid, proposal = self.propose(proposer, actions, description)
        self.start_voting(pid)
        for v in voters:
            self.governor.castVote(pid, FOR, {"from": v})
        self.end_voting(pid)
        return self.queue_and_execute(proposal, proposer)


@pytest.fixture(scope="module")
def gov(coop):
    return Gov(coop)


def sign_ballot(coop, account, pid, support, *, nonce=None, chain_id=None):
    governor = coop.governor
    data = ballot_typed_data(
        governor_name=governor.name(),
        governor_address=governor.address,
        chain_id=chain.id if chain_id is None else chain_id,
        proposal_id=pid,
        support=support,
        voter=account.address,
        nonce=governor.nonces(account) if nonce is None else nonce,
    )
    return sign_typed_data(account.private_key, data)
