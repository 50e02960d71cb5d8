"""Sign-In with Ethereum and the off-chain profile: only the owner reads, exports or erases it;
erasure leaves nothing personal in the database; bad sign-ins are refused."""

from datetime import UTC, datetime, timedelta

import pytest
from brownie import chain
from eth_account import Account
from eth_account.messages import encode_defunct
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from api.main import create_app
from dao.config import Settings
from tests.indexer.conftest import rpc_url

DOMAIN = "coop.example"


@pytest.fixture
def client(indexed_coop, db_url, engine):
    app = create_app(
        Settings(
            database_url=db_url,
            deployment_file=indexed_coop.deployment_file,
            rpc_url=rpc_url(),
            siwe_domain=DOMAIN,
        )
    )
    with TestClient(app) as c:
        yield c


def _message(address, nonce, *, domain=DOMAIN, chain_id=None, issued=None, expires=None):
    issued = issued or datetime.now(UTC)
    lines = [
        f"{domain} wants you to sign in with your Ethereum account:",
        address,
        "",
        "Sign in to edit your co-op profile.",
        "",
        f"URI: https://{domain}",
        "Version: 1",
        f"Chain ID: {chain.id if chain_id is None else chain_id}",
        f"Nonce: {nonce}",
        f"Issued At: {issued.isoformat().replace('+00:00', 'Z')}",
    ]
    if expires is not None:
        lines.append(f"Expiration Time: {expires.isoformat().replace('+00:00', 'Z')}")
    return "\n".join(lines)


def _sign(key, message):
    return "0x" + bytes(Account.sign_message(encode_defunct(text=message), key).signature).hex()


def _login(client, wallet, **kw):
    nonce = client.get("/api/auth/nonce").json()["nonce"]
    message = _message(wallet.address, nonce, **kw)
    return client.post(
        "/api/auth/login", json={"message": message, "signature": _sign(wallet.key, message)}
    )


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_only_the_owner_reads_exports_and_erases_the_profile_and_erasure_leaves_nothing(
    client, engine
):
    alice, mallory = Account.create(), Account.create()
    token = _login(client, alice).json()["token"]
    profile = {"display_name": "Alice Martin", "contact": "alice@example.org", "consent": True}
    r = client.put("/api/profile", json=profile, headers=_auth(token))
    assert r.status_code == 200 and r.json()["consent_at"] > 0
    assert client.get("/api/profile", headers=_auth(token)).json()["contact"] == "alice@example.org"
    assert client.get("/api/profile").status_code == 401

    other = _login(client, mallory).json()["token"]
    assert client.get("/api/profile", headers=_auth(other)).status_code == 404  # sees only its own
    assert (
        client.delete("/api/profile", headers=_auth(other)).status_code == 204
    )  # erases only its own
    assert client.get("/api/profile", headers=_auth(token)).json()["display_name"] == "Alice Martin"

    exported = client.get("/api/profile/export", headers=_auth(token))
    assert exported.json()["profile"]["contact"] == "alice@example.org"

    assert client.delete("/api/profile", headers=_auth(token)).status_code == 204
    assert (
        client.get("/api/profile", headers=_auth(token)).status_code == 401
    )  # sessions erased too
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                flat = " ".join(str(v) for v in row)
                assert "Alice Martin" not in flat and "alice@example.org" not in flat, table
                assert alice.address not in flat, table


def test_control_characters_are_refused_in_a_profile(client):
    token = _login(client, Account.create()).json()["token"]
    for bad in ("Zoe\x00", "line\nbreak"):
        r = client.put(
            "/api/profile", json={"display_name": bad, "consent": True}, headers=_auth(token)
        )
        assert r.status_code == 422 and "display_name" in r.json()["detail"]


def test_no_profile_is_stored_without_consent(client):
    token = _login(client, Account.create()).json()["token"]
    r = client.put(
        "/api/profile", json={"display_name": "X", "consent": False}, headers=_auth(token)
    )
    assert r.status_code == 400 and "consent" in r.json()["detail"]


def test_a_replayed_sign_in_is_refused(client):
    wallet = Account.create()
    nonce = client.get("/api/auth/nonce").json()["nonce"]
    message = _message(wallet.address, nonce)
    body = {"message": message, "signature": _sign(wallet.key, message)}
    assert client.post("/api/auth/login", json=body).status_code == 200
    r = client.post("/api/auth/login", json=body)
    assert r.status_code == 401 and "nonce" in r.json()["detail"]


@pytest.mark.parametrize(
    "kw,needle",
    [
        ({"expires": datetime.now(UTC) - timedelta(minutes=1)}, "expired"),
        ({"domain": "evil.example"}, "not for this site"),
        ({"chain_id": 1}, "chain 1"),
        ({"issued": datetime.now(UTC) + timedelta(hours=1)}, "future"),
    ],
)
def test_bad_sign_ins_are_refused(client, kw, needle):
    r = _login(client, Account.create(), **kw)
    assert r.status_code == 401 and needle in r.json()["detail"]


def test_a_message_signed_by_another_wallet_is_refused(client):
    wallet, thief = Account.create(), Account.create()
    nonce = client.get("/api/auth/nonce").json()["nonce"]
    message = _message(wallet.address, nonce)
    r = client.post(
        "/api/auth/login", json={"message": message, "signature": _sign(thief.key, message)}
    )
    assert r.status_code == 401 and "not signed by" in r.json()["detail"]


def test_malformed_sign_ins_are_refused(client):
    assert (
        client.post(
            "/api/auth/login", json={"message": "hello", "signature": "0x" + "00" * 65}
        ).status_code
        == 400
    )
    assert (
        client.post("/api/auth/login", json={"message": "hello", "signature": "0x12"}).status_code
        == 422
    )


def test_an_expired_nonce_and_a_message_not_valid_yet_are_refused(client, engine):
    wallet = Account.create()
    nonce = client.get("/api/auth/nonce").json()["nonce"]
    with engine.begin() as conn:  # issued 11 minutes ago: past its 10 minutes
        conn.execute(
            text("UPDATE siwe_nonce SET created_at = created_at - 660 WHERE nonce = :n"),
            {"n": nonce},
        )
    message = _message(wallet.address, nonce)
    r = client.post(
        "/api/auth/login", json={"message": message, "signature": _sign(wallet.key, message)}
    )
    assert r.status_code == 401 and "expired" in r.json()["detail"]

    nonce = client.get("/api/auth/nonce").json()["nonce"]
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    message = _message(wallet.address, nonce) + f"\nNot Before: {later}"
    r = client.post(
        "/api/auth/login", json={"message": message, "signature": _sign(wallet.key, message)}
    )
    assert r.status_code == 401 and "not valid yet" in r.json()["detail"]


def test_a_token_is_dead_after_logout(client):
    token = _login(client, Account.create()).json()["token"]
    assert client.post("/api/auth/logout", headers=_auth(token)).status_code == 204
    assert client.get("/api/profile", headers=_auth(token)).status_code == 401


def test_personal_data_never_reaches_the_public_record(client, indexed_coop, engine):
    """The profile is not in the exports, the API's public answers or the index tables, and an
    index rollback (reorganisation) leaves it alone."""
    from tests.indexer.conftest import make_indexer

    make_indexer(indexed_coop, engine).sync()
    wallet = Account.create()
    token = _login(client, wallet).json()["token"]
    profile = {"display_name": "Zoe Secret", "contact": "zoe@example.org", "consent": True}
    assert client.put("/api/profile", json=profile, headers=_auth(token)).status_code == 200
    tables = client.get("/api/export").json()["tables"]
    assert not {"member_profile", "siwe_session", "siwe_nonce"} & set(tables)
    assert client.get("/api/export/member_profile.json").status_code == 404
    for name in tables:
        for fmt in ("csv", "json"):
            body = client.get(f"/api/export/{name}.{fmt}").text
            assert "zoe@example.org" not in body and "Zoe Secret" not in body, name
    for path in ("/api/summary", "/api/members", "/api/events", f"/api/members/{wallet.address}"):
        assert "zoe@example.org" not in client.get(path).text, path
    indexer = make_indexer(indexed_coop, engine)
    indexer.rollback(indexer.deployment.start_block - 1)  # the whole index, as a deep reorg would
    assert client.get("/api/profile", headers=_auth(token)).json()["contact"] == "zoe@example.org"
