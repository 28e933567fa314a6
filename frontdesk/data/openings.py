"""Openings: where a visit of a given type fits, soonest first.

A clerk on the phone asks "when can a new patient see Dr. Patel, mornings
only?". :func:`search_openings` answers with the earliest free gaps that hold
the visit, across every provider who sees that type (or the one asked for),
in time order.

One opening is one free gap in one provider's day, already cut to what was
asked (not before now, inside the time window), so a clerk can offer "any
time from 10:15; the last start that fits is 11:20". The gaps come from the
same rules as the day schedule (:mod:`frontdesk.data.hours`: weekly hours less
breaks and blockouts, nothing on a holiday) less the appointments that hold
time (everything but cancelled and no-show visits). A type marked
``overbook`` may go on top of other appointments, so for it only the hours
count. A closed business day offers nothing.

The appointments are read a chunk of days at a time, starting with about two weeks of one
provider's days (one day when twenty providers are searched) and doubling up
to four weeks, and the search stops as soon as it has enough openings; the
clinic's rules (hours, breaks, holidays, blockouts) are read for the first
chunk, then once for the rest of the range. So the
next opening with anyone costs a few milliseconds however busy the clinic is,
and a search that finds nothing reads the default 120 days in at most nine
chunks (``benchmarks/bench_openings.py``). The reads are in
:mod:`frontdesk.data.openings_fetch`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session
from frontdesk.data.errors import InvalidInput
from frontdesk.data.hours import Plan, at_minute, load_plan, minutes_text
from frontdesk.data.models import AppointmentType, Provider
from frontdesk.data.models_booking import TypeProvider
from frontdesk.data.openings_fetch import Held, Seconds, closed_days, read_held, seconds

DEFAULT_LIMIT = 12  # what a screen shows at once
MAX_LIMIT = 200
DEFAULT_DAYS = 120  # about four months ahead
MAX_DAYS = 731
# The first read covers about this many provider-days (a week for two providers, a day
# for twenty), each next one twice as many days, up to MAX_CHUNK_DAYS.
FIRST_CHUNK_PROVIDER_DAYS = 14
MAX_CHUNK_DAYS = 28
STEP_MINUTES = 5  # "from now" starts on the next 5-minute mark

# An appointment that started the evening before can still hold the morning.
_LOOK_BACK = timedelta(days=1)


@dataclass(frozen=True)
class OpeningQuery:
    """What the patient needs: the visit type and, optionally, who and when.

    ``weekdays`` holds the weekdays that suit (Monday = 0); empty means any.
    ``earliest_minute``/``latest_minute`` are clinic-local minutes after
    midnight: the visit starts no earlier than the one and ends no later than
    the other (``None``: no limit). ``first_day`` defaults to today.
    """

    type_id: int
    provider_id: int | None = None
    first_day: date | None = None
    days: int = DEFAULT_DAYS
    weekdays: frozenset[int] = field(default_factory=frozenset)
    earliest_minute: int | None = None
    latest_minute: int | None = None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class Opening:
    """A free gap in one provider's day that holds the visit."""

    provider_id: int
    provider: str  # short name
    start: datetime  # clinic-local: the earliest start
    end: datetime  # clinic-local: the end of the gap (as asked: window, now)
    minutes: int  # the visit's length

    @property
    def latest_start(self) -> datetime:
        """The last start at which the visit still ends within the gap."""
        zone = self.start.tzinfo
        end = self.end.astimezone(UTC) - timedelta(minutes=self.minutes)
        return end.astimezone(zone)

    @property
    def gap_minutes(self) -> int:
        """How long the gap is."""
        return int((self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds() // 60)


@dataclass(frozen=True)
class Openings:
    """The answer: the openings found, soonest first, and how far the search looked."""

    type_id: int
    type_name: str
    minutes: int
    first_day: date
    last_day: date  # the last day searched: the range's end, or where the limit was reached
    openings: tuple[Opening, ...]
    providers: tuple[tuple[int, str], ...]  # who was searched: (id, short name)
    complete: bool  # every opening from first_day to last_day is listed


# --- checking what was asked --------------------------------------------------------------


def _visit_type(session: Session, type_id: int) -> AppointmentType:
    kind = session.get(AppointmentType, type_id)
    if kind is None or not kind.active:
        raise InvalidInput("Choose a visit type that is offered", field="type")
    if kind.minutes <= 0:
        raise InvalidInput(f"{kind.name} has no length set; ask a supervisor", field="type")
    return kind


def _providers(
    session: Session, kind: AppointmentType, provider_id: int | None
) -> list[tuple[int, str]]:
    """The active providers who see ``kind`` (only ``provider_id``, if given), by name."""
    seen_by = set(
        session.exec(
            select(col(TypeProvider.provider_id)).where(col(TypeProvider.type_id) == kind.id)
        )
    )
    if provider_id is not None:
        provider = session.get(Provider, provider_id)
        if provider is None or not provider.active:
            raise InvalidInput("Choose a provider who is still on staff", field="provider")
        if seen_by and provider_id not in seen_by:
            raise InvalidInput(
                f"{provider.short_name} does not see {kind.name} visits; "
                "leave the provider empty to search everyone who does",
                field="provider",
            )
        return [(provider_id, provider.short_name)]
    rows = session.exec(
        select(col(Provider.id), col(Provider.short_name))
        .where(col(Provider.active))
        .order_by(col(Provider.short_name), col(Provider.id))
    ).all()
    found = [
        (pid, name) for pid, name in rows if pid is not None and (not seen_by or pid in seen_by)
    ]
    if not found:
        raise InvalidInput(f"No provider on staff sees {kind.name} visits", field="type")
    return found


def _check(query: OpeningQuery, minutes: int, today: date) -> None:
    """Refuse what cannot be searched, with the fix."""
    if not 1 <= query.days <= MAX_DAYS:
        raise InvalidInput(f"Search between 1 and {MAX_DAYS} days ahead", field="days")
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidInput(f"Ask for between 1 and {MAX_LIMIT} openings", field="limit")
    if query.first_day is not None and query.first_day < today:
        raise InvalidInput(
            f"Openings start from today ({today:%a %d %b}); choose today or a later day",
            field="date",
        )
    if any(not 0 <= day <= 6 for day in query.weekdays):
        raise InvalidInput("Weekdays are Monday (0) to Sunday (6)", field="weekdays")
    earliest, latest = query.earliest_minute, query.latest_minute
    for value in (earliest, latest):
        if value is not None and not 0 <= value <= 1440:
            raise InvalidInput("A time of day is between 00:00 and 24:00", field="time")
    if earliest is not None and latest is not None and latest <= earliest:
        raise InvalidInput(
            f"{minutes_text(latest)} is not after {minutes_text(earliest)}; "
            "give the earlier time first",
            field="time",
        )
    if earliest is not None and latest is not None and latest - earliest < minutes:
        raise InvalidInput(
            f"From {minutes_text(earliest)} to {minutes_text(latest)} is too short "
            f"for a {minutes}-minute visit; widen the times",
            field="time",
        )


# --- the search ---------------------------------------------------------------------------


def _next_mark(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` rounded up to the next STEP_MINUTES mark on the clinic's clock."""
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)
    minute = -(-minute // STEP_MINUTES) * STEP_MINUTES
    return at_minute(local.date(), minute, zone).astimezone(UTC)


def _gaps(free: list[Seconds], busy: list[Seconds]) -> list[Seconds]:
    """``free`` less ``busy``; both in start order (busy spans may overlap each other)."""
    gaps: list[Seconds] = []
    for start, end in free:
        cursor = start
        for busy_start, busy_end in busy:
            if busy_start >= end:
                break
            if busy_end <= cursor:
                continue
            if busy_start > cursor:
                gaps.append((cursor, busy_start))
            cursor = busy_end
            if cursor >= end:
                break
        if cursor < end:
            gaps.append((cursor, end))
    return gaps


def _day_openings(
    day: date,
    providers: list[tuple[int, str]],
    plan: Plan,
    held: Held,
    *,
    zone: ZoneInfo,
    minutes: int,
    not_before: int | None,
    not_after: int | None,
) -> list[Opening]:
    """Every provider's gaps on ``day`` that hold the visit, in time order."""
    length = minutes * 60
    found: list[tuple[int, str, int, int]] = []
    for pid, name in providers:
        free = [(seconds(s), seconds(e)) for s, e in plan.free(pid, day)]
        if not free:
            continue
        busy = held.within(pid, free[0][0], free[-1][1])
        for start, end in _gaps(free, busy) if busy else free:
            if not_before is not None and start < not_before:
                start = not_before
            if not_after is not None and end > not_after:
                end = not_after
            if end - start >= length:
                found.append((start, name, pid, end))
    found.sort()
    return [
        Opening(
            pid,
            name,
            datetime.fromtimestamp(start, zone),
            datetime.fromtimestamp(end, zone),
            minutes,
        )
        for start, name, pid, end in found
    ]


def _chunk_plan(plan: Plan, first: date, last: date) -> Plan:
    """``plan`` with only the blockouts that touch ``first``..``last`` (fewer to look through)."""
    start, _ = clock.day_bounds(first, plan.zone)
    _, end = clock.day_bounds(last, plan.zone)
    blockouts = [b for b in plan.blockouts if b[2] > start and b[1] < end]
    return Plan(plan.zone, plan.hours, plan.breaks, plan.holidays, blockouts)


def search_openings_in(
    session: Session, query: OpeningQuery, clinic: Clinic | None = None
) -> Openings:
    """The first ``query.limit`` openings for the visit type, soonest first."""
    clinic = clinic or get_clinic_in(session)
    zone = clinic.zone
    today = clinic.today()
    kind = _visit_type(session, query.type_id)
    _check(query, kind.minutes, today)
    providers = _providers(session, kind, query.provider_id)
    first = query.first_day or today
    last = first + timedelta(days=query.days - 1)
    provider_ids = [pid for pid, _ in providers]
    closed = closed_days(session, first, last)
    now_mark = seconds(_next_mark(clock.now(), zone))
    found: list[Opening] = []
    chunk_first = searched = first
    chunk_days = max(1, -(-FIRST_CHUNK_PROVIDER_DAYS // len(providers)))
    plan: Plan | None = None
    plan_last = first
    while chunk_first <= last and len(found) < query.limit:
        chunk_days = min(chunk_days, (last - chunk_first).days + 1)
        chunk_last = chunk_first + timedelta(days=chunk_days - 1)
        if plan is None or chunk_first > plan_last:
            # Most searches end in their first chunk: its rules first, then the rest at once.
            plan_last = chunk_last if plan is None else last
            plan = load_plan(session, zone, chunk_first, plan_last, provider_ids)
        days = [
            day
            for day in (chunk_first + timedelta(days=n) for n in range(chunk_days))
            if day not in closed and (not query.weekdays or day.weekday() in query.weekdays)
        ]
        if days:
            held = Held()
            if not kind.overbook:  # an overbook type goes on top of other appointments
                start, _ = clock.day_bounds(days[0], zone)
                _, end = clock.day_bounds(days[-1], zone)
                held = read_held(session, start - _LOOK_BACK, end, query.provider_id)
            chunk = _chunk_plan(plan, days[0], days[-1])
            for day in days:
                searched = day
                not_before = now_mark if day == today else None
                if query.earliest_minute is not None:
                    window = seconds(at_minute(day, query.earliest_minute, zone))
                    not_before = window if not_before is None else max(not_before, window)
                not_after = None
                if query.latest_minute is not None:
                    not_after = seconds(at_minute(day, query.latest_minute, zone))
                found.extend(
                    _day_openings(
                        day,
                        providers,
                        chunk,
                        held,
                        zone=zone,
                        minutes=kind.minutes,
                        not_before=not_before,
                        not_after=not_after,
                    )
                )
                if len(found) >= query.limit:
                    break
        if len(found) < query.limit:
            searched = chunk_last
        chunk_first = chunk_last + timedelta(days=1)
        chunk_days = min(chunk_days * 2, MAX_CHUNK_DAYS)
    assert kind.id is not None
    complete = len(found) < query.limit or (len(found) == query.limit and searched == last)
    return Openings(
        type_id=kind.id,
        type_name=kind.name,
        minutes=kind.minutes,
        first_day=first,
        last_day=searched,
        openings=tuple(found[: query.limit]),
        providers=tuple(providers),
        complete=complete,
    )


def search_openings(engine: Engine, query: OpeningQuery) -> Openings:
    """:func:`search_openings_in` in a read session of its own."""
    with read_session(engine) as session:
        return search_openings_in(session, query)
