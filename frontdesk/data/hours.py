"""When a provider can be booked: weekly hours, less breaks, holidays and blockouts.

Loaded once for a range of days (:func:`load_plan`) and then asked per provider
and day (:meth:`Plan.free`), so the schedule, the openings search and the
booking check all read the same rules the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data.models_booking import Blockout, BreakTime, Holiday, WorkingHours

Span = tuple[datetime, datetime]  # aware, clinic-local
Minutes = tuple[int, int]  # minutes after local midnight


def minutes_text(minute: int) -> str:
    """``540`` as ``09:00``."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def at_minute(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The local moment ``minute`` minutes after midnight on ``day``."""
    if minute >= 1440:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)


def subtract(spans: Iterable[Span], cuts: Iterable[Span]) -> list[Span]:
    """``spans`` with every part covered by ``cuts`` removed, in time order."""
    out = sorted(spans)
    for cut_start, cut_end in sorted(cuts):
        kept: list[Span] = []
        for start, end in out:
            if cut_end <= start or cut_start >= end:
                kept.append((start, end))
                continue
            if start < cut_start:
                kept.append((start, cut_start))
            if cut_end < end:
                kept.append((cut_end, end))
        out = kept
    return out


@dataclass
class Plan:
    """Hours, breaks, holidays and blockouts for some providers over some days."""

    zone: ZoneInfo
    hours: dict[tuple[int, int], list[Minutes]] = field(default_factory=dict)
    breaks: dict[tuple[int, int], list[Minutes]] = field(default_factory=dict)
    holidays: dict[date, str] = field(default_factory=dict)
    blockouts: list[tuple[int | None, datetime, datetime, str]] = field(default_factory=list)

    def working(self, provider_id: int, day: date) -> list[Span]:
        """The provider's hours on ``day`` before breaks and blockouts; none on a holiday."""
        if day in self.holidays:
            return []
        spans = self.hours.get((provider_id, day.weekday()), [])
        return [(at_minute(day, s, self.zone), at_minute(day, e, self.zone)) for s, e in spans]

    def closed(self, provider_id: int, day: date) -> list[tuple[Span, str]]:
        """The breaks and blockouts that cut into the provider's ``day``, with why."""
        out: list[tuple[Span, str]] = []
        for s, e in self.breaks.get((provider_id, day.weekday()), []):
            out.append(((at_minute(day, s, self.zone), at_minute(day, e, self.zone)), "break"))
        day_start = at_minute(day, 0, self.zone)
        day_end = at_minute(day, 1440, self.zone)
        for owner, start, end, reason in self.blockouts:
            if owner not in (None, provider_id) or end <= day_start or start >= day_end:
                continue
            span = (start.astimezone(self.zone), end.astimezone(self.zone))
            out.append((span, f"blocked: {reason}" if reason else "blocked"))
        return out

    def free(self, provider_id: int, day: date) -> list[Span]:
        """The bookable spans: working hours less breaks and blockouts."""
        working = self.working(provider_id, day)
        if not working:
            return []
        return subtract(working, (span for span, _ in self.closed(provider_id, day)))


def load_plan(
    session: Session,
    zone: ZoneInfo,
    first: date,
    last: date,
    provider_ids: Sequence[int] | None = None,
) -> Plan:
    """Everything :class:`Plan` needs for ``first``..``last`` (inclusive), in four reads."""
    plan = Plan(zone)
    # Plain columns, not table objects: a few hundred rows, read on every search.
    hours_query = select(
        WorkingHours.provider_id,
        WorkingHours.weekday,
        WorkingHours.start_minute,
        WorkingHours.end_minute,
    )
    breaks_query = select(
        BreakTime.provider_id, BreakTime.weekday, BreakTime.start_minute, BreakTime.end_minute
    )
    if provider_ids is not None:
        hours_query = hours_query.where(col(WorkingHours.provider_id).in_(provider_ids))
        breaks_query = breaks_query.where(col(BreakTime.provider_id).in_(provider_ids))
    hours: dict[tuple[int, int], list[Minutes]] = defaultdict(list)
    for provider_id, weekday, first_minute, last_minute in session.exec(hours_query):
        hours[(provider_id, weekday)].append((first_minute, last_minute))
    breaks: dict[tuple[int, int], list[Minutes]] = defaultdict(list)
    for provider_id, weekday, first_minute, last_minute in session.exec(breaks_query):
        breaks[(provider_id, weekday)].append((first_minute, last_minute))
    plan.hours = {key: sorted(spans) for key, spans in hours.items()}
    plan.breaks = {key: sorted(spans) for key, spans in breaks.items()}
    holidays = select(Holiday).where(col(Holiday.day) >= first, col(Holiday.day) <= last)
    plan.holidays = {h.day: h.name for h in session.exec(holidays)}
    start, _ = clock.day_bounds(first, zone)
    _, end = clock.day_bounds(last, zone)
    blocks = select(Blockout).where(col(Blockout.end_at) > start, col(Blockout.start_at) < end)
    if provider_ids is not None:
        blocks = blocks.where(
            or_(col(Blockout.provider_id).is_(None), col(Blockout.provider_id).in_(provider_ids))
        )
    plan.blockouts = [(b.provider_id, b.start_at, b.end_at, b.reason) for b in session.exec(blocks)]
    return plan
