"""Backfill speed of the indexer, in events a second, on a chain with >= 10,000 co-op events.

Not a test (no timing assertion): run it by hand, from the repository root,

    export SOLCX_BINARY_PATH=$PWD/.solcx PATH=$PWD/.venv/bin:$PATH
    python tests/indexer/_measure_backfill.py [--network anvil3] [--members 3400] [--chunk 2000]

It starts the Brownie network's anvil, deploys a co-op, has `--members` accounts join (3 events
each) and some of them buy, redeem or leave, with runs of empty blocks in between, then indexes
the whole chain with the same Indexer settings as `coop index` (CHUNK_SIZE 2000, MAX_CHUNK_SIZE
10000 unless --chunk/--max-chunk) into a fresh SQLite file and a fresh PostgreSQL database
(TEST_POSTGRES_URL, as in the tests), and prints events/s for each.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", default="anvil3")
    parser.add_argument("--members", type=int, default=3400)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--max-chunk", type=int, default=10000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()

    from brownie import network, project

    os.chdir(ROOT)
    coop_project = project.load(str(ROOT), name="CoopProject")
    coop_project.load_config()
    network.connect(args.network)
    # scripts.deploy imports the contract containers from `brownie`
    import brownie

    for name in coop_project.keys():
        setattr(brownie, name, coop_project[name])
    from brownie import accounts, web3
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from web3 import HTTPProvider, Web3

    from dao.contracts import Deployment
    from dao.db import make_engine, migrate
    from dao.indexer import Indexer
    from scripts.deploy import deploy_coop
    from tests.indexer._chain import Activity, RawChain, addresses, busy_coop_txs

    tmp = Path(tempfile.mkdtemp(prefix="coop-measure-"))
    coop = deploy_coop(accounts[0], treasurers=[accounts[5]], deployments_dir=tmp)
    deployment = Deployment.load(next(tmp.glob("*.json")))
    raw = RawChain(web3.provider.endpoint_uri)

    t0 = time.perf_counter()
    members = addresses("measure", args.members)
    raw.fund(members)
    activity = Activity(coop)
    txs = busy_coop_txs(activity, members)
    for start in range(0, len(txs), 50):
        raw.send(txs[start : start + 50], per_block=5)
        raw.mine(20)  # quiet stretches, as on a real chain
    head = raw.head()
    events = len(raw.logs(deployment.addresses.values(), deployment.start_block, head))
    blocks = head - deployment.start_block + 1
    print(
        f"chain: {events} co-op events in {blocks} blocks ({len(txs)} transactions), "
        f"made in {time.perf_counter() - t0:.1f}s"
    )

    pg_admin = make_url(
        os.environ.get(
            "TEST_POSTGRES_URL", "postgresql+psycopg://coop:coop@127.0.0.1:5432/postgres"
        )
    )
    for backend in args.backends.split(","):
        drop = None
        if backend == "sqlite":
            url = f"sqlite:///{tmp / 'measure.db'}"
        else:
            name = f"coop_measure_{uuid.uuid4().hex[:12]}"
            admin = create_engine(pg_admin, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = pg_admin.set(database=name).render_as_string(hide_password=False)

            def drop(admin=admin, name=name):  # type: ignore[no-untyped-def]
                for _ in range(40):
                    try:
                        with admin.connect() as conn:
                            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                        return
                    except Exception:  # noqa: BLE001 - autovacuum still attached
                        time.sleep(0.25)

        try:
            migrate(url)
            engine = make_engine(url)
            indexer = Indexer(
                w3=Web3(HTTPProvider(web3.provider.endpoint_uri, request_kwargs={"timeout": 30})),
                engine=engine,
                deployment=deployment,
                chunk_size=args.chunk,
                max_chunk_size=args.max_chunk,
            )
            t1 = time.perf_counter()
            indexed = indexer.sync()
            seconds = time.perf_counter() - t1
            assert indexed == events, (indexed, events)
            print(
                f"{backend:>10}: {indexed} events, {blocks} blocks in {seconds:.2f}s = "
                f"{indexed / seconds:,.0f} events/s (chunk {args.chunk}..{args.max_chunk})"
            )
            engine.dispose()
        finally:
            if drop is not None:
                drop()
    network.disconnect()


if __name__ == "__main__":
    main()
