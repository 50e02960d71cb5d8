"""The indexer under stress: killed in the middle of a backfill, reorganisations, a stingy and
flaky provider. Each test compares the index with a clean index of the same chain, made into a
second database of the same kind (SQLite file or PostgreSQL database), row by row.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlmodel import Session, select
from web3 import HTTPProvider, Web3

from dao import tables as t
from dao.indexer import Indexer
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
from tests.indexer._rpc_proxy import FAULTS, FlakyRpcProxy
from tests.indexer.conftest import (
    ROOT,
    assert_audit_passes,
    coop_cli,
    load_deployment,
    make_indexer,
    rpc_url,
)


@pytest.fixture
def raw():
    chain = RawChain(rpc_url())
    yield chain
    chain.http.close()


def _logs(raw: RawChain, coop, to_block: int) -> list[dict]:
    deployment = load_deployment(coop)
    return raw.logs(deployment.addresses.values(), deployment.start_block, to_block)


def _proxied_indexer(proxy: FlakyRpcProxy, coop, engine, *, timeout: float = 10, **kw) -> Indexer:
    """An indexer that reaches the chain through `proxy`, with web3's own retries off (the
    indexer's must cope with every failure) and a short back-off."""
    provider = HTTPProvider(
        proxy.url, request_kwargs={"timeout": timeout}, exception_retry_configuration=None
    )
    options = {"retries": 10, "backoff": 0.01, **kw}
    return Indexer(w3=Web3(provider), engine=engine, deployment=load_deployment(coop), **options)


# ------------------------------------------------------------------ 1. crash and resume


def test_backfill_killed_twice_resumes_to_the_same_index(
    indexed_coop, db_url, engine, other_engine, raw
):
    coop = indexed_coop
    deployment = load_deployment(coop)
    members = addresses("resume", 1000)
    raw.fund(members)
    activity = Activity(coop)
    before = raw.head()
    raw.send(busy_coop_txs(activity, members), per_block=5)
    head = raw.head()
    logs = _logs(raw, coop, head)
    assert sum(1 for x in logs if int(x["blockNumber"], 16) > before) == activity.expected_events
    assert len(logs) >= 3000 and head - deployment.start_block >= 200

    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEPLOYMENT_FILE": str(coop.deployment_file),
        "RPC_URL": rpc_url(),
        "CHUNK_SIZE": "4",  # ranges of 4 blocks (20 transactions): about 60 commits
        "MAX_CHUNK_SIZE": "4",
    }
    first = deployment.start_block - 1
    killed_at = []
    for fraction in (0.3, 0.65):
        mark = first + int((head - first) * fraction)
        proc = subprocess.Popen(
            [sys.executable, "-m", "dao.cli", "index", "--quiet"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 120
            while (cursor_of(engine) or 0) < mark:
                assert proc.poll() is None, (
                    f"the indexer ended before it was killed: {proc.stderr.read()!r}"
                )
                assert time.monotonic() < deadline, "the indexer made no progress"
                time.sleep(0.005)
            proc.send_signal(signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
        cursor = cursor_of(engine)
        assert cursor is not None and mark <= cursor < head
        # what is committed is exactly the events up to the cursor: nothing lost, nothing twice
        assert count_raw_events(engine) == sum(
            1 for x in logs if int(x["blockNumber"], 16) <= cursor
        )
        killed_at.append(cursor)
    assert killed_at[0] < killed_at[1]

    # restart and finish: the run indexes exactly the events above the cursor
    result = coop_cli(
        "index", "--quiet", db_url=db_url, deployment_file=coop.deployment_file, env=env
    )
    assert result.returncode == 0, result.stderr
    remaining = sum(1 for x in logs if int(x["blockNumber"], 16) > killed_at[-1])
    assert f"indexed {remaining} events up to block {head}" in result.stdout

    # a clean run in one go, with the default (large) ranges, into another database
    assert make_indexer(coop, other_engine).sync() == len(logs)
    resumed, clean = db_snapshot(engine), db_snapshot(other_engine)
    assert clean["cursor"][1] == head and len(clean["raw_event"]) == len(logs)
    assert len(clean["member_state"]) == 1000 + 100 + 50 + 50
    assert_same_index(resumed, clean)
    assert_audit_passes(db_url, coop)


# ------------------------------------------------------------------ 2. reorganisation


@pytest.mark.parametrize(
    "new_branch",
    [
        "longer",
        "same height",
        "shorter",
    ],
)
def test_reorg_rolls_back_to_the_new_branch(
    new_branch, indexed_coop, db_url, engine, other_engine, raw
):
    coop = indexed_coop
    common, orphans, newcomers = (
        addresses("common", 12),
        addresses("orphan", 10),
        addresses("newcomer", 15),
    )
    raw.fund(common + orphans + newcomers)
    activity = Activity(coop)
    raw.send(activity.join_all(common, lambda i: 3))
    fork = raw.head()
    snapshot = raw.snapshot()

    # the branch that will be dropped: other members join, some buy, some leave
    raw.send(
        [activity.join(a, 2) for a in orphans]
        + [activity.buy(a, 1) for a in common[:4]]
        + [activity.leave(a) for a in common[4:6]]
    )
    raw.mine(10)
    old_head = raw.head()
    old_hashes = {n: raw.block_hash(n) for n in range(fork + 1, old_head + 1)}
    indexer = make_indexer(coop, engine, chunk_size=4, max_chunk_size=8, backoff=0.01)
    indexer.sync()
    with Session(engine) as s:
        indexed = {r.account for r in s.exec(select(t.MemberState))}
    assert set(orphans) <= indexed and indexer.cursor()[0] == old_head

    # the chain goes back to the fork and grows another way
    raw.revert(snapshot)
    assert raw.head() == fork
    raw.send(
        [activity.join(a, 1) for a in newcomers]
        + [activity.redeem(a, 1) for a in common[2:5]]
        + [activity.leave(a) for a in common[8:10]]
    )
    if new_branch == "longer":
        raw.mine(old_head + 5 - raw.head())
    elif new_branch == "same height":
        raw.mine(old_head - raw.head())
    new_head = raw.head()
    assert {
        "longer": new_head > old_head,
        "same height": new_head == old_head,
        "shorter": new_head < old_head,
    }[new_branch]
    assert all(raw.block_hash(n) != h for n, h in old_hashes.items())

    indexer.sync()
    assert indexer.cursor() == (new_head, raw.block_hash(new_head))
    with Session(engine) as s:
        for table in t.PROJECTION_TABLES:
            for row in s.exec(select(table)):
                account = getattr(row, "account", None)
                assert account not in orphans, (
                    f"{table.__name__} row from the dropped branch: {row}"
                )
        blocks = {r.block_number: r.block_hash for r in s.exec(select(t.RawEvent))}
    assert all(raw.block_hash(n) == h for n, h in blocks.items()), (
        "raw events from the dropped branch"
    )

    make_indexer(coop, other_engine).sync()
    assert_same_index(db_snapshot(engine), db_snapshot(other_engine))
    assert_audit_passes(db_url, coop)


# ------------------------------------------------------------------ 3. provider limits


def test_stingy_flaky_provider_every_event_exactly_once(indexed_coop, engine, other_engine, raw):
    coop = indexed_coop
    members = addresses("proxy", 80)
    raw.fund(members)
    activity = Activity(coop)
    txs = busy_coop_txs(activity, members)
    # spread out, with runs of empty blocks between the transactions
    for i in range(0, len(txs), 10):
        raw.send(txs[i : i + 10])
        raw.mine(7)
    head = raw.head()
    logs = _logs(raw, coop, head)
    with FlakyRpcProxy(rpc_url(), max_log_range=5, fault_rate=0.2, seed=20240601) as proxy:
        indexer = _proxied_indexer(proxy, coop, engine, chunk_size=50, max_chunk_size=200)
        events = indexer.sync()
        stats = proxy.stats.copy()
        ranges = list(proxy.forwarded_log_ranges)

    # the limit was hit, and remembered: the indexer does not keep asking for refused ranges
    assert 1 <= stats["refused:eth_getLogs"] <= 8, stats
    assert all(stats[f"fault:{f}"] >= 5 for f in FAULTS), stats
    assert ranges and all(to - frm + 1 <= 5 for frm, to in ranges)
    assert indexer.cursor() == (head, raw.block_hash(head))
    assert events == len(logs) == count_raw_events(engine)
    with Session(engine) as s:
        indexed = sorted((r.block_hash, r.log_index) for r in s.exec(select(t.RawEvent)))
    assert indexed == sorted((x["blockHash"], int(x["logIndex"], 16)) for x in logs)

    make_indexer(coop, other_engine).sync()
    assert_same_index(db_snapshot(engine), db_snapshot(other_engine))


# ------------------------------------------------------------------ 4. regressions
# Each test below reproduces a bug found in the indexer and fixed.


def _small_chain(raw: RawChain, coop, tag: str, n: int = 6) -> list[dict]:
    members = addresses(tag, n)
    raw.fund(members)
    activity = Activity(coop)
    raw.send([activity.join(a, 1 + i % 3) for i, a in enumerate(members)])
    raw.mine(3)
    return _logs(raw, coop, raw.head())


def test_a_time_out_on_a_one_block_range_is_retried(indexed_coop, engine, raw):
    logs = _small_chain(raw, indexed_coop, "timeout")
    with FlakyRpcProxy(rpc_url(), max_log_range=10**6, fault_rate=0, hang_seconds=0.6) as proxy:
        proxy.plan = lambda method, params: (
            "hang" if method == "eth_getLogs" and proxy.stats["fault:hang"] == 0 else None
        )
        indexer = _proxied_indexer(
            proxy, indexed_coop, engine, timeout=0.3, chunk_size=1, max_chunk_size=1
        )
        assert indexer.sync() == len(logs) == count_raw_events(engine)
        assert proxy.stats["fault:hang"] == 1


def test_a_rate_limited_provider_is_waited_for(indexed_coop, engine, raw):
    logs = _small_chain(raw, indexed_coop, "rate")
    with FlakyRpcProxy(rpc_url(), max_log_range=10**6, fault_rate=0) as proxy:
        window: list[float] = []

        def plan(method, params):
            # every request is refused for 0.3 s from the first eth_getLogs on
            if method == "eth_getLogs" and not window:
                window.append(time.monotonic() + 0.3)
            return "rate_limited" if window and time.monotonic() < window[0] else None

        proxy.plan = plan
        indexer = _proxied_indexer(proxy, indexed_coop, engine)
        assert indexer.sync() == len(logs) == count_raw_events(engine)
        assert proxy.stats["fault:rate_limited"] >= 2


def test_block_timestamps_without_block_timestamp_in_logs(indexed_coop, engine, raw):
    _small_chain(raw, indexed_coop, "timestamps")

    def strip(method, params, reply):
        if method == "eth_getLogs":
            for entry in reply.get("result") or []:
                entry.pop("blockTimestamp", None)
        return reply

    with FlakyRpcProxy(rpc_url(), max_log_range=10**6, fault_rate=0) as proxy:
        proxy.transform = strip
        _proxied_indexer(proxy, indexed_coop, engine).sync()
    with Session(engine) as s:
        blocks = s.exec(select(t.IndexedBlock).where(t.IndexedBlock.has_events == True)).all()  # noqa: E712
    assert len(blocks) > 3
    for b in blocks:
        assert b.timestamp == int(
            raw.rpc("eth_getBlockByNumber", hex(b.number), False)["timestamp"], 16
        )
