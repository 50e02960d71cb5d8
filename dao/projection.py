"""From decoded events to index rows (dao/tables.py).

One `Projector` per database transaction: it writes the rows of a block range and keeps the
latest membership state of the accounts it touched, so each event costs no extra query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from eth_utils import to_checksum_address
from pydantic_core import PydanticUndefined
from sqlalchemy import insert, select
from sqlmodel import Session, SQLModel

from dao import tables as t

STATUS = {0: "none", 1: "pending", 2: "active", 3: "suspended", 4: "expelled", 5: "moved"}


def _hex(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return str(value)


def _json(value: Any) -> Any:
    """Event args as JSON: big ints as decimal strings, bytes as hex."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) > 2**53 else value
    if isinstance(value, (bytes, bytearray)):
        return _hex(value)
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


@dataclass
class Log:
    """A decoded log with its place on chain."""

    role: str
    event: str
    args: dict[str, Any]
    address: str
    block_number: int
    block_hash: str
    log_index: int
    tx_hash: str

    @property
    def ref(self) -> dict[str, Any]:
        return {
            "block_number": self.block_number,
            "tx_hash": self.tx_hash,
            "log_index": self.log_index,
        }


SETTING_EVENTS = {
    "SharePriceSet": ("sharePrice", "oldPrice", "newPrice"),
    "ShareCapSet": ("shareCap", "oldCap", "newCap"),
    "AdmissionPolicySet": ("admissionPolicy", "oldPolicy", "newPolicy"),
    "RedemptionNoticeSet": ("redemptionNotice", "oldNotice", "newNotice"),
    "VotingDelaySet": ("votingDelay", "oldVotingDelay", "newVotingDelay"),
    "VotingPeriodSet": ("votingPeriod", "oldVotingPeriod", "newVotingPeriod"),
    "ProposalThresholdSet": ("proposalThreshold", "oldProposalThreshold", "newProposalThreshold"),
    "QuorumNumeratorUpdated": ("quorumNumerator", "oldQuorumNumerator", "newQuorumNumerator"),
    "TimelockChange": ("timelock", "oldTimelock", "newTimelock"),
    "MinDelayChange": ("timelockDelay", "oldDuration", "newDuration"),
    "MinReserveSet": ("minReserveBps", "oldBps", "newBps"),
    "InterestCapSet": ("interestCapBps", "oldBps", "newBps"),
    "VotingSenioritySet": ("votingSeniority", "oldSeniority", "newSeniority"),
    "ContestWindowSet": ("contestWindow", "oldWindow", "newWindow"),
    "SeatCountSet": ("committeeSeats", "oldCount", "newCount"),
    "MaxTermSet": ("committeeMaxTerm", "oldMaxTerm", "newMaxTerm"),
}

ZERO_ADDRESS = "0x" + "0" * 40


def _accounts(log: Log) -> tuple[str, ...]:
    """The accounts whose membership state a log changes."""
    a = log.args
    if log.event == "MembershipMoved":
        return (a["from"], a["to"])
    if log.event == "DelegateVotesChanged":
        return (a["delegate"],)
    return (a["account"],)


_IN_CHUNK = 500  # accounts per IN (...) list


def _defaults(table: type[SQLModel]) -> dict[str, Any]:
    """A table's column defaults, so every row of a bulk insert names every column."""
    return {
        name: field.default
        for name, field in table.model_fields.items()
        if name != "id" and field.default is not PydanticUndefined
    }


class Projector:
    """Turns the decoded logs of one block range into rows, written by `flush()` with one bulk
    INSERT per table (rows are plain dicts, in log order, so each table's ids follow the chain).

    Membership handlers start from the account's latest state: `apply_all` reads it for every
    account of the range in a few queries before the first event, and later events of the range
    find it in memory."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._members: dict[str, SimpleNamespace] = {}
        self._looked_up: set[str] = set()  # accounts whose rows before the range were read
        self._rows: dict[type[SQLModel], list[dict[str, Any]]] = {}
        self._defaults: dict[type[SQLModel], dict[str, Any]] = {}
        # the handlers that read and write the account's membership state
        member_handlers: dict[str, Callable[[Log], None]] = {
            "MemberApplied": self._applied,
            "ApplicationRejected": self._application_closed,
            "ApplicationWithdrawn": self._application_closed,
            "MemberJoined": self._joined,
            "SharesPurchased": self._purchased,
            "RedemptionRequested": self._redeemed,
            "MemberLeft": self._ended,
            "MemberExpelled": self._ended,
            "RefundWithdrawn": self._refunded,
            "MemberWarned": self._warned,
            "MemberSuspended": self._suspended,
            "MemberReinstated": self._reinstated,
            "DelegateVotesChanged": self._votes_changed,
            "MembershipMoved": self._moved,
        }
        self._member_events = frozenset(member_handlers)
        self._handlers: dict[str, Callable[[Log], None]] = {
            **member_handlers,
            "ProposalCreated": self._proposal_created,
            "ProposalQueued": self._proposal_event,
            "ProposalExecuted": self._proposal_event,
            "ProposalCanceled": self._proposal_event,
            "VoteCast": self._vote,
            "VoteCastWithParams": self._vote,
            "CallExecuted": self._call_executed,
            "PeriodOpened": self._period_opened,
            "PeriodBudgetSet": self._period_budget,
            "PeriodClosed": self._period_closed,
            "PointsRecorded": self._points,
            "SurplusAllocated": self._allocated,
            "Claimed": self._claimed,
            "Swept": self._swept,
            "ReserveReleased": self._released,
            "TreasurerSet": self._treasurer,
            "MemberAdmitted": self._admitted,
            "AdmissionContested": self._contested,
            "CommitteeActAnnulled": self._annulled,
            "SeatFilled": self._seat_filled,
            "SeatVacated": self._seat_vacated,
        }
        # the latest member_state row of each account written in this range, not flushed yet
        self._unflushed: dict[str, dict[str, Any]] = {}

    def apply_all(self, logs: list[Log]) -> None:
        """Apply a range's logs in chain order, then write their rows."""
        self.load_members(
            {a for log in logs if log.event in self._member_events for a in _accounts(log)}
        )
        for log in logs:
            self.apply(log)
        self.flush()

    def apply(self, log: Log) -> None:
        self._add(
            t.RawEvent,
            block_number=log.block_number,
            block_hash=log.block_hash,
            log_index=log.log_index,
            tx_hash=log.tx_hash,
            contract=log.role,
            address=log.address,
            event=log.event,
            args={k: _json(v) for k, v in log.args.items()},
        )
        if log.event in SETTING_EVENTS:
            name, old, new = SETTING_EVENTS[log.event]
            self._add(
                t.SettingChange,
                **log.ref,
                contract=log.role,
                name=name,
                old_value=str(_json(log.args[old])),
                new_value=str(_json(log.args[new])),
            )
            return
        handler = self._handlers.get(log.event)
        if handler is not None:
            handler(log)

    def flush(self) -> None:
        """Write the rows applied so far (one executemany INSERT per table)."""
        for table, rows in self._rows.items():
            if rows:
                self.session.execute(insert(table.__table__), rows)  # type: ignore[attr-defined]
        self._rows = {}
        self._unflushed = {}

    def _add(self, table: type[SQLModel], **values: Any) -> dict[str, Any]:
        row = {**self._defaults_of(table), **values}
        self._rows.setdefault(table, []).append(row)
        return row

    def _defaults_of(self, table: type[SQLModel]) -> dict[str, Any]:
        defaults = self._defaults.get(table)
        if defaults is None:
            defaults = self._defaults[table] = _defaults(table)
        return defaults

    # ------------------------------------------------------------ membership

    def load_members(self, accounts: set[str]) -> None:
        """Read the latest membership row of each account not in memory yet (rows of earlier
        ranges), a few hundred accounts a query."""
        wanted = sorted(a for a in accounts if a not in self._members and a not in self._looked_up)
        self._looked_up.update(wanted)
        table = t.MemberState.__table__  # type: ignore[attr-defined]
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            latest: dict[str, dict[str, Any]] = {}
            for row in self.session.execute(
                select(table)
                .where(table.c.account.in_(chunk))
                .order_by(table.c.block_number, table.c.log_index)
            ).mappings():
                latest[row["account"]] = dict(row)
            for account in chunk:
                row = latest.get(account)
                if row is not None:
                    row.pop("id", None)
                    self._members[account] = SimpleNamespace(**row)

    def _state(self, account: str) -> SimpleNamespace:
        """The account's latest state (a fresh copy to modify and save as the next row)."""
        if account not in self._looked_up:
            self.load_members({account})
        latest = self._members.get(account)
        if latest is None:
            return SimpleNamespace(
                **{
                    **self._defaults_of(t.MemberState),
                    "account": account,
                    "status": "none",
                    "block_number": 0,
                    "tx_hash": "",
                    "log_index": 0,
                    "event": "",
                }
            )
        return SimpleNamespace(**vars(latest))

    def _save(self, log: Log, state: SimpleNamespace) -> None:
        state.block_number, state.tx_hash, state.log_index = (
            log.block_number,
            log.tx_hash,
            log.log_index,
        )
        state.event = log.event
        self._unflushed[state.account] = self._add(t.MemberState, **vars(state))
        self._members[state.account] = state

    def _movement(
        self,
        log: Log,
        account: str,
        kind: str,
        shares: int = 0,
        amount: int = 0,
        available_at: int = 0,
    ) -> None:
        self._add(
            t.ShareMovement,
            **log.ref,
            account=account,
            kind=kind,
            shares=shares,
            amount=amount,
            available_at=available_at,
        )

    def _applied(self, log: Log) -> None:
        a = log.args
        s = self._state(a["account"])
        s.status = "pending"
        self._save(log, s)
        self._movement(log, a["account"], "applied", a["shares"], a["amount"])

    def _application_closed(self, log: Log) -> None:
        a = log.args
        s = self._state(a["account"])
        s.status = "none"
        s.refund_owed += a["amount"]
        self._save(log, s)
        kind = (
            "application_rejected"
            if log.event == "ApplicationRejected"
            else "application_withdrawn"
        )
        self._movement(log, a["account"], kind, 0, a["amount"])
        if log.event == "ApplicationRejected":
            self._add(
                t.Sanction,
                **log.ref,
                account=a["account"],
                kind="rejection",
                reason_hash=_hex(a["reasonHash"]),
            )

    def _joined(self, log: Log) -> None:
        a = log.args
        s = self._state(a["account"])
        s.status, s.member_index, s.shares, s.capital = (
            "active",
            a["index"],
            a["shares"],
            a["capital"],
        )
        # a voter once the DelegateVotesChanged of the same transaction says so (no seniority)
        s.votes, s.votes_from, s.admitted_at, s.suspended_until = 0, 0, log.block_number, 0
        self._save(log, s)
        self._movement(log, a["account"], "joined", a["shares"], a["capital"])

    def _purchased(self, log: Log) -> None:
        a = log.args
        s = self._state(a["account"])
        s.shares, s.capital = a["totalShares"], a["capital"]
        self._save(log, s)
        self._movement(log, a["account"], "purchased", a["shares"], a["amount"])

    def _redeemed(self, log: Log) -> None:
        a = log.args
        s = self._state(a["account"])
        s.shares -= a["shares"]
        s.capital -= a["amount"]
        s.refund_owed += a["amount"]
        s.refund_available_at = max(s.refund_available_at, a["availableAt"])
        self._save(log, s)
        self._movement(log, a["account"], "redemption", a["shares"], a["amount"], a["availableAt"])

    def _ended(self, log: Log) -> None:
        a = log.args
        s = self._state(a["account"])
        s.status = "expelled" if log.event == "MemberExpelled" else "none"
        s.shares, s.capital, s.votes, s.votes_from = 0, 0, 0, 0
        s.suspended_until = 0  # warnings stay: leaving and rejoining does not wipe them
        s.refund_owed += a["amount"]
        s.refund_available_at = max(s.refund_available_at, a["availableAt"])
        self._save(log, s)
        kind = "expelled" if log.event == "MemberExpelled" else "left"
        self._movement(log, a["account"], kind, a["shares"], a["amount"], a["availableAt"])
        if log.event == "MemberExpelled":
            self._add(
                t.Sanction,
                **log.ref,
                account=a["account"],
                kind="expulsion",
                reason_hash=_hex(a["reasonHash"]),
            )

    def _refunded(self, log: Log) -> None:
        a = log.args
        s = self._state(a["account"])
        s.refund_owed -= a["amount"]
        s.refund_available_at = 0
        self._save(log, s)
        self._movement(log, a["account"], "refund_withdrawn", 0, a["amount"])

    def _warned(self, log: Log) -> None:
        a = log.args
        s = self._state(a["account"])
        s.warnings = a["warnings"]
        self._save(log, s)
        self._add(
            t.Sanction,
            **log.ref,
            account=a["account"],
            kind="warning",
            reason_hash=_hex(a["reasonHash"]),
        )

    def _suspended(self, log: Log) -> None:
        a = log.args
        s = self._state(a["account"])
        s.status, s.votes, s.votes_from, s.suspended_until = "suspended", 0, 0, a["until"]
        self._save(log, s)
        self._add(
            t.Sanction,
            **log.ref,
            account=a["account"],
            kind="suspension",
            reason_hash=_hex(a["reasonHash"]),
            until=a["until"],
        )

    def _reinstated(self, log: Log) -> None:
        a = log.args
        s = self._state(a["account"])
        # votes again only if past its seniority: the DelegateVotesChanged before this event
        s.status, s.suspended_until = "active", 0
        self._save(log, s)
        self._add(t.Sanction, **log.ref, account=a["account"], kind="reinstatement")

    def _votes_changed(self, log: Log) -> None:
        """IVotes: a member becomes a voter (admission without seniority, enfranchisement,
        reinstatement past seniority) or stops being one. A move's pair of these changes nothing
        more (the membership moved with its votes); a change in the same transaction as the
        account's previous row (its admission) updates that row."""
        a = log.args
        votes = int(a["newVotes"])
        s = self._state(a["delegate"])
        if s.votes == votes:
            return
        s.votes, s.votes_from = votes, log.block_number if votes else 0
        pending = self._unflushed.get(s.account)
        if pending is not None and pending["tx_hash"] == log.tx_hash:
            pending["votes"], pending["votes_from"] = s.votes, s.votes_from
            self._members[s.account] = s
            return
        self._save(log, s)

    def _moved(self, log: Log) -> None:
        """The membership (index, shares, capital, votes, sanctions, refund owed) follows the
        person to the new account; the old account keeps nothing but the status "moved"."""
        a = log.args
        old, new = self._state(a["from"]), self._state(a["to"])
        moved = SimpleNamespace(**vars(old))
        moved.account = a["to"]
        moved.refund_owed = new.refund_owed + old.refund_owed
        moved.refund_available_at = max(new.refund_available_at, old.refund_available_at)
        for name in (
            "member_index",
            "shares",
            "capital",
            "votes",
            "votes_from",
            "admitted_at",
            "warnings",
            "suspended_until",
            "refund_owed",
            "refund_available_at",
        ):
            setattr(old, name, 0)
        old.status = "moved"
        self._save(log, old)
        self._save(log, moved)
        self._add(
            t.MembershipMove,
            **log.ref,
            from_account=a["from"],
            to_account=a["to"],
            member_index=a["index"],
            moved_by=a["by"],
            contest_deadline=a["contestDeadline"],
        )

    def _admitted(self, log: Log) -> None:
        a = log.args
        self._add(
            t.Admission,
            **log.ref,
            account=a["account"],
            admitted_by=a["by"],
            attestation=_hex(a["attestation"]),
            contest_deadline=a["contestDeadline"],
        )

    def _contested(self, log: Log) -> None:
        a = log.args
        self._add(t.ContestEvent, **log.ref, account=a["account"], kind="contested", actor=a["by"])

    def _annulled(self, log: Log) -> None:
        """An annulled admission is followed by MemberExpelled, an annulled recovery by
        MembershipMoved back to `restoredTo`, in the same transaction."""
        a = log.args
        restored = a["restoredTo"]
        self._add(
            t.ContestEvent,
            **log.ref,
            account=a["account"],
            kind="annulled",
            restored_to=None if restored == ZERO_ADDRESS else restored,
        )

    # ------------------------------------------------------------ committee

    def _seat_filled(self, log: Log) -> None:
        a = log.args
        self._add(
            t.CommitteeSeatEvent,
            **log.ref,
            seat=a["seat"],
            holder=a["holder"],
            term_end=a["termEnd"],
            kind="filled",
        )

    def _seat_vacated(self, log: Log) -> None:
        a = log.args
        self._add(
            t.CommitteeSeatEvent, **log.ref, seat=a["seat"], holder=a["holder"], kind="vacated"
        )

    # ------------------------------------------------------------ governance

    def _proposal_created(self, log: Log) -> None:
        a = log.args
        self._add(
            t.Proposal,
            **log.ref,
            proposal_id=str(a["proposalId"]),
            proposer=a["proposer"],
            targets=list(a["targets"]),
            values=[str(v) for v in a["values"]],
            signatures=list(a["signatures"]),
            calldatas=[_hex(c) for c in a["calldatas"]],
            description=a["description"],
            vote_start=a["voteStart"],
            vote_end=a["voteEnd"],
        )

    def _proposal_event(self, log: Log) -> None:
        kind = {
            "ProposalQueued": "queued",
            "ProposalExecuted": "executed",
            "ProposalCanceled": "canceled",
        }[log.event]
        self._add(
            t.ProposalEvent,
            **log.ref,
            proposal_id=str(log.args["proposalId"]),
            kind=kind,
            eta=log.args.get("etaSeconds", 0),
        )

    def _vote(self, log: Log) -> None:
        a = log.args
        self._add(
            t.Vote,
            **log.ref,
            proposal_id=str(a["proposalId"]),
            voter=a["voter"],
            support=a["support"],
            weight=a["weight"],
            reason=a["reason"],
        )

    def _call_executed(self, log: Log) -> None:
        a = log.args
        self._add(
            t.TreasuryMovement,
            **log.ref,
            operation_id=_hex(a["id"]),
            target=a["target"],
            value=a["value"],
            data=_hex(a["data"]),
        )

    # ------------------------------------------------------------ rewards

    def _period_opened(self, log: Log) -> None:
        a = log.args
        self._add(t.Period, **log.ref, period_id=a["periodId"], points_budget=a["pointsBudget"])

    def _period_budget(self, log: Log) -> None:
        a = log.args
        self._add(
            t.PeriodEvent, **log.ref, period_id=a["periodId"], kind="budget", value=a["newBudget"]
        )

    def _period_closed(self, log: Log) -> None:
        a = log.args
        self._add(
            t.PeriodEvent,
            **log.ref,
            period_id=a["periodId"],
            kind="closed",
            value=a["totalPoints"],
            snapshot=a["snapshot"],
        )

    def _points(self, log: Log) -> None:
        a = log.args
        self._add(
            t.Points,
            **log.ref,
            period_id=a["periodId"],
            account=a["account"],
            points=a["points"],
            account_points=a["accountPoints"],
            reason_hash=_hex(a["reasonHash"]),
        )

    def _allocated(self, log: Log) -> None:
        a = log.args
        self._add(
            t.Allocation,
            **log.ref,
            period_id=a["periodId"],
            funded=a["funded"],
            reserve=a["reserve"],
            interest_pool=a["interestPool"],
            patronage_pool=a["patronagePool"],
            total_capital=a["totalCapital"],
            deadline=a["deadline"],
        )
        self._add(
            t.ReserveMovement,
            **log.ref,
            kind="allocation",
            period_id=a["periodId"],
            amount=a["reserve"],
        )

    def _claimed(self, log: Log) -> None:
        a = log.args
        self._add(
            t.Claim,
            **log.ref,
            period_id=a["periodId"],
            account=a["account"],
            amount=a["amount"],
            interest=a["interest"],
            patronage=a["patronage"],
        )

    def _swept(self, log: Log) -> None:
        a = log.args
        self._add(
            t.ReserveMovement, **log.ref, kind="sweep", period_id=a["periodId"], amount=a["amount"]
        )

    def _released(self, log: Log) -> None:
        a = log.args
        self._add(t.ReserveMovement, **log.ref, kind="release", account=a["to"], amount=a["amount"])

    def _treasurer(self, log: Log) -> None:
        a = log.args
        self._add(
            t.Treasurer, **log.ref, account=to_checksum_address(a["account"]), enabled=a["enabled"]
        )
