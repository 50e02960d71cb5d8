"""Sign-In with Ethereum (EIP-4361) and the optional off-chain member profile.

Only the wallet's owner can read, update, export or erase its profile. Erasure deletes every piece
of personal data (the profile and the sign-in sessions); the on-chain record is untouched, and
nothing personal is ever written on chain.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from datetime import datetime
from typing import Annotated, Any

from eth_account import Account
from eth_account.messages import encode_defunct
from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import delete
from sqlmodel import select

from api.deps import SessionDep, checksum
from api.errors import BadRequest, NotFound, Unauthorized
from dao.personal import MemberProfile, SiweNonce, SiweSession

router = APIRouter(prefix="/api", tags=["profile"])

NONCE_TTL = 600  # seconds a sign-in nonce stays valid
SESSION_TTL = 3600  # seconds a sign-in lasts

MESSAGE = re.compile(
    r"^(?P<domain>[^\s]+) wants you to sign in with your Ethereum account:\n"
    r"(?P<address>0x[0-9a-fA-F]{40})\n\n"
    r"(?:(?P<statement>[^\n]*)\n\n)?"
    r"URI: (?P<uri>[^\n]+)\n"
    r"Version: (?P<version>1)\n"
    r"Chain ID: (?P<chain_id>[0-9]+)\n"
    r"Nonce: (?P<nonce>[A-Za-z0-9]{8,64})\n"
    r"Issued At: (?P<issued_at>[^\n]+)"
    r"(?:\nExpiration Time: (?P<expiration_time>[^\n]+))?"
    r"(?:\nNot Before: (?P<not_before>[^\n]+))?"
    r"(?:\nRequest ID: [^\n]*)?"
    r"(?:\nResources:(?:\n- [^\n]+)*)?$"
)


class SignIn(BaseModel):
    message: str = Field(max_length=4000, description="the EIP-4361 message the wallet signed")
    signature: str = Field(pattern=r"^0x[0-9a-fA-F]{130}$")


# no control characters (a NUL cannot be stored in PostgreSQL, and none belongs in a name)
PLAIN_TEXT = r"^[^\x00-\x1f\x7f]*$"


class ProfileIn(BaseModel):
    display_name: str = Field(default="", max_length=100, pattern=PLAIN_TEXT)
    contact: str = Field(default="", max_length=200, pattern=PLAIN_TEXT)
    consent: bool = Field(description="explicit consent to keep this data; required to store any")


def _time(value: str, what: str) -> float:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise BadRequest(f"{what} is not an RFC 3339 time: {value!r}") from None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_account(
    session: SessionDep, authorization: Annotated[str | None, Header()] = None
) -> str:
    """The account signed in with the bearer token, or a 401."""
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthorized("sign in first: Authorization: Bearer <token from /api/auth/login>")
    row = session.get(SiweSession, _hash(authorization.removeprefix("Bearer ").strip()))
    if row is None or row.expires_at < time.time():
        raise Unauthorized("the sign-in token is unknown or expired: sign in again")
    return row.account


AccountDep = Annotated[str, Depends(current_account)]


@router.get("/auth/nonce")
def nonce(session: SessionDep) -> dict[str, Any]:
    """A fresh nonce to put in the EIP-4361 message (valid 10 minutes, once)."""
    value = secrets.token_hex(16)
    session.add(SiweNonce(nonce=value, created_at=int(time.time())))
    session.commit()
    return {"nonce": value, "expires_in": NONCE_TTL}


@router.post("/auth/login")
def login(body: SignIn, request: Request, session: SessionDep) -> dict[str, Any]:
    """Check a signed EIP-4361 message (domain, chain, nonce, times, signer); returns a token."""
    m = MESSAGE.match(body.message.replace("\r\n", "\n").strip())
    if m is None:
        raise BadRequest("not an EIP-4361 (Sign-In with Ethereum) message")
    settings = request.app.state.settings
    expected_domain = settings.siwe_domain or request.headers.get("host", "")
    if m["domain"] != expected_domain:
        raise Unauthorized(
            f"the message is for {m['domain']!r}, not for this site ({expected_domain!r})"
        )
    w3 = request.app.state.w3
    chain_id = settings.siwe_chain_id or (w3.eth.chain_id if w3 is not None else 0)
    if int(m["chain_id"]) != chain_id:
        raise Unauthorized(
            f"the message is for chain {m['chain_id']}, this co-op is on chain {chain_id}"
        )
    now = time.time()
    if _time(m["issued_at"], "Issued At") > now + 60:
        raise Unauthorized("the message is issued in the future")
    if m["expiration_time"] and _time(m["expiration_time"], "Expiration Time") <= now:
        raise Unauthorized("the message has expired: sign a new one")
    if m["not_before"] and _time(m["not_before"], "Not Before") > now:
        raise Unauthorized("the message is not valid yet")
    stored = session.get(SiweNonce, m["nonce"])
    if stored is None or stored.used or stored.created_at + NONCE_TTL < now:
        raise Unauthorized(
            "unknown, expired or already used nonce: ask /api/auth/nonce for a new one"
        )
    address = checksum(m["address"])
    try:
        signer = Account.recover_message(
            encode_defunct(text=body.message), signature=body.signature
        )
    except Exception:  # noqa: BLE001
        raise BadRequest("the signature is malformed") from None
    if signer != address:
        raise Unauthorized("the message was not signed by the account it names")
    stored.used = True
    token = secrets.token_urlsafe(32)
    session.add(stored)
    session.add(
        SiweSession(token_hash=_hash(token), account=address, expires_at=int(now + SESSION_TTL))
    )
    session.commit()
    return {"token": token, "account": address, "expires_in": SESSION_TTL}


@router.post("/auth/logout", status_code=204)
def logout(
    session: SessionDep, account: AccountDep, authorization: Annotated[str, Header()]
) -> Response:
    """End this sign-in."""
    row = session.get(SiweSession, _hash(authorization.removeprefix("Bearer ").strip()))
    if row is not None:
        session.delete(row)
        session.commit()
    return Response(status_code=204)


def _profile(p: MemberProfile) -> dict[str, Any]:
    return {
        "account": p.account,
        "display_name": p.display_name,
        "contact": p.contact,
        "consent": p.consent,
        "consent_at": p.consent_at,
        "updated_at": p.updated_at,
    }


@router.get("/profile")
def read_profile(session: SessionDep, account: AccountDep) -> dict[str, Any]:
    """The signed-in member's own profile."""
    p = session.get(MemberProfile, account)
    if p is None:
        raise NotFound(f"no profile for {account}")
    return _profile(p)


@router.put("/profile")
def write_profile(body: ProfileIn, session: SessionDep, account: AccountDep) -> dict[str, Any]:
    """Create or update the signed-in member's profile; storing anything needs consent."""
    if not body.consent:
        raise BadRequest(
            "consent is required to store a profile; erase it instead with DELETE /api/profile"
        )
    now = int(time.time())
    p = session.get(MemberProfile, account) or MemberProfile(account=account)
    if not p.consent:
        p.consent_at = now
    p.display_name, p.contact, p.consent, p.updated_at = body.display_name, body.contact, True, now
    session.add(p)
    session.commit()
    session.refresh(p)
    return _profile(p)


@router.get("/profile/export")
def export_profile(session: SessionDep, account: AccountDep) -> Response:
    """Everything personal the server holds about the signed-in member, as a JSON download."""
    import json

    p = session.get(MemberProfile, account)
    sessions = session.exec(select(SiweSession).where(SiweSession.account == account)).all()
    data = {
        "account": account,
        "profile": _profile(p) if p else None,
        "sign_in_sessions": [{"expires_at": s.expires_at} for s in sessions],
    }
    return Response(
        json.dumps(data, indent=1),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="profile-{account}.json"'},
    )


@router.delete("/profile", status_code=204)
def erase_profile(session: SessionDep, account: AccountDep) -> Response:
    """Erase every piece of personal data about the signed-in member (the chain is untouched)."""
    session.exec(delete(MemberProfile).where(MemberProfile.account == account))  # type: ignore[arg-type]
    session.exec(delete(SiweSession).where(SiweSession.account == account))  # type: ignore[arg-type]
    session.commit()
    return Response(status_code=204)
