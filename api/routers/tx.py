"""Unsigned transactions for wallet actions, so clients need no ABI of their own: the wallet
signs and sends `{to, value, data, chainId}` (eth_sendTransaction)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import AfterValidator, BaseModel, Field
from web3 import Web3

from api import register
from api.deps import SessionDep, checksum
from api.errors import BadRequest, Conflict, Unavailable
from dao import queries

router = APIRouter(prefix="/api/tx", tags=["transactions"])

MAX_UINT256 = 2**256 - 1


def _fits_uint256(value: str) -> str:
    if int(value) > MAX_UINT256:
        raise ValueError("must fit in a uint256 (at most 2**256 - 1)")
    return value


# a uint256 as a decimal string (JSON numbers lose precision past 2**53 in JavaScript)
Uint = Annotated[str, Field(pattern=r"^[0-9]{1,78}$"), AfterValidator(_fits_uint256)]
PeriodId = Annotated[int, Field(ge=1, le=MAX_UINT256)]


class Join(BaseModel):
    shares: int = Field(ge=1, le=2**32 - 1)


class Claim(BaseModel):
    period_id: PeriodId


class Vote(BaseModel):
    proposal_id: Uint
    support: int = Field(ge=0, le=2)
    reason: str = Field(default="", max_length=2000)


class Enfranchise(BaseModel):
    accounts: list[str] | None = Field(
        default=None,
        max_length=500,
        description="accounts to enfranchise; omitted: every account the index finds due",
    )


class Move(BaseModel):
    new_account: str = Field(description="the address the membership moves to")


class Action(BaseModel):
    target: str
    value: Uint = "0"
    calldata: str = Field(default="0x", pattern=r"^0x([0-9a-fA-F]{2})*$")


class Proposal(BaseModel):
    actions: list[Action] = Field(min_length=1, max_length=20)
    description: str = Field(min_length=1, max_length=20000)


def _contracts(request: Request) -> tuple[Web3, Any]:
    w3, deployment = request.app.state.w3, request.app.state.deployment
    if w3 is None or deployment is None:
        raise Unavailable("transactions need a chain connection and a deployment file")
    return w3, deployment


def _tx(w3: Web3, call: Any, value: int = 0) -> dict[str, Any]:
    return {
        "to": call.address,
        "value": hex(value),
        "data": call._encode_transaction_data(),
        "chainId": w3.eth.chain_id,
    }


def _proposal_args(body: Proposal) -> tuple[list[str], list[int], list[bytes], str]:
    targets = [checksum(a.target) for a in body.actions]
    return (
        targets,
        [int(a.value) for a in body.actions],
        [bytes.fromhex(a.calldata[2:]) for a in body.actions],
        body.description,
    )


@router.post("/join")
def join(body: Join, request: Request) -> dict[str, Any]:
    """Join with `shares` shares (value = shares x share price, for an ETH co-op)."""
    w3, d = _contracts(request)
    m = d.contract(w3, "membership")
    price = m.functions.sharePrice().call()
    if m.functions.asset().call() != "0x" + "00" * 20:
        raise BadRequest(
            "this co-op's shares are paid in an ERC-20: approve the membership contract first"
        )
    return _tx(w3, m.functions.join(body.shares), body.shares * price)


@router.post("/vote")
def vote(body: Vote, request: Request) -> dict[str, Any]:
    """Cast a vote from the wallet (castVoteWithReason)."""
    w3, d = _contracts(request)
    g = d.contract(w3, "governor")
    return _tx(w3, g.functions.castVoteWithReason(int(body.proposal_id), body.support, body.reason))


@router.post("/propose")
def propose(body: Proposal, request: Request) -> dict[str, Any]:
    """Propose a list of calls (target, value, calldata) with a description."""
    w3, d = _contracts(request)
    return _tx(w3, d.contract(w3, "governor").functions.propose(*_proposal_args(body)))


@router.post("/queue")
def queue(body: Proposal, request: Request) -> dict[str, Any]:
    """Queue a succeeded proposal in the timelock (same actions and description as proposed)."""
    w3, d = _contracts(request)
    targets, values, calldatas, description = _proposal_args(body)
    return _tx(
        w3,
        d.contract(w3, "governor").functions.queue(
            targets, values, calldatas, Web3.keccak(text=description)
        ),
    )


@router.post("/execute")
def execute(body: Proposal, request: Request) -> dict[str, Any]:
    """Execute a queued proposal once the timelock delay has passed."""
    w3, d = _contracts(request)
    targets, values, calldatas, description = _proposal_args(body)
    return _tx(
        w3,
        d.contract(w3, "governor").functions.execute(
            targets, values, calldatas, Web3.keccak(text=description)
        ),
    )


@router.post("/claim")
def claim(body: Claim, request: Request) -> dict[str, Any]:
    """Claim one's rewards of a period."""
    w3, d = _contracts(request)
    return _tx(w3, d.contract(w3, "rewards").functions.claim(body.period_id))


class RecordPoints(BaseModel):
    period_id: PeriodId
    accounts: list[str] = Field(min_length=1, max_length=500)
    points: list[Uint] = Field(min_length=1, max_length=500)
    reason: str = Field(
        default="", max_length=2000, description="kept off chain; only its hash is recorded"
    )


class ClosePeriod(BaseModel):
    period_id: PeriodId


class AllocationProposal(BaseModel):
    period_id: PeriodId
    amount: Uint = Field(description="wei, paid from the treasury")
    reserve_bps: int = Field(ge=0, le=10000)
    interest_bps: int = Field(ge=0, le=10000)
    claim_days: int = Field(ge=1, le=3650)
    description: str = Field(min_length=1, max_length=20000)


@router.post("/record-points")
def record_points(body: RecordPoints, request: Request) -> dict[str, Any]:
    """Treasurer: record patronage / contribution points for a batch of accounts."""
    if len(body.accounts) != len(body.points):
        raise BadRequest("accounts and points must be lists of the same length")
    w3, d = _contracts(request)
    reason_hash = Web3.keccak(text=body.reason) if body.reason else b"\x00" * 32
    call = d.contract(w3, "rewards").functions.recordPoints(
        body.period_id,
        [checksum(a) for a in body.accounts],
        [int(p) for p in body.points],
        reason_hash,
    )
    return _tx(w3, call)


@router.post("/close-period")
def close_period(body: ClosePeriod, request: Request) -> dict[str, Any]:
    """Treasurer: close a fiscal period (capital is counted as of the block before)."""
    w3, d = _contracts(request)
    return _tx(w3, d.contract(w3, "rewards").functions.closePeriod(body.period_id))


@router.post("/allocation-proposal")
def allocation_proposal(body: AllocationProposal, request: Request) -> dict[str, Any]:
    """Treasurer: a proposal that pays `amount` from the treasury into a closed period's
    allocation; returns the propose transaction and the proposal's actions."""
    w3, d = _contracts(request)
    rewards = d.contract(w3, "rewards")
    calldata = rewards.functions.allocate(
        body.period_id,
        int(body.amount),
        body.reserve_bps,
        body.interest_bps,
        body.claim_days * 86400,
    )._encode_transaction_data()
    actions = [Action(target=rewards.address, value=body.amount, calldata=calldata)]
    proposal = Proposal(actions=actions, description=body.description)
    out = _tx(w3, d.contract(w3, "governor").functions.propose(*_proposal_args(proposal)))
    out["actions"] = [a.model_dump() for a in actions]
    return out


ZERO_ADDRESS = "0x" + "00" * 20
MAX_ENFRANCHISE = 500  # accounts in one transaction (about 30k gas each)


@router.post("/enfranchise")
def enfranchise(body: Enfranchise, request: Request, session: SessionDep) -> dict[str, Any]:
    """Make members voters once their seniority has passed (enfranchise, permissionless; it
    skips accounts that are not due): the accounts given, or every account due by the index
    (at most 500 a transaction; `accounts` lists those included, `due` how many are due)."""
    if body.accounts is not None:
        if not body.accounts:
            raise BadRequest("accounts: give at least one account, or omit it for all due ones")
        accounts = [checksum(a) for a in body.accounts]
        due = len(accounts)
    else:
        block = queries.indexed_block(session)
        found = [] if block is None else register.voters_due(session, block)
        if not found:
            raise Conflict("no member is due to be enfranchised (by the index)")
        accounts, due = found[:MAX_ENFRANCHISE], len(found)
    w3, d = _contracts(request)
    out = _tx(w3, d.contract(w3, "membership").functions.enfranchise(accounts))
    out["accounts"] = accounts
    out["due"] = due
    return out


@router.post("/move")
def move(body: Move, request: Request, session: SessionDep) -> dict[str, Any]:
    """Move one's membership to another address (moveMembership, sent by the member): index,
    shares, capital, votes and history follow; the new address must never have been a member
    nor have applied (checked on the index here, and by the register)."""
    new_account = checksum(body.new_account)
    if new_account == ZERO_ADDRESS:
        raise BadRequest("new_account: the zero address cannot hold a membership")
    latest = queries.latest_state(session, new_account)
    if latest is not None and (latest.status != "none" or latest.member_index != 0):
        raise Conflict(
            f"{new_account} is taken: it is or was a member or applicant (status {latest.status})"
        )
    w3, d = _contracts(request)
    return _tx(w3, d.contract(w3, "membership").functions.moveMembership(new_account))
