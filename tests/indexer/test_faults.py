"""Fault injection beyond test_resilience.py: the database locked by another writer or its
connection killed in the middle of a range, `coop index` SIGKILLed at random points many times,
a reorganisation deeper than the confirmation depth under a running follower, and an RPC outage
while following. After each the indexer recovers by itself (or stops with a clear error and
resumes), the index equals a clean index of the same chain row by row, and `coop audit` passes.

Every test counts the faults it injected (and asserts they happened): `FAULTS` collects them,
written to reports/faults.json at the end of the module for the notes.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import create_engine, event, text
from sqlmodel import Session, select

from dao import tables as t
from dao.db import make_engine, migrate
from dao.indexer import IndexerError
from tests.indexer._chain import (
    Activity,
    RawChain,
    addresses,
    assert_same_index,
    busy_coop_txs,
    count_raw_events,
    cursor_of,
    db_snapshot,
)
from tests.indexer._rpc_proxy import FlakyRpcProxy
from tests.indexer.conftest import (
    PG_ADMIN_URL,
    ROOT,
    assert_audit_passes,
    cli_env,
    coop_cli,
    load_deployment,
    make_indexer,
    rpc_url,
    start_coop_cli,
)

FAULTS: Counter[str] = Counter()
REPORT = ROOT / "reports" / "faults.json"


@pytest.fixture(scope="module", autouse=True)
def _report_faults():
    yield
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(dict(sorted(FAULTS.items())), indent=1))
    print("\nfaults injected and survived:", dict(sorted(FAULTS.items())))


@pytest.fixture
def raw():
    chain = RawChain(rpc_url())
    yield chain
    chain.http.close()


def _busy_chain(raw: RawChain, coop, tag: str, n: int, per_block: int = 1) -> list[dict]:
    members = addresses(tag, n)
    raw.fund(members)
    raw.send(busy_coop_txs(Activity(coop), members), per_block=per_block)
    deployment = load_deployment(coop)
    return raw.logs(deployment.addresses.values(), deployment.start_block, raw.head())


def _same_as_clean(coop, engine, other_engine, to_block: int | None = None) -> None:
    make_indexer(coop, other_engine).sync(to_block=to_block)
    assert_same_index(db_snapshot(engine), db_snapshot(other_engine))


def _no_duplicates(engine) -> None:
    with Session(engine) as s:
        keys = [(r.block_hash, r.log_index) for r in s.exec(select(t.RawEvent))]
    assert len(keys) == len(set(keys)), "an event was indexed twice"


def _cursor(engine) -> tuple[int, str] | None:
    with Session(engine) as s:
        c = s.get(t.Cursor, 1)
        return None if c is None else (c.block_number, c.block_hash)


def _wait_for(predicate, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc is not None:
            assert proc.poll() is None, f"the indexer ended: {proc.stderr.read()!r}"
        assert time.monotonic() < deadline, "timed out waiting for the indexer"
        time.sleep(0.05)


# ------------------------------------------------------------------ 1. SQLite locked


def test_sqlite_locked_by_another_writer_mid_range(indexed_coop, tmp_path, raw):
    """Another writer (the API writes sign-in nonces into the same file) holds SQLite's write lock
    while a range is being written: shortly (the write waits), past the busy time-out (the range
    is rolled back and written again), and for good (a clear error, nothing half-written; the
    next run resumes)."""
    coop = indexed_coop
    logs = _busy_chain(raw, coop, "sqlite-lock", 40)
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    migrate(url)
    engine = make_engine(url, busy_timeout=0.3)
    path = str(tmp_path / "locked.db")
    # range number -> seconds the lock is held: under the busy time-out, then past it
    plan = {3: 0.2, 6: 0.6, 9: 1.5}
    state = {"range": 0, "locked": 0, "writes": 0}

    def hold_lock(seconds: float) -> None:
        """Another writer takes the write lock (and writes a nonce, as the API would) for a while."""
        locked = threading.Event()

        def writer():
            conn = sqlite3.connect(path, timeout=5, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO siwe_nonce (nonce, created_at, used) VALUES (?, ?, 0)",
                (f"n{state['range']:08d}", int(time.time())),
            )
            locked.set()
            time.sleep(seconds)
            conn.execute("ROLLBACK")
            conn.close()

        threading.Thread(target=writer, daemon=True).start()
        assert locked.wait(10)
        state["locked"] += 1

    @event.listens_for(engine, "begin")
    def _new_transaction(conn):
        state["writes"] = 0

    @event.listens_for(engine, "before_cursor_execute")
    def _lock_mid_range(conn, cursor, statement, params, context, executemany):
        # the range's first write (its reads are done): the other writer is quicker
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            state["writes"] += 1
            if state["writes"] == 1:
                state["range"] += 1
                if state["range"] in plan:
                    hold_lock(plan.pop(state["range"]))

    indexer = make_indexer(coop, engine, chunk_size=3, max_chunk_size=3, backoff=0.05)
    assert indexer.sync() == len(logs)
    assert state["locked"] == 3
    FAULTS["sqlite locked by another writer mid-range, then released"] += 3

    # locked for good: a clear error, nothing of the range written
    head = raw.head()
    _busy_chain(raw, coop, "sqlite-lock-2", 5)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    stuck = make_indexer(coop, engine, retries=2, backoff=0.05)
    with pytest.raises(IndexerError, match="database keeps failing to write blocks .*locked"):
        stuck.sync()
    FAULTS["sqlite locked for good: clear error"] += 1
    assert cursor_of(engine) == head
    blocker.execute("ROLLBACK")
    blocker.close()
    stuck.sync()
    assert cursor_of(engine) == raw.head()
    _no_duplicates(engine)
    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    migrate(clean_url)
    clean = make_engine(clean_url)
    _same_as_clean(coop, engine, clean)
    assert_audit_passes(url, coop)
    for e in (engine, clean):
        e.dispose()


# ------------------------------------------------------------------ 2. PostgreSQL connection killed


def test_postgresql_connection_killed_mid_range(indexed_coop, tmp_path, raw):
    """pg_terminate_backend on the indexer's connection: before the first write of a range, in the
    middle of its writes, just before its COMMIT, and while idle in the pool between ranges."""
    from tests.indexer.conftest import fresh_database, migrated_engine

    coop = indexed_coop
    logs = _busy_chain(raw, coop, "pg-kill", 40)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with fresh_database("postgresql", tmp_path, "index") as url, migrated_engine(url) as engine:
        state = {"in_tx": 0, "first": 0, "third": 0, "commits": 0, "ranges": 0}
        killed: Counter[str] = Counter()

        def kill(pid: int, where: str) -> None:
            with admin.connect() as conn:
                assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
            killed[where] += 1

        @event.listens_for(engine, "begin")
        def _new_transaction(conn):
            state["in_tx"] = 0

        @event.listens_for(engine, "before_cursor_execute")
        def _kill_mid_range(conn, cursor, statement, params, context, executemany):
            if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                state["in_tx"] += 1
                if state["in_tx"] == 1:
                    state["first"] += 1
                    if state["first"] in (2, 8):
                        kill(cursor.connection.info.backend_pid, "first write of a range")
                elif state["in_tx"] == 3:
                    state["third"] += 1
                    if state["third"] in (4, 10):
                        kill(cursor.connection.info.backend_pid, "middle of a range")

        @event.listens_for(engine, "commit")
        def _kill_before_commit(conn):
            state["commits"] += 1
            if state["commits"] in (5, 9):
                kill(conn.connection.dbapi_connection.info.backend_pid, "just before COMMIT")

        indexer = make_indexer(coop, engine, chunk_size=2, max_chunk_size=2, backoff=0.02)

        def on_progress(p):
            state["ranges"] += 1
            if state["ranges"] in (7, 20):
                # the pooled connection is idle now: kill it between two ranges
                with engine.connect() as conn:
                    pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                kill(pid, "idle in the pool")

        assert indexer.sync(on_progress=on_progress) == len(logs)
        assert killed == {
            "first write of a range": 2,
            "middle of a range": 2,
            "just before COMMIT": 2,
            "idle in the pool": 2,
        }, killed
        for where, n in killed.items():
            FAULTS[f"postgresql connection killed: {where}"] += n
        _no_duplicates(engine)
        with fresh_database("postgresql", tmp_path, "clean") as clean_url:
            with migrated_engine(clean_url) as clean:
                _same_as_clean(coop, engine, clean)
        assert_audit_passes(url, coop)
    admin.dispose()


# ------------------------------------------------------------------ 3. SIGKILL at random points

KILLS = 8


def test_coop_index_sigkilled_at_random_points_resumes_exactly(
    indexed_coop, db_url, engine, other_engine, raw
):
    """`coop index` killed with SIGKILL 8 times, at random moments (the first ones during start-up
    and schema migration, the others during the backfill), then run to the end: every event once."""
    coop = indexed_coop
    logs = _busy_chain(raw, coop, "sigkill", 150)
    raw.mine(150)  # and a run of empty blocks: a range costs a commit either way
    head = raw.head()
    env = cli_env(db_url, coop.deployment_file, CHUNK_SIZE="1", MAX_CHUNK_SIZE="1")
    rng = random.Random(20261126)
    cursors = []
    for i in range(KILLS):
        proc = start_coop_cli("index", "--quiet", env=env)
        try:
            # a random moment: a random time into the run (the first two: importing, migrating)
            # or a random number of ranges further, whichever comes first
            before = cursor_of(engine) or 0
            ranges = rng.randint(1, 30)
            deadline = time.monotonic() + (rng.uniform(0.3, 1.2) if i < 2 else 60)
            while time.monotonic() < deadline and (cursor_of(engine) or 0) < before + ranges:
                assert proc.poll() is None, proc.stderr.read()
                time.sleep(0.005)
            alive = proc.poll() is None
            proc.send_signal(signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
            proc.stderr.close()
        assert alive, "the indexer finished before it could be killed: make the chain longer"
        FAULTS["coop index SIGKILLed"] += 1
        cursor = cursor_of(engine)
        cursors.append(cursor)
        if cursor is not None:
            assert cursor < head
            # committed is exactly the events up to the cursor: nothing lost, nothing twice
            assert count_raw_events(engine) == sum(
                1 for x in logs if int(x["blockNumber"], 16) <= cursor
            )
            _no_duplicates(engine)
    assert [c for c in cursors if c is not None] == sorted(c for c in cursors if c is not None)

    result = coop_cli(
        "index", "--quiet", db_url=db_url, deployment_file=coop.deployment_file, env=env
    )
    assert result.returncode == 0, result.stderr
    assert cursor_of(engine) == head
    _same_as_clean(coop, engine, other_engine)
    assert_audit_passes(db_url, coop)


# ------------------------------------------------------------------ 4. deep reorganisation


def test_reorg_deeper_than_confirmations_under_a_running_follower(
    indexed_coop, db_url, engine, other_engine, raw
):
    """CONFIRMATIONS=2 and the chain drops its last 12 blocks (indexed ones among them) for a
    longer branch: the follower rolls back to the fork and follows the new branch by itself."""
    coop = indexed_coop
    confirmations = 2
    common, orphans, newcomers = (
        addresses("deep-common", 8),
        addresses("deep-orphan", 6),
        addresses("deep-new", 9),
    )
    raw.fund(common + orphans + newcomers)
    activity = Activity(coop)
    raw.send(activity.join_all(common, lambda i: 2))
    fork = raw.head()
    snapshot = raw.snapshot()
    raw.send([activity.join(a, 1) for a in orphans] + [activity.leave(a) for a in common[:2]])
    raw.mine(4)
    old_head = raw.head()
    assert old_head - fork > confirmations + 5

    env = cli_env(
        db_url, coop.deployment_file, CONFIRMATIONS=str(confirmations), POLL_INTERVAL="0.1"
    )
    proc = start_coop_cli("index", "--follow", "--quiet", env=env)
    try:
        _wait_for(lambda: cursor_of(engine) == old_head - confirmations, proc=proc)
        with Session(engine) as s:
            assert {r.account for r in s.exec(select(t.MemberState))} >= set(orphans)
        raw.revert(snapshot)  # 12 blocks gone, 8 of them indexed
        FAULTS["reorg deeper than CONFIRMATIONS under --follow"] += 1
        raw.send(
            [activity.join(a, 3) for a in newcomers] + [activity.buy(a, 1) for a in common[4:]]
        )
        raw.mine(3)
        new_head = raw.head()
        assert new_head > old_head
        target = new_head - confirmations
        _wait_for(lambda: _cursor(engine) == (target, raw.block_hash(target)), proc=proc)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    with Session(engine) as s:
        accounts = {r.account for r in s.exec(select(t.MemberState))}
    assert not accounts & set(orphans) and set(newcomers) <= accounts
    _no_duplicates(engine)
    _same_as_clean(coop, engine, other_engine, to_block=target)
    assert_audit_passes(db_url, coop)


# ------------------------------------------------------------------ 5. RPC outage while following

OUTAGE = ("drop", "http503", "garbage", "rate_limited", "hang")


def test_rpc_outage_while_following_is_waited_out(indexed_coop, db_url, engine, other_engine, raw):
    """The provider stops answering properly for a while (connections dropped, 503s, bodies that
    are not JSON, rate limiting, stalls) while `coop index --follow` runs and blocks keep coming:
    the follower waits it out and catches up."""
    coop = indexed_coop
    _busy_chain(raw, coop, "outage-1", 10)
    with FlakyRpcProxy(rpc_url(), max_log_range=10**6, fault_rate=0, hang_seconds=0.5) as proxy:
        # once on: 24 requests of which 2 in 3 fail (never more than 2 in a row, so each
        # call gets through within the CLI's back-off), cycling through the kinds of failure
        outage = {"on": False, "seen": 0}
        faults = iter(OUTAGE * 100)

        def plan(method, params):
            if not outage["on"] or outage["seen"] >= 24:
                return None
            outage["seen"] += 1
            return next(faults) if outage["seen"] % 3 else None

        proxy.plan = plan
        env = cli_env(db_url, coop.deployment_file, proxy.url, POLL_INTERVAL="0.1")
        proc = start_coop_cli("index", "--follow", "--quiet", env=env)
        try:
            _wait_for(lambda: cursor_of(engine) == raw.head(), proc=proc)
            outage["on"] = True
            _busy_chain(raw, coop, "outage-2", 10)  # blocks keep coming during the outage
            head = raw.head()
            _wait_for(lambda: outage["seen"] >= 24 and cursor_of(engine) == head, proc=proc)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 0, err
        stats = proxy.stats.copy()
    injected = {f: stats[f"fault:{f}"] for f in OUTAGE}
    assert outage["seen"] == 24 and all(n >= 3 for n in injected.values()), stats
    for f, n in injected.items():
        FAULTS[f"rpc {f} while following"] += n
    _no_duplicates(engine)
    _same_as_clean(coop, engine, other_engine, to_block=head)
    assert_audit_passes(db_url, coop)


def test_rpc_down_for_good_stops_with_a_clear_error_and_resumes(indexed_coop, engine, raw):
    logs = _busy_chain(raw, indexed_coop, "down", 6)
    with FlakyRpcProxy(rpc_url(), max_log_range=10**6, fault_rate=1.0) as proxy:
        from web3 import HTTPProvider, Web3

        from dao.indexer import Indexer

        w3 = Web3(HTTPProvider(proxy.url, exception_retry_configuration=None))
        indexer = Indexer(
            w3=w3, engine=engine, deployment=load_deployment(indexed_coop), retries=3, backoff=0.01
        )
        with pytest.raises(IndexerError, match="RPC endpoint keeps failing after 4 attempts"):
            indexer.sync()
        FAULTS["rpc down for good: clear error"] += 1
        assert cursor_of(engine) is None and count_raw_events(engine) == 0
        proxy.fault_rate = 0  # back up
        assert indexer.sync() == len(logs)
    _no_duplicates(engine)


@pytest.mark.parametrize(
    "url,needle",
    [
        # nothing listens on port 1 of the loopback: refused at once
        ("postgresql+psycopg://coop:coop@127.0.0.1:1/coop", "connection"),
        ("sqlite:///{tmp}/no/such/folder/index.db", "unable to open database file"),
    ],
)
def test_an_unreachable_database_is_a_clear_error(indexed_coop, tmp_path, url, needle):
    for command in (["index", "--quiet"], ["audit"]):
        result = coop_cli(
            *command,
            db_url=url.format(tmp=tmp_path),
            deployment_file=indexed_coop.deployment_file,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert "error: cannot use the database" in result.stderr and needle in result.stderr
        assert "Traceback" not in result.stderr
        FAULTS["database unreachable at start: clear error"] += 1
