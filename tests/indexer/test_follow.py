"""`coop index --follow` keeps up with new blocks, and Ctrl-C leaves a consistent database."""

import os
import signal
import subprocess
import sys
import time

from brownie import chain
from sqlmodel import Session

from dao import tables as t
from tests.conftest import PRICE, new_account
from tests.indexer.conftest import ROOT, coop_cli, rpc_url


def _cursor(engine):
    with Session(engine) as s:
        c = s.get(t.Cursor, 1)
        return c.block_number if c else None


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_follow_indexes_new_blocks_and_stops_cleanly_on_ctrl_c(indexed_coop, engine, db_url, admin):
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEPLOYMENT_FILE": str(indexed_coop.deployment_file),
        "RPC_URL": rpc_url(),
        "POLL_INTERVAL": "0.2",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "dao.cli", "index", "--follow", "--quiet"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for(lambda: _cursor(engine) is not None and _cursor(engine) >= chain.height)
        for _ in range(5):
            who = new_account(admin, 10**17)
            indexed_coop.membership.join(1, {"from": who, "value": PRICE})
        head = chain.height
        assert _wait_for(lambda: (_cursor(engine) or 0) >= head), "the follower did not catch up"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "index at block" in err
    result = coop_cli("audit", db_url=db_url, deployment_file=indexed_coop.deployment_file)
    assert result.returncode == 0, result.stdout
    assert indexed_coop.membership.memberCount() == 5
