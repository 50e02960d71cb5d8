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
import uuid
from pathlib import Path

import pytest
from brownie import web3
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dao.contracts import Deployment
from dao.db import make_engine, migrate
from dao.indexer import Indexer
from scripts.deploy import deploy_coop

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://coop:coop@127.0.0.1:5432/postgres"
)


def rpc_url() -> str:
    return web3.provider.endpoint_uri


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'index.db'}"
        return
    admin_url = make_url(PG_ADMIN_URL)
    name = f"coop_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(
            f"PostgreSQL is needed for this test and is not reachable at {PG_ADMIN_URL} ({exc}); "
            "start it (see .ci/run) or point TEST_POSTGRES_URL at a server"
        )
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(db_url):
    migrate(db_url)
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def indexed_coop(admin, treasurer, tmp_path):
    """A freshly deployed co-op and the path of its deployment file."""
    coop = deploy_coop(admin, treasurers=[treasurer], deployments_dir=tmp_path / "deployments")
    files = list((tmp_path / "deployments").glob("*.json"))
    assert len(files) == 1
    coop.deployment_file = files[0]
    return coop


def load_deployment(coop) -> Deployment:
    return Deployment.load(coop.deployment_file)


def make_indexer(coop, engine, **kw) -> Indexer:
    from web3 import HTTPProvider, Web3

    w3 = Web3(HTTPProvider(rpc_url()))
    return Indexer(w3=w3, engine=engine, deployment=load_deployment(coop), **kw)


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
    full_env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEPLOYMENT_FILE": str(deployment_file),
        "RPC_URL": rpc or rpc_url(),
        **(env or {}),
    }
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
