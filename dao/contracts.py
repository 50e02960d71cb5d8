"""The co-op's contracts as the Python service sees them: ABIs, deployment file, event decoding."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from eth_utils import event_abi_to_log_topic, to_checksum_address
from web3 import Web3
from web3._utils.events import get_event_data

ABI_DIR = Path(__file__).resolve().parent / "abis"

# name in the deployment file -> contract name
CONTRACTS = {
    "membership": "CoopMembership",
    "governor": "CoopGovernor",
    "timelock": "CoopTimelock",
    "rewards": "CoopRewards",
}


@cache
def abi(contract_name: str) -> list[dict[str, Any]]:
    return json.loads((ABI_DIR / f"{contract_name}.json").read_text())


class DeploymentError(Exception):
    pass


@dataclass(frozen=True)
class Deployment:
    chain_id: int
    start_block: int
    addresses: dict[str, str]  # role -> checksum address
    params: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> Deployment:
        try:
            data = json.loads(Path(path).read_text())
        except FileNotFoundError as exc:
            raise DeploymentError(
                f"no deployment file at {path}: deploy a co-op first (scripts/deploy.py) "
                "or set DEPLOYMENT_FILE"
            ) from exc
        except json.JSONDecodeError as exc:
            raise DeploymentError(f"{path} is not valid JSON: {exc}") from exc
        try:
            addresses = {k: to_checksum_address(data["contracts"][k]) for k in CONTRACTS}
            return cls(
                int(data["chainId"]), int(data["startBlock"]), addresses, data.get("params", {})
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise DeploymentError(
                f"{path} lacks chainId, startBlock or a contract address: {exc}"
            ) from exc

    def contract(self, w3: Web3, role: str) -> Any:
        return w3.eth.contract(address=self.addresses[role], abi=abi(CONTRACTS[role]))


class EventDecoder:
    """Decodes the logs of the deployment's contracts (one lookup per log by address and topic)."""

    def __init__(self, w3: Web3, deployment: Deployment) -> None:
        self._codec = w3.codec
        self._events: dict[tuple[str, bytes], tuple[str, dict[str, Any]]] = {}
        for role, address in deployment.addresses.items():
            for item in abi(CONTRACTS[role]):
                if item["type"] == "event":
                    self._events[(address.lower(), event_abi_to_log_topic(item))] = (role, item)

    @property
    def addresses(self) -> list[str]:
        return sorted({to_checksum_address(a) for a, _ in self._events})

    def decode(self, log: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
        """(contract role, event name, args) or None for a log this decoder does not know."""
        topics = log.get("topics") or []
        if not topics:
            return None
        topic0 = bytes(topics[0])
        found = self._events.get((str(log["address"]).lower(), topic0))
        if found is None:
            return None
        role, event_abi = found
        data = get_event_data(self._codec, event_abi, log)
        return role, data["event"], dict(data["args"])
