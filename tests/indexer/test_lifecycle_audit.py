"""A full co-op lifecycle, indexed: every table matches the contracts, `coop audit` passes, a
tampered row makes it fail naming the row, the export holds every row with its chain reference,
and the register can be read as of any past block."""

import csv
import json

import pytest
from brownie import accounts, web3
from sqlalchemy import text
from sqlmodel import Session, select

from dao import tables as t
from dao.indexer import register_at
from tests.indexer.conftest import coop_cli, make_indexer

E18 = 10**18


def test_every_table_matches_the_contracts_and_audit_passes(history, engine, db_url):
    coop = history
    events = make_indexer(coop, engine).sync()
    assert events > 50
    with Session(engine) as s:
        register = {r.account: r for r in register_at(s)}
        for account, row in register.items():
            view = coop.membership.member(account)
            assert (row.shares, row.capital, row.member_index) == (
                view["shares"],
                view["capital"],
                view["index"],
            )
        statuses = {a: r.status for a, r in register.items()}
        assert statuses[accounts[2].address] == "none"  # bob left
        assert statuses[accounts[4].address] == "suspended"  # dave
        assert (
            s.exec(select(t.Sanction).where(t.Sanction.kind == "warning")).one().account
            == accounts[4].address
        )
        proposals = s.exec(select(t.Proposal)).all()
        assert len(proposals) == 6
        for p in proposals:
            tally = [0, 0, 0]
            for v in s.exec(select(t.Vote).where(t.Vote.proposal_id == p.proposal_id)):
                tally[v.support] += v.weight
            assert tally == list(coop.governor.proposalVotes(int(p.proposal_id)))
        assert s.exec(select(t.Vote).where(t.Vote.reason == "too low")).one()
        executed = s.exec(select(t.ProposalEvent).where(t.ProposalEvent.kind == "executed")).all()
        assert len(executed) == 4
        alloc = s.exec(select(t.Allocation)).one()
        assert (
            alloc.funded == E18
            and alloc.total_capital == coop.rewards.allocation(1)["totalCapital"]
        )
        claims = s.exec(select(t.Claim)).all()
        assert sum(c.amount for c in claims) == coop.rewards.allocation(1)["claimed"]
        paid = s.exec(
            select(t.TreasuryMovement).where(t.TreasuryMovement.target == accounts[6].address)
        ).one()
        assert paid.value == E18
        raw = s.exec(select(t.RawEvent)).all()
        assert len(raw) == events
        assert len({(e.block_hash, e.log_index) for e in raw}) == len(raw)

    result = coop_cli("audit", db_url=db_url, deployment_file=coop.deployment_file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "differs" not in result.stdout
    assert result.stdout.count("ok ") >= 5


def test_a_tampered_row_makes_the_audit_fail_naming_it(history, engine, db_url):
    coop = history
    make_indexer(coop, engine).sync()
    carol = accounts[3].address
    with Session(engine) as s:
        row = register_at(s)[[r.account for r in register_at(s)].index(carol)]
        row_id = row.id
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE member_state SET shares = shares + 5 WHERE id = :id"), {"id": row_id}
        )
    result = coop_cli("audit", db_url=db_url, deployment_file=coop.deployment_file)
    assert result.returncode == 1
    assert f"member {carol} (member_state row {row_id}) shares" in result.stdout
    assert "differs" in result.stdout and "total shares" in result.stdout


def test_a_tampered_vote_makes_the_audit_fail_naming_the_proposal(history, engine, db_url):
    coop = history
    make_indexer(coop, engine).sync()
    with engine.begin() as conn:
        conn.execute(text("UPDATE vote SET support = 0 WHERE reason = ''"))
    result = coop_cli("audit", db_url=db_url, deployment_file=coop.deployment_file)
    assert result.returncode == 1
    assert "proposal" in result.stdout and "tally" in result.stdout


def test_audit_at_a_past_block(history, engine, db_url):
    coop = history
    make_indexer(coop, engine).sync()
    block = coop.marks["after_suspension"]
    result = coop_cli(
        "audit", "--block", str(block), db_url=db_url, deployment_file=coop.deployment_file
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"audit at block {block}: ok" in result.stdout


def test_register_as_of_a_past_block(history, engine):
    coop = history
    make_indexer(coop, engine).sync()
    m = coop.membership
    for label in ("after_joins", "after_suspension"):
        block = coop.marks[label]
        with Session(engine) as s:
            past = {r.account: r for r in register_at(s, block)}
        assert sum(1 for r in past.values() if r.votes) == m.getPastTotalSupply(block)
        for account, row in past.items():
            assert row.votes == m.getPastVotes(account, block)
            assert row.capital == m.getPastCapital(account, block)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_holds_every_row_with_its_chain_reference(history, engine, db_url, tmp_path, fmt):
    coop = history
    events = make_indexer(coop, engine).sync()
    out = tmp_path / "export"
    result = coop_cli(
        "export",
        "--format",
        fmt,
        "--out",
        str(out),
        db_url=db_url,
        deployment_file=coop.deployment_file,
    )
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        with (out / "raw_event.csv").open() as f:
            raw = list(csv.DictReader(f))
        with (out / "vote.csv").open() as f:
            votes = list(csv.DictReader(f))
    else:
        raw = json.loads((out / "raw_event.json").read_text())
        votes = json.loads((out / "vote.json").read_text())
    assert len(raw) == events
    for row in raw + votes:
        assert int(row["block_number"]) > 0 and str(row["tx_hash"]).startswith("0x")
        assert row["log_index"] != ""
    receipt = web3.eth.get_transaction_receipt(votes[0]["tx_hash"])
    assert receipt.blockNumber == int(votes[0]["block_number"])


def test_index_refuses_a_deployment_of_another_chain(history, engine, db_url, tmp_path):
    record = json.loads(history.deployment_file.read_text())
    record["chainId"] = 1
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(record))
    result = coop_cli("index", "--quiet", db_url=db_url, deployment_file=wrong)
    assert result.returncode == 1
    assert "serves chain" in result.stderr and "chain 1" in result.stderr


def test_index_without_a_deployment_file_says_so(engine, db_url, tmp_path):
    result = coop_cli("index", db_url=db_url, deployment_file=tmp_path / "missing.json")
    assert result.returncode == 2
    assert "no deployment file" in result.stderr
