"""register v2: admissions, moves, contests and the committee

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dao.tables  # noqa: F401

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _log_ref() -> list[sa.Column]:
    return [
        sa.Column("block_number", sa.Integer(), nullable=False),
        sa.Column("tx_hash", sqlmodel.sql.sqltypes.AutoString(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "admission",
        *_log_ref(),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
        sa.Column("admitted_by", sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
        sa.Column("attestation", sqlmodel.sql.sqltypes.AutoString(length=66), nullable=False),
        sa.Column("contest_deadline", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admission_account"), ["account"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_admission_block_number"), ["block_number"], unique=False
        )

    op.create_table(
        "membership_move",
        *_log_ref(),
        sa.Column("from_account", sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
        sa.Column("to_account", sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
        sa.Column("member_index", sa.Integer(), nullable=False),
        sa.Column("moved_by", sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
        sa.Column("contest_deadline", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("membership_move", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_membership_move_block_number"), ["block_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_membership_move_from_account"), ["from_account"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_membership_move_member_index"), ["member_index"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_membership_move_to_account"), ["to_account"], unique=False
        )

    op.create_table(
        "contest_event",
        *_log_ref(),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=42), nullable=True),
        sa.Column("restored_to", sqlmodel.sql.sqltypes.AutoString(length=42), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contest_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contest_event_account"), ["account"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contest_event_block_number"), ["block_number"], unique=False
        )

    op.create_table(
        "committee_seat_event",
        *_log_ref(),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
        sa.Column("term_end", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("committee_seat_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_committee_seat_event_block_number"), ["block_number"], unique=False
        )

    with op.batch_alter_table("member_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("votes_from", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("admitted_at", sa.Integer(), nullable=False, server_default="0")
        )
    # the server defaults only fill the existing rows: the models set the values
    with op.batch_alter_table("member_state", schema=None) as batch_op:
        batch_op.alter_column("votes_from", server_default=None)
        batch_op.alter_column("admitted_at", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("member_state", schema=None) as batch_op:
        batch_op.drop_column("admitted_at")
        batch_op.drop_column("votes_from")

    with op.batch_alter_table("committee_seat_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_seat_event_block_number"))
    op.drop_table("committee_seat_event")
    with op.batch_alter_table("contest_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_event_block_number"))
        batch_op.drop_index(batch_op.f("ix_contest_event_account"))
    op.drop_table("contest_event")
    with op.batch_alter_table("membership_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_move_to_account"))
        batch_op.drop_index(batch_op.f("ix_membership_move_member_index"))
        batch_op.drop_index(batch_op.f("ix_membership_move_from_account"))
        batch_op.drop_index(batch_op.f("ix_membership_move_block_number"))
    op.drop_table("membership_move")
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admission_block_number"))
        batch_op.drop_index(batch_op.f("ix_admission_account"))
    op.drop_table("admission")
