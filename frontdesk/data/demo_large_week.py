"""The large demo's week and its desk roster.

:class:`Timetable` is the providers' week: three staggered nine-hour days
(07:00, 08:00 or 09:00 to nine hours later) from Monday to Friday with lunch
from 12:00 to 13:00, and a four-hour Saturday morning for every fourth
provider. Today is always a full day for everyone, even on a weekend, as in
the small demo, so the demo never opens on an empty schedule; the hours
written to the database are this week (with today's weekday a full day), so
every appointment lies within its provider's hours and outside the breaks.

:class:`Roster` says which desk clerks work a day: the demo's desk clerk every
weekday, with two of the other clerks in turn; one clerk on a Saturday. Each
has a drawer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from frontdesk.data.demo_large_patients import words
from frontdesk.data.models_booking import BreakTime, WorkingHours

PROVIDER_SURNAMES = words(
    "Okafor Patel Nguyen Lindqvist García Chen Haddad Kowalski O'Connor Tanaka Mensah "
    "Rossi Schäfer Kim Abubakar Dubois Singh Warsame Ivanova Brooks Alvarez Novak Eze "
    "Sato"
)
PROVIDER_FIRST_NAMES = words("Grace Anil Linh Erik Maria Wei Omar Anna Sean Yuki Kwame Luca")
LUNCH = (12 * 60, 13 * 60)
DAY_MINUTES = 9 * 60
SATURDAY_MINUTES = 4 * 60

Shift = tuple[int, int]  # start and end, minutes after local midnight


def provider_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(name, short name) of ``count`` providers."""
    names: list[tuple[str, str]] = []
    for i in range(count):
        surname = PROVIDER_SURNAMES[i % len(PROVIDER_SURNAMES)]
        names.append((f"Dr. {rng.choice(PROVIDER_FIRST_NAMES)} {surname}", surname))
    return names


class Timetable:
    """The providers' week (see the module's docstring), by provider index."""

    def __init__(self, providers: int, today: date) -> None:
        self.providers = providers
        self.today = today

    def usual(self, index: int, weekday: int) -> Shift | None:
        """The provider's hours on a weekday of any other week."""
        start = (7 + index % 3) * 60
        if weekday < 5:
            return start, start + DAY_MINUTES
        if weekday == 5 and index % 4 == 0:
            return start, start + SATURDAY_MINUTES
        return None

    def weekly(self, index: int, weekday: int) -> Shift | None:
        """The hours written to the database: the usual week, today's weekday a full day."""
        if weekday == self.today.weekday() and weekday >= 5:
            start = (7 + index % 3) * 60
            return start, start + DAY_MINUTES
        return self.usual(index, weekday)

    def shift(self, index: int, day: date) -> Shift | None:
        """The provider's hours on ``day``."""
        if day == self.today:
            return self.weekly(index, day.weekday())
        return self.usual(index, day.weekday())

    def is_full_day(self, day: date) -> bool:
        """A weekday (or today): the whole desk works."""
        return day.weekday() < 5 or day == self.today

    def desk_hours(self, day: date) -> Shift | None:
        """When the desk is staffed: 15 minutes before the first start to 15 after the last end."""
        shifts = [s for s in (self.shift(i, day) for i in range(self.providers)) if s]
        if not shifts:
            return None
        return min(s[0] for s in shifts) - 15, max(s[1] for s in shifts) + 15

    def booked_minutes(self, day: date) -> int:
        """Provider-minutes of the day: how busy it is."""
        return sum(s[1] - s[0] for s in (self.shift(i, day) for i in range(self.providers)) if s)

    def hours_rows(self, provider_ids: list[int]) -> list[WorkingHours | BreakTime]:
        """Working hours and lunch breaks as table rows."""
        rows: list[WorkingHours | BreakTime] = []
        for index, provider_id in enumerate(provider_ids):
            for weekday in range(7):
                span = self.weekly(index, weekday)
                if span is None:
                    continue
                rows.append(
                    WorkingHours(
                        provider_id=provider_id,
                        weekday=weekday,
                        start_minute=span[0],
                        end_minute=span[1],
                    )
                )
                if span[0] < LUNCH[1] and span[1] > LUNCH[0]:
                    rows.append(
                        BreakTime(
                            provider_id=provider_id,
                            weekday=weekday,
                            start_minute=LUNCH[0],
                            end_minute=LUNCH[1],
                            label="Lunch",
                        )
                    )
        return rows


@dataclass(frozen=True)
class Roster:
    """Which desk clerks work a day: the demo's clerk every full day, two others in turn."""

    timetable: Timetable
    desk: int
    others: tuple[int, ...]

    def clerks(self, day: date) -> list[int]:
        """The clerks at the desk on ``day`` (none when no provider works)."""
        if self.timetable.desk_hours(day) is None:
            return []
        turn = day.toordinal()
        if self.timetable.is_full_day(day):
            picked = [self.others[(turn + k) % len(self.others)] for k in range(2)]
            return [self.desk, *dict.fromkeys(p for p in picked if p != self.desk)]
        everyone = (self.desk, *self.others)
        return [everyone[turn % len(everyone)]]


def local_moment(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The clinic-local moment ``minute`` minutes after midnight on ``day``."""
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
