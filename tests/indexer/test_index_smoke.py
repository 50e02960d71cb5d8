from brownie import chain
from sqlmodel import Session, select

from dao import tables as t
from tests.conftest import PRICE
from tests.indexer.conftest import make_indexer


def test_index_a_join(indexed_coop, engine, alice):
    indexed_coop.membership.join(2, {"from": alice, "value": 2 * PRICE})
    chain.mine()
    n = make_indexer(indexed_coop, engine).sync()
    assert n >= 3
    with Session(engine) as s:
        rows = s.exec(select(t.MemberState)).all()
        assert [(r.account, r.shares, r.capital) for r in rows] == [(alice.address, 2, 2 * PRICE)]
