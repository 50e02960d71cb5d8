"""The co-op's contracts as the Python service sees them: ABIs, deployment file, event decoding."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from eth_utils import event_abi_to_log_topic, to_checksum_address
from web3 import Web3

ABI_DIR = Path(__file__).resolve().parent / "abis"

# name in the deployment file -> contract name
CONTRACTS = {
    "membership": "CoopMembership",
    "governor": "CoopGovernor",
    "timelock": "CoopTimelock",
    "rewards": "CoopRewards",
    "committee": "CoopCommittee",
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


def _bytes(value: Any) -> bytes:
    """A log's topic or data as bytes: a JSON-RPC hex string, or bytes already."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    text = str(value)
    return bytes.fromhex(text[2:] if text[:2] in ("0x", "0X") else text)


@lru_cache(maxsize=1 << 16)
def checksum(address: str) -> str:
    """EIP-55 address (cached: the same accounts come back in event after event)."""
    return to_checksum_address(address)


def _lists(values: Any, item: Callable[[Any], Any] | None) -> list[Any]:
    """A decoded array (a tuple, arrays of arrays nested) as web3.py gives it: lists."""
    return [
        _lists(v, item) if isinstance(v, tuple) else (v if item is None else item(v))
        for v in values
    ]


def _normaliser(abi_type: str) -> Callable[[Any], Any] | None:
    """What web3.py does to a decoded value of this type (checksum addresses, arrays as lists),
    or None when it leaves it alone."""
    item = checksum if abi_type.startswith("address") else None
    if abi_type.endswith("]"):
        return lambda values: _lists(values, item)
    return item


def _decoding_type(abi_type: str) -> str:
    # an indexed value of a dynamic type is only its hash in a topic
    if abi_type in ("string", "bytes") or abi_type.endswith("]") or abi_type.startswith("("):
        return "bytes32"
    return abi_type


@dataclass(frozen=True)
class _Event:
    role: str
    name: str
    topic_names: tuple[str, ...]
    topic_types: tuple[str, ...]
    data_names: tuple[str, ...]
    data_types: tuple[str, ...]
    normalisers: tuple[tuple[str, Callable[[Any], Any]], ...]


def _event(role: str, item: dict[str, Any]) -> _Event:
    inputs = item["inputs"]
    if any(i["type"].startswith("tuple") for i in inputs):
        raise NotImplementedError(f"event {item['name']} has a struct argument")
    indexed = [i for i in inputs if i.get("indexed")]
    data = [i for i in inputs if not i.get("indexed")]
    normalisers = tuple(
        (i["name"], n)
        for i in inputs
        if (n := _normaliser(_decoding_type(i["type"]) if i.get("indexed") else i["type"]))
    )
    return _Event(
        role=role,
        name=item["name"],
        topic_names=tuple(i["name"] for i in indexed),
        topic_types=tuple(_decoding_type(i["type"]) for i in indexed),
        data_names=tuple(i["name"] for i in data),
        data_types=tuple(i["type"] for i in data),
        normalisers=normalisers,
    )


class EventDecoder:
    """Decodes the logs of the deployment's contracts against their ABIs with eth_abi, found by
    address and topic0 (the same values as web3.py's event processing, without its per-log
    formatting passes)."""

    def __init__(self, w3: Web3, deployment: Deployment) -> None:
        self._codec = w3.codec
        self._events: dict[tuple[str, str], _Event] = {}
        for role, address in deployment.addresses.items():
            for item in abi(CONTRACTS[role]):
                if item["type"] == "event" and not item.get("anonymous"):
                    topic0 = "0x" + event_abi_to_log_topic(item).hex()
                    self._events[(address.lower(), topic0)] = _event(role, item)

    @property
    def addresses(self) -> list[str]:
        return sorted({to_checksum_address(a) for a, _ in self._events})

    def decode(self, log: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
        """(contract role, event name, args) or None for a log this decoder does not know."""
        topics = log.get("topics") or []
        if not topics:
            return None
        topic0 = "0x" + _bytes(topics[0]).hex()
        event = self._events.get((str(log["address"]).lower(), topic0))
        if event is None:
            return None
        if len(topics) - 1 != len(event.topic_types):
            raise ValueError(
                f"{event.name} log with {len(topics) - 1} indexed topics, expected "
                f"{len(event.topic_types)}"
            )
        args: dict[str, Any] = {}
        if event.topic_types:
            data = b"".join(_bytes(x) for x in topics[1:])
            values = self._codec.decode(event.topic_types, data)
            args.update(zip(event.topic_names, values, strict=True))
        if event.data_types:
            values = self._codec.decode(event.data_types, _bytes(log["data"]))
            args.update(zip(event.data_names, values, strict=True))
        for name, normalise in event.normalisers:
            args[name] = normalise(args[name])
        return event.role, event.name, args
