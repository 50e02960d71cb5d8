"""Off-chain personal data: the optional member profile and the sign-in state.

Kept apart from the index (dao/tables.py): these rows do not come from the chain, are never
rolled back by a reorganisation, are not exported with the public record, and are erased on the
member's request.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class MemberProfile(SQLModel, table=True):
    __tablename__ = "member_profile"
    account: str = Field(primary_key=True, max_length=42)
    display_name: str = Field(default="", max_length=100)
    contact: str = Field(default="", max_length=200)
    consent: bool = False
    consent_at: int = 0  # unix time the consent was given
    updated_at: int = 0


class SiweNonce(SQLModel, table=True):
    __tablename__ = "siwe_nonce"
    nonce: str = Field(primary_key=True, max_length=64)
    created_at: int
    used: bool = False


class SiweSession(SQLModel, table=True):
    __tablename__ = "siwe_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    account: str = Field(index=True, max_length=42)
    expires_at: int


PERSONAL_TABLES = [MemberProfile, SiweSession]
