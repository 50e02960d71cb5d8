"""The API under load: the main read endpoints over an index of >= 10,000 members, 1,000
proposals and 100,000 votes, served by the real server (uvicorn, `api.main:create_app`) and driven
from a separate process on loopback by concurrent clients for a bounded time.

    brownie run scripts/bench_api.py [--network NAME]      (part of `make bench`)

How the index is built (see BENCHMARKS.md): a real co-op is deployed on the network's chain and
given a real history (members join, a reward period is opened, closed, funded and claimed), which
the real indexer indexes; then the bulk (members, proposals, votes) is made of decoded events at
real block numbers of that chain, fed to the real projection (dao.projection.Projector, which
writes the indexer's rows with one bulk INSERT per table): the index holds the very rows the
indexer would write, for events never emitted on chain. The member endpoint asks the
chain for claimable rewards, so it runs against the real co-op.

SQLite always; PostgreSQL too when BENCH_POSTGRES_URL or TEST_POSTGRES_URL names a server whose
role may create databases. Writes the "api" section of bench/results.json and the "api" block of
BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from eth_utils import keccak, to_checksum_address

from dao.db import scratch_postgres_database
from scripts._bench import (
    ROOT,
    footer,
    postgres_admin_url,
    replace_block,
    small,
    table,
    update_results,
)

# clients at once: enough to keep the one server process busy all the time (more clients only
# queue: in a closed loop, latency ~ clients / throughput)
CONCURRENCY = 4
VOTING_DELAY, VOTING_PERIOD = 1, 50  # blocks, as deployed (scripts/deploy.py DEFAULTS)
E18 = 10**18
PRICE = 10**16
ENDPOINTS = (
    "/api/summary",
    "/api/proposals",
    "/api/proposals/{proposal_id}",
    "/api/members/{address}",
)


@dataclass(frozen=True)
class Sizes:
    members: int
    proposals: int
    votes: int
    seconds: float  # timed run per endpoint


FULL = Sizes(members=10_000, proposals=1_000, votes=100_000, seconds=10)
SMALL = Sizes(members=200, proposals=20, votes=1_000, seconds=2)


# ------------------------------------------------------------------ the chain


def _real_coop(directory: Path) -> tuple[Any, list[str]]:
    """A real co-op with a real history: four members, a reward period opened, closed and funded
    (as governance does, from the timelock), one claim. Returns it and its members."""
    from brownie import accounts

    from scripts.deploy import deploy_coop

    admin, treasurer = accounts[0], accounts[5]
    members = list(accounts[1:5])
    coop = deploy_coop(admin, treasurers=[treasurer], deployments_dir=directory)
    coop.deployment_file = next(directory.glob("*.json"))
    m, r = coop.membership, coop.rewards
    for shares, who in enumerate(members, start=1):
        m.join(shares, {"from": who, "value": shares * PRICE, "silent": True})
    admin.transfer(coop.timelock, 2 * E18, silent=True)
    timelock = accounts.at(coop.timelock.address, force=True)
    r.openPeriod(1000, {"from": timelock, "silent": True})
    r.recordPoints(1, members[:2], [400, 600], b"\x01" * 32, {"from": treasurer, "silent": True})
    r.closePeriod(1, {"from": treasurer, "silent": True})
    r.allocate(1, E18, 2000, 500, 30 * 24 * 3600, {"from": timelock, "value": E18, "silent": True})
    r.claim(1, {"from": members[0], "silent": True})
    return coop, [str(a) for a in members]


def _mine(blocks: int) -> int:
    from brownie import web3

    web3.provider.make_request("anvil_mine", [hex(blocks)])
    return web3.eth.block_number


# ------------------------------------------------------------------ the bulk, as decoded events


@dataclass
class Bulk:
    logs: list[Any]
    members: list[str]
    proposal_ids: list[str]
    first_block: int
    head: int


def _bulk(coop: Any, sizes: Sizes, first_block: int, first_index: int) -> Bulk:
    """Decoded events of `sizes.members` joins (some buy more shares, some leave later),
    `sizes.proposals` proposals (some queued and executed, some canceled, the latest still open)
    and `sizes.votes` votes, at the blocks from `first_block` on; the blocks are mined."""
    from dao.projection import Log

    rng = random.Random(20261126)
    join_span = max(1, sizes.members // 100)  # blocks (anvil takes milliseconds per block)
    step = max(1, 100 // sizes.proposals)  # blocks between proposals
    proposals_from = first_block + join_span + 10
    head = proposals_from + sizes.proposals * step + 5
    mined = _mine(head - _current_block())
    assert mined == head, (mined, head)

    next_index: dict[int, int] = defaultdict(int)
    logs: list[Log] = []
    addresses = {name: c.address for name, c in coop.contracts.items()}

    def emit(role: str, event: str, block: int, **args: Any) -> None:
        index = next_index[block]
        next_index[block] += 1
        logs.append(
            Log(
                role=role,
                event=event,
                args=args,
                address=addresses[role],
                block_number=block,
                block_hash=f"0x{block:064x}",
                log_index=index,
                tx_hash=f"0x{block:032x}{index:032x}",
            )
        )

    members = [
        to_checksum_address(keccak(text=f"bench member {i}")[12:]) for i in range(sizes.members)
    ]
    later = list(range(proposals_from, head))
    leavers = set()
    for i, account in enumerate(members):
        shares = 1 + i % 5
        emit(
            "membership",
            "MemberJoined",
            first_block + i * join_span // sizes.members,
            account=account,
            index=first_index + i,
            shares=shares,
            capital=shares * PRICE,
        )
        if i % 10 == 3:
            emit(
                "membership",
                "SharesPurchased",
                rng.choice(later),
                account=account,
                shares=2,
                amount=2 * PRICE,
                totalShares=shares + 2,
                capital=(shares + 2) * PRICE,
            )
        elif i % 50 == 7:
            leavers.add(account)
            emit(
                "membership",
                "MemberLeft",
                rng.choice(later),
                account=account,
                shares=shares,
                amount=shares * PRICE,
                availableAt=2_000_000_000,
            )
    voters = [a for a in members if a not in leavers]

    membership = coop.membership
    calldata = {
        cap: bytes.fromhex(membership.setShareCap.encode_input(cap)[2:]) for cap in range(10, 100)
    }
    proposal_ids: list[str] = []
    open_for_votes = []
    for p in range(sizes.proposals):
        created = proposals_from + p * step
        pid = int.from_bytes(keccak(text=f"bench proposal {p}"), "big")
        proposal_ids.append(str(pid))
        start, end = created + VOTING_DELAY, created + VOTING_DELAY + VOTING_PERIOD
        emit(
            "governor",
            "ProposalCreated",
            created,
            proposalId=pid,
            proposer=members[p % len(members)],
            targets=[membership.address],
            values=[0],
            signatures=[""],
            calldatas=[calldata[10 + p % 90]],
            voteStart=start,
            voteEnd=end,
            description=f"Proposal {p}: set the share cap to {10 + p % 90}\n\n" + "Why. " * 40,
        )
        if start < head:
            open_for_votes.append((pid, start, min(end, head)))
        if end + 2 <= head and p % 5 == 0:
            emit("governor", "ProposalQueued", end + 1, proposalId=pid, etaSeconds=2_000_000_000)
            emit("governor", "ProposalExecuted", end + 2, proposalId=pid)
        elif p % 20 == 1:
            emit("governor", "ProposalCanceled", start, proposalId=pid)

    per, extra = divmod(sizes.votes, len(open_for_votes))
    for n, (pid, start, end) in enumerate(open_for_votes):
        for voter in rng.sample(voters, per + (n < extra)):
            emit(
                "governor",
                "VoteCast",
                rng.randint(start + 1, max(start + 1, end)),
                voter=voter,
                proposalId=pid,
                support=rng.choice((0, 1, 1, 2)),
                weight=1,
                reason="" if rng.random() < 0.8 else "as discussed at the assembly",
            )
    logs.sort(key=lambda log: (log.block_number, log.log_index))
    return Bulk(logs, members, proposal_ids, first_block, head)


def _current_block() -> int:
    from brownie import web3

    return web3.eth.block_number


# ------------------------------------------------------------------ the index


def _index_chain(url: str, coop: Any, head: int) -> float:
    """The real chain through the real indexer; returns seconds."""
    from web3 import HTTPProvider, Web3

    from dao.contracts import Deployment
    from dao.db import make_engine, migrate
    from dao.indexer import Indexer

    migrate(url)
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        Indexer(
            w3=Web3(HTTPProvider(_rpc_url())),
            engine=engine,
            deployment=Deployment.load(coop.deployment_file),
        ).sync(to_block=head)
        return round(time.perf_counter() - started, 2)
    finally:
        engine.dispose()


def _load_bulk(url: str, bulk: Bulk) -> tuple[float, int]:
    """The bulk's logs through the real projection (dao.projection.Projector, the indexer's: one
    bulk INSERT per table), in one transaction on top of the indexed chain; returns (seconds,
    rows in the index)."""
    from sqlalchemy import func, select, text
    from sqlmodel import Session

    from dao import tables as t
    from dao.db import make_engine
    from dao.projection import Projector

    engine = make_engine(url)
    try:
        started = time.perf_counter()
        with Session(engine) as session, session.no_autoflush:
            Projector(session).apply_all(bulk.logs)
            session.commit()
        if engine.dialect.name == "postgresql":
            # what autovacuum does shortly after a bulk load: fresh planner statistics
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        seconds = round(time.perf_counter() - started, 2)
        with Session(engine) as session:
            rows = sum(
                session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (t.RawEvent, *t.PROJECTION_TABLES)
            )
        return seconds, rows
    finally:
        engine.dispose()


def _rpc_url() -> str:
    from brownie import web3

    return web3.provider.endpoint_uri


# ------------------------------------------------------------------ server and load


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _server(database_url: str, deployment_file: Path) -> Iterator[str]:
    """The real API server (uvicorn, one process) on a free loopback port."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEPLOYMENT_FILE": str(deployment_file),
        "RPC_URL": _rpc_url(),
    }
    env.pop("RELAYER_PRIVATE_KEY", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "api.main:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the API server exited with code {proc.returncode}")
            try:
                if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API server did not answer within 60 s")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _server_kind() -> str:
    import importlib.util

    import uvicorn

    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"uvicorn {uvicorn.__version__}, 1 process, {http}, {loop}"


def _load(base: str, bulk: Bulk, real_members: list[str], sizes: Sizes) -> dict[str, dict]:
    """Run the load generator (scripts/_bench_load.py) in a process of its own."""
    pages = max(1, len(bulk.proposal_ids) // 50)
    paths = [
        ["/api/summary"],
        [f"/api/proposals?offset={50 * i}" for i in range(pages)],
        [f"/api/proposals/{p}" for p in bulk.proposal_ids],
        [f"/api/members/{a}" for a in bulk.members + real_members],
    ]
    plan = {
        "base": base,
        "seconds": sizes.seconds,
        "concurrency": CONCURRENCY,
        "endpoints": dict(zip(ENDPOINTS, paths, strict=True)),
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "_bench_load.py")],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _backend(url: str, coop: Any, bulk: Bulk, real_members: list[str], sizes: Sizes) -> dict:
    """Index the chain, add the bulk, serve and load."""
    build = {"index_chain_s": _index_chain(url, coop, bulk.head)}
    build["project_bulk_s"], build["rows"] = _load_bulk(url, bulk)
    with _server(url, coop.deployment_file) as base:
        endpoints = _load(base, bulk, real_members, sizes)
    return {"endpoints": endpoints, "build": build}


def measure(small: bool = False, postgres_url: str | None = None) -> dict:
    """Build the index, serve it, load it; the "api" section of bench/results.json.

    PostgreSQL too when `postgres_url` (default: BENCH_POSTGRES_URL or TEST_POSTGRES_URL) names
    a server whose role may create databases (each run gets a database of its own)."""
    sizes = SMALL if small else FULL
    tmp = Path(tempfile.mkdtemp(prefix="coop-bench-api-"))
    try:
        coop, real_members = _real_coop(tmp / "deployments")
        bulk = _bulk(coop, sizes, _current_block() + 1, first_index=len(real_members) + 1)
        sqlite = _backend(f"sqlite:///{tmp / 'index.db'}", coop, bulk, real_members, sizes)
        result = {
            "sizes": {
                "members": sizes.members + len(real_members),
                "proposals": sizes.proposals,
                "votes": sizes.votes,
                "events": len(bulk.logs),
            },
            "concurrency": CONCURRENCY,
            "seconds_per_endpoint": sizes.seconds,
            "server": _server_kind(),
            **sqlite,
        }
        pg_admin = postgres_url or postgres_admin_url()
        if pg_admin:
            with scratch_postgres_database(pg_admin, "coop_bench") as url:
                result["postgresql"] = _backend(url, coop, bulk, real_members, sizes)
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ------------------------------------------------------------------ report


def _rows(endpoints: dict[str, dict]) -> list[list]:
    return [
        [
            f"`{name}`",
            f"{e['rps']:,.0f}",
            f"{e['p50_ms']:.1f}",
            f"{e['p99_ms']:.1f}",
            e["errors"],
            f"{e['first_ms']:.0f}",
        ]
        for name, e in endpoints.items()
    ]


def write(api: dict) -> None:
    update_results("api", api)
    header = ["endpoint", "requests/s", "p50 ms", "p99 ms", "errors", "first request ms"]
    parts = ["SQLite:\n\n" + table(header, _rows(api["endpoints"]))]
    if "postgresql" in api:
        parts.append("PostgreSQL:\n\n" + table(header, _rows(api["postgresql"]["endpoints"])))
    s = api["sizes"]
    method = (
        f"**Index**: {s['members']:,} members, {s['proposals']:,} proposals, {s['votes']:,} "
        f"votes ({s['events']:,} events, {api['build']['rows']:,} rows). A real co-op is "
        "deployed on the benchmark's chain with a real history (four members join; a reward "
        "period is opened, closed and funded from the impersonated timelock; one claim), which "
        "the real indexer indexes. The bulk is synthetic: decoded events (joins, share purchases, "
        "departures, proposals, votes, queued/executed/canceled) at real block numbers of that "
        "chain, fed to the real projection (`dao.projection.Projector`, which writes the "
        "indexer's rows with one bulk INSERT per table); so the tables hold the "
        "rows the indexer would write, but those events were never emitted on chain, and the "
        "chain knows only the four real members. The member endpoint asks the chain (the real "
        "co-op's `claimable`) for every funded period, for every member asked.\n\n"
        f"**Load**: the real server ({api['server']}: `uvicorn --factory api.main:create_app`) "
        "on a free loopback port; a separate process (`scripts/_bench_load.py`, asyncio + httpx) "
        f"runs {api['concurrency']} keep-alive clients back to back for "
        f"{api['seconds_per_endpoint']} s per endpoint, each request on a random path (any "
        "proposal id, any member's address, any page of the proposal list). Every latency is "
        "kept; p50/p99 are nearest-rank; errors are non-2xx answers and failed requests. The "
        "server is saturated (closed loop), so latency is about clients / throughput: twice the "
        "clients, about twice the latency. *First request*: before the timed run; the summary "
        "and the proposal list need data derived from the whole index (active members at every "
        "snapshot, every tally), computed once per indexed block and kept until the indexer "
        "moves the cursor (`dao/queries.py`), so it is what the first reader after each new block "
        "waits. Target: p99 under 50 ms."
    )
    replace_block("api", "\n\n".join(parts) + f"\n\n{method}\n\n{footer()}")
    print("\n\n".join(parts))


def main() -> None:
    write(measure(small()))
