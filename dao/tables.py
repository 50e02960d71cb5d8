"""The index: SQLModel tables that mirror the co-op's on-chain record.

The database is a projection of the chain. Every row carries the block number (and, for rows that
come from one log, the transaction hash and log index) it was derived from, and rows are only ever
appended. A reorganisation is undone by deleting the rows above the common ancestor, and the
state at any past block is the latest row at or below it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Index, Numeric, String, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class Uint256(TypeDecorator):
    """An EVM uint256 as a Python int: NUMERIC(78, 0) on PostgreSQL, exact decimal text on SQLite
    (whose numbers are 64-bit)."""

    impl = String(78)
    cache_ok = True

    def load_dialect_impl(self, dialect):  # type: ignore[no-untyped-def]
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(78, 0))
        return dialect.type_descriptor(String(78))

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if dialect.name == "postgresql":
            return int(value)
        return str(int(value))

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else int(value)


def U256(default: int | None = None) -> Any:
    return Field(default=default, sa_column=Column(Uint256(), nullable=False))


def Addr(**kw: Any) -> Any:
    return Field(max_length=42, **kw)


class LogRef(SQLModel):
    """Where a row comes from on chain."""

    block_number: int = Field(index=True)
    tx_hash: str = Field(max_length=66)
    log_index: int


# ------------------------------------------------------------------ bookkeeping


class Cursor(SQLModel, table=True):
    """How far the index goes: committed with the rows it covers."""

    id: int = Field(default=1, primary_key=True)
    chain_id: int
    block_number: int
    block_hash: str = Field(max_length=66)


class IndexedBlock(SQLModel, table=True):
    """Hashes of the blocks the index has seen (range ends and blocks with events), to detect
    reorganisations."""

    __tablename__ = "indexed_block"
    number: int = Field(primary_key=True)
    hash: str = Field(max_length=66)
    timestamp: int
    has_events: bool = False


class RawEvent(SQLModel, table=True):
    """Every log of the co-op's contracts, decoded."""

    __tablename__ = "raw_event"
    __table_args__ = (UniqueConstraint("block_hash", "log_index"),)
    id: int | None = Field(default=None, primary_key=True)
    block_number: int = Field(index=True)
    block_hash: str = Field(max_length=66)
    log_index: int
    tx_hash: str = Field(max_length=66)
    contract: str = Field(max_length=32)
    address: str = Addr()
    event: str = Field(max_length=64, index=True)
    args: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


# ------------------------------------------------------------------ membership


class MemberState(LogRef, table=True):
    """An account's membership after each event that changed it; the latest row is the current
    state, the latest row at or below block N the state as of N."""

    __tablename__ = "member_state"
    __table_args__ = (
        Index("ix_member_state_account_block", "account", "block_number", "log_index"),
    )
    id: int | None = Field(default=None, primary_key=True)
    account: str = Addr()
    event: str = Field(max_length=32)
    status: str = Field(max_length=16)  # none, pending, active, suspended, expelled, moved
    member_index: int = 0
    shares: int = 0
    capital: int = U256(0)
    votes: int = 0
    warnings: int = 0
    suspended_until: int = 0
    refund_owed: int = U256(0)
    refund_available_at: int = 0
    votes_from: int = 0  # block from which the current membership votes; 0 = not (yet) a voter
    admitted_at: int = 0  # block of the latest admission


class Admission(LogRef, table=True):
    """An admission: by governance (contest_deadline 0) or by the committee (contestable until
    contest_deadline, in seconds)."""

    id: int | None = Field(default=None, primary_key=True)
    account: str = Addr(index=True)
    admitted_by: str = Addr()
    attestation: str = Field(max_length=66)
    contest_deadline: int = 0


class MembershipMove(LogRef, table=True):
    """A membership moved from one account to another: by its member, by a committee recovery
    (contestable until contest_deadline) or by governance."""

    __tablename__ = "membership_move"
    id: int | None = Field(default=None, primary_key=True)
    from_account: str = Addr(index=True)
    to_account: str = Addr(index=True)
    member_index: int = Field(index=True)
    moved_by: str = Addr()
    contest_deadline: int = 0


class ContestEvent(LogRef, table=True):
    """A committee act contested by a member, or annulled by governance."""

    __tablename__ = "contest_event"
    id: int | None = Field(default=None, primary_key=True)
    account: str = Addr(index=True)
    kind: str = Field(max_length=16)  # contested, annulled
    actor: str | None = Field(default=None, max_length=42)  # who contested
    restored_to: str | None = Field(default=None, max_length=42)  # an annulled recovery


class ShareMovement(LogRef, table=True):
    """Capital in and out: applications, admissions, purchases, redemptions, departures,
    expulsions, refunds."""

    __tablename__ = "share_movement"
    id: int | None = Field(default=None, primary_key=True)
    account: str = Addr(index=True)
    kind: str = Field(max_length=24)
    shares: int = 0
    amount: int = U256(0)
    available_at: int = 0


class Sanction(LogRef, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account: str = Addr(index=True)
    kind: str = Field(max_length=16)  # warning, suspension, reinstatement, expulsion, rejection
    reason_hash: str | None = Field(default=None, max_length=66)
    until: int = 0


class SettingChange(LogRef, table=True):
    """Statutes: every change of a setting, with the block it took effect in."""

    __tablename__ = "setting_change"
    id: int | None = Field(default=None, primary_key=True)
    contract: str = Field(max_length=32)
    name: str = Field(max_length=32, index=True)
    old_value: str = Field(max_length=80)
    new_value: str = Field(max_length=80)


# ------------------------------------------------------------------ governance


class Proposal(LogRef, table=True):
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(max_length=80, unique=True)
    proposer: str = Addr(index=True)
    targets: list[str] = Field(sa_column=Column(JSON, nullable=False))
    values: list[str] = Field(sa_column=Column(JSON, nullable=False))
    signatures: list[str] = Field(sa_column=Column(JSON, nullable=False))
    calldatas: list[str] = Field(sa_column=Column(JSON, nullable=False))
    description: str
    vote_start: int
    vote_end: int


class ProposalEvent(LogRef, table=True):
    """Queued (with its eta), executed, canceled."""

    __tablename__ = "proposal_event"
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(max_length=80, index=True)
    kind: str = Field(max_length=16)
    eta: int = 0


class Vote(LogRef, table=True):
    __table_args__ = (UniqueConstraint("proposal_id", "voter"),)
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(max_length=80, index=True)
    voter: str = Addr(index=True)
    support: int
    weight: int
    reason: str = ""


class CommitteeSeatEvent(LogRef, table=True):
    """A committee seat filled (holder, term end) or vacated (term_end 0)."""

    __tablename__ = "committee_seat_event"
    id: int | None = Field(default=None, primary_key=True)
    seat: int
    holder: str = Addr()
    term_end: int = 0
    kind: str = Field(max_length=16)  # filled, vacated


class TreasuryMovement(LogRef, table=True):
    """Calls the timelock executed (payments out of the treasury when value > 0)."""

    __tablename__ = "treasury_movement"
    id: int | None = Field(default=None, primary_key=True)
    operation_id: str = Field(max_length=66)
    target: str = Addr(index=True)
    value: int = U256()
    data: str


# ------------------------------------------------------------------ rewards


class Period(LogRef, table=True):
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(unique=True)
    points_budget: int = U256()


class PeriodEvent(LogRef, table=True):
    """Budget changes and closing (with the capital snapshot and the total of points)."""

    __tablename__ = "period_event"
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(index=True)
    kind: str = Field(max_length=16)  # budget, closed
    value: int = U256()  # new budget / total points
    snapshot: int = 0


class Points(LogRef, table=True):
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(index=True)
    account: str = Addr(index=True)
    points: int = U256()
    account_points: int = U256()
    reason_hash: str = Field(max_length=66)


class Allocation(LogRef, table=True):
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(unique=True)
    funded: int = U256()
    reserve: int = U256()
    interest_pool: int = U256()
    patronage_pool: int = U256()
    total_capital: int = U256()
    deadline: int


class Claim(LogRef, table=True):
    __table_args__ = (UniqueConstraint("period_id", "account"),)
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(index=True)
    account: str = Addr(index=True)
    amount: int = U256()
    interest: int = U256()
    patronage: int = U256()


class ReserveMovement(LogRef, table=True):
    """Into the reserve (allocation share, sweep) and out of it (release by governance)."""

    __tablename__ = "reserve_movement"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # allocation, sweep, release
    period_id: int = 0
    account: str | None = Field(default=None, max_length=42)
    amount: int = U256()


class Treasurer(LogRef, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account: str = Addr(index=True)
    enabled: bool


# Tables rolled back on a reorganisation: every table with a block number.
PROJECTION_TABLES: list[type[SQLModel]] = [
    RawEvent,
    MemberState,
    Admission,
    MembershipMove,
    ContestEvent,
    ShareMovement,
    Sanction,
    SettingChange,
    Proposal,
    ProposalEvent,
    Vote,
    CommitteeSeatEvent,
    TreasuryMovement,
    Period,
    PeriodEvent,
    Points,
    Allocation,
    Claim,
    ReserveMovement,
    Treasurer,
]
