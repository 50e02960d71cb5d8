"""Gasless voting: the EIP-712 ballot to sign, and a relay that checks a signed ballot completely
before it spends any gas, then submits it from the relayer account."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Annotated, Any

from eth_account import Account
from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from api.deps import checksum
from api.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests, Unavailable
from dao.ballots import SUPPORT, ballot_typed_data, recover_signer
from dao.queries import STATE_NAMES

router = APIRouter(prefix="/api", tags=["voting"])

ACTIVE = 1


class RateLimiter:
    """At most `rate` events per key in any sliding hour."""

    def __init__(self, rate: int, window: float = 3600.0) -> None:
        self.rate, self.window = rate, window
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            q = self._seen[key]
            while q and now - q[0] > self.window:
                q.popleft()
            if len(q) >= self.rate:
                return False
            q.append(now)
            return True


class SignedBallot(BaseModel):
    proposal_id: str = Field(pattern=r"^[0-9]{1,78}$", description="decimal proposal id")
    support: int = Field(ge=0, le=2, description="0 against, 1 for, 2 abstain")
    voter: str = Field(description="the member's address")
    signature: str = Field(
        pattern=r"^0x[0-9a-fA-F]{130}$", description="65-byte EIP-712 signature, hex"
    )
    chain_id: int | None = Field(default=None, description="the chain id the ballot was signed for")


def _chain(request: Request) -> tuple[Any, Any, Any]:
    w3 = request.app.state.w3
    deployment = request.app.state.deployment
    if w3 is None or deployment is None:
        raise Unavailable(
            "voting needs a chain connection and a deployment file (RPC_URL, DEPLOYMENT_FILE)"
        )
    return w3, deployment.contract(w3, "governor"), deployment.contract(w3, "membership")


def _ballot(w3: Any, governor: Any, proposal_id: int, support: int, voter: str) -> dict[str, Any]:
    return ballot_typed_data(
        governor_name=governor.functions.name().call(),
        governor_address=governor.address,
        chain_id=w3.eth.chain_id,
        proposal_id=proposal_id,
        support=support,
        voter=voter,
        nonce=governor.functions.nonces(voter).call(),
    )


def _pending(w3: Any, tx_hash: str) -> bool:
    """Whether a relayed transaction is still waiting to be mined (not mined, not dropped)."""
    from web3.exceptions import TransactionNotFound

    try:
        w3.eth.get_transaction_receipt(tx_hash)
        return False  # mined: hasVoted tells the rest
    except TransactionNotFound:
        pass
    try:
        w3.eth.get_transaction(tx_hash)
        return True
    except TransactionNotFound:
        return False  # dropped: the ballot may be relayed again


def _check_voter(governor: Any, membership: Any, proposal_id: int, voter: str) -> None:
    try:
        state = governor.functions.state(proposal_id).call()
    except Exception:  # noqa: BLE001  (GovernorNonexistentProposal)
        raise NotFound(f"no proposal {proposal_id} on chain") from None
    if state != ACTIVE:
        raise Conflict(f"proposal {proposal_id} is {STATE_NAMES[state]}, not open for votes")
    snapshot = governor.functions.proposalSnapshot(proposal_id).call()
    weight, _ = membership.functions.voteWeight(voter, snapshot).call()
    if weight == 0:
        raise Forbidden(
            f"{voter} has no vote on this proposal: not an active member at its snapshot (block {snapshot}), "
            "or no longer an active member"
        )
    if governor.functions.hasVoted(proposal_id, voter).call():
        raise Conflict(f"{voter} has already voted on proposal {proposal_id}")


@router.get("/proposals/{proposal_id}/ballot")
def ballot(
    proposal_id: Annotated[str, Path(pattern=r"^[0-9]{1,78}$", description="decimal proposal id")],
    request: Request,
    voter: Annotated[str, Query(description="the member's address")],
    support: Annotated[int, Query(ge=0, le=2, description="0 against, 1 for, 2 abstain")],
) -> dict[str, Any]:
    """The EIP-712 typed data of a ballot, to sign with eth_signTypedData_v4."""
    w3, governor, membership = _chain(request)
    account = checksum(voter)
    _check_voter(governor, membership, int(proposal_id), account)
    typed = _ballot(w3, governor, int(proposal_id), support, account)
    # uint256 as a decimal string: JSON numbers lose precision past 2**53 in JavaScript
    typed["message"]["proposalId"] = str(typed["message"]["proposalId"])
    return typed


@router.post("/relay/vote", status_code=202)
def relay_vote(body: SignedBallot, request: Request) -> dict[str, Any]:
    """Check a signed ballot (signer, nonce, chain, membership at the snapshot, proposal open),
    then submit it with castVoteBySig from the relayer; returns the transaction hash."""
    settings = request.app.state.settings
    if not settings.relayer_key:
        raise Unavailable("this server relays no ballots (RELAYER_PRIVATE_KEY is not set)")
    w3, governor, membership = _chain(request)
    voter = checksum(body.voter)
    chain_id = w3.eth.chain_id
    if body.chain_id is not None and body.chain_id != chain_id:
        raise BadRequest(
            f"the ballot was signed for chain {body.chain_id}; this co-op is on chain {chain_id}"
        )
    proposal_id = int(body.proposal_id)
    limiter: RateLimiter = request.app.state.relay_limiter
    client = request.client.host if request.client else "unknown"
    if not limiter.allow(f"voter:{voter}") or not request.app.state.relay_ip_limiter.allow(
        f"ip:{client}"
    ):
        raise TooManyRequests(f"too many relayed ballots from {voter} or {client}: try again later")
    _check_voter(governor, membership, proposal_id, voter)
    typed = _ballot(w3, governor, proposal_id, body.support, voter)
    try:
        signer = recover_signer(typed, bytes.fromhex(body.signature[2:]))
    except Exception:  # noqa: BLE001
        raise BadRequest("the signature is malformed") from None
    if signer != voter:
        raise BadRequest(
            "the signature does not match this ballot: it must be signed by the voter, for this proposal and "
            f"choice, with the voter's current nonce ({typed['message']['nonce']}) and chain id {chain_id}"
        )
    relayer = Account.from_key(settings.relayer_key)
    key = (proposal_id, voter)
    with request.app.state.relay_lock:
        # the same ballot twice before the first is mined: the checks above (hasVoted, the gas
        # estimate) cannot see it yet, and the second transaction would revert at the relayer's cost
        relayed: dict[tuple[int, str], str] = request.app.state.relayed
        previous = relayed.get(key)
        if previous is not None and _pending(w3, previous):
            raise Conflict(
                f"a ballot of {voter} on proposal {proposal_id} is already relayed "
                f"(transaction {previous}, not mined yet)"
            )
        call = governor.functions.castVoteBySig(
            proposal_id, body.support, voter, bytes.fromhex(body.signature[2:])
        )
        try:
            gas = call.estimate_gas({"from": relayer.address})
        except Exception as exc:  # noqa: BLE001  (the chain moved since the checks)
            raise Conflict(f"the vote would fail on chain: {exc}") from None
        tx = call.build_transaction(
            {
                "from": relayer.address,
                "nonce": w3.eth.get_transaction_count(relayer.address, "pending"),
                "gas": gas + gas // 5,
                "chainId": chain_id,
            }
        )
        signed = relayer.sign_transaction(tx)
        tx_hash = "0x" + bytes(w3.eth.send_raw_transaction(signed.raw_transaction)).hex()
        relayed[key] = tx_hash
    return {
        "tx_hash": tx_hash,
        "voter": voter,
        "proposal_id": body.proposal_id,
        "support": body.support,
    }


__all__ = ["router", "RateLimiter", "SUPPORT"]
