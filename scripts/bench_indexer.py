"""Indexer backfill speed: `coop index` from an empty database against a naive baseline, in one
run, on a local chain holding >= 20,000 co-op events.

    brownie run scripts/bench_indexer.py [--network NAME]      (part of `make bench`)

The chain: a co-op is deployed (scripts/deploy.py deploy_coop) and a period of its life is played
by 1,500 impersonated members (40 with BENCH_SMALL=1): they all join; six proposals are voted on
by every member (most for, some against with a reason, some abstaining): open a rewards period,
pay a contributor from the treasury, raise the share cap, a defeated one, allocate a surplus,
release part of the reserve; the treasurer records points for every member in four rounds; some
members buy shares, some redeem, some leave; the period is closed and every member claims. The
transactions go straight to anvil over JSON-RPC from impersonated accounts (tests/indexer/_chain.py
RawChain), many to a block, with runs of empty blocks in between.

Measured on that chain:
- `coop index`, the real command line in its own process (start-up and schema migration included),
  from an empty SQLite file to the head; then `coop audit`'s reconciliation (dao.audit.run_audit)
  must pass on the result. Again on a fresh PostgreSQL database when BENCH_POSTGRES_URL or
  TEST_POSTGRES_URL names a server.
- the baseline, in this process: web3.py's `contract.events.<Event>.get_logs` for every event type
  of the four contracts over the same block ranges as the indexer, and each decoded event written
  to a fresh SQLite database (same schema and engine settings) as the raw_event row the indexer
  writes for it, with one ORM insert and one commit per event.

Writes the "indexer" section of bench/results.json and the "indexer" block of BENCHMARKS.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from brownie import accounts, web3
from sqlmodel import Session, func, select
from web3 import HTTPProvider, Web3

from dao import tables as t
from dao.audit import run_audit
from dao.config import Settings
from dao.contracts import Deployment
from dao.db import make_engine, migrate, scratch_postgres_database
from dao.projection import _json
from scripts._bench import (
    ROOT,
    footer,
    postgres_admin_url,
    replace_block,
    small,
    table,
    update_results,
)
from scripts.deploy import deploy_coop
from tests.indexer._chain import Activity, RawChain, addresses

E18 = 10**18
FOR, AGAINST, ABSTAIN = 1, 0, 2
PER_BLOCK = 25  # transactions per block (the network's 12M gas limit / 400k gas a transaction)
BATCH = 250  # transactions sent before a run of empty blocks
QUIET = 50  # empty blocks after each batch
POINTS_BATCH = 100  # accounts per recordPoints transaction


def _hex(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return str(value)


# ------------------------------------------------------------------ the chain


class _Busy:
    """Sends the co-op's activity over raw JSON-RPC, in batches separated by empty blocks."""

    def __init__(self, raw: RawChain, coop: Any) -> None:
        self.raw = raw
        self.coop = coop
        self.activity = Activity(coop)
        self.sent = 0

    def send(self, txs: list[dict[str, Any]], per_block: int = PER_BLOCK) -> None:
        for start in range(0, len(txs), BATCH):
            self.raw.send(txs[start : start + BATCH], per_block=per_block)
            self.raw.mine(QUIET)
        self.sent += len(txs)

    def call(self, sender: str, contract: Any, data: str, value: int = 0, gas: int | None = None):
        tx = {"from": sender, "to": contract.address, "data": data, "value": hex(value)}
        if gas is not None:
            tx["gas"] = hex(gas)
        return tx

    def proposal(
        self,
        proposer: str,
        voters: list[str],
        target: Any,
        value: int,
        data: str,
        title: str,
        *,
        passes: bool = True,
    ) -> None:
        """Propose one call and have every voter vote; when it `passes` (most vote for), queue
        and execute it, else most vote against and it is defeated."""
        g = self.coop.governor
        target = getattr(target, "address", target)
        targets, values, calldatas = [target], [value], [data]
        dhash = web3.keccak(text=title)
        self.send(
            [self.call(proposer, g, g.propose.encode_input(targets, values, calldatas, title))]
        )
        pid = g.hashProposal(targets, values, calldatas, dhash)
        self.raw.mine(max(0, g.proposalSnapshot(pid) - self.raw.head() + 1))
        yes, no = (FOR, AGAINST) if passes else (AGAINST, FOR)
        ballots = []
        for i, voter in enumerate(voters):
            if i % 10 == 9:
                data_ = g.castVoteWithReason.encode_input(pid, no, f"not now ({i})")
            else:
                data_ = g.castVote.encode_input(pid, ABSTAIN if i % 10 == 8 else yes)
            ballots.append(self.call(voter, g, data_, gas=200_000))
        for start in range(0, len(ballots), BATCH):  # no quiet blocks: the vote has a deadline
            self.raw.send(ballots[start : start + BATCH], per_block=2 * PER_BLOCK)
        self.sent += len(ballots)
        self.raw.mine(max(0, g.proposalDeadline(pid) - self.raw.head() + 1))
        if not passes:
            assert g.state(pid) == 3, f"proposal {title!r} not defeated (state {g.state(pid)})"
            return
        self.send([self.call(proposer, g, g.queue.encode_input(targets, values, calldatas, dhash))])
        self.raw.rpc("evm_increaseTime", int(self.coop.timelock.getMinDelay()) + 1)
        self.raw.mine(1)
        self.send(
            [self.call(proposer, g, g.execute.encode_input(targets, values, calldatas, dhash))]
        )
        assert g.state(pid) == 7, f"proposal {title!r} not executed (state {g.state(pid)})"

    def points(self, treasurer: str, members: list[str], round_: int) -> None:
        """One round of points for every member, POINTS_BATCH accounts a transaction."""
        r = self.coop.rewards
        reason = web3.keccak(text=f"work done, round {round_}")
        txs = []
        for k in range(0, len(members), POINTS_BATCH):
            batch = members[k : k + POINTS_BATCH]
            amounts = [1 + (k + j + round_) % 7 for j in range(len(batch))]
            data = r.recordPoints.encode_input(1, batch, amounts, reason)
            txs.append(self.call(treasurer, r, data, gas=5_000_000))
        self.send(txs, per_block=2)


def make_chain(members_count: int, deployments_dir: Path) -> tuple[Deployment, dict[str, Any]]:
    """Deploy a co-op and fill the chain with a period of its life; returns the deployment and
    facts about the chain."""
    t0 = time.perf_counter()
    admin, treasurer = accounts[0], str(accounts[5])
    # voting lasts long enough for every member's ballot at 2 * PER_BLOCK ballots a block
    coop = deploy_coop(
        admin,
        treasurers=[treasurer],
        deployments_dir=deployments_dir,
        voting_period=members_count // (2 * PER_BLOCK) + 3 * QUIET,
    )
    deployment = Deployment.load(next(deployments_dir.glob("*.json")))
    raw = RawChain(web3.provider.endpoint_uri)
    busy = _Busy(raw, coop)
    act = busy.activity
    m, r = coop.membership, coop.rewards
    tag = f"bench-{uuid.uuid4().hex[:8]}"
    members = addresses(tag, members_count)
    contributor = addresses(f"{tag}-contributor", 1)[0]
    raw.fund([*members, coop.timelock.address])

    busy.send(act.join_all(members, lambda i: 1 + i % 5))
    busy.send([{"from": str(admin), "to": coop.timelock.address, "value": hex(10 * E18)}])
    first = members[0]
    busy.proposal(first, members, r, 0, r.openPeriod.encode_input(10**12), "Open period 1")
    busy.proposal(first, members, contributor, E18, "0x", "Pay the contributor 1 ETH")
    busy.points(treasurer, members, 1)
    busy.points(treasurer, members, 2)
    busy.proposal(first, members, m, 0, m.setShareCap.encode_input(200), "Raise the cap to 200")
    # the mix of busy_coop_txs: some buy, some redeem, some leave
    moves, leavers = [], set()
    for i, a in enumerate(members):
        if i % 10 == 1:
            moves.append(act.buy(a, 2))
        elif i % 20 == 3:  # holds 4 shares
            moves.append(act.redeem(a, 1))
        elif i % 20 == 7:
            moves.append(act.leave(a))
            leavers.add(a)
    busy.send(moves)
    staying = [a for a in members if a not in leavers]
    busy.points(treasurer, members, 3)
    busy.points(treasurer, members, 4)
    lower = m.setShareCap.encode_input(3)
    busy.proposal(first, staying, m, 0, lower, "Lower the cap to 3", passes=False)
    busy.send([busy.call(treasurer, r, r.closePeriod.encode_input(1))])
    # 5 ETH: 20% to the reserve, 1% interest on capital, the rest refunded by points
    allocate = r.allocate.encode_input(1, 5 * E18, 2000, 100, 30 * 24 * 3600)
    busy.proposal(first, staying, r, 5 * E18, allocate, "Share the surplus of period 1")
    busy.send([busy.call(a, r, r.claim.encode_input(1)) for a in members])
    release = r.releaseReserve.encode_input(contributor, E18 // 10)
    busy.proposal(first, staying, r, 0, release, "Release 0.1 ETH of the reserve")

    head = raw.head()
    events = len(raw.logs(deployment.addresses.values(), deployment.start_block, head))
    facts = {
        "members": members_count,
        "transactions": busy.sent,
        "blocks": head - deployment.start_block + 1,
        "head": head,
        "events": events,
        "seconds": time.perf_counter() - t0,
    }
    return deployment, facts


# ------------------------------------------------------------------ the two indexers


def index_ranges(start: int, head: int, settings: Settings) -> list[tuple[int, int]]:
    """The block ranges `coop index` asks for (when the node refuses none): CHUNK_SIZE blocks,
    doubling after each range up to MAX_CHUNK_SIZE."""
    ranges, frm, chunk = [], start, max(1, settings.chunk_size)
    largest = max(chunk, settings.max_chunk_size)
    while frm <= head:
        to = min(frm + chunk - 1, head)
        ranges.append((frm, to))
        frm, chunk = to + 1, min(largest, chunk * 2)
    return ranges


def run_cli(
    *args: str, db_url: str, deployment_file: Path, rpc: str
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEPLOYMENT_FILE": str(deployment_file),
        "RPC_URL": rpc,
        "CONFIRMATIONS": "0",
    }
    return subprocess.run(
        [sys.executable, "-m", "dao.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
    )


def time_coop_index(db_url: str, deployment_file: Path, rpc: str) -> tuple[float, int]:
    """Seconds of `coop index --quiet` from an empty database, and the raw_event rows written."""
    t0 = time.perf_counter()
    done = run_cli("index", "--quiet", db_url=db_url, deployment_file=deployment_file, rpc=rpc)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"coop index failed: {done.stdout}{done.stderr}")
    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            rows = s.exec(select(func.count()).select_from(t.RawEvent)).one()
    finally:
        engine.dispose()
    return seconds, int(rows)


def naive_baseline(
    rpc: str, deployment: Deployment, db_url: str, ranges: list[tuple[int, int]]
) -> tuple[float, int]:
    """web3.py's get_logs per event type and range, one ORM insert and commit per event."""
    w3 = Web3(HTTPProvider(rpc, request_kwargs={"timeout": 30}))
    t0 = time.perf_counter()
    migrate(db_url)
    engine = make_engine(db_url)
    contracts = {role: deployment.contract(w3, role) for role in deployment.addresses}
    count = 0
    for frm, to in ranges:
        for role, contract in contracts.items():
            for event in contract.events:
                for e in event.get_logs(from_block=frm, to_block=to):
                    with Session(engine) as session:
                        session.add(
                            t.RawEvent(
                                block_number=e["blockNumber"],
                                block_hash=_hex(e["blockHash"]),
                                log_index=e["logIndex"],
                                tx_hash=_hex(e["transactionHash"]),
                                contract=role,
                                address=e["address"],
                                event=e["event"],
                                args={k: _json(v) for k, v in e["args"].items()},
                            )
                        )
                        session.commit()
                    count += 1
    seconds = time.perf_counter() - t0
    engine.dispose()
    return seconds, count


# ------------------------------------------------------------------ the benchmark


def measure(small: bool = False, *, postgres_url: str | None = None) -> dict:
    """Make the chain, then time `coop index` (SQLite; PostgreSQL too when `postgres_url`, by
    default BENCH_POSTGRES_URL or TEST_POSTGRES_URL, names a server where the role may create
    databases), audit its index, and time the baseline."""
    postgres_url = postgres_url or postgres_admin_url()
    members = 40 if small else 1500
    tmp = Path(tempfile.mkdtemp(prefix="coop-bench-indexer-"))
    try:
        return _measure(members, tmp, postgres_url)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _measure(members: int, tmp: Path, postgres_url: str | None) -> dict:
    deployment, chain_facts = make_chain(members, tmp / "deployments")
    deployment_file = next((tmp / "deployments").glob("*.json"))
    rpc = web3.provider.endpoint_uri
    settings = Settings()
    ranges = index_ranges(deployment.start_block, chain_facts["head"], settings)

    index_url = f"sqlite:///{tmp / 'index.db'}"
    index_s, index_rows = time_coop_index(index_url, deployment_file, rpc)
    engine = make_engine(index_url)
    try:
        w3 = Web3(HTTPProvider(rpc, request_kwargs={"timeout": 30}))
        t0 = time.perf_counter()
        report = run_audit(w3=w3, engine=engine, deployment=deployment)
        audit_s = time.perf_counter() - t0
    finally:
        engine.dispose()

    base_url = f"sqlite:///{tmp / 'baseline.db'}"
    base_s, base_rows = naive_baseline(rpc, deployment, base_url, ranges)
    result: dict[str, Any] = {
        "events": chain_facts["events"],
        "blocks": chain_facts["blocks"],
        "transactions": chain_facts["transactions"],
        "members": members,
        "ranges": len(ranges),
        "chunk_size": settings.chunk_size,
        "max_chunk_size": settings.max_chunk_size,
        "index_events": index_rows,
        "index_seconds": round(index_s, 3),
        "events_per_s": round(index_rows / index_s, 1),
        "baseline_events": base_rows,
        "baseline_seconds": round(base_s, 3),
        "baseline_events_per_s": round(base_rows / base_s, 1),
        "ratio": round((index_rows / index_s) / (base_rows / base_s), 2),
        "audit_ok": report.ok,
        "audit_compared": sum(c.compared for c in report.checks),
        "audit_differences": [d for c in report.checks for d in c.differences][:5],
        "audit_seconds": round(audit_s, 2),
        "chain_seconds": round(chain_facts["seconds"], 1),
    }
    if postgres_url:
        with scratch_postgres_database(postgres_url, "coop_bench") as pg_url:
            pg_s, pg_rows = time_coop_index(pg_url, deployment_file, rpc)
        result.update(
            {
                "postgres_events": pg_rows,
                "postgres_seconds": round(pg_s, 3),
                "postgres_events_per_s": round(pg_rows / pg_s, 1),
                "postgres_ratio": round((pg_rows / pg_s) / (base_rows / base_s), 2),
            }
        )
    return result


def write(r: dict) -> None:
    update_results("indexer", r)
    rows = [
        [
            "`coop index`, SQLite",
            f"{r['index_events']:,}",
            f"{r['index_seconds']:.2f}",
            f"{r['events_per_s']:,.0f}",
            f"{r['ratio']:.1f} × (target ≥ 3 ×)",
        ],
    ]
    if "postgres_events_per_s" in r:
        rows.append(
            [
                "`coop index`, PostgreSQL",
                f"{r['postgres_events']:,}",
                f"{r['postgres_seconds']:.2f}",
                f"{r['postgres_events_per_s']:,.0f}",
                f"{r['postgres_ratio']:.1f} ×",
            ]
        )
    rows.append(
        [
            "naive baseline, SQLite",
            f"{r['baseline_events']:,}",
            f"{r['baseline_seconds']:.2f}",
            f"{r['baseline_events_per_s']:,.0f}",
            "1 ×",
        ]
    )
    md = table(["backfill from empty", "events", "seconds", "events/s", "vs baseline"], rows)
    audit = "passed" if r["audit_ok"] else "FAILED"
    pg = ", and again into an empty PostgreSQL database" if "postgres_events" in r else ""
    paragraph = (
        f"A local anvil chain holding {r['events']:,} co-op events in {r['blocks']:,} blocks "
        f"({r['transactions']:,} transactions: {r['members']:,} members join, six proposals are "
        "voted on by every member, the treasurer records points for every member in four rounds, "
        "members buy, redeem and leave, the period closes, a surplus is allocated and every "
        "member claims). `coop index` is timed as a user runs it, in its own process from "
        "start-up to exit (imports and schema migration included), into an empty SQLite file"
        f"{pg}; it writes every projection table "
        "(register, share movements, votes, points, claims...) besides its event log, and "
        f"`coop audit`'s reconciliation then {audit} on the SQLite index "
        f"({r['audit_compared']:,} values compared with the contracts' view calls). The naive "
        "baseline runs in the benchmark's process over the same block ranges "
        f"({r['ranges']} ranges, {r['chunk_size']:,} blocks doubling up to "
        f"{r['max_chunk_size']:,}): web3.py's `contract.events.<Event>.get_logs` for every event "
        "type of the four contracts, and each decoded event saved as the same raw_event row the "
        "indexer writes, into an empty SQLite database with the same schema (migrated inside the "
        "timed span) and engine settings, with one ORM insert and one commit per event; it "
        "writes no projection table. Both read the same anvil over HTTP."
    )
    replace_block("indexer", f"{md}\n\n{paragraph}\n\n{footer()}")
    print(md)


def main() -> None:
    r = measure(small=small())
    print(r)
    write(r)
