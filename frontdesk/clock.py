"""The one place that reads "now".

Everything that needs the current time calls :func:`now`. Tests freeze it with
:func:`freeze` (or the ``FRONTDESK_FROZEN_NOW`` environment variable, which lets a
subprocess share a test's clock).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_frozen: datetime | None = None


def _from_env() -> datetime | None:
    raw = os.environ.get("FRONTDESK_FROZEN_NOW")
    if not raw:
        return None
    value = datetime.fromisoformat(raw)
    if value.tzinfo is None:
        raise ValueError("FRONTDESK_FROZEN_NOW must carry a UTC offset")
    return value.astimezone(UTC)


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    if _frozen is not None:
        return _frozen
    env = _from_env()
    if env is not None:
        return env
    return datetime.now(UTC)


def set_now(value: datetime | None) -> None:
    """Freeze the clock at ``value`` (aware), or unfreeze it with ``None``."""
    global _frozen
    if value is not None and value.tzinfo is None:
        raise ValueError("the frozen time must be timezone-aware")
    _frozen = None if value is None else value.astimezone(UTC)


@contextmanager
def freeze(value: datetime) -> Iterator[None]:
    """Freeze the clock for the duration of a ``with`` block."""
    previous = _frozen
    set_now(value)
    try:
        yield
    finally:
        set_now(previous)


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward (tests only)."""
    if _frozen is None:
        raise RuntimeError("the clock is not frozen")
    set_now(_frozen + delta)


def today(zone: ZoneInfo) -> date:
    """The business day in the clinic's timezone."""
    return now().astimezone(zone).date()


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start (inclusive) and end (exclusive) of a business day in ``zone``.

    Built from local midnights, so a day with a daylight-saving change is 23 or
    25 hours long, as the clinic lives it.
    """
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)
