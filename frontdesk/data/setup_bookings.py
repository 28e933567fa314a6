"""Booked visits that a set-up change leaves outside the bookable time.

A clinic file can shorten a provider's hours, add a break, a holiday or a
blockout over visits already booked. Nothing refuses that (the supervisor may
mean it), but the visits must be moved: :func:`outside_ids` lists the booked
visits from now on that no longer fit in their provider's bookable time, read
before and after the change in the same transaction, and :func:`stranded_notes`
words the difference for the diff and the apply.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from frontdesk.data.hours import load_plan
from frontdesk.data.models import Appointment, Patient, Provider, Status

SHOWN = 10  # visits named in the note; the rest are counted


def _booked(session: Session, now: datetime) -> list[tuple[int, datetime, int, int]]:
    query = select(
        Appointment.id, Appointment.start_at, Appointment.minutes, Appointment.provider_id
    ).where(col(Appointment.start_at) >= now, col(Appointment.status) == Status.BOOKED.value)
    return [(a, s, m, p) for a, s, m, p in session.exec(query) if a is not None]


def outside_ids(session: Session, zone: ZoneInfo, now: datetime) -> set[int]:
    """Booked visits from ``now`` on that do not fit their provider's bookable time."""
    booked = _booked(session, now)
    if not booked:
        return set()
    days = [start.astimezone(zone).date() for _, start, _, _ in booked]
    plan = load_plan(session, zone, min(days), max(days))
    out: set[int] = set()
    free_of: dict[tuple[int, date], list[tuple[datetime, datetime]]] = {}
    for (appointment_id, start, minutes, provider_id), day in zip(booked, days, strict=True):
        local = start.astimezone(zone)
        end = local + timedelta(minutes=minutes)
        free = free_of.get((provider_id, day))
        if free is None:
            free = free_of[(provider_id, day)] = plan.free(provider_id, day)
        if not any(a <= local and end <= b for a, b in free):
            out.add(appointment_id)
    return out


def stranded_notes(
    session: Session, zone: ZoneInfo, before: set[int], after: set[int]
) -> list[str]:
    """A note naming the visits outside the bookable time now that were not before."""
    new = sorted(after - before)
    if not new:
        return []
    query = (
        select(Appointment.id, Appointment.start_at, Provider.short_name, Patient.last_name)
        .join(Provider, col(Provider.id) == col(Appointment.provider_id))
        .join(Patient, col(Patient.id) == col(Appointment.patient_id))
        .where(col(Appointment.id).in_(new))
        .order_by(col(Appointment.start_at))
    )
    rows = session.exec(query).all()
    named = [
        f"{start.astimezone(zone):%a %d %b %H:%M} {short} ({last})"
        for _, start, short, last in rows[:SHOWN]
    ]
    more = f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
    noun = "visit falls" if len(rows) == 1 else "visits fall"
    return [
        f"{len(rows)} booked {noun} outside the new hours, breaks, holidays or blockouts; "
        f"move them (m on the schedule): {'; '.join(named)}{more}."
    ]
