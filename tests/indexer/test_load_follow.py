"""Load: `coop index --follow` (a real subprocess) follows a chain taking a steady stream of votes
while a real uvicorn serves the API to concurrent readers, all on loopback, bounded in count
(320 votes) and time (20 s of stream).

Asserted: no read fails, every vote ends up indexed once, `coop audit` passes, and the index never
lags by more than the confirmation depth plus one poll — in blocks: whenever the API answers, its
indexed block is at least (the head the follower read at its previous poll) - CONFIRMATIONS. The
follower reaches the chain through a loopback proxy that only records the heads it reads.
"""

from __future__ import annotations

import json
import random
import signal
import threading
import time

import httpx
from sqlmodel import Session, func, select

from api.main import create_app
from dao import tables as t
from dao.config import Settings
from scripts.deploy import deploy_coop
from tests.conftest import PRICE, Gov
from tests.indexer._chain import GAS, Activity, RawChain, addresses, cursor_of
from tests.indexer._rpc_proxy import FlakyRpcProxy
from tests.indexer._server import serve
from tests.indexer.conftest import ROOT, admit, cli_env, coop_cli, rpc_url, start_coop_cli

CONFIRMATIONS = 2
POLL = 0.2
MEMBERS, PROPOSALS = 40, 8  # 320 votes
STREAM_SECONDS = 20
READERS = 3


def test_follower_keeps_up_with_a_stream_of_votes_while_the_api_serves_reads(
    admin, alice, treasurer, tmp_path, db_url, engine
):
    coop = deploy_coop(
        admin,
        treasurers=[treasurer],
        deployments_dir=tmp_path / "deployments",
        voting_period=5000,
    )
    deployment_file = next((tmp_path / "deployments").glob("*.json"))
    raw = RawChain(rpc_url())
    members = addresses("load", MEMBERS)
    raw.fund(members)
    activity = Activity(coop)
    raw.send(activity.join_all(members, lambda i: 1), per_block=10)
    coop.membership.join(1, {"from": alice, "value": PRICE})
    admit(coop, alice)
    gov = Gov(coop)
    m = coop.membership
    pids = [
        gov.propose(alice, [(m, 0, m.setShareCap.encode_input(10 + i))], f"Cap {10 + i}")[0]
        for i in range(PROPOSALS)
    ]
    gov.start_voting(pids[-1])
    ballots = [(pid, voter) for pid in pids for voter in members]
    random.Random(7).shuffle(ballots)

    polls: list[tuple[float, int]] = []  # (when the follower's eth_blockNumber was answered, head)
    errors: list[str] = []
    samples: list[tuple[int, int, int]] = []  # (head, indexed block, head at the previous poll)
    reads = {"n": 0}
    done = threading.Event()

    with FlakyRpcProxy(rpc_url(), max_log_range=10**6, fault_rate=0) as proxy:

        def record(method, params, reply):
            if method == "eth_blockNumber" and "result" in reply:
                polls.append((time.monotonic(), int(reply["result"], 16)))

        proxy.after = record
        env = cli_env(
            db_url,
            deployment_file,
            proxy.url,
            CONFIRMATIONS=str(CONFIRMATIONS),
            POLL_INTERVAL=str(POLL),
        )
        follower = start_coop_cli("index", "--follow", "--quiet", env=env)
        app = create_app(
            Settings(database_url=db_url, deployment_file=deployment_file, rpc_url=rpc_url())
        )
        try:
            with serve(app) as base:

                def reader(seed: int) -> None:
                    rng = random.Random(seed)
                    chain = RawChain(rpc_url())
                    with httpx.Client(base_url=base, timeout=30) as http:
                        while not done.is_set():
                            before = time.monotonic()
                            head = chain.head()
                            path = rng.choice(
                                [
                                    "/api/summary",
                                    "/api/proposals?limit=10",
                                    f"/api/proposals/{rng.choice(pids)}",
                                    "/api/events?event=VoteCast&limit=20",
                                    "/api/members?limit=20",
                                ]
                            )
                            try:
                                r = http.get(path)
                                s = http.get("/api/summary")
                            except httpx.HTTPError as exc:
                                errors.append(f"{path}: {exc!r}")
                                continue
                            reads["n"] += 2
                            for resp in (r, s):
                                if resp.status_code != 200:
                                    errors.append(
                                        f"{resp.url}: {resp.status_code} {resp.text[:200]}"
                                    )
                            indexed = (
                                s.json().get("indexed_block") if s.status_code == 200 else None
                            )
                            seen = [h for when, h in list(polls) if when < before]
                            # skip the start: the CLI reads the head once before it follows
                            if indexed is not None and len(seen) >= 3:
                                samples.append((head, indexed, seen[-2]))
                    chain.http.close()

                # the follower has caught up with the set-up (members, proposals) first
                start = raw.head() - CONFIRMATIONS
                catch_up = time.monotonic() + 120
                while (cursor_of(engine) or 0) < start:
                    assert follower.poll() is None, follower.stderr.read()
                    assert time.monotonic() < catch_up, "the follower did not start"
                    time.sleep(0.05)
                threads = [
                    threading.Thread(target=reader, args=(i,), daemon=True) for i in range(READERS)
                ]
                for th in threads:
                    th.start()

                # the stream: one vote a block, paced, bounded in count and time
                governor = coop.governor
                sent = 0
                deadline = time.monotonic() + STREAM_SECONDS
                for pid, voter in ballots:
                    if time.monotonic() > deadline:
                        break
                    raw.rpc(
                        "eth_sendTransaction",
                        {
                            "from": voter,
                            "to": governor.address,
                            "data": governor.castVote.encode_input(pid, sent % 3),
                            "gas": hex(GAS),
                        },
                    )
                    sent += 1
                    time.sleep(0.01)
                raw.mine(CONFIRMATIONS)  # every vote under the confirmation depth
                final = raw.head()
                catch_up = time.monotonic() + 120
                while (cursor_of(engine) or 0) < final - CONFIRMATIONS:
                    assert follower.poll() is None, follower.stderr.read()
                    assert time.monotonic() < catch_up, "the follower did not catch up"
                    time.sleep(0.05)
                done.set()
                for th in threads:
                    th.join(timeout=60)
        finally:
            done.set()
            follower.send_signal(signal.SIGINT)
            try:
                _, err = follower.communicate(timeout=30)
            finally:
                if follower.poll() is None:
                    follower.kill()
                    follower.wait()
    assert follower.returncode == 0, err

    assert not errors, errors[:5]
    assert sent >= 100 and reads["n"] >= 50 and len(samples) >= 20, (sent, reads, len(samples))
    late = [(h, i, p) for h, i, p in samples if i < p - CONFIRMATIONS]
    assert not late, f"the index lagged more than one poll behind: {late[:5]}"
    with Session(engine) as s:
        votes = s.exec(select(func.count()).select_from(t.Vote)).one()
        vote_events = s.exec(
            select(func.count()).select_from(t.RawEvent).where(t.RawEvent.event == "VoteCast")
        ).one()
    assert votes == vote_events == sent == sum(sum(coop.governor.proposalVotes(p)) for p in pids)
    result = coop_cli("audit", db_url=db_url, deployment_file=deployment_file)
    assert result.returncode == 0, result.stdout + result.stderr

    lags = [h - i for h, i, _ in samples]
    per_poll = [h - p for h, _, p in samples]
    report = {
        "votes": sent,
        "reads": reads["n"],
        "lag_samples": len(samples),
        "max_lag_blocks": max(lags),
        "max_blocks_mined_since_previous_poll": max(per_poll),
        "confirmations": CONFIRMATIONS,
        "poll_interval_s": POLL,
    }
    kind = db_url.split(":", 1)[0].split("+", 1)[0]
    out = ROOT / "reports" / f"load_follow-{kind}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"\nload ({kind}): {report}")
    raw.http.close()
