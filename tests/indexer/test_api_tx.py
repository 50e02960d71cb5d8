"""Unsigned transaction builders: what the API returns, a wallet can send as is."""

import pytest
from brownie import chain, web3
from fastapi.testclient import TestClient

from api.main import create_app
from dao.config import Settings
from tests.conftest import PRICE
from tests.indexer.conftest import admit, rpc_url


@pytest.fixture
def client(indexed_coop, db_url):
    app = create_app(
        Settings(
            database_url=db_url, deployment_file=indexed_coop.deployment_file, rpc_url=rpc_url()
        )
    )
    with TestClient(app) as c:
        yield c


def _send(tx, sender):
    tx_hash = web3.eth.send_transaction(
        {
            "from": sender.address,
            "to": tx["to"],
            "value": int(tx["value"], 16),
            "data": tx["data"],
            "chainId": tx["chainId"],
        }
    )
    return web3.eth.wait_for_transaction_receipt(tx_hash)


def test_join_propose_vote_and_claim_from_built_transactions(client, indexed_coop, alice, bob):
    coop = indexed_coop
    for who in (alice, bob):
        tx = client.post("/api/tx/join", json={"shares": 2}).json()
        assert int(tx["value"], 16) == 2 * PRICE and tx["to"] == coop.membership.address
        assert _send(tx, who).status == 1
    admit(coop, bob)  # alice founded the co-op; bob's application is admitted by governance
    chain.mine()
    body = {
        "actions": [
            {
                "target": coop.membership.address,
                "calldata": coop.membership.setShareCap.encode_input(9),
            }
        ],
        "description": "Cap of 9",
    }
    receipt = _send(client.post("/api/tx/propose", json=body).json(), alice)
    assert receipt.status == 1
    pid = coop.governor.hashProposal(
        [coop.membership.address],
        [0],
        [coop.membership.setShareCap.encode_input(9)],
        web3.keccak(text="Cap of 9"),
    )
    chain.mine(2)
    vote = client.post(
        "/api/tx/vote", json={"proposal_id": str(pid), "support": 1, "reason": "yes"}
    ).json()
    assert _send(vote, bob).status == 1
    assert coop.governor.hasVoted(pid, bob)


@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/tx/join", {"shares": 0}),
        ("/api/tx/vote", {"proposal_id": "x", "support": 1}),
        ("/api/tx/propose", {"actions": [], "description": "empty"}),
        (
            "/api/tx/propose",
            {"actions": [{"target": "0x12", "calldata": "0x"}], "description": "bad target"},
        ),
        ("/api/tx/claim", {"period_id": 0}),
    ],
)
def test_builders_refuse_bad_input_with_4xx(client, path, body):
    r = client.post(path, json=body)
    assert 400 <= r.status_code < 500 and r.json()["detail"]
