"""`coop index --follow` keeps up with new blocks, and Ctrl-C leaves a consistent database."""

import signal
import subprocess
import time

from brownie import chain

from tests.conftest import PRICE, new_account
from tests.indexer._chain import cursor_of
from tests.indexer.conftest import admit, cli_env, coop_cli, start_coop_cli


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_follow_indexes_new_blocks_and_stops_cleanly_on_ctrl_c(indexed_coop, engine, db_url, admin):
    env = cli_env(db_url, indexed_coop.deployment_file, POLL_INTERVAL="0.2")
    proc = start_coop_cli("index", "--follow", "--quiet", env=env, stdout=subprocess.PIPE)
    try:
        assert _wait_for(
            lambda: cursor_of(engine) is not None and cursor_of(engine) >= chain.height
        )
        joined = []
        for _ in range(5):
            who = new_account(admin, 10**17)
            indexed_coop.membership.join(1, {"from": who, "value": PRICE})
            joined.append(who)
        admit(indexed_coop, *joined[1:])  # the first is the founder
        head = chain.height
        assert _wait_for(lambda: (cursor_of(engine) or 0) >= head), "the follower did not catch up"
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
