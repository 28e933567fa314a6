"""callbacks: the queue of calls and follow-ups, their reasons and attempts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# code, label, queue, due minutes (-1: the same day), priority, also supervisor, automatic
REASONS = [
    ("scheduling", "Scheduling", "desk", 1440, 2, False, False),
    ("billing", "Billing question", "desk", 2880, 2, False, False),
    ("records", "Records request", "desk", 7200, 3, False, False),
    ("clinical", "Clinical question", "nurse", -1, 1, False, False),
    ("prior_auth", "Prior authorization", "desk", 4320, 2, False, False),
    ("referral", "Referral", "desk", 7200, 2, False, False),
    ("complaint", "Complaint or grievance", "desk", 1440, 1, True, False),
    ("other", "Other", "desk", 1440, 3, False, False),
    ("rebook", "Rebook a no-show", "desk", -1, 2, False, True),
    ("long_wait", "Long wait", "desk", 15, 1, False, True),
]


def upgrade() -> None:
    with op.batch_alter_table("clinic_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("long_wait_minutes", sa.Integer(), nullable=False, server_default="30")
        )
    reason = op.create_table(
        "callback_reason",
        sa.Column("code", AutoString(), nullable=False),
        sa.Column("label", AutoString(), nullable=False),
        sa.Column("queue", AutoString(), nullable=False),
        sa.Column("due_minutes", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("also_supervisor", sa.Boolean(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.bulk_insert(
        reason,
        [
            {
                "code": code,
                "label": label,
                "queue": queue,
                "due_minutes": due,
                "priority": priority,
                "also_supervisor": sup,
                "automatic": auto,
                "active": True,
                "position": position,
            }
            for position, (code, label, queue, due, priority, sup, auto) in enumerate(REASONS)
        ],
    )
    op.create_table(
        "callback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("caller_name", AutoString(), nullable=False),
        sa.Column("phone", AutoString(), nullable=False),
        sa.Column("reason", AutoString(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("owner_staff_id", sa.Integer(), nullable=True),
        sa.Column("owner_queue", AutoString(), nullable=False),
        sa.Column("notes", AutoString(), nullable=False),
        sa.Column("reference", AutoString(), nullable=False),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("outcome", AutoString(), nullable=False),
        sa.Column("outcome_note", AutoString(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("cause", AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["reason"], ["callback_reason.code"]),
        sa.ForeignKeyConstraint(["owner_staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["closed_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("callback", schema=None) as batch_op:
        batch_op.create_index("ix_callback_patient_id", ["patient_id"], unique=False)
        batch_op.create_index("ix_callback_open", ["status", "due_at"], unique=False)
        batch_op.create_index(
            "ix_callback_cause", ["cause"], unique=True, sqlite_where=sa.text("cause != ''")
        )
    op.create_table(
        "callback_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("callback_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("result", AutoString(), nullable=False),
        sa.Column("next_try_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["callback_id"], ["callback.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("callback_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_callback_attempt_callback_id", ["callback_id"], unique=False)
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER callback_attempt_no_{verb.lower()} BEFORE {verb} ON "
            "callback_attempt BEGIN SELECT RAISE(ABORT, 'callback_attempt is append-only'); END"
        )


def downgrade() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS callback_attempt_no_{verb}")
    op.drop_table("callback_attempt")
    op.drop_table("callback")
    op.drop_table("callback_reason")
    with op.batch_alter_table("clinic_settings", schema=None) as batch_op:
        batch_op.drop_column("long_wait_minutes")
