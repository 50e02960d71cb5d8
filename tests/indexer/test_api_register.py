"""Register v2 over the read API, on a real chain indexed by the real indexer: admission policy,
voting seniority and enfranchisement, surges, pending applications, the committee, moves."""

from __future__ import annotations

import pytest
from brownie import accounts, chain, web3
from fastapi.testclient import TestClient

from api.main import create_app
from dao.config import Settings
from scripts.deploy import deploy_coop
from tests.conftest import DAY, PRICE, Gov, new_account
from tests.indexer.conftest import make_indexer, rpc_url

SENIORITY = 20  # blocks
ATTEST = b"\x07" * 32


def _deploy(admin, tmp_path, **params):
    coop = deploy_coop(admin, deployments_dir=tmp_path / "deployments", **params)
    coop.deployment_file = next((tmp_path / "deployments").glob("*.json"))
    return coop


def _timelock(coop):
    tl = accounts.at(coop.timelock.address, force=True)
    if tl.balance() < 10**18:
        accounts[0].transfer(tl, 10 * 10**18)
    return tl


def _client(coop, db_url, **settings):
    app = create_app(
        Settings(
            database_url=db_url,
            deployment_file=coop.deployment_file,
            rpc_url=rpc_url(),
            **settings,
        )
    )
    return TestClient(app)


def _send(tx, sender):
    tx_hash = web3.eth.send_transaction(
        {"from": str(sender), "to": tx["to"], "value": int(tx["value"], 16), "data": tx["data"]}
    )
    return web3.eth.wait_for_transaction_receipt(tx_hash)


@pytest.fixture
def open_coop(admin, alice, bob, carol, dave, tmp_path):
    """Open admission with a seniority of SENIORITY blocks: four members, all voters."""
    coop = _deploy(admin, tmp_path, admission="open", voting_seniority=SENIORITY)
    for shares, who in enumerate((alice, bob, carol, dave), start=1):
        coop.membership.join(shares, {"from": who, "value": shares * PRICE})
    chain.mine(SENIORITY)
    coop.membership.enfranchise([bob, carol, dave], {"from": alice})
    assert coop.membership.voterCount() == 4
    return coop


def test_a_surge_of_admissions_within_the_seniority_window_is_flagged(
    open_coop, engine, db_url, admin, alice
):
    coop, m = open_coop, open_coop.membership
    newcomers = [new_account(admin) for _ in range(5)]
    for who in newcomers:
        m.join(1, {"from": who, "value": PRICE})
    indexer = make_indexer(coop, engine)
    indexer.sync()
    with _client(coop, db_url) as c:
        s = c.get("/api/summary").json()
        assert s["admission_policy"] == "open" and s["voting_seniority"] == SENIORITY
        assert s["members"] == m.memberCount() == 9
        assert s["voters"] == m.voterCount() == 4
        assert s["pending_applications"] == 0
        assert s["surge"]["window_blocks"] == SENIORITY
        assert s["surge"]["admissions_in_window"] == 5
        assert s["surge"]["share_of_register"] == pytest.approx(5 / 9, abs=1e-6)
        assert s["surge"]["warning"] is True
        one = c.get(f"/api/members/{newcomers[0].address}").json()["current"]
        admitted = m.member(newcomers[0])  # (status, index, ..., votesFrom)
        assert one["votes_from"] == admitted[7] == 0
        assert one["seniority_until"] == one["admitted_at"] + SENIORITY
        assert one["can_enfranchise"] is False
        assert c.post("/api/tx/enfranchise", json={}).status_code == 409  # nobody due yet
    with _client(coop, db_url, surge_threshold=0.6) as c:  # 5/9 is not above 60%
        assert c.get("/api/summary").json()["surge"]["warning"] is False

    chain.mine(SENIORITY)
    indexer.sync()
    with _client(coop, db_url) as c:
        s = c.get("/api/summary").json()
        assert s["surge"]["admissions_in_window"] == 0 and s["surge"]["warning"] is False
        assert c.get(f"/api/members/{newcomers[0].address}").json()["current"]["can_enfranchise"]
        assert m.canEnfranchise(newcomers[0])
        tx = c.post("/api/tx/enfranchise", json={}).json()
        assert set(tx["accounts"]) == {w.address for w in newcomers} and tx["due"] == 5
        assert _send(tx, alice).status == 1
        assert m.voterCount() == 9
        # a proposal right away: its snapshot is within one seniority window of the surge
        gov = Gov(coop)
        pid, _ = gov.propose(alice, [(m, 0, m.setShareCap.encode_input(50))], "Right after")
        gov.start_voting(pid)
        indexer.sync()
        s = c.get("/api/summary").json()
        assert s["voters"] == 9
        surge = c.get(f"/api/proposals/{pid}").json()["surge"]
        snapshot = coop.governor.proposalSnapshot(pid)
        assert surge["voters_at_snapshot"] == m.getPastTotalSupply(snapshot) == 9
        assert surge["voters_before"] == m.getPastTotalSupply(snapshot - SENIORITY) == 4
        assert surge["growth"] == pytest.approx(5 / 4) and surge["warning"] is True
        listed = {p["proposal_id"]: p for p in c.get("/api/proposals").json()["items"]}
        assert listed[str(pid)]["surge"] == surge

        # a seniority window later, the electorate is stable: no warning
        chain.mine(SENIORITY + 1)
        pid2, _ = gov.propose(alice, [(m, 0, m.setShareCap.encode_input(60))], "Later")
        gov.start_voting(pid2)
        indexer.sync()
        later = c.get(f"/api/proposals/{pid2}").json()["surge"]
        assert later["voters_at_snapshot"] == later["voters_before"] == 9
        assert later["growth"] == 0 and later["warning"] is False


def test_enfranchise_for_given_accounts_and_bad_input(open_coop, engine, db_url, admin, alice):
    m = open_coop.membership
    late = new_account(admin)
    m.join(1, {"from": late, "value": PRICE})
    chain.mine(SENIORITY)
    make_indexer(open_coop, engine).sync()
    with _client(open_coop, db_url) as c:
        tx = c.post("/api/tx/enfranchise", json={"accounts": [late.address.lower()]}).json()
        assert tx["accounts"] == [late.address] and tx["to"] == m.address
        assert _send(tx, alice).status == 1
        assert m.member(late)[7] != 0  # votes from that block on
        assert c.post("/api/tx/enfranchise", json={"accounts": []}).status_code == 400
        assert c.post("/api/tx/enfranchise", json={"accounts": ["0x12"]}).status_code == 400


def test_pending_applications_with_their_age_and_an_admission(
    indexed_coop, engine, db_url, alice, bob, carol
):
    coop, m = indexed_coop, indexed_coop.membership
    m.join(1, {"from": alice, "value": PRICE})  # the founder, admitted at once
    m.join(2, {"from": bob, "value": 2 * PRICE})
    chain.sleep(600)
    m.join(3, {"from": carol, "value": 3 * PRICE})
    applied_bob = chain.height - 1
    chain.sleep(60)
    chain.mine(3)
    indexer = make_indexer(coop, engine)
    indexer.sync()
    with _client(coop, db_url) as c:
        s = c.get("/api/summary").json()
        assert s["admission_policy"] == "approval" and s["voting_seniority"] == 0
        assert s["members"] == s["voters"] == 1 and s["pending_applications"] == 2
        apps = c.get("/api/applications").json()
        assert apps["total"] == 2 and apps["admission_policy"] == "approval"
        first, second = apps["items"]
        assert first["account"] == bob.address and first["shares"] == 2
        assert first["amount"] == str(2 * PRICE) and first["applied_block"] == applied_bob
        assert first["age_blocks"] == apps["block"] - applied_bob
        assert first["age_seconds"] >= 660 and second["age_seconds"] >= 60
        assert second["account"] == carol.address and second["shares"] == 3
    tl = _timelock(coop)
    tx = m.admitMany([bob], [ATTEST], {"from": tl})
    indexer.sync()
    with _client(coop, db_url) as c:
        assert [a["account"] for a in c.get("/api/applications").json()["items"]] == [carol.address]
        me = c.get(f"/api/members/{bob.address}").json()["current"]
        assert me["status"] == "active"
        assert me["admitted_by"] == coop.timelock.address
        assert me["attestation"] == "0x" + ATTEST.hex() and me["contest_deadline"] == 0
        assert me["admitted_at"] == me["votes_from"] == tx.block_number  # no seniority
        assert me["can_enfranchise"] is False
        assert c.get("/api/summary").json()["voters"] == m.voterCount() == 2


def test_committee_seats_terms_admissions_contests_and_annulments(
    admin, alice, bob, carol, tmp_path, engine, db_url
):
    coop = _deploy(admin, tmp_path, admission="committee")
    m, committee = coop.membership, coop.committee
    m.join(1, {"from": alice, "value": PRICE})
    tl = _timelock(coop)
    term_end = chain.time() + 100 * DAY
    committee.appoint(0, alice, term_end, {"from": tl})
    m.join(1, {"from": bob, "value": PRICE})
    m.join(1, {"from": carol, "value": PRICE})
    committee.admit([bob], [ATTEST], {"from": alice})
    committee.admit([carol], [b"\x08" * 32], {"from": alice})
    m.contest(carol, {"from": bob})
    m.annul(carol, {"from": tl})
    indexer = make_indexer(coop, engine)
    indexer.sync()
    with _client(coop, db_url) as c:
        out = c.get("/api/committee").json()
        assert out["contest_window"] == m.contestWindow() == 7 * DAY
        assert out["seat_count"] == 3 and len(out["seats"]) == 3
        seat = out["seats"][0]
        assert seat["holder"] == alice.address and seat["term_end"] == term_end
        assert seat["in_force"] is True and committee.inForce(alice)
        assert [s["holder"] for s in out["seats"][1:]] == [None, None]
        by_account = {a["account"]: a for a in out["admissions"]}
        b, k = by_account[bob.address], by_account[carol.address]
        assert b["admitted_by"] == alice.address and b["attestation"] == "0x" + ATTEST.hex()
        assert b["contest_deadline"] == m.contestOf(m.memberIndex(bob))[1] > 0
        assert b["contested"] is False and b["annulled"] is False and b["contestable"] is True
        assert k["contested"] is True and k["contested_by"] == [bob.address]
        assert k["annulled"] is True and k["contestable"] is False
        assert c.get(f"/api/members/{carol.address}").json()["current"]["status"] == "expelled"
    chain.sleep(101 * DAY)
    chain.mine()
    indexer.sync()
    with _client(coop, db_url) as c:
        seat = c.get("/api/committee").json()["seats"][0]
        assert seat["holder"] == alice.address and seat["in_force"] is False
        assert not committee.inForce(alice)


def test_a_moved_membership_reads_as_one_person(indexed_coop, engine, db_url, admin, alice, bob):
    coop, m = indexed_coop, indexed_coop.membership
    m.join(1, {"from": alice, "value": PRICE})
    m.join(2, {"from": bob, "value": 2 * PRICE})
    m.admitMany([bob], [ATTEST], {"from": _timelock(coop)})
    new_home = new_account(admin)
    indexer = make_indexer(coop, engine)
    indexer.sync()
    with _client(coop, db_url) as c:
        assert c.post("/api/tx/move", json={"new_account": alice.address}).status_code == 409
        zero = {"new_account": "0x" + "00" * 20}
        assert c.post("/api/tx/move", json=zero).status_code == 400
        tx = c.post("/api/tx/move", json={"new_account": new_home.address}).json()
        assert tx["to"] == m.address
        assert _send(tx, bob).status == 1
    assert m.member(bob)[0] == 5 and m.member(new_home)[0] == 2  # Moved, Active
    indexer.sync()
    with _client(coop, db_url) as c:
        old = c.get(f"/api/members/{bob.address}").json()
        assert old["current"]["status"] == "moved" and old["moved_to"] == new_home.address
        assert old["person"]["accounts"] == [bob.address, new_home.address]
        now = c.get(f"/api/members/{new_home.address}").json()
        assert now["moved_to"] is None and now["current"]["status"] == "active"
        assert now["current"]["shares"] == 2 and now["current"]["index"] == m.memberIndex(new_home)
        assert now["person"]["previous_accounts"] == [bob.address]
        assert now["person"]["current_account"] == new_home.address
        assert now["person"]["moves"][0]["by"] == bob.address
        assert now["current"]["admitted_by"] == coop.timelock.address  # bob's admission
        assert {s["account"] for s in now["share_movements"]} == {bob.address}
        members = c.get("/api/members", params={"status": "moved"}).json()
        assert [i["account"] for i in members["items"]] == [bob.address]
