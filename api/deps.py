"""Dependencies shared by the routers: the database session, the deployment, the chain."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from api.errors import BadRequest, NotFound
from dao import queries

# Numeric query parameters are bounded by what the database compares them with, so that a larger
# one is a 422, not a database error (a 500): block numbers and period ids are INTEGER columns
# (32 bits in PostgreSQL); OFFSET takes a 64-bit integer.
MAX_DB_INT = 2**31 - 1
MAX_OFFSET = 2**63 - 1


# The dependencies are coroutines: FastAPI runs a plain function (or generator) dependency in its
# thread pool, one hand-over there and back for each (and a generator's exit is another); opening a
# session does no I/O (it connects on the first query, in the endpoint's thread), and closing it
# hands its connection back to the pool.
async def get_session(request: Request) -> AsyncIterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def default_quorum(request: Request) -> int:
    deployment = request.app.state.deployment
    return int(deployment.params.get("quorum_percent", 0)) if deployment else 0


QuorumDep = Annotated[int, Depends(default_quorum)]


async def surge_threshold(request: Request) -> float:
    """SURGE_THRESHOLD (dao/config.py): the share above which new members make a surge."""
    return float(request.app.state.settings.surge_threshold)


SurgeDep = Annotated[float, Depends(surge_threshold)]


def checksum(address: str) -> str:
    """A checksum address, or a 400 that says what is wrong with it."""
    from eth_utils import is_address, to_checksum_address

    if not isinstance(address, str) or not is_address(address):
        raise BadRequest(f"not an Ethereum address: {address!r}")
    return to_checksum_address(address)


def indexed_block(session: Session) -> int:
    """The index's latest block, or a 404 while nothing is indexed."""
    block = queries.indexed_block(session)
    if block is None:
        raise NotFound("nothing indexed yet: run `coop index`")
    return block
