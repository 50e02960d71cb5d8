"""The indexer: follows a JSON-RPC endpoint and projects the co-op's events into the database.

After web3.py's EventScanner and ethereum-etl's streamer:
- one ``eth_getLogs`` per block range for all the co-op's contracts at once; the range halves on
  a provider's "too many results" / range errors and on time-outs, and grows back on success;
- transient errors are retried with exponential back-off;
- a confirmation depth keeps the index a few blocks behind the head;
- the cursor (last block indexed, with its hash) is written in the same database transaction as
  the rows of its range, so a crash anywhere resumes with nothing lost and nothing doubled;
- the hashes of indexed blocks are kept: when the chain no longer matches them, everything above
  the common ancestor is deleted and the new branch is indexed;
- a database that is locked by another writer or loses its connection mid-range rolls the range
  back whole: it is written again from scratch, a few times, before the indexer gives up.

Backfill speed (scripts/bench_indexer.py): the logs are read as the node sends them and decoded
against the ABIs by topic0 (dao.contracts.EventDecoder), the prior state of the accounts a range
touches is read in a few queries before its first event, and each table's rows of the range go
in one bulk INSERT, in the range's one transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import requests
from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, col, select
from web3 import Web3
from web3.exceptions import BlockNotFound, Web3RPCError

from dao import tables as t
from dao.contracts import Deployment, EventDecoder, checksum
from dao.projection import Log, Projector

log = logging.getLogger("coop.indexer")

RANGE_ERROR_HINTS = (
    "too many",
    "range",
    "limit",
    "exceed",
    "response size",
    "timeout",
    "timed out",
    "query returned more than",
)
# ...unless the provider says it is rate limiting: that is waited out like any other failure
RATE_LIMIT_HINTS = (
    "rate limit",
    "rate-limit",
    "request rate",
    "rate exceeded",
    "too many requests",
)


class IndexerError(Exception):
    """A failure the indexer cannot recover from by itself (the message says what to do)."""


class RangeTooLarge(Exception):
    pass


@dataclass
class Progress:
    from_block: int
    to_block: int
    head: int
    events: int


def _int(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return int(value, 0)
    return int(value)


def _hex(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    s = str(value)
    return s if s.startswith("0x") else "0x" + s


class Indexer:
    def __init__(
        self,
        *,
        w3: Web3,
        engine: Engine,
        deployment: Deployment,
        confirmations: int = 0,
        chunk_size: int = 2000,
        max_chunk_size: int = 10000,
        retries: int = 8,
        backoff: float = 0.2,
        keep_blocks: int = 1024,
    ) -> None:
        self.w3 = w3
        self.engine = engine
        self.deployment = deployment
        self.confirmations = confirmations
        self.chunk = max(1, chunk_size)
        self.max_chunk = max(self.chunk, max_chunk_size)
        self.retries = retries
        self.backoff = backoff
        self.keep_blocks = keep_blocks
        self.decoder = EventDecoder(w3, deployment)

    # ------------------------------------------------------------ public

    def check_chain(self) -> None:
        chain_id = self._rpc(lambda: self.w3.eth.chain_id)
        if chain_id != self.deployment.chain_id:
            raise IndexerError(
                f"the RPC endpoint serves chain {chain_id} but the deployment is on chain "
                f"{self.deployment.chain_id}: check RPC_URL and DEPLOYMENT_FILE"
            )
        with Session(self.engine) as session:
            cursor = session.get(t.Cursor, 1)
            if cursor is not None and cursor.chain_id != chain_id:
                raise IndexerError(
                    f"the database indexes chain {cursor.chain_id}, not {chain_id}: use another DATABASE_URL"
                )

    def cursor(self) -> tuple[int, str | None]:
        with Session(self.engine) as session:
            c = session.get(t.Cursor, 1)
            if c is None:
                return self.deployment.start_block - 1, None
            return c.block_number, c.block_hash

    def target(self) -> int:
        head = self._rpc(lambda: self.w3.eth.block_number)
        return max(self.deployment.start_block - 1, head - self.confirmations)

    def sync(
        self, *, to_block: int | None = None, on_progress: Callable[[Progress], None] | None = None
    ) -> int:
        """Index up to `to_block` (default: head minus confirmations); returns events indexed."""
        self.check_chain()
        self.handle_reorg()
        target = self.target() if to_block is None else to_block
        total = 0
        start, _ = self.cursor()
        while True:
            current, current_hash = self.cursor()
            if current >= target:
                break
            frm = current + 1
            to = min(current + self.chunk, target)
            # the range's end block before its logs: both must come from one chain, the one the
            # index already follows
            end = self._rpc(lambda to=to: self.w3.eth.get_block(to))
            try:
                logs = self._get_logs(frm, to)
            except RangeTooLarge:
                if self.chunk == 1:
                    raise IndexerError(
                        f"the provider refuses even a one-block range at block {frm}"
                    ) from None
                # remember the refusal: a provider's limit does not move, so don't ask again
                self.max_chunk = max(1, to - frm)
                self.chunk = max(1, min(self.chunk // 2, self.max_chunk))
                log.info("range %s-%s refused: trying %s blocks", frm, to, self.chunk)
                continue
            if (
                self._canonical_hash(to) != _hex(end["hash"])
                or (current_hash is not None and self._canonical_hash(current) != current_hash)
                or not self._logs_still_canonical(logs)
            ):
                log.warning("chain changed while reading %s-%s: re-reading", frm, to)
                self.handle_reorg()
                continue
            stamps = self._timestamps(logs, to)
            total += self._db(partial(self._commit, frm, to, end, logs, stamps), f"{frm}-{to}")
            if self.chunk < self.max_chunk:
                self.chunk = min(self.max_chunk, self.chunk * 2)
            if on_progress is not None:
                on_progress(Progress(start + 1, to, target, total))
            if self.handle_reorg():
                target = self.target() if to_block is None else to_block
        return total

    def follow(
        self,
        *,
        poll_interval: float = 2.0,
        stop: Callable[[], bool] = lambda: False,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> None:
        """Keep indexing new blocks until `stop()` is true."""
        while not stop():
            self.sync(on_progress=on_progress)
            deadline = time.monotonic() + poll_interval
            while time.monotonic() < deadline and not stop():
                time.sleep(min(0.1, poll_interval))

    def handle_reorg(self) -> bool:
        """If the indexed chain is no longer canonical, roll back to the common ancestor."""
        number, block_hash = self.cursor()
        if block_hash is None or self._canonical_hash(number) == block_hash:
            return False
        ancestor = self._common_ancestor(number)
        log.warning("reorganisation below block %s: rolling back to block %s", number, ancestor)
        self.rollback(ancestor)
        return True

    def rollback(self, ancestor: int) -> None:
        """Delete every row above `ancestor`, in one transaction with the cursor."""
        with Session(self.engine) as session:
            for table in t.PROJECTION_TABLES:
                session.exec(delete(table).where(col(table.block_number) > ancestor))  # type: ignore[attr-defined]
            session.exec(delete(t.IndexedBlock).where(col(t.IndexedBlock.number) > ancestor))
            cursor = session.get(t.Cursor, 1)
            assert cursor is not None
            if ancestor < self.deployment.start_block:
                session.delete(cursor)
            else:
                cursor.block_number = ancestor
                cursor.block_hash = self._canonical_hash(ancestor)
                session.add(cursor)
            session.commit()

    # ------------------------------------------------------------ internals

    def _timestamps(self, logs: list[dict[str, Any]], to: int) -> dict[int, int]:
        """Timestamps of the blocks with logs, from the logs or (older providers, whose logs
        carry no blockTimestamp) from the blocks themselves."""
        stamps: dict[int, int] = {}
        for raw in logs:
            number = int(raw["blockNumber"])
            if raw.get("blockTimestamp") is not None:
                stamps[number] = _int(raw["blockTimestamp"])
            elif number not in stamps and number != to:
                block = self._rpc(lambda n=number: self.w3.eth.get_block(n))
                stamps[number] = int(block["timestamp"])
        return stamps

    def _commit(
        self, frm: int, to: int, end: Any, logs: list[dict[str, Any]], stamps: dict[int, int]
    ) -> int:
        """The range's rows, its blocks and the cursor, in one transaction."""
        decoded: list[Log] = []
        blocks: dict[int, tuple[str, int, bool]] = {}
        for raw in sorted(logs, key=lambda x: (x["blockNumber"], x["logIndex"])):
            if raw.get("removed"):
                continue
            try:
                found = self.decoder.decode(raw)
            except Exception as exc:  # noqa: BLE001  (a log that does not fit its event's ABI)
                log.warning(
                    "skipping an undecodable log (block %s, log %s, %s): %s",
                    raw["blockNumber"],
                    raw["logIndex"],
                    raw.get("address"),
                    exc,
                )
                continue
            if found is None:
                continue
            role, event, args = found
            number = raw["blockNumber"]
            bhash = _hex(raw["blockHash"])
            blocks[number] = (bhash, stamps.get(number, 0), True)
            decoded.append(
                Log(
                    role=role,
                    event=event,
                    args=args,
                    address=checksum(str(raw["address"])),
                    block_number=number,
                    block_hash=bhash,
                    log_index=raw["logIndex"],
                    tx_hash=_hex(raw["transactionHash"]),
                )
            )
        blocks[to] = (_hex(end["hash"]), int(end["timestamp"]), to in blocks)
        with Session(self.engine) as session, session.no_autoflush:
            Projector(session).apply_all(decoded)
            # the range's blocks are new to the index (rows above the cursor were rolled back)
            session.exec(
                delete(t.IndexedBlock).where(
                    col(t.IndexedBlock.number) >= frm, col(t.IndexedBlock.number) <= to
                )
            )
            session.execute(
                insert(t.IndexedBlock.__table__),  # type: ignore[attr-defined]
                [
                    {"number": n, "hash": h, "timestamp": ts, "has_events": has_events}
                    for n, (h, ts, has_events) in sorted(blocks.items())
                ],
            )
            cursor = session.get(t.Cursor, 1) or t.Cursor(
                id=1, chain_id=self.deployment.chain_id, block_number=0, block_hash=""
            )
            cursor.block_number, cursor.block_hash = to, _hex(end["hash"])
            session.add(cursor)
            # keep the recent range ends for reorg detection, and every block with events
            session.exec(
                delete(t.IndexedBlock).where(
                    col(t.IndexedBlock.number) < to - self.keep_blocks,
                    col(t.IndexedBlock.has_events).is_(False),
                )
            )
            session.commit()
        return len(decoded)

    def _get_logs(self, frm: int, to: int) -> list[dict[str, Any]]:
        """The range's logs as the node sends them (hex strings, no web3.py formatting: the
        decoder reads them as they are), block numbers and log indexes made ints."""
        params = {"fromBlock": hex(frm), "toBlock": hex(to), "address": self.decoder.addresses}

        def call() -> list[dict[str, Any]]:
            reply = self.w3.provider.make_request("eth_getLogs", [params])  # type: ignore[arg-type]
            if reply.get("error") is not None:
                raise Web3RPCError(str(reply["error"]), rpc_response=reply)
            logs = reply["result"]
            if not isinstance(logs, list):
                raise ValueError(f"eth_getLogs answered {logs!r}")
            return [
                {**raw, "blockNumber": _int(raw["blockNumber"]), "logIndex": _int(raw["logIndex"])}
                for raw in logs
            ]

        # a one-block range cannot be split: its failures are retried like any other
        return self._rpc(call, range_errors=to > frm)

    def _logs_still_canonical(self, logs: list[dict[str, Any]]) -> bool:
        if not logs:
            return True
        last = max(logs, key=lambda x: (x["blockNumber"], x["logIndex"]))
        return self._canonical_hash(int(last["blockNumber"])) == _hex(last["blockHash"])

    def _canonical_hash(self, number: int) -> str | None:
        try:
            block = self._rpc(lambda: self.w3.eth.get_block(number), missing_ok=True)
        except BlockNotFound:  # the chain is shorter now
            return None
        return _hex(block["hash"])

    def _common_ancestor(self, below: int) -> int:
        with Session(self.engine) as session:
            rows = session.exec(
                select(t.IndexedBlock)
                .where(t.IndexedBlock.number <= below)
                .order_by(col(t.IndexedBlock.number).desc())
            ).all()
        for row in rows:
            if self._canonical_hash(row.number) == row.hash:
                return row.number
        return self.deployment.start_block - 1

    def _db(self, write: Callable[[], int], what: str) -> int:
        """Run a write transaction; when the database is locked or its connection is lost, the
        transaction has rolled back whole: run it again, with back-off."""
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return write()
            except DBAPIError as exc:
                if not (isinstance(exc, OperationalError) or exc.connection_invalidated):
                    raise
                error = exc
            if attempt == self.retries:
                break
            log.warning("writing blocks %s failed (%s), retrying in %.1fs", what, error.orig, delay)
            time.sleep(delay)
            delay = min(delay * 2, 10.0)
        raise IndexerError(
            f"the database keeps failing to write blocks {what} after {self.retries + 1} attempts "
            f"({str(error.orig).strip()}); nothing of them was written and the index is "
            "consistent up to the block before: check DATABASE_URL, then run `coop index` again"
        )

    def _rpc(
        self, call: Callable[[], Any], *, range_errors: bool = False, missing_ok: bool = False
    ) -> Any:
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return call()
            except BlockNotFound as exc:
                if missing_ok:
                    raise
                error = exc
            except (Web3RPCError, ValueError) as exc:
                message = str(exc).lower()
                if (
                    range_errors
                    and any(h in message for h in RANGE_ERROR_HINTS)
                    and not any(h in message for h in RATE_LIMIT_HINTS)
                ):
                    raise RangeTooLarge(str(exc)) from exc
                error = exc
            except (requests.exceptions.RequestException, OSError) as exc:
                if range_errors and isinstance(exc, requests.exceptions.Timeout):
                    raise RangeTooLarge(str(exc)) from exc
                error = exc
            except Exception as exc:  # garbage in the response, and the like
                error = exc
            if attempt == self.retries:
                break
            log.info("RPC call failed (%s), retrying in %.1fs", error, delay)
            time.sleep(delay)
            delay = min(delay * 2, 10.0)
        raise IndexerError(
            f"the RPC endpoint keeps failing after {self.retries + 1} attempts: {error}"
        )


def register_at(session: Session, block: int | None = None) -> list[t.MemberState]:
    """Every account's membership as of `block` (default: the latest indexed)."""
    q = select(t.MemberState)
    if block is not None:
        q = q.where(t.MemberState.block_number <= block)
    latest: dict[str, t.MemberState] = {}
    for row in session.exec(
        q.order_by(col(t.MemberState.block_number), col(t.MemberState.log_index))
    ):
        latest[row.account] = row
    return sorted(latest.values(), key=lambda r: (r.member_index or 10**12, r.account))
