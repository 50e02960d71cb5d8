"""Deploy and wire a whole co-op: timelock, member register, governor, rewards.

Used by the tests, the demo and the benchmarks (``deploy_coop``), and from the command line:

    brownie run scripts/deploy.py --network <network>

The timelock is created with no admin at all: the governor's address is computed in advance
(it is the deployer's third contract from now) and given to the timelock as its only proposer,
executor and canceller, so the deployer holds no power over the co-op at any moment.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rlp
from brownie import (
    CoopGovernor,
    CoopMembership,
    CoopRewards,
    CoopTimelock,
    accounts,
    chain,
    network,
    web3,
)
from eth_utils import keccak, to_checksum_address

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
DAY = 24 * 3600

ADMISSION_POLICIES = {"open": 0, "approval": 1}

# Defaults suit a local demo; a real co-op sets its statutes when it deploys.
DEFAULTS: dict[str, Any] = {
    "name": "Demo Coop",
    "asset": ZERO_ADDRESS,  # ETH; or the address of an ERC-20 (a local currency)
    "share_price": 10**16,  # 0.01 ETH
    "share_cap": 100,  # shares per member
    "admission": "open",  # or "approval"
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
    governor: Any
    timelock: Any
    rewards: Any
    start_block: int
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def contracts(self) -> dict[str, Any]:
        return {
            "membership": self.membership,
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
    start_block = web3.eth.block_number + 1

    # timelock (nonce n), membership (n + 1), governor (n + 2): the governor's address is known
    # before it exists, so the timelock never needs an admin.
    nonce = web3.eth.get_transaction_count(str(admin))
    governor_address = create_address(str(admin), nonce + 2)
    timelock = CoopTimelock.deploy(
        params["timelock_delay"], [governor_address], [governor_address], ZERO_ADDRESS, tx
    )
    membership = CoopMembership.deploy(
        timelock,
        params["asset"],
        params["share_price"],
        params["share_cap"],
        ADMISSION_POLICIES[params["admission"]],
        params["redemption_notice"],
        tx,
    )
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
    rewards = CoopRewards.deploy(
        membership,
        params["min_reserve_bps"],
        params["interest_cap_bps"],
        [str(t) for t in params["treasurers"]],
        tx,
    )
    coop = Coop(
        membership=membership,
        governor=governor,
        timelock=timelock,
        rewards=rewards,
        start_block=start_block,
        params=params,
    )
    if deployments_dir is not None:
        write_deployment(coop, Path(deployments_dir))
    return coop


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
