"""Fixtures for the index tests: a real chain (Brownie's anvil), a deployed co-op with its
deployment file, and a real database — every test runs on SQLite and on PostgreSQL.

PostgreSQL: TEST_POSTGRES_URL names a server and a role that may create databases
(default postgresql+psycopg://coop:coop@127.0.0.1:5432/postgres, which .ci/run sets up); each
test gets a database of its own, dropped afterwards. If the server cannot be reached the tests
fail, they are not skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from brownie import accounts, chain, web3
from sqlalchemy.engine import Engine

from dao.contracts import Deployment
from dao.db import make_engine, migrate, scratch_postgres_database
from dao.indexer import Indexer
from scripts.deploy import deploy_coop
from tests.conftest import DAY, FOR, PRICE, Gov

E18 = 10**18

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://coop:coop@127.0.0.1:5432/postgres"
)


def rpc_url() -> str:
    return web3.provider.endpoint_uri


@contextmanager
def fresh_database(kind: str, tmp_path: Path, stem: str) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file, or a PostgreSQL database of its own,
    dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / f'{stem}.db'}"
        return
    with ExitStack() as stack:
        try:
            url = stack.enter_context(scratch_postgres_database(PG_ADMIN_URL, "coop_test"))
        except Exception as exc:  # noqa: BLE001
            pytest.fail(
                f"PostgreSQL is needed for this test and is not reachable at {PG_ADMIN_URL} "
                f"({exc}); start it (see .ci/run) or point TEST_POSTGRES_URL at a server"
            )
        yield url


@contextmanager
def migrated_engine(url: str) -> Iterator[Engine]:
    migrate(url)
    eng = make_engine(url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    with fresh_database(request.param, tmp_path, "index") as url:
        yield url


@pytest.fixture
def engine(db_url):
    with migrated_engine(db_url) as eng:
        yield eng


@pytest.fixture
def other_db_url(db_url, tmp_path):
    """A second, empty database of the same kind as `db_url`, for a clean index to compare with."""
    with fresh_database(db_url.split(":", 1)[0].split("+", 1)[0], tmp_path, "clean") as url:
        yield url


@pytest.fixture
def other_engine(other_db_url):
    with migrated_engine(other_db_url) as eng:
        yield eng


@pytest.fixture
def indexed_coop(admin, treasurer, tmp_path):
    """A freshly deployed co-op and the path of its deployment file."""
    coop = deploy_coop(admin, treasurers=[treasurer], deployments_dir=tmp_path / "deployments")
    files = list((tmp_path / "deployments").glob("*.json"))
    assert len(files) == 1
    coop.deployment_file = files[0]
    return coop


def admit(coop, *applicants, attestation: bytes = b"\x00" * 32):
    """The governance (the impersonated timelock) admits pending applications at once."""
    timelock = accounts.at(coop.timelock.address, force=True)
    if timelock.balance() < 10**18:
        accounts[0].transfer(timelock, 10 * 10**18)
    return coop.membership.admitMany(
        list(applicants), [attestation] * len(applicants), {"from": timelock}
    )


def join_and_admit(coop, members) -> None:
    """`members` ((account, shares) pairs) join; the founder is admitted at once, the others'
    applications by the governance."""
    m = coop.membership
    applicants = []
    for who, shares in members:
        m.join(shares, {"from": who, "value": shares * PRICE})
        if m.member(who)[0] == 1:  # pending
            applicants.append(who)
    if applicants:
        admit(coop, *applicants)


def load_deployment(coop) -> Deployment:
    return Deployment.load(coop.deployment_file)


def make_indexer(coop, engine, **kw) -> Indexer:
    from web3 import HTTPProvider, Web3

    w3 = Web3(HTTPProvider(rpc_url()))
    return Indexer(w3=w3, engine=engine, deployment=load_deployment(coop), **kw)


def cli_env(
    db_url: str, deployment_file: Path, rpc: str | None = None, **extra: str
) -> dict[str, str]:
    """The environment a user gives the `coop` command line (dao/config.py), plus `extra`."""
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEPLOYMENT_FILE": str(deployment_file),
        "RPC_URL": rpc or rpc_url(),
        **extra,
    }


def start_coop_cli(
    *args: str, env: dict[str, str], stdout: int = subprocess.DEVNULL
) -> subprocess.Popen:
    """Start the `coop` command line in the background (stderr piped, as text)."""
    return subprocess.Popen(
        [sys.executable, "-m", "dao.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_audit_passes(db_url: str, coop) -> None:
    """`coop audit` over the index: every check passes."""
    result = coop_cli("audit", db_url=db_url, deployment_file=coop.deployment_file, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "differs" not in result.stdout


def coop_cli(
    *args: str,
    db_url: str,
    deployment_file: Path,
    rpc: str | None = None,
    check: bool = False,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """Run the `coop` command line as a user would, in a separate process."""
    full_env = cli_env(db_url, deployment_file, rpc, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "dao.cli", *args],
        env=full_env,
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
        cwd=ROOT,
    )


def deployment_json(coop) -> dict:
    return json.loads(Path(coop.deployment_file).read_text())


@pytest.fixture
def history(indexed_coop, admin, alice, bob, carol, dave, treasurer, contributor):
    """Join, propose, vote, execute, allocate, claim, sanction — all through real votes."""
    coop = indexed_coop
    m, r = coop.membership, coop.rewards
    gov = Gov(coop)
    join_and_admit(coop, [(who, shares) for shares, who in enumerate((alice, bob, carol, dave), 1)])
    admin.transfer(coop.timelock, 5 * E18)
    chain.mine()
    voters = [alice, bob, carol, dave]
    marks = {"after_joins": chain.height}
    gov.pass_(alice, [(contributor, E18, b"")], voters, "Pay the contributor")
    gov.pass_(alice, [(r, 0, r.openPeriod.encode_input(1000))], voters, "Open period 1")
    r.recordPoints(1, [alice, bob, contributor], [100, 300, 600], b"\x01" * 32, {"from": treasurer})
    m.buyShares(3, {"from": bob, "value": 3 * PRICE})
    chain.mine()
    r.closePeriod(1, {"from": treasurer})
    alloc = r.allocate.encode_input(1, E18, 2000, 500, 30 * DAY)
    gov.pass_(alice, [(r, E18, alloc)], voters, "Share the surplus")
    r.claim(1, {"from": alice})
    r.claim(1, {"from": contributor})
    reason = web3.keccak(text="did not attend")
    until = chain.time() + 40 * DAY
    gov.pass_(
        alice,
        [
            (m, 0, m.warn.encode_input(dave, reason)),
            (m, 0, m.suspend.encode_input(dave, until, reason)),
        ],
        [alice, bob, carol],
        "Sanction dave",
    )
    marks["after_suspension"] = chain.height
    m.requestRedemption(1, {"from": carol})
    m.leave({"from": bob})
    # one defeated and one open proposal
    pid, _ = gov.propose(carol, [(m, 0, m.setShareCap.encode_input(3))], "Lower the cap")
    gov.start_voting(pid)
    coop.governor.castVoteWithReason(pid, 0, "too low", {"from": alice})
    gov.end_voting(pid)
    pid2, _ = gov.propose(alice, [(m, 0, m.setShareCap.encode_input(30))], "Raise the cap")
    gov.start_voting(pid2)
    coop.governor.castVote(pid2, FOR, {"from": carol})
    chain.mine()
    coop.marks = marks
    return coop
