"""search keys: letters such as Ø, Æ, Ł fold to o, ae, l

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 23:55:00

The name keys of patients whose names hold such a letter are computed again,
so "overgaard" finds "Øvergaard". Only those rows are touched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from frontdesk.data.validation import UNDECOMPOSED, name_keys

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    letters = [chr(code) for code in UNDECOMPOSED]
    where = " OR ".join(
        f"instr(last_name, :c{i}) > 0 OR instr(first_name, :c{i}) > 0" for i in range(len(letters))
    )
    params = {f"c{i}": letter for i, letter in enumerate(letters)}
    rows = conn.execute(
        sa.text(f"SELECT id, last_name, first_name FROM patient WHERE {where}"), params
    ).all()
    for patient_id, last, first in rows:
        last_key, first_key, last2_key = name_keys(last, first)
        conn.execute(
            sa.text(
                "UPDATE patient SET last_key = :last, first_key = :first, last2_key = :last2 "
                "WHERE id = :id"
            ),
            {"last": last_key, "first": first_key, "last2": last2_key, "id": patient_id},
        )


def downgrade() -> None:
    """Nothing to undo: the old keys only found fewer patients."""
