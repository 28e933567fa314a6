"""The openings tests' shorthand: a local time, a search, its spans, rows added as set-up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import SQLModel

from frontdesk.data.db import write_session
from frontdesk.data.models import AppointmentType
from frontdesk.data.openings import OpeningQuery, Openings, search_openings
from tests.conftest import TODAY, ZONE, Clinic

TOMORROW = TODAY + timedelta(days=1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A clinic-local moment."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def find(clinic: Clinic, type_id: int | None = None, /, **asked: object) -> Openings:
    """Search openings for ``type_id`` (the fixture's 15-minute follow-up by default)."""
    query = OpeningQuery(type_id=type_id or clinic.type_id, **asked)  # type: ignore[arg-type]
    return search_openings(clinic.engine, query)


def spans(result: Openings) -> list[tuple[str, datetime, datetime]]:
    """Each opening as (provider, start, end)."""
    return [(o.provider, o.start, o.end) for o in result.openings]


def add(clinic: Clinic, *rows: SQLModel) -> None:
    """Rows written directly (set-up only)."""
    with write_session(clinic.engine) as session:
        session.add_all(rows)


def new_type(clinic: Clinic, minutes: int = 30, **extra: object) -> int:
    """Another visit type; returns its id."""
    with write_session(clinic.engine) as session:
        kind = AppointmentType(name="Procedure", minutes=minutes, **extra)  # type: ignore[arg-type]
        session.add(kind)
        session.flush()
        assert kind.id is not None
        return kind.id
