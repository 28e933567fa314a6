"""Closed business days: the check every write touching a day makes first.

The database enforces the same rule with triggers (see migration 0002); this
module gives the clerk a clear message before the trigger would refuse.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from frontdesk.data.errors import DayClosed

_CLOSED = text(
    "SELECT c.id FROM day_close c WHERE c.business_date = :day AND NOT EXISTS "
    "(SELECT 1 FROM day_reopen r WHERE r.close_id = c.id) ORDER BY c.id DESC LIMIT 1"
)
_CLOSED_AT = text(
    "SELECT c.business_date FROM day_close c WHERE c.start_at <= :at AND :at < c.end_at "
    "AND NOT EXISTS (SELECT 1 FROM day_reopen r WHERE r.close_id = c.id) LIMIT 1"
).bindparams(bindparam("at", type_=UTCDateTime()))  # stored format, so text compares


def closed_id(session: Session, day: date) -> int | None:
    """The id of the close row that keeps ``day`` closed, or ``None`` if it is open."""
    found = session.execute(_CLOSED, {"day": day}).scalar()
    return None if found is None else int(found)


def refuse_if_closed(session: Session, day: date) -> None:
    """Raise :class:`DayClosed` when ``day`` is closed."""
    if closed_id(session, day) is not None:
        raise DayClosed(closed_message(day))


def refuse_if_instant_closed(session: Session, at: datetime) -> None:
    """Raise :class:`DayClosed` when the instant ``at`` falls in a closed day."""
    found = session.execute(_CLOSED_AT, {"at": at}).scalar()
    if found is not None:
        raise DayClosed(closed_message(date.fromisoformat(str(found))))


def closed_message(day: date) -> str:
    """What the clerk reads when a change touches a closed day."""
    return (
        f"{day:%a %d %b %Y} is closed, so nothing on it can change; "
        "a supervisor can reopen it, or correct money with a refund on an open day"
    )


def is_closed_error(error: IntegrityError) -> bool:
    """Whether a database error is the closed-day trigger's refusal."""
    return "business day is closed" in str(error.orig)
