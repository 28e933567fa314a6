"""A set-up file for the test clinic, and a picture of everything a set-up file can change."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from frontdesk.data.db import read_session
from frontdesk.data.setup_file import SetupInvalid, parse_setup

# The test clinic (tests/conftest.py) with these changes: Okafor starts at 09:00 on
# Tuesdays and has lunch on Mondays; Patel is left out; Nguyen is new; Follow-up is
# longer and only Okafor and Nguyen see it; a holiday, a blockout and a new clerk.
FILE = """\
[clinic]
late_cancel_hours = 48

[[provider]]
short_name = "Okafor"
name = "Dr. Grace Okafor, MD"
breaks.mon = "12:00-13:00 Lunch"
[provider.hours]
mon = "08:00-17:00"
tue = "09:00-17:00"
wed = "08:00-17:00"
thu = "08:00-17:00"
fri = "08:00-17:00"
sat = "08:00-17:00"
sun = "08:00-17:00"

[[provider]]
short_name = "Nguyen"
name = "Linh Nguyen, FNP"
hours.mon = "09:00-18:00"
hours.wed = "09:00-12:00, 13:00-18:00"

[[type]]
name = "Follow-up"
minutes = 20
providers = ["Okafor", "Nguyen"]

[[holiday]]
date = 2026-11-26
name = "Thanksgiving"

[[blockout]]
provider = "Okafor"
start = 2026-12-03T13:00:00
end = 2026-12-03T17:00:00
reason = "Training"

[[staff]]
username = "dee"
name = "Dee Park"
"""

TABLES = {
    "clinic_settings": "name, timezone, late_cancel_hours, no_show_grace_minutes",
    "provider": "id, name, short_name, active",
    "working_hours": "provider_id, weekday, start_minute, end_minute",
    "break_time": "provider_id, weekday, start_minute, end_minute, label",
    "appointment_type": "id, name, minutes, prep_instructions, is_new_patient, active, "
    "overbook, early_minutes",
    "type_provider": "type_id, provider_id",
    "holiday": "day, name",
    "blockout": "provider_id, start_at, end_at, reason",
    "staff": "id, username, display_name, role, active, password_hash",
    "audit_event": "id, action",
}


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a set-up file can touch (and the audit trail), sorted."""
    with read_session(engine) as session:
        return {
            table: sorted(
                (tuple(row) for row in session.execute(text(f"SELECT {cols} FROM {table}"))),
                key=repr,
            )
            for table, cols in TABLES.items()
        }


def rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    """The rows of one query, as tuples."""
    with read_session(engine) as session:
        return [tuple(row) for row in session.execute(text(sql))]


# A file that parses: every block, each way of writing hours.
VALID = """\
[clinic]
name = "Riverside Family Clinic"
timezone = "America/Chicago"
late_cancel_hours = 48

[[provider]]
short_name = "Okafor"
name = "Dr. Grace Okafor, MD"
hours = { mon = "08:00-12:00, 13:00-17:00", tue = "08:00-17:00" }
breaks = { tue = "12:00-13:00 Lunch" }

[[provider]]
short_name = "Patel"
name = "Dr. Anil Patel"
active = false
hours.sat = "08:00-12:00"

[[type]]
name = "Follow-up"
minutes = 15
prep = "Bring your medication list."
providers = ["Okafor", "Patel"]

[[type]]
name = "New patient"
minutes = 40
new_patient = true
early_minutes = 20

[[holiday]]
date = 2026-11-26
name = "Thanksgiving"

[[blockout]]
provider = "Okafor"
start = 2026-12-03T13:00:00
end = "2026-12-03 17:00"
reason = "Training"

[[blockout]]
start = 2026-12-24T12:00:00
end = 2026-12-24T17:00:00

[[staff]]
username = "ana"
name = "Ana Lopez"
role = "desk"

[[staff]]
username = "kim"
role = "supervisor"
active = false
"""


def line_of(text: str, fragment: str) -> int:
    """The 1-based number of the first line of ``text`` holding ``fragment``."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def problems(text: str, known: list[str] | None = None) -> list[str]:
    """The problems parsing ``text`` reports (it must report some)."""
    with pytest.raises(SetupInvalid) as caught:
        parse_setup(text, "clinic.toml", known_providers=known)
    return list(caught.value.problems)


def only_problem(text: str, known: list[str] | None = None) -> str:
    """The one problem parsing ``text`` reports."""
    found = problems(text, known)
    assert len(found) == 1, found
    return found[0]
