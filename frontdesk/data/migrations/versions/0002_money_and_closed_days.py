"""money: drawers, payments, receipts, billing flags, closed days

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MONEY_TABLES = (
    "drawer_session",
    "drawer_count",
    "payment",
    "billing_flag",
    "day_close",
    "day_reopen",
)
# Tables whose rows belong to one business day (a ``business_date`` column).
DATED_TABLES = ("drawer_session", "drawer_count", "payment", "billing_flag")

# A business day is closed while a close row for it has no reopen row.
_CLOSED_DATE = (
    "EXISTS (SELECT 1 FROM day_close c WHERE c.business_date = {date} "
    "AND NOT EXISTS (SELECT 1 FROM day_reopen r WHERE r.close_id = c.id))"
)
# ... and an instant falls in a closed day when it lies within a close row's UTC bounds.
_CLOSED_AT = (
    "EXISTS (SELECT 1 FROM day_close c WHERE c.start_at <= {at} AND {at} < c.end_at "
    "AND NOT EXISTS (SELECT 1 FROM day_reopen r WHERE r.close_id = c.id))"
)
CLOSED = "RAISE(ABORT, 'business day is closed')"


def _triggers() -> list[tuple[str, str]]:
    """(name, SQL) of every trigger this revision creates."""
    out: list[tuple[str, str]] = []
    for table in MONEY_TABLES:
        for verb in ("UPDATE", "DELETE"):
            name = f"{table}_no_{verb.lower()}"
            out.append(
                (
                    name,
                    f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is insert-only'); END",
                )
            )
    for table in DATED_TABLES:
        name = f"{table}_closed_day"
        when = _CLOSED_DATE.format(date="NEW.business_date")
        out.append(
            (
                name,
                f"CREATE TRIGGER {name} BEFORE INSERT ON {table} "
                f"WHEN {when} BEGIN SELECT {CLOSED}; END",
            )
        )
    out.append(
        (
            "day_close_once",
            "CREATE TRIGGER day_close_once BEFORE INSERT ON day_close WHEN "
            + _CLOSED_DATE.format(date="NEW.business_date")
            + " BEGIN SELECT RAISE(ABORT, 'business day is already closed'); END",
        )
    )
    new_at = _CLOSED_AT.format(at="NEW.start_at")
    old_at = _CLOSED_AT.format(at="OLD.start_at")
    out += [
        (
            "appointment_closed_insert",
            f"CREATE TRIGGER appointment_closed_insert BEFORE INSERT ON appointment "
            f"WHEN {new_at} BEGIN SELECT {CLOSED}; END",
        ),
        (
            "appointment_closed_update",
            f"CREATE TRIGGER appointment_closed_update BEFORE UPDATE ON appointment "
            f"WHEN {old_at} OR {new_at} BEGIN SELECT {CLOSED}; END",
        ),
        (
            "appointment_closed_delete",
            f"CREATE TRIGGER appointment_closed_delete BEFORE DELETE ON appointment "
            f"WHEN {old_at} BEGIN SELECT {CLOSED}; END",
        ),
        (
            "appointment_event_closed_insert",
            "CREATE TRIGGER appointment_event_closed_insert BEFORE INSERT ON appointment_event "
            "WHEN "
            + _CLOSED_AT.format(
                at="(SELECT a.start_at FROM appointment a WHERE a.id = NEW.appointment_id)"
            )
            + f" BEGIN SELECT {CLOSED}; END",
        ),
        (
            "drawer_one_open_per_clerk",
            "CREATE TRIGGER drawer_one_open_per_clerk BEFORE INSERT ON drawer_session WHEN "
            "EXISTS (SELECT 1 FROM drawer_session d WHERE d.staff_id = NEW.staff_id AND NOT "
            "EXISTS (SELECT 1 FROM drawer_count k WHERE k.drawer_id = d.id AND k.accepted)) "
            "BEGIN SELECT RAISE(ABORT, 'this clerk already has an open drawer'); END",
        ),
        (
            "payment_amount_positive",
            "CREATE TRIGGER payment_amount_positive BEFORE INSERT ON payment "
            "WHEN NEW.amount_cents <= 0 OR NEW.tendered_cents < 0 OR NEW.change_cents < 0 "
            "BEGIN SELECT RAISE(ABORT, 'payment amounts must be positive'); END",
        ),
    ]
    return out


def upgrade() -> None:
    with op.batch_alter_table("clinic_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "denominations",
                AutoString(),
                nullable=False,
                server_default="10000,5000,2000,1000,500,100,25,10,5,1",
            )
        )
        batch_op.add_column(
            sa.Column("max_payment_cents", sa.Integer(), nullable=False, server_default="200000")
        )
        batch_op.add_column(
            sa.Column(
                "variance_tolerance_cents", sa.Integer(), nullable=False, server_default="100"
            )
        )
        batch_op.add_column(
            sa.Column("print_command", AutoString(), nullable=False, server_default=sa.text("''"))
        )

    op.create_table(
        "drawer_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("float_cents", sa.Integer(), nullable=False),
        sa.Column("float_counts", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("drawer_session", schema=None) as batch_op:
        batch_op.create_index("ix_drawer_session_staff_id", ["staff_id"], unique=False)
        batch_op.create_index("ix_drawer_session_business_date", ["business_date"], unique=False)

    op.create_table(
        "drawer_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drawer_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("counted_at", UTCDateTime(), nullable=False),
        sa.Column("counted_by", sa.Integer(), nullable=False),
        sa.Column("counts", AutoString(), nullable=False),
        sa.Column("cash_counted_cents", sa.Integer(), nullable=False),
        sa.Column("cash_expected_cents", sa.Integer(), nullable=False),
        sa.Column("check_count_counted", sa.Integer(), nullable=False),
        sa.Column("check_count_expected", sa.Integer(), nullable=False),
        sa.Column("check_counted_cents", sa.Integer(), nullable=False),
        sa.Column("check_expected_cents", sa.Integer(), nullable=False),
        sa.Column("card_counted_cents", sa.Integer(), nullable=False),
        sa.Column("card_expected_cents", sa.Integer(), nullable=False),
        sa.Column("reason", AutoString(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["drawer_id"], ["drawer_session.id"]),
        sa.ForeignKeyConstraint(["counted_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("drawer_count", schema=None) as batch_op:
        batch_op.create_index("ix_drawer_count_drawer_id", ["drawer_id"], unique=False)

    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_no", sa.Integer(), nullable=False),
        sa.Column("entry", AutoString(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("drawer_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("tender", AutoString(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("tendered_cents", sa.Integer(), nullable=False),
        sa.Column("change_cents", sa.Integer(), nullable=False),
        sa.Column("check_number", AutoString(), nullable=False),
        sa.Column("card_last4", AutoString(), nullable=False),
        sa.Column("card_auth", AutoString(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("reason", AutoString(), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("receipt_text", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["drawer_id"], ["drawer_session.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"]),
        sa.ForeignKeyConstraint(["reverses_id"], ["payment.id"]),
        sa.ForeignKeyConstraint(["approved_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt_no"),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index("ix_payment_business_date", ["business_date"], unique=False)
        batch_op.create_index("ix_payment_drawer_id", ["drawer_id"], unique=False)
        batch_op.create_index("ix_payment_patient_id", ["patient_id"], unique=False)
        batch_op.create_index("ix_payment_appointment_id", ["appointment_id"], unique=False)
        batch_op.create_index("ix_payment_reverses_id", ["reverses_id"], unique=False)

    op.create_table(
        "billing_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("note", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("billing_flag", schema=None) as batch_op:
        batch_op.create_index("ix_billing_flag_patient_id", ["patient_id"], unique=False)
        batch_op.create_index("ix_billing_flag_business_date", ["business_date"], unique=False)

    op.create_table(
        "day_close",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=False),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.Column("reason", AutoString(), nullable=False),
        sa.Column("report", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["closed_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("day_close", schema=None) as batch_op:
        batch_op.create_index("ix_day_close_business_date", ["business_date"], unique=False)

    op.create_table(
        "day_reopen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("close_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("reason", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["close_id"], ["day_close.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("close_id"),
    )
    for _name, sql in _triggers():
        op.execute(sql)


def downgrade() -> None:
    for name, _sql in _triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in reversed(MONEY_TABLES):
        op.drop_table(table)
    with op.batch_alter_table("clinic_settings", schema=None) as batch_op:
        for column in (
            "print_command",
            "variance_tolerance_cents",
            "max_payment_cents",
            "denominations",
        ):
            batch_op.drop_column(column)
