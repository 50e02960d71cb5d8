"""Helpers for the indexer's resilience tests: co-op activity in bulk over raw JSON-RPC, and a
snapshot of an index database to compare two indexes row by row.

Activity is sent straight to anvil (no Brownie transaction objects, which take an EVM snapshot
after every transaction): accounts are impersonated (anvil_impersonateAccount) and funded with
anvil_setBalance, so nothing is signed, and each transaction is one eth_sendTransaction with an
explicit gas limit (no estimation). Anvil's automine puts one transaction in each block.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import requests
from eth_utils import keccak, to_checksum_address
from sqlmodel import Session, select

from dao import tables as t

GAS = 400_000  # a join, purchase, redemption or departure uses < 200k
ADMIT_BATCH = 40  # accounts per admitMany
ADMIT_GAS = 12_000_000


class RawChain:
    """A thin JSON-RPC client to the test chain (anvil)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self._id = 0

    def rpc(self, method: str, *params: Any) -> Any:
        self._id += 1
        reply = self.http.post(
            self.url,
            json={"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)},
            timeout=60,
        ).json()
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def batch(self, calls: Sequence[tuple[str, list[Any]]], size: int = 500) -> list[Any]:
        results: list[Any] = []
        for start in range(0, len(calls), size):
            payload = [
                {"jsonrpc": "2.0", "id": i, "method": m, "params": p}
                for i, (m, p) in enumerate(calls[start : start + size])
            ]
            replies = sorted(
                self.http.post(self.url, json=payload, timeout=120).json(), key=lambda r: r["id"]
            )
            errors = [r["error"] for r in replies if "error" in r]
            if errors:
                raise RuntimeError(f"{len(errors)} of {len(payload)} calls failed: {errors[:3]}")
            results += [r["result"] for r in replies]
        return results

    # ------------------------------------------------------------ chain control

    def head(self) -> int:
        return int(self.rpc("eth_blockNumber"), 16)

    def block_hash(self, number: int) -> str | None:
        block = self.rpc("eth_getBlockByNumber", hex(number), False)
        return None if block is None else block["hash"]

    def mine(self, blocks: int) -> None:
        if blocks > 0:
            self.rpc("anvil_mine", hex(blocks))

    def snapshot(self) -> str:
        """A raw EVM snapshot. Brownie's chain.snapshot() is not used on purpose: Brownie keeps a
        single snapshot id, the one fn_isolation reverts to after each test, and a test's own
        chain.snapshot() would replace it (the test's changes before it would then outlive it)."""
        return self.rpc("evm_snapshot")

    def revert(self, snapshot_id: str) -> None:
        assert self.rpc("evm_revert", snapshot_id) is True

    def logs(
        self, addresses: Iterable[str], from_block: int, to_block: int
    ) -> list[dict[str, Any]]:
        return self.rpc(
            "eth_getLogs",
            {"fromBlock": hex(from_block), "toBlock": hex(to_block), "address": list(addresses)},
        )

    # ------------------------------------------------------------ accounts and transactions

    def fund(self, accounts: Sequence[str], wei: int = 10**21) -> None:
        self.batch([("anvil_setBalance", [a, hex(wei)]) for a in accounts])
        self.batch([("anvil_impersonateAccount", [a]) for a in accounts])

    def send(self, txs: Sequence[dict[str, Any]], per_block: int = 1) -> list[str]:
        """Send transactions from impersonated accounts and wait until all are mined; every one
        must succeed. One block each (automine), or `per_block` to a block, mined one by one
        (anvil spends more time on a block than on a transaction); a transaction marked
        `"barrier": True` (an admission of the applications before it) gets a block of its own."""
        blocks: list[list[dict[str, Any]]] = []
        for tx in txs:
            tx = {"gas": hex(GAS), **tx}
            barrier = tx.pop("barrier", False)
            if barrier or not blocks or len(blocks[-1]) >= per_block:
                blocks.append([])
            blocks[-1].append(tx)
            if barrier:
                blocks.append([])
        blocks = [b for b in blocks if b]
        if per_block == 1:
            hashes = [self.rpc("eth_sendTransaction", tx) for b in blocks for tx in b]
        else:
            hashes = []
            self.rpc("evm_setAutomine", False)
            try:
                for block in blocks:
                    hashes += self.batch([("eth_sendTransaction", [tx]) for tx in block])
                    self.rpc("evm_mine")
            finally:
                self.rpc("evm_setAutomine", True)
        deadline = time.monotonic() + 120
        while True:
            status = self.rpc("txpool_status")
            if int(status["pending"], 16) == 0 and int(status["queued"], 16) == 0:
                break
            assert time.monotonic() < deadline, f"transactions still pending: {status}"
            time.sleep(0.05)
        receipts = self.batch([("eth_getTransactionReceipt", [h]) for h in hashes])
        failed = [r for r in receipts if r is None or int(r["status"], 16) != 1]
        assert not failed, f"{len(failed)} of {len(txs)} transactions failed, e.g. {failed[:1]}"
        return hashes


def addresses(tag: str, n: int) -> list[str]:
    """`n` deterministic addresses nobody holds a key for (they are impersonated)."""
    return [to_checksum_address(keccak(f"{tag}:{i}".encode())[12:]) for i in range(n)]


class Activity:
    """Builds co-op transactions (membership contract) for impersonated accounts.

    Under the default admission policy (approval) a join is an application, and `admit` builds
    the governance's admissions: `admitMany` sent by the impersonated timelock (fund it with
    `RawChain.fund([activity.timelock])`). The very first join is the founder's, admitted at
    once."""

    # the logs of one admission: MemberAdmitted (not for the founder), MemberJoined, Transfer,
    # Locked, DelegateChanged, DelegateVotesChanged (no voting seniority)
    ADMISSION_EVENTS = 6

    def __init__(self, coop: Any) -> None:
        self.membership = coop.membership
        self.timelock = coop.timelock.address
        self.price = int(coop.membership.sharePrice())
        self.address = coop.membership.address
        self.founded = int(coop.membership.accountOf(1), 16) != 0
        provider = coop.membership._web3.provider  # the test chain: the timelock can send
        provider.make_request("anvil_setBalance", [self.timelock, hex(10**24)])
        provider.make_request("anvil_impersonateAccount", [self.timelock])
        self.expected_events = 0  # logs these transactions will emit, when they all succeed

    def _tx(self, sender: str, data: str, value: int = 0) -> dict[str, Any]:
        return {"from": sender, "to": self.address, "data": data, "value": hex(value)}

    def join(self, sender: str, shares: int) -> dict[str, Any]:
        if self.founded:
            self.expected_events += 1  # MemberApplied
        else:
            self.founded = True
            self.expected_events += self.ADMISSION_EVENTS - 1
        return self._tx(sender, self.membership.join.encode_input(shares), shares * self.price)

    def admit(self, applicants: Sequence[str]) -> list[dict[str, Any]]:
        """The timelock's admissions of `applicants` (pending applications), in batches, each
        in a block after the applications."""
        txs = []
        for start in range(0, len(applicants), ADMIT_BATCH):
            batch = list(applicants[start : start + ADMIT_BATCH])
            self.expected_events += self.ADMISSION_EVENTS * len(batch)
            data = self.membership.admitMany.encode_input(batch, [b"\x00" * 32] * len(batch))
            txs.append({**self._tx(self.timelock, data), "gas": hex(ADMIT_GAS), "barrier": True})
        return txs

    def join_all(
        self, members: Sequence[str], shares: Callable[[int], int]
    ) -> list[dict[str, Any]]:
        """Every one of `members` joins (the i-th with `shares(i)`) and is admitted."""
        applicants = members if self.founded else members[1:]
        joins = [self.join(a, shares(i)) for i, a in enumerate(members)]
        return joins + self.admit(applicants)

    def buy(self, sender: str, shares: int) -> dict[str, Any]:
        self.expected_events += 1  # SharesPurchased
        return self._tx(sender, self.membership.buyShares.encode_input(shares), shares * self.price)

    def redeem(self, sender: str, shares: int) -> dict[str, Any]:
        self.expected_events += 1  # RedemptionRequested
        return self._tx(sender, self.membership.requestRedemption.encode_input(shares))

    def leave(self, sender: str) -> dict[str, Any]:
        self.expected_events += 4  # Transfer, DelegateChanged, DelegateVotesChanged, MemberLeft
        return self._tx(sender, self.membership.leave.encode_input())


def busy_coop_txs(activity: Activity, members: Sequence[str]) -> list[dict[str, Any]]:
    """Every member joins (1 to 5 shares) and is admitted; then, long after, some buy more
    shares, some redeem part of theirs and some leave, so that rows depend on rows written many
    ranges before. The timelock must be funded (`RawChain.fund([activity.timelock])`)."""
    txs = activity.join_all(members, lambda i: 1 + i % 5)
    for i, a in enumerate(members):
        if i % 10 == 0:
            txs.append(activity.buy(a, 2))
        elif i % 20 == 3:  # holds 4 shares
            txs.append(activity.redeem(a, 1))
        elif i % 20 == 7:
            txs.append(activity.leave(a))
    return txs


# ------------------------------------------------------------------ database snapshots


def _row(obj: Any) -> str:
    return json.dumps(obj.model_dump(exclude={"id"}), sort_keys=True, default=str)


def db_snapshot(engine: Any) -> dict[str, Any]:
    """Every projection table's rows (without their autoincrement id, sorted), the cursor, and
    the blocks with events: two indexes of one chain must give equal snapshots."""
    snap: dict[str, Any] = {}
    with Session(engine) as s:
        for table in t.PROJECTION_TABLES:
            snap[table.__tablename__] = sorted(_row(r) for r in s.exec(select(table)))  # type: ignore[attr-defined]
        cursor = s.get(t.Cursor, 1)
        snap["cursor"] = (
            None if cursor is None else (cursor.chain_id, cursor.block_number, cursor.block_hash)
        )
        snap["indexed_block(has_events)"] = sorted(
            _row(b)
            for b in s.exec(select(t.IndexedBlock).where(t.IndexedBlock.has_events == True))  # noqa: E712
        )
    return snap


def assert_same_index(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    assert actual.keys() == expected.keys()
    for name in expected:
        a, e = actual[name], expected[name]
        if a != e:
            if isinstance(e, list):
                missing = sorted(set(e) - set(a))[:3]
                extra = sorted(set(a) - set(e))[:3]
                raise AssertionError(
                    f"table {name}: {len(a)} rows, expected {len(e)}; missing e.g. {missing}; "
                    f"unexpected e.g. {extra}"
                )
            raise AssertionError(f"{name}: {a!r}, expected {e!r}")


def cursor_of(engine: Any) -> int | None:
    with Session(engine) as s:
        c = s.get(t.Cursor, 1)
        return None if c is None else c.block_number


def count_raw_events(engine: Any) -> int:
    with Session(engine) as s:
        return len(s.exec(select(t.RawEvent.id)).all())
