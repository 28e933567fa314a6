"""What the openings search reads: the time appointments hold, and the closed days.

Appointments are read as (provider, start, minutes) for a range of days, in
start order, and kept as whole seconds since 1970 (UTC): on SQLite straight
from the stored text (one parse per distinct start time, as most appointments
share their start with others), on any other database from the driver's
datetimes. :class:`Held` then hands out, per provider, only the appointments
that can touch a given day, so a day's gaps cost the same however many days
were read at once.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from math import floor
from typing import Any, cast

from sqlalchemy import Select, bindparam, exists
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from frontdesk.data import schedule_fetch
from frontdesk.data.models import Appointment, DayClose, DayReopen, Status
from frontdesk.data.schedule_fetch import DRIVER_DIALECTS, from_text, stored

Seconds = tuple[int, int]  # a span as whole seconds since 1970, UTC

_BUSY = (
    cast(
        "Select[Any]",
        core_select(
            col(Appointment.provider_id), col(Appointment.start_at), col(Appointment.minutes)
        ),
    )
    .where(
        col(Appointment.start_at) >= bindparam("start"),
        col(Appointment.start_at) < bindparam("end"),
        # cancelled and no-show visits give their time back
        col(Appointment.status) != Status.CANCELLED.value,
        col(Appointment.status) != Status.NO_SHOW.value,
    )
    .order_by(col(Appointment.start_at))
)
_BUSY_OF_PROVIDER: Select[Any] = _BUSY.where(col(Appointment.provider_id) == bindparam("provider"))
_CLOSED_DAYS: Select[Any] = core_select(col(DayClose.business_date)).where(
    col(DayClose.business_date) >= bindparam("first"),
    col(DayClose.business_date) <= bindparam("last"),
    ~exists().where(col(DayReopen.close_id) == col(DayClose.id)),
)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def seconds(moment: datetime) -> int:
    """An aware moment as whole seconds since 1970 (rounded down)."""
    return floor(moment.timestamp())


@dataclass
class Held:
    """The appointments of some days, per provider, in start order."""

    starts: dict[int, list[int]] = field(default_factory=dict)
    spans: dict[int, list[Seconds]] = field(default_factory=dict)
    longest: int = 0  # the longest appointment, in seconds

    def within(self, provider_id: int, start: int, end: int) -> list[Seconds]:
        """The provider's appointments that may overlap ``start``..``end``."""
        starts = self.starts.get(provider_id)
        if not starts:
            return []
        low = bisect_left(starts, start - self.longest)
        high = bisect_left(starts, end, low)
        return self.spans[provider_id][low:high]


def _from_stored(value: str, bases: dict[str, int]) -> tuple[int, int]:
    """Stored naive UTC text as (whole seconds, 1 if a fraction was dropped else 0)."""
    if len(value) == 26 and value[10] == " " and value[19] == ".":
        base = bases.get(value[:10])
        if base is None:
            ordinal = date.fromisoformat(value[:10]).toordinal()
            base = bases[value[:10]] = (ordinal - _EPOCH_ORDINAL) * 86400
        whole = base + int(value[11:13]) * 3600 + int(value[14:16]) * 60 + int(value[17:19])
        return whole, int(value[20:] != "000000")
    return _from_moment(from_text(value))


def _from_moment(value: datetime) -> tuple[int, int]:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    stamp = value.timestamp()
    whole = floor(stamp)
    return whole, int(stamp != whole)


def read_held(session: Session, start: datetime, end: datetime, provider_id: int | None) -> Held:
    """The appointments starting from ``start`` to before ``end`` (one provider's, or all)."""
    conn = session.connection()
    statement = _BUSY if provider_id is None else _BUSY_OF_PROVIDER
    params: dict[str, Any] = {} if provider_id is None else {"provider": provider_id}
    on_driver = conn.dialect.name in DRIVER_DIALECTS
    if on_driver:
        params.update(start=stored(start), end=stored(end))
        rows = schedule_fetch.driver_rows(conn, statement, params)
    else:
        rows = conn.execute(statement, {**params, "start": start, "end": end}).all()
    held = Held()
    bases: dict[str, int] = {}
    known: dict[Any, tuple[int, int]] = {}
    longest = 0
    for owner, start_at, minutes in rows:
        found = known.get(start_at)
        if found is None:
            found = _from_stored(start_at, bases) if on_driver else _from_moment(start_at)
            known[start_at] = found
        whole, fraction = found
        length = minutes * 60 + fraction  # a fraction of a second still holds the second
        longest = max(longest, length)
        starts = held.starts.get(owner)
        if starts is None:
            starts = held.starts[owner] = []
            held.spans[owner] = []
        starts.append(whole)
        held.spans[owner].append((whole, whole + length))
    held.longest = longest
    return held


def closed_days(session: Session, first: date, last: date) -> set[date]:
    """The business days from ``first`` to ``last`` that are closed (and not reopened)."""
    rows = session.connection().execute(_CLOSED_DAYS, {"first": first, "last": last}).scalars()
    return {value if isinstance(value, date) else date.fromisoformat(value) for value in rows}
