"""Gasless voting through the API: valid ballots are relayed and indexed; bad ones are refused
with a 4xx before any transaction is sent."""

from collections import Counter

import pytest
from brownie import accounts, chain, web3
from eth_account import Account
from fastapi.testclient import TestClient

from api.main import create_app
from dao.ballots import sign_typed_data
from dao.config import Settings
from tests.conftest import FOR, Gov, new_account, sign_ballot
from tests.indexer.conftest import join_and_admit, make_indexer, rpc_url


@pytest.fixture
def setup(indexed_coop, engine, db_url, admin):
    coop = indexed_coop
    voters = [new_account(admin, 10**18) for _ in range(3)]
    join_and_admit(coop, [(v, 1) for v in voters])
    chain.mine()
    relayer = new_account(admin, 10**18)
    gov = Gov(coop)
    pid, _ = gov.propose(
        voters[0], [(coop.membership, 0, coop.membership.setShareCap.encode_input(9))]
    )
    gov.start_voting(pid)
    app = create_app(
        Settings(
            database_url=db_url,
            deployment_file=coop.deployment_file,
            rpc_url=rpc_url(),
            relayer_key=relayer.private_key,
            relay_rate_per_hour=3,
        )
    )
    with TestClient(app) as client:
        yield coop, client, voters, relayer, pid, engine


def _post(client, pid, voter, signature, support=FOR, **extra):
    sig = signature if isinstance(signature, str) else "0x" + bytes(signature).hex()
    body = {
        "proposal_id": str(pid),
        "support": support,
        "voter": voter.address,
        "signature": sig,
        **extra,
    }
    return client.post("/api/relay/vote", json=body)


def test_a_valid_signed_ballot_is_relayed_counted_and_indexed(setup):
    coop, client, voters, relayer, pid, engine = setup
    typed = client.get(
        f"/api/proposals/{pid}/ballot", params={"voter": voters[1].address, "support": FOR}
    ).json()
    assert typed["domain"]["chainId"] == chain.id and typed["message"]["nonce"] == 0
    signature = sign_typed_data(voters[1].private_key, typed)
    balance = voters[1].balance()
    r = _post(client, pid, voters[1], signature, chain_id=chain.id)
    assert r.status_code == 202, r.text
    receipt = web3.eth.wait_for_transaction_receipt(r.json()["tx_hash"])
    assert receipt.status == 1 and receipt["from"] == relayer.address
    assert coop.governor.hasVoted(pid, voters[1])
    assert voters[1].balance() == balance  # the voter paid nothing
    make_indexer(coop, engine).sync()
    detail = client.get(f"/api/proposals/{pid}").json()
    assert [v["voter"] for v in detail["vote_list"]] == [voters[1].address]


def _refused(client, relayer, response, status, needle):
    assert response.status_code == status, response.text
    assert needle in response.json()["detail"]
    assert web3.eth.get_transaction_count(relayer.address) == 0  # no transaction sent


def test_a_non_members_ballot_is_refused_before_any_gas(setup, admin):
    coop, client, voters, relayer, pid, _ = setup
    stranger = new_account(admin, 10**17)
    sig = sign_ballot(coop, stranger, pid, FOR)
    _refused(client, relayer, _post(client, pid, stranger, sig), 403, "has no vote")


def test_a_replayed_ballot_is_refused(setup):
    coop, client, voters, relayer, pid, _ = setup
    sig = sign_ballot(coop, voters[0], pid, FOR)
    coop.governor.castVoteBySig(pid, FOR, voters[0], sig, {"from": voters[2]})  # already used once
    _refused(client, relayer, _post(client, pid, voters[0], sig), 409, "already voted")


def test_a_ballot_signed_with_a_stale_nonce_is_refused(setup):
    coop, client, voters, relayer, pid, _ = setup
    stale = sign_ballot(coop, voters[0], pid, FOR, nonce=5)
    _refused(
        client, relayer, _post(client, pid, voters[0], stale), 400, "does not match this ballot"
    )


def test_a_wrong_chain_ballot_is_refused(setup):
    coop, client, voters, relayer, pid, _ = setup
    sig = sign_ballot(coop, voters[0], pid, FOR, chain_id=chain.id + 1)
    _refused(client, relayer, _post(client, pid, voters[0], sig), 400, "does not match this ballot")
    r = _post(client, pid, voters[0], sign_ballot(coop, voters[0], pid, FOR), chain_id=chain.id + 1)
    _refused(client, relayer, r, 400, "signed for chain")


@pytest.mark.parametrize(
    "change,status,needle",
    [
        ({"signature": "0x1234"}, 422, "signature"),
        ({"signature": "0x" + "00" * 65}, 400, "signature"),
        ({"voter": "0xnothex"}, 400, "not an Ethereum address"),
        ({"proposal_id": "-1"}, 422, "proposal_id"),
        ({"support": 7}, 422, "support"),
        ({"proposal_id": "123"}, 404, "no proposal 123"),
    ],
)
def test_malformed_ballots_are_refused(setup, change, status, needle):
    coop, client, voters, relayer, pid, _ = setup
    body = {
        "proposal_id": str(pid),
        "support": FOR,
        "voter": voters[0].address,
        "signature": "0x" + bytes(sign_ballot(coop, voters[0], pid, FOR)).hex(),
        **change,
    }
    _refused(client, relayer, client.post("/api/relay/vote", json=body), status, needle)


def test_a_closed_proposal_refuses_ballots(setup):
    coop, client, voters, relayer, pid, _ = setup
    Gov(coop).end_voting(pid)
    sig = sign_ballot(coop, voters[0], pid, FOR)
    _refused(client, relayer, _post(client, pid, voters[0], sig), 409, "not open for votes")


def test_the_rate_limit_holds_per_voter(setup):
    coop, client, voters, relayer, pid, _ = setup
    bad = "0x" + "11" * 65
    codes = [_post(client, pid, voters[0], bad).status_code for _ in range(4)]
    assert codes[:3] == [400, 400, 400] and codes[3] == 429
    assert web3.eth.get_transaction_count(relayer.address) == 0


def test_a_ballot_for_a_proposal_not_yet_open_is_refused(setup):
    coop, client, voters, relayer, _, _ = setup
    m = coop.membership
    pending, _ = Gov(coop).propose(voters[1], [(m, 0, m.setShareCap.encode_input(8))], "Later")
    sig = sign_ballot(coop, voters[0], pending, FOR)
    _refused(client, relayer, _post(client, pending, voters[0], sig), 409, "Pending")


def test_a_suspended_member_cannot_vote_through_the_relayer(setup):
    coop, client, voters, relayer, pid, _ = setup
    timelock = accounts.at(coop.timelock.address, force=True)
    until = chain.time() + 30 * 86400
    coop.membership.suspend(voters[2], until, b"\x02" * 32, {"from": timelock})
    sig = sign_ballot(coop, voters[2], pid, FOR)
    _refused(client, relayer, _post(client, pid, voters[2], sig), 403, "has no vote")


def test_a_flood_is_rate_limited_and_only_accepted_ballots_cost_the_relayer(setup, admin):
    """42 requests from one client: each member's one valid ballot is relayed; replays, forged
    signatures, strangers and everything past the limits (3 per voter, 30 per client an hour) are
    refused before any gas is spent."""
    coop, client, voters, relayer, pid, _ = setup
    balance = relayer.balance()
    codes, accepted = Counter(), []
    garbage = "0x" + "11" * 65
    for voter in voters:
        sig = sign_ballot(coop, voter, pid, FOR)
        r = _post(client, pid, voter, sig)
        assert r.status_code == 202, r.text
        accepted.append(r.json()["tx_hash"])
        replay = _post(client, pid, voter, sig)  # the same signed ballot again
        assert replay.status_code == 409 and "already voted" in replay.json()["detail"]
        forged = _post(client, pid, voter, garbage, support=0)
        assert forged.status_code == 409  # has voted: refused before the signature is checked
        limited = _post(client, pid, voter, sig)
        assert limited.status_code == 429, limited.text  # 4th ballot of this voter this hour
        codes.update([r.status_code, replay.status_code, forged.status_code, limited.status_code])
    # strangers, each under its own limit: the client's limit (30 an hour) holds
    for i in range(30):
        stranger = Account.create()
        r = client.post(
            "/api/relay/vote",
            json={
                "proposal_id": str(pid),
                "support": FOR,
                "voter": stranger.address,
                "signature": garbage,
            },
        )
        codes[r.status_code] += 1
        assert r.status_code == (403 if i < 21 else 429), (i, r.text)
    assert codes == {202: 3, 409: 6, 429: 12, 403: 21}
    assert web3.eth.get_transaction_count(relayer.address) == 3
    receipts = [web3.eth.wait_for_transaction_receipt(h) for h in accepted]
    assert all(r.status == 1 for r in receipts)
    spent = sum(r.gasUsed * r.effectiveGasPrice for r in receipts)
    assert relayer.balance() == balance - spent  # nothing else was paid for
    assert [coop.governor.hasVoted(pid, v) for v in voters] == [True, True, True]


def test_the_same_ballot_twice_before_it_is_mined_is_relayed_once(setup):
    """Before the first transaction is mined, hasVoted and the gas estimate cannot see it: the
    second would be sent too and revert at the relayer's cost."""
    coop, client, voters, relayer, pid, _ = setup
    sig = sign_ballot(coop, voters[1], pid, FOR)
    web3.provider.make_request("evm_setAutomine", [False])
    try:
        first = _post(client, pid, voters[1], sig)
        assert first.status_code == 202, first.text
        second = _post(client, pid, voters[1], sig)
        assert second.status_code == 409 and "already relayed" in second.json()["detail"]
        assert web3.eth.get_transaction_count(relayer.address, "pending") == 1
    finally:
        web3.provider.make_request("evm_setAutomine", [True])
    web3.provider.make_request("evm_mine", [])
    receipt = web3.eth.wait_for_transaction_receipt(first.json()["tx_hash"])
    assert receipt.status == 1 and coop.governor.hasVoted(pid, voters[1])
    assert web3.eth.get_transaction_count(relayer.address) == 1
