"""Deploy and wire a whole co-op: timelock, member register, governor, rewards.

Used by the tests, the demo and the benchmarks (``deploy_coop``), and from the command line:

    brownie run scripts/deploy.py --network <network>

The timelock is created with no admin at all: the governor's address is computed in advance
(it is the deployer's third contract from now) and given to the timelock as its only proposer,
executor and canceller, so the deployer holds no power over the co-op at any moment. The
register's two linked libraries (MembershipGovernance, CardRenderer) are deployed once per
network and shared by every co-op.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rlp
from brownie import (
    CardRenderer,
    CoopCommittee,
    CoopGovernor,
    CoopMembership,
    CoopRewards,
    CoopTimelock,
    MembershipGovernance,
    accounts,
    chain,
    network,
    web3,
)
from eth_utils import keccak, to_checksum_address

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
DAY = 24 * 3600

ADMISSION_POLICIES = {"open": 0, "approval": 1, "committee": 2}
YEAR = 365 * DAY

# Defaults suit a local demo; a real co-op sets its statutes when it deploys.
DEFAULTS: dict[str, Any] = {
    "name": "Demo Coop",
    "asset": ZERO_ADDRESS,  # ETH; or the address of an ERC-20 (a local currency)
    "share_price": 10**16,  # 0.01 ETH
    "share_cap": 100,  # shares per member
    "symbol": "COOP",  # of the membership card (a soulbound ERC-721)
    # approval: applications admitted by vote; committee: also by an elected admissions
    # committee, each of its admissions contestable; open: admits anyone at once, prone to fake
    # members (one person, many addresses), so it needs a voting seniority
    "admission": "approval",
    "voting_seniority": 0,  # blocks between admission and the right to vote
    "contest_window": 7 * DAY,  # seconds to contest a committee admission or recovery
    "committee_seats": 3,
    "committee_max_term": 2 * YEAR,  # at most 6 years (Loi 1947 art. 6)
    "redemption_notice": 30 * DAY,  # seconds before redeemed capital can be withdrawn
    "voting_delay": 1,  # blocks between proposal and snapshot
    "voting_period": 50,  # blocks of voting (about 10 minutes at 12 s a block)
    "quorum_percent": 25,  # of active members at the snapshot, rounded up
    "timelock_delay": 2 * DAY,  # seconds between queue and execute
    "min_reserve_bps": 1000,  # at least 10% of any surplus goes to the reserve
    "interest_cap_bps": 500,  # interest on capital at most 5% a period
    "treasurers": (),  # accounts allowed to record points and close periods
}


@dataclass
class Coop:
    """A deployed co-op: its contracts and what it was deployed with."""

    membership: Any
    committee: Any
    governor: Any
    timelock: Any
    rewards: Any
    start_block: int
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def contracts(self) -> dict[str, Any]:
        return {
            "membership": self.membership,
            "committee": self.committee,
            "governor": self.governor,
            "timelock": self.timelock,
            "rewards": self.rewards,
        }

    def to_json(self) -> dict[str, Any]:
        params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.params.items()}
        params["treasurers"] = [str(t) for t in params.get("treasurers", [])]
        return {
            "network": network.show_active(),
            "chainId": chain.id,
            "startBlock": self.start_block,
            "deployedAt": int(time.time()),
            "contracts": {name: c.address for name, c in self.contracts.items()},
            "params": params,
        }


def create_address(sender: str, nonce: int) -> str:
    """Address of the contract that `sender` creates with transaction number `nonce`."""
    encoded = rlp.encode([bytes.fromhex(sender[2:]), nonce])
    return to_checksum_address(keccak(encoded)[12:])


def deploy_coop(
    admin: Any, *, deployments_dir: str | Path | None = "deployments", **overrides: Any
) -> Coop:
    """Deploy a co-op from `admin` and return it; `overrides` replace entries of DEFAULTS.

    Writes ``<deployments_dir>/<network>.json`` (addresses, chain id, start block) unless
    `deployments_dir` is None.
    """
    unknown = set(overrides) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown co-op parameter(s): {', '.join(sorted(unknown))}")
    params = {**DEFAULTS, **overrides}
    if params["admission"] not in ADMISSION_POLICIES:
        raise ValueError(
            f"admission must be one of {sorted(ADMISSION_POLICIES)}, not {params['admission']!r}"
        )
    tx = {"from": admin}
    deploy_libraries(admin)
    start_block = web3.eth.block_number + 1

    # timelock (nonce n), membership (n + 1), governor (n + 2), committee (n + 3): the
    # governor's and committee's addresses are known before they exist, so the timelock never
    # needs an admin and the register is born knowing its committee.
    nonce = web3.eth.get_transaction_count(str(admin))
    governor_address = create_address(str(admin), nonce + 2)
    committee_address = create_address(str(admin), nonce + 3)
    timelock = CoopTimelock.deploy(
        params["timelock_delay"], [governor_address], [governor_address], ZERO_ADDRESS, tx
    )
    statutes = (
        params["name"],
        params["symbol"],
        params["asset"],
        params["share_price"],
        params["share_cap"],
        ADMISSION_POLICIES[params["admission"]],
        params["redemption_notice"],
        params["voting_seniority"],
        params["contest_window"],
    )
    membership = CoopMembership.deploy(timelock, committee_address, statutes, tx)
    governor = CoopGovernor.deploy(
        params["name"],
        membership,
        timelock,
        params["voting_delay"],
        params["voting_period"],
        params["quorum_percent"],
        tx,
    )
    if governor.address != governor_address:
        raise RuntimeError(
            f"governor deployed at {governor.address}, expected {governor_address}: another "
            "transaction from the deployer interleaved; deploy again from an idle account"
        )
    committee = CoopCommittee.deploy(
        membership, timelock, params["committee_seats"], params["committee_max_term"], tx
    )
    if committee.address != committee_address:
        raise RuntimeError(
            f"committee deployed at {committee.address}, expected {committee_address}: another "
            "transaction from the deployer interleaved; deploy again from an idle account"
        )
    rewards = CoopRewards.deploy(
        membership,
        params["min_reserve_bps"],
        params["interest_cap_bps"],
        [str(t) for t in params["treasurers"]],
        tx,
    )
    coop = Coop(
        membership=membership,
        committee=committee,
        governor=governor,
        timelock=timelock,
        rewards=rewards,
        start_block=start_block,
        params=params,
    )
    if deployments_dir is not None:
        write_deployment(coop, Path(deployments_dir))
    return coop


def deploy_libraries(admin: Any) -> None:
    """The register's linked libraries, once per network (Brownie links the latest)."""
    for library in (MembershipGovernance, CardRenderer):
        if not len(library):
            library.deploy({"from": admin})


def write_deployment(coop: Coop, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{network.show_active()}.json"
    path.write_text(json.dumps(coop.to_json(), indent=2) + "\n")
    return path


def main() -> None:
    """`brownie run scripts/deploy.py --network NAME`: deploy with the defaults from account 0
    (or the account named by the DEPLOYER_ID environment variable, from `brownie accounts`)."""
    import os

    deployer_id = os.environ.get("DEPLOYER_ID")
    admin = accounts.load(deployer_id) if deployer_id else accounts[0]
    coop = deploy_coop(admin)
    for name, contract in coop.contracts.items():
        print(f"{name:>10}: {contract.address}")
    print(f"deployment written to deployments/{network.show_active()}.json")
