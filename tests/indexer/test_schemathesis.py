"""Schemathesis against the API's own OpenAPI schema (/openapi.json), served by a real uvicorn
over an indexed chain: no 5xx for any generated request, every response matches its schema.

Schemathesis runs from its own venv (.tools/schemathesis, made by `make setup`): its hypothesis clashes
with Brownie's pinned one. The number of cases it ran goes to reports/schemathesis.json.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, datetime

import httpx
from brownie import accounts, chain
from eth_account import Account
from eth_account.messages import encode_defunct

from api.main import create_app
from dao.config import Settings
from tests.indexer._server import serve
from tests.indexer.conftest import ROOT, make_indexer, rpc_url

SCHEMATHESIS = ROOT / ".tools" / "schemathesis" / "bin" / "schemathesis"
REPORTS = ROOT / "reports"
DOMAIN = "coop.test"
MAX_EXAMPLES = 25  # per operation and phase: bounded, and the seed makes a run repeatable
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20261126"))  # another seed explores further


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(
    history, db_url, engine, tmp_path
):
    assert SCHEMATHESIS.exists(), (
        "run `make setup` first: it installs Schemathesis in .tools/schemathesis"
    )
    make_indexer(history, engine).sync()
    relayer = accounts.add()  # a key, no funds: no generated ballot gets as far as spending gas
    app = create_app(
        Settings(
            database_url=db_url,
            deployment_file=history.deployment_file,
            rpc_url=rpc_url(),
            relayer_key=relayer.private_key,
            siwe_domain=DOMAIN,
        )
    )
    kind = db_url.split(":", 1)[0].split("+", 1)[0]
    REPORTS.mkdir(exist_ok=True)
    junit = REPORTS / f"schemathesis-{kind}.xml"
    with serve(app) as base:
        token = _sign_in(base)
        result = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{base}/openapi.json",
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                str(SEED),
                "--workers",
                "1",
                "--phases",
                "examples,coverage,fuzzing",
                "--request-timeout",
                "60",
                "--report",
                "junit",
                "--report-junit-path",
                str(junit),
                "--header",
                f"Authorization: Bearer {token}",  # the profile endpoints past the 401
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=tmp_path,  # Schemathesis keeps a cache folder where it runs
        )
    output = result.stdout + result.stderr
    print(output)
    assert result.returncode == 0, output[-6000:]
    cases = _cases(output)
    assert cases > 0, output[-3000:]
    summary = REPORTS / "schemathesis.json"
    data = json.loads(summary.read_text()) if summary.exists() else {}
    data[kind] = {"cases": cases, "max_examples": MAX_EXAMPLES, "seed": SEED}
    summary.write_text(json.dumps(data, indent=1))
    print(f"schemathesis ({kind}): {cases} cases, no failure")


def _sign_in(base: str) -> str:
    """A SIWE sign-in token of a fresh wallet, with a profile to read."""
    wallet = Account.create()
    nonce = httpx.get(f"{base}/api/auth/nonce").json()["nonce"]
    issued = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    message = (
        f"{DOMAIN} wants you to sign in with your Ethereum account:\n{wallet.address}\n\n"
        f"URI: https://{DOMAIN}\nVersion: 1\nChain ID: {chain.id}\nNonce: {nonce}\n"
        f"Issued At: {issued}"
    )
    signature = Account.sign_message(encode_defunct(text=message), wallet.key).signature
    r = httpx.post(
        f"{base}/api/auth/login",
        json={"message": message, "signature": "0x" + bytes(signature).hex()},
    )
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    profile = {"display_name": "Test", "contact": "test@example.org", "consent": True}
    assert httpx.put(f"{base}/api/profile", json=profile, headers=_bearer(token)).status_code == 200
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _cases(output: str) -> int:
    match = re.search(r"Test cases:\s*\n?\s*(\d+) generated", output)
    if match is None:
        match = re.search(r"(\d+) generated", output)
    return int(match.group(1)) if match else 0


BIG = "9" * 78  # > 2**256 - 1
TOO_BIG_CASES = [
    # (method, path, query or JSON body, status): what Schemathesis and a probe found answered
    # with a 500 (the database or the ABI encoder refused the number) before the bounds
    ("get", "/api/members", {"as_of_block": 2**63}, 422),
    ("get", "/api/members", {"as_of_block": 2**31 - 1}, 200),
    ("get", "/api/claims", {"period_id": 1307674368001}, 422),
    ("get", "/api/contributions", {"period_id": 2**64}, 422),
    ("get", "/api/contributions", {"period_id": 2**31 - 1}, 200),
    ("get", "/api/events", {"offset": 2**63}, 422),
    ("get", "/api/events", {"offset": 2**63 - 1}, 200),
    ("get", "/api/events", {"event": "VoteCast\x00"}, "no 5xx"),  # PostgreSQL: 400, SQLite: 200
    ("get", "/api/proposals/\u00b2/ballot", {"voter": "0x" + "11" * 20, "support": 1}, 422),
    ("post", "/api/tx/propose", {"actions": [{"target": "0x" + "11" * 20, "value": BIG}]}, 422),
    ("post", "/api/tx/vote", {"proposal_id": BIG, "support": 1}, 422),
    ("post", "/api/tx/claim", {"period_id": 2**256}, 422),
    ("post", "/api/tx/close-period", {"period_id": 2**256}, 422),
    (
        "post",
        "/api/tx/record-points",
        {"period_id": 1, "accounts": ["0x" + "11" * 20], "points": ["\u00b2"]},
        422,
    ),
    (
        "post",
        "/api/tx/record-points",
        {"period_id": 1, "accounts": ["0x" + "11" * 20], "points": [BIG]},
        422,
    ),
    (
        "post",
        "/api/tx/allocation-proposal",
        {
            "period_id": 1,
            "amount": BIG,
            "reserve_bps": 1,
            "interest_bps": 1,
            "claim_days": 1,
            "description": "d",
        },
        422,
    ),
]


def test_numbers_out_of_range_are_a_4xx_not_a_500(indexed_coop, db_url, engine):
    from fastapi.testclient import TestClient

    make_indexer(indexed_coop, engine).sync()
    app = create_app(
        Settings(
            database_url=db_url, deployment_file=indexed_coop.deployment_file, rpc_url=rpc_url()
        )
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        for method, path, data, status in TOO_BIG_CASES:
            if method == "get":
                r = client.get(path, params=data)
            else:
                r = client.post(path, json={"description": "d", **data})
            if status == "no 5xx":
                assert r.status_code in (200, 400), (method, path, data, r.text)
                continue
            assert r.status_code == status, (method, path, data, r.text)
            if status >= 400:
                assert isinstance(r.json()["detail"], str) and r.json()["detail"]
