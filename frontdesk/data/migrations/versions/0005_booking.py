"""booking: weekly hours, breaks, holidays, blockouts, type providers, wait list, delays

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 02:00:00

A provider's single ``day_start``-``day_end`` becomes one ``working_hours`` row
for each of the seven weekdays (what it meant before), and the two columns go.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SPAN = "start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440"


def _weekly(name: str, *extra: sa.Column[str]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        *extra,
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=f"ck_{name}_weekday"),
        sa.CheckConstraint(SPAN, name=f"ck_{name}_span"),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(f"ix_{name}_provider_id", ["provider_id"], unique=False)


def upgrade() -> None:
    _weekly("working_hours")
    _weekly("break_time", sa.Column("label", AutoString(), nullable=False))
    op.execute(
        """
        WITH RECURSIVE days(weekday) AS (SELECT 0 UNION ALL SELECT weekday + 1 FROM days
                                         WHERE weekday < 6)
        INSERT INTO working_hours (provider_id, weekday, start_minute, end_minute)
        SELECT p.id, days.weekday,
               CAST(substr(p.day_start, 1, 2) AS INTEGER) * 60
                 + CAST(substr(p.day_start, 4, 2) AS INTEGER),
               CAST(substr(p.day_end, 1, 2) AS INTEGER) * 60
                 + CAST(substr(p.day_end, 4, 2) AS INTEGER)
        FROM provider p CROSS JOIN days ORDER BY p.id, days.weekday
        """
    )
    op.execute("ALTER TABLE provider DROP COLUMN day_start")
    op.execute("ALTER TABLE provider DROP COLUMN day_end")

    op.create_table(
        "holiday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "blockout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("reason", AutoString(), nullable=False),
        sa.CheckConstraint("start_at < end_at", name="ck_blockout_span"),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("blockout", schema=None) as batch_op:
        batch_op.create_index("ix_blockout_provider_id", ["provider_id"], unique=False)
        batch_op.create_index("ix_blockout_end", ["end_at"], unique=False)
    op.create_table(
        "type_provider",
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["type_id"], ["appointment_type.id"]),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"]),
        sa.PrimaryKeyConstraint("type_id", "provider_id"),
    )
    with op.batch_alter_table("appointment_type", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overbook", sa.Boolean(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("early_minutes", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("clinic_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("late_cancel_hours", sa.Integer(), nullable=False, server_default="24")
        )
    # Plain ADD COLUMN (no table copy): appointment has children and foreign keys are on.
    op.execute(
        "ALTER TABLE appointment ADD COLUMN rescheduled_from INTEGER REFERENCES appointment(id)"
    )
    op.execute("ALTER TABLE appointment ADD COLUMN booked_by INTEGER REFERENCES staff(id)")
    op.execute("ALTER TABLE appointment ADD COLUMN confirmed_at DATETIME")
    op.execute("ALTER TABLE appointment ADD COLUMN confirmed_by INTEGER REFERENCES staff(id)")
    op.create_index(
        "ix_appointment_provider_start", "appointment", ["provider_id", "start_at"], unique=False
    )

    op.create_table(
        "waitlist_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("weekdays", AutoString(), nullable=False),
        sa.Column("earliest_minute", sa.Integer(), nullable=True),
        sa.Column("latest_minute", sa.Integer(), nullable=True),
        sa.Column("not_before", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("note", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["type_id"], ["appointment_type.id"]),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["closed_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("waitlist_entry", schema=None) as batch_op:
        batch_op.create_index("ix_waitlist_entry_patient_id", ["patient_id"], unique=False)
        batch_op.create_index("ix_waitlist_open", ["status", "created_at"], unique=False)

    op.create_table(
        "provider_delay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("provider_delay", schema=None) as batch_op:
        batch_op.create_index(
            "ix_provider_delay_day", ["business_date", "provider_id"], unique=False
        )
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER provider_delay_no_{verb.lower()} BEFORE {verb} ON "
            "provider_delay BEGIN SELECT RAISE(ABORT, 'provider_delay is append-only'); END"
        )


def downgrade() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS provider_delay_no_{verb}")
    op.drop_table("provider_delay")
    op.drop_table("waitlist_entry")
    op.drop_index("ix_appointment_provider_start", table_name="appointment")
    op.execute("ALTER TABLE appointment DROP COLUMN confirmed_by")
    op.execute("ALTER TABLE appointment DROP COLUMN confirmed_at")
    op.execute("ALTER TABLE appointment DROP COLUMN booked_by")
    op.execute("ALTER TABLE appointment DROP COLUMN rescheduled_from")
    with op.batch_alter_table("clinic_settings", schema=None) as batch_op:
        batch_op.drop_column("late_cancel_hours")
    with op.batch_alter_table("appointment_type", schema=None) as batch_op:
        batch_op.drop_column("early_minutes")
        batch_op.drop_column("overbook")
    op.drop_table("type_provider")
    op.drop_table("blockout")
    op.drop_table("holiday")
    op.execute("ALTER TABLE provider ADD COLUMN day_start VARCHAR NOT NULL DEFAULT '08:00'")
    op.execute("ALTER TABLE provider ADD COLUMN day_end VARCHAR NOT NULL DEFAULT '17:00'")
    op.execute(
        """
        UPDATE provider SET
          day_start = (SELECT printf('%02d:%02d', MIN(start_minute) / 60, MIN(start_minute) % 60)
                       FROM working_hours w WHERE w.provider_id = provider.id),
          day_end = (SELECT printf('%02d:%02d', MAX(end_minute) / 60, MAX(end_minute) % 60)
                     FROM working_hours w WHERE w.provider_id = provider.id)
        WHERE EXISTS (SELECT 1 FROM working_hours w WHERE w.provider_id = provider.id)
        """
    )
    op.drop_table("break_time")
    op.drop_table("working_hours")
