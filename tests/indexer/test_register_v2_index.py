"""The index after register v2's admissions (by vote and by the committee), enfranchisement,
moves and a committee recovery that governance annuls: the audit reconciles it with the chain,
and `coop enfranchise` makes voters."""

from brownie import accounts, chain
from sqlmodel import Session, select

from dao import queries
from dao import tables as t
from scripts.deploy import deploy_coop
from tests.conftest import PRICE, new_account
from tests.indexer.conftest import admit, assert_audit_passes, coop_cli, make_indexer

ATTEST = b"\x11" * 32
SENIORITY = 20


def _timelock(coop):
    timelock = accounts.at(coop.timelock.address, force=True)
    accounts[0].transfer(timelock, 10 * 10**18)
    return timelock


def _coop(admin, tmp_path, **params):
    coop = deploy_coop(admin, deployments_dir=tmp_path / "deployments", **params)
    coop.deployment_file = next((tmp_path / "deployments").glob("*.json"))
    return coop


def test_index_follows_admissions_enfranchisement_moves_and_an_annulled_recovery(
    admin, alice, bob, carol, dave, tmp_path, engine, db_url
):
    coop = _coop(admin, tmp_path, admission="committee", voting_seniority=SENIORITY)
    m, committee = coop.membership, coop.committee
    tl = _timelock(coop)
    m.join(2, {"from": alice, "value": 2 * PRICE})  # the founder: admitted and voting at once
    for who in (bob, carol):
        m.join(1, {"from": who, "value": PRICE})
    admit(coop, bob)  # by governance, not contestable
    committee.appoint(0, alice, chain.time() + 300 * 86400, {"from": tl})
    committee.admit([carol], [ATTEST], {"from": alice})  # by the committee: contestable
    chain.mine(SENIORITY)
    assert m.enfranchise([bob, carol], {"from": dave}).return_value == 2
    # bob moves to a new account; dave applies and is admitted then annulled
    bob2 = new_account(admin)
    m.moveMembership(bob2, {"from": bob})
    m.join(1, {"from": dave, "value": PRICE})
    committee.admit([dave], [ATTEST], {"from": alice})
    m.contest(dave, {"from": carol})
    m.annul(dave, {"from": tl})
    # carol loses her key once her own admission can no longer be contested (a committee
    # recovery waits for that): the committee recovers her membership, governance annuls it
    chain.sleep(m.contestWindow() + 1)
    carol2 = new_account(admin)
    committee.recover(carol, carol2, {"from": alice})
    m.annul(carol2, {"from": tl})
    m.setVotingSeniority(SENIORITY + 5, {"from": tl})
    chain.mine()

    make_indexer(coop, engine).sync()
    with Session(engine) as s:
        rows = {r.account: r for r in queries.register_at(s)}
        assert rows[bob].status == "moved" and rows[bob].member_index == 0
        b2 = rows[bob2.address]
        assert (b2.status, b2.member_index, b2.shares, b2.votes) == ("active", 2, 1, 1)
        assert b2.votes_from == m.member(bob2)[7] > b2.admitted_at > 0
        assert rows[carol].status == "active" and rows[carol].votes == 1
        assert rows[carol2.address].status == "moved"
        assert rows[dave].status == "expelled" and rows[dave].refund_owed == PRICE
        admissions = s.exec(select(t.Admission).order_by(t.Admission.id)).all()
        assert [(a.account, a.contest_deadline > 0) for a in admissions] == [
            (bob, False),
            (carol, True),
            (dave, True),
        ]
        assert all(a.attestation == "0x" + ATTEST.hex() for a in admissions[1:])
        moves = s.exec(select(t.MembershipMove).order_by(t.MembershipMove.id)).all()
        assert [(x.from_account, x.to_account, x.member_index) for x in moves] == [
            (bob, bob2.address, 2),
            (carol, carol2.address, 3),
            (carol2.address, carol, 3),
        ]
        contests = s.exec(select(t.ContestEvent).order_by(t.ContestEvent.id)).all()
        assert [(c.account, c.kind, c.actor, c.restored_to) for c in contests] == [
            (dave, "contested", carol, None),
            (dave, "annulled", None, None),
            (carol2.address, "annulled", None, carol),
        ]
        seat = s.exec(select(t.CommitteeSeatEvent)).one()
        assert (seat.seat, seat.holder, seat.kind) == (0, alice, "filled")
        names = {c.name for c in s.exec(select(t.SettingChange))}
        assert {"votingSeniority", "committeeSeats", "committeeMaxTerm"} <= names
        # one person, two accounts: bob's history reads as one membership
        history = queries.member_history(s, 2)
        assert {r.account for r in history} == {bob, bob2.address}
        assert [r.event for r in history][:2] == ["MemberApplied", "MemberJoined"]
        assert history[-1].account == bob2.address
        assert queries.pending_applications(s) == []
        head = queries.indexed_block(s)
        assert queries.admissions_between(s, 0, head) == 4  # alice, bob, carol, dave
    assert_audit_passes(db_url, coop)


def test_audit_reports_a_tampered_row_of_a_moved_member(
    admin, alice, bob, tmp_path, engine, db_url
):
    coop = _coop(admin, tmp_path)
    m = coop.membership
    m.join(1, {"from": alice, "value": PRICE})
    m.join(1, {"from": bob, "value": PRICE})
    admit(coop, bob)
    bob2 = new_account(admin)
    m.moveMembership(bob2, {"from": bob})
    chain.mine()
    make_indexer(coop, engine).sync()
    assert_audit_passes(db_url, coop)
    with Session(engine) as s:
        row = next(r for r in queries.register_at(s) if r.account == bob2.address)
        row.votes_from += 1
        s.add(row)
        s.commit()
    result = coop_cli("audit", db_url=db_url, deployment_file=coop.deployment_file)
    assert result.returncode == 1
    assert f"member {bob2.address} (member_state row" in result.stdout
    assert "votes from: database" in result.stdout


def test_pending_applications_and_a_surge_of_admissions(admin, alice, bob, carol, tmp_path, engine):
    coop = _coop(admin, tmp_path)
    m = coop.membership
    m.join(1, {"from": alice, "value": PRICE})
    m.join(2, {"from": bob, "value": 2 * PRICE})
    applied = chain.height
    m.join(1, {"from": carol, "value": PRICE})
    admit(coop, carol)
    chain.mine(3)
    make_indexer(coop, engine).sync()
    with Session(engine) as s:
        head = queries.indexed_block(s)
        [p] = queries.pending_applications(s, head)
        assert (p.account, p.shares, p.amount, p.applied_block) == (bob, 2, 2 * PRICE, applied)
        assert p.age_blocks == head - applied
        # alice and carol both admitted in the last 10 blocks: 2 of 2 members, voters 0 -> 2
        members, electorate = queries.active_members(s, head), queries.voters(s, head)
        assert queries.admissions_between(s, head - 10, head) == 2
        assert (members.at(head), electorate.at(head - 10), electorate.at(head)) == (2, 0, 2)
        # nobody in the last 3 blocks: the electorate did not grow
        assert queries.admissions_between(s, head - 3, head) == 0
        assert electorate.at(head - 3) == electorate.at(head)


def test_coop_enfranchise_dry_run_lists_and_a_real_run_makes_voters(
    admin, alice, tmp_path, engine, db_url
):
    coop = _coop(admin, tmp_path, voting_seniority=SENIORITY)
    m = coop.membership
    m.join(1, {"from": alice, "value": PRICE})
    newcomers = [new_account(admin) for _ in range(3)]
    for who in newcomers:
        m.join(1, {"from": who, "value": PRICE})
    admit(coop, *newcomers)
    args = {"db_url": db_url, "deployment_file": coop.deployment_file}
    assert coop_cli("index", "--quiet", **args).returncode == 0
    early = coop_cli("enfranchise", "--dry-run", **args)
    assert early.returncode == 0 and "0 member(s) would become voters" in early.stdout
    chain.mine(SENIORITY)
    dry = coop_cli("enfranchise", "--dry-run", **args)
    assert dry.returncode == 0, dry.stderr
    assert "3 member(s) would become voters" in dry.stdout
    assert all(who.address in dry.stdout for who in newcomers)
    assert m.voterCount() == 1
    payer = new_account(admin)
    run = coop_cli("enfranchise", "--batch", "2", "--private-key", payer.private_key, **args)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 member(s) became voters" in run.stdout
    assert m.voterCount() == 4
    assert coop_cli("index", "--quiet", **args).returncode == 0
    assert_audit_passes(db_url, coop)
