"""A day and time typed the way a clerk says it: ``thu 14:30``, ``tomorrow 9am``, ``12/3 10``."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from frontdesk.data.clinic import Clinic
from frontdesk.data.errors import InvalidInput
from frontdesk.data.validation import parse_date
from frontdesk.data.waitlist import DAY_NAMES, parse_time

_EXAMPLE = "type a day and a time, e.g. thu 14:30, tomorrow 9am, 12/3 10:15"


def _day(text: str, clinic: Clinic) -> date:
    today = clinic.today()
    word = text.strip().lower()
    if word in ("", "today"):
        return today
    if word in ("tomorrow", "tmrw", "tom"):
        return today + timedelta(days=1)
    if word.startswith("+") and word[1:].isdigit():
        return today + timedelta(days=int(word[1:]))
    named = [i for i, name in enumerate(DAY_NAMES) if len(word) >= 2 and name.startswith(word[:3])]
    if len(named) == 1 and word.isalpha():
        return today + timedelta(days=(named[0] - today.weekday()) % 7)
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}", word):  # no year: the next such day
        word = re.sub(r"[.-]", "/", word)
        day = parse_date(
            f"{word}/{today.year}", field="when", label="Day", today=today, order=clinic.date_order
        )
        if day < today:
            day = parse_date(
                f"{word}/{today.year + 1}",
                field="when",
                label="Day",
                today=today,
                order=clinic.date_order,
            )
        return day
    return parse_date(text, field="when", label="Day", today=today, order=clinic.date_order)


def parse_when(text: str, clinic: Clinic) -> datetime:
    """The clinic-local moment meant by ``text``; the day may be left out (today)."""
    raw = re.sub(r"\s+", " ", text.strip())
    if not raw:
        raise InvalidInput(f"When? {_EXAMPLE}", field="when")
    day_text, _, time_text = raw.rpartition(" ")
    try:
        minute = parse_time(time_text, field="when")
    except InvalidInput:
        raise InvalidInput(f'"{raw}" has no time I can read: {_EXAMPLE}', field="when") from None
    if minute is None:
        raise InvalidInput(f"When? {_EXAMPLE}", field="when")
    day = _day(day_text, clinic)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=clinic.zone)
