"""The Due field of a callback, read the way clerks type a time.

Blank keeps the reason's rule; ``14:30`` or ``2:30pm`` is today; ``+2h``,
``+30m``, ``+1d`` count from now; a day alone (``tomorrow``, ``11/30``,
``2026-12-01``) means by the end of that day (17:00); a day and a time
(``11/30 9:00``) both.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from frontdesk.data.callbacks import SAME_DAY_END
from frontdesk.data.clinic import Clinic
from frontdesk.data.errors import InvalidInput
from frontdesk.data.validation import parse_date
from frontdesk.widgets.fields import TextField

DUE_HELP = "Due: type 14:30, 2:30pm, +2h, tomorrow, 11/30 or 11/30 9:00 (blank: the rule)"
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_AHEAD = re.compile(r"^\+\s*(\d{1,3})\s*(m|min|h|hr|d|day|days)?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})$")


def _clock_time(text: str) -> time | None:
    match = _TIME.match(text)
    if match is None or (match.group(2) is None and match.group(3) is None):
        return None  # a bare number is not a time
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _day(text: str, today: date, order: str) -> date:
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if match := _MONTH_DAY.match(text):
        a, b = int(match.group(1)), int(match.group(2))
        month, day = (a, b) if order == "MDY" else (b, a)
        try:
            found = date(today.year, month, day)
        except ValueError:
            raise InvalidInput(f"Due: {text} is not a day on the calendar", field="due") from None
        return found if found >= today else date(today.year + 1, month, day)
    try:
        return parse_date(text, field="due", label="Due", today=today, order=order)
    except InvalidInput as error:
        if "calendar" in error.message:
            raise
        raise InvalidInput(DUE_HELP, field="due") from None


def parse_due(text: str, clinic: Clinic, now: datetime) -> datetime | None:
    """Blank (the reason's rule), a time today, ``+2h``, a day (by 17:00), or a day and time."""
    raw = " ".join(text.strip().lower().split())
    if not raw:
        return None
    if match := _AHEAD.match(raw):
        amount, unit = int(match.group(1)), (match.group(2) or "h")[0]
        minutes = {"m": 1, "h": 60, "d": 1440}[unit] * amount
        return now + timedelta(minutes=minutes)
    today = now.astimezone(clinic.zone).date()
    at = _clock_time(raw)
    if at is not None:
        return datetime.combine(today, at, tzinfo=clinic.zone)
    day_part, _, time_part = raw.rpartition(" ")
    at = _clock_time(time_part) if day_part else None
    if at is None:
        day_part, at = raw, time(*SAME_DAY_END)
    return datetime.combine(_day(day_part, today, clinic.date_order), at, tzinfo=clinic.zone)


class DueField(TextField):
    """A one-line field whose text :func:`parse_due` reads."""

    def due(self, clinic: Clinic, now: datetime) -> datetime | None:
        """The due time typed (None: the reason's rule); :class:`InvalidInput` if unreadable."""
        return parse_due(self.value, clinic, now)
