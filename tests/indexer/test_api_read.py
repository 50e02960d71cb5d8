"""The read API over a real chain indexed by the real indexer."""

import pytest
from brownie import accounts
from fastapi.testclient import TestClient

from api.main import create_app
from dao.config import Settings
from tests.indexer.conftest import make_indexer


@pytest.fixture
def client(history, engine, db_url):
    make_indexer(history, engine).sync()
    app = create_app(Settings(database_url=db_url, deployment_file=history.deployment_file))
    with TestClient(app) as c:
        yield c


def test_summary_counts_members_capital_reserve_and_open_proposals(client, history):
    s = client.get("/api/summary").json()
    m = history.membership
    assert s["members"] == m.memberCount()
    assert int(s["capital"]) == m.totalCapital()
    assert int(s["reserve"]) == history.rewards.reserve()
    assert s["open_proposals"] == 1  # "Raise the cap" is being voted


def test_members_now_and_as_of_a_past_block(client, history):
    now = client.get("/api/members", params={"status": "active"}).json()
    assert now["total"] == history.membership.memberCount()
    block = history.marks["after_joins"]
    past = client.get("/api/members", params={"as_of_block": block}).json()
    assert past["block"] == block and past["total"] == 4
    assert all(item["status"] == "active" for item in past["items"])
    page = client.get("/api/members", params={"limit": 1, "offset": 1}).json()
    assert len(page["items"]) == 1 and page["items"][0]["account"] == past["items"][1]["account"]


def test_one_member_with_sanctions_votes_points_and_claims(client):
    dave = client.get(f"/api/members/{accounts[4].address.lower()}").json()
    assert dave["current"]["status"] == "suspended"
    assert {s["kind"] for s in dave["sanctions"]} == {"warning", "suspension"}
    alice = client.get(f"/api/members/{accounts[1].address}").json()
    assert alice["points"][0]["points"] == "100"
    assert alice["claims"][0]["period_id"] == 1
    assert len(alice["votes"]) >= 4
    contributor = client.get(f"/api/members/{accounts[6].address}").json()
    assert contributor["current"] is None and contributor["points"][0]["points"] == "600"


def test_proposals_by_state_and_one_proposal_in_detail(client, history):
    executed = client.get("/api/proposals", params={"state": "Executed"}).json()
    assert executed["total"] == 4
    defeated = client.get("/api/proposals", params={"state": "Defeated"}).json()["items"]
    assert [p["title"] for p in defeated] == ["Lower the cap"]
    one = client.get(f"/api/proposals/{defeated[0]['proposal_id']}").json()
    assert one["votes"] == {"against": 1, "for": 0, "abstain": 0}
    assert one["vote_list"][0]["reason"] == "too low"
    assert one["actions"][0]["target"] == history.membership.address
    active = client.get("/api/proposals", params={"state": "Active"}).json()["items"][0]
    detail = client.get(f"/api/proposals/{active['proposal_id']}").json()
    assert detail["quorum"] == 1 and detail["quorum_reached"] is True
    assert [e["kind"] for e in detail["timeline"]] == ["created"]
    assert history.governor.state(int(active["proposal_id"])) == 1


def test_periods_and_event_log(client, history):
    periods = client.get("/api/periods").json()["items"]
    assert periods[0]["closed"] and int(periods[0]["allocation"]["funded"]) == 10**18
    assert int(periods[0]["allocation"]["claimed"]) == history.rewards.allocation(1)["claimed"]
    log = client.get("/api/events", params={"event": "VoteCast", "limit": 3}).json()
    assert len(log["items"]) == 3 and log["total"] > 3
    assert all(item["tx_hash"].startswith("0x") for item in log["items"])


@pytest.mark.parametrize(
    "path,status,needle",
    [
        ("/api/members/0x1234", 400, "not an Ethereum address"),
        ("/api/members/0x000000000000000000000000000000000000dEaD", 404, "never been a member"),
        ("/api/members?status=royal", 400, "status must be one of"),
        ("/api/members?limit=100000", 422, "limit"),
        ("/api/proposals/abc", 400, "decimal number"),
        ("/api/proposals/12345", 404, "no proposal 12345"),
        ("/api/proposals?state=Won", 400, "state must be one of"),
    ],
)
def test_bad_input_gets_a_4xx_with_a_clear_message(client, path, status, needle):
    r = client.get(path)
    assert r.status_code == status
    assert needle in r.json()["detail"]


def test_statutes_with_their_history_linked_to_proposals(history, engine, db_url):
    from brownie import chain

    from tests.conftest import Gov
    from tests.indexer.conftest import rpc_url

    m = history.membership
    Gov(history).pass_(
        accounts[1], [(m, 0, m.setShareCap.encode_input(42))], [accounts[1], accounts[3]], "Cap 42"
    )
    chain.mine()
    make_indexer(history, engine).sync()
    app = create_app(
        Settings(database_url=db_url, deployment_file=history.deployment_file, rpc_url=rpc_url())
    )
    with TestClient(app) as c:
        items = {i["name"]: i for i in c.get("/api/statutes").json()["items"]}
    cap = items["shareCap"]
    assert cap["value"] == "42"
    assert [h["new"] for h in cap["history"]] == ["100", "42"]  # set at deployment, then by vote
    assert cap["history"][0]["proposal_id"] is None
    assert cap["history"][1]["proposal_id"] is not None
    assert items["timelockDelay"]["value"] == str(history.timelock.getMinDelay())
    assert items["quorumNumerator"]["value"] == "25"


def test_contributions_claims_and_a_members_claimable_rewards(history, engine, db_url):
    from tests.indexer.conftest import rpc_url

    make_indexer(history, engine).sync()
    app = create_app(
        Settings(database_url=db_url, deployment_file=history.deployment_file, rpc_url=rpc_url())
    )
    with TestClient(app) as c:
        points = c.get("/api/contributions", params={"period_id": 1}).json()
        assert points["total"] == 3 and {p["points"] for p in points["items"]} == {
            "100",
            "300",
            "600",
        }
        claims = c.get("/api/claims", params={"account": accounts[1].address}).json()["items"]
        assert (
            len(claims) == 1
            and int(claims[0]["amount"])
            == int(claims[0]["interest"]) + int(claims[0]["patronage"])
            > 0
        )
        assert history.rewards.hasClaimed(1, accounts[1])
        carol = c.get(f"/api/members/{accounts[3].address}").json()  # capital, not claimed yet
        owed = history.rewards.claimable(1, accounts[3])
        assert carol["claimable"] == [
            {"period_id": 1, "interest": str(owed[0]), "patronage": str(owed[1])}
        ]
        assert c.get("/api/claims", params={"account": "nope"}).status_code == 400


def test_answers_follow_the_index_when_it_moves(history, engine, db_url):
    """Data derived from the whole index (kept per indexed block) is recomputed once the indexer
    commits new blocks: one server sees the new member, the new proposal and its quorum."""
    from brownie import chain

    from tests.conftest import PRICE, Gov, new_account
    from tests.indexer.conftest import admit

    make_indexer(history, engine).sync()
    app = create_app(Settings(database_url=db_url, deployment_file=history.deployment_file))
    with TestClient(app) as c:
        before = c.get("/api/summary").json()
        listed = c.get("/api/proposals").json()
        newcomer = new_account(accounts[0])
        history.membership.join(2, {"from": newcomer, "value": 2 * PRICE})
        admit(history, newcomer)
        chain.mine()
        gov = Gov(history)
        pid, _ = gov.propose(newcomer, [(history.membership, 0, b"")], "After the newcomer")
        gov.start_voting(pid)
        assert c.get("/api/summary").json() == before  # the index has not moved yet
        make_indexer(history, engine).sync()
        after = c.get("/api/summary").json()
        assert after["members"] == before["members"] + 1 == history.membership.memberCount()
        assert after["open_proposals"] == before["open_proposals"] + 1
        assert int(after["capital"]) == history.membership.totalCapital()
        assert c.get("/api/proposals").json()["total"] == listed["total"] + 1
        one = c.get(f"/api/proposals/{pid}").json()
        assert one["state"] == "Active"
        members = history.membership.memberCount()
        assert (
            one["quorum"]
            == max(1, -(-members * 25 // 100))
            == history.governor.quorum(history.governor.proposalSnapshot(pid))
        )
