"""The wait list (ASAP list): patients who want an earlier slot, and what would suit them.

When a slot frees (a cancellation, a reschedule, a no-show) :func:`matches`
lists the waiting patients it suits, oldest request first, so the desk can
offer it at once; booking one (``BookingRequest.waitlist_entry_id``) closes the
entry in the booking's own transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.booking import Freed
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput, NotFound
from frontdesk.data.hours import minutes_text
from frontdesk.data.models import AppointmentType, Patient, Provider
from frontdesk.data.models_booking import TypeProvider, WaitlistEntry
from frontdesk.data.patients import display_name
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import clean_text, format_phone

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?\s*(am|pm)?$")


def parse_days(text: str) -> str:
    """``"mon wed fri"``, ``"Tu,Th"`` or ``"weekdays"`` as weekday digits; blank means any."""
    words = [w for w in re.split(r"[\s,/]+", text.strip().lower()) if w]
    days: set[int] = set()
    for word in words:
        if word in ("any", "all"):
            return ""
        if word == "weekdays":
            days.update(range(5))
            continue
        found = [i for i, name in enumerate(DAY_NAMES) if name.startswith(word[:3])]
        if len(word) < 2 or len(found) != 1:
            raise InvalidInput(
                f'"{word}" is not a day: use Mon Tue Wed Thu Fri Sat Sun', field="days"
            )
        days.add(found[0])
    return "".join(str(d) for d in sorted(days))


def parse_time(text: str, *, field: str) -> int | None:
    """``"13:30"``, ``"1330"``, ``"9"`` or ``"2pm"`` as minutes after midnight; blank: no limit."""
    raw = text.strip().lower().replace(" ", "")
    if not raw:
        return None
    match = _TIME.match(raw)
    if match is None:
        raise InvalidInput(f'"{text.strip()}" is not a time: type e.g. 13:30 or 2pm', field=field)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) == "pm" and hour < 12:
        hour += 12
    if match.group(3) == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise InvalidInput(f'"{text.strip()}" is not a time of day', field=field)
    return hour * 60 + minute


@dataclass(frozen=True)
class WaitRequest:
    """What the patient asked for; blank limits mean "any"."""

    patient_id: int
    type_id: int
    provider_id: int | None = None
    weekdays: str = ""  # digits, Monday = 0
    earliest_minute: int | None = None
    latest_minute: int | None = None
    not_before: date | None = None
    until: date | None = None
    note: str = ""


@dataclass(frozen=True)
class WaitItem:
    """One waiting patient, ready to show or to match."""

    id: int
    version: int
    patient_id: int
    patient: str
    phone: str
    type_id: int
    type_name: str
    minutes: int
    provider_id: int | None
    provider: str  # short name, or "any"
    wants: str  # the limits, in words
    since: datetime  # clinic-local
    note: str


def wants_text(entry: WaitlistEntry) -> str:
    """``Mon Wed, 09:00-12:00, until 15 Dec`` (or ``any time``)."""
    parts = []
    if entry.weekdays == "01234":
        parts.append("Weekdays")
    elif entry.weekdays:
        parts.append(" ".join(DAY_NAMES[int(d)].title() for d in entry.weekdays))
    if entry.earliest_minute is not None or entry.latest_minute is not None:
        first = minutes_text(entry.earliest_minute) if entry.earliest_minute is not None else ""
        last = minutes_text(entry.latest_minute) if entry.latest_minute is not None else ""
        parts.append(f"{first or 'open'}-{last or 'close'}")
    if entry.not_before is not None:
        parts.append(f"from {entry.not_before:%d %b}")
    if entry.until is not None:
        parts.append(f"until {entry.until:%d %b}")
    return ", ".join(parts) or "any time"


def _check(request: WaitRequest, today: date) -> None:
    if request.weekdays and not set(request.weekdays) <= set("0123456"):
        raise InvalidInput("Days must be weekday numbers 0-6", field="days")
    first, last = request.earliest_minute, request.latest_minute
    if first is not None and last is not None and first >= last:
        raise InvalidInput("The earliest time must be before the latest", field="latest")
    if request.until is not None and request.until < today:
        raise InvalidInput("'Until' is already past", field="until")
    if request.not_before and request.until and request.not_before > request.until:
        raise InvalidInput("'From' must be before 'until'", field="until")


def add_entry(engine: Engine, request: WaitRequest, *, staff: StaffMember) -> int:
    """Put a patient on the wait list; one waiting entry per patient and type."""
    note = clean_text(request.note, field="note", label="Note", max_len=500)
    with write_session(engine) as session:
        _check(request, get_clinic_in(session).today())
        if session.get(Patient, request.patient_id) is None:
            raise NotFound("That patient is no longer on file")
        visit = session.get(AppointmentType, request.type_id)
        if visit is None or not visit.active:
            raise InvalidInput("Choose a visit type from the list", field="type")
        twin = session.exec(
            select(WaitlistEntry.id).where(
                WaitlistEntry.patient_id == request.patient_id,
                WaitlistEntry.type_id == request.type_id,
                WaitlistEntry.status == "waiting",
            )
        ).first()
        if twin is not None:
            raise InvalidInput(f"Already on the wait list for {visit.name} (entry {twin})")
        entry = WaitlistEntry(
            patient_id=request.patient_id,
            type_id=request.type_id,
            provider_id=request.provider_id,
            weekdays=request.weekdays,
            earliest_minute=request.earliest_minute,
            latest_minute=request.latest_minute,
            not_before=request.not_before,
            until=request.until,
            note=note,
            created_at=clock.now(),
            created_by=staff.id,
        )
        session.add(entry)
        session.flush()
        assert entry.id is not None
        audit.record(
            session,
            staff_id=staff.id,
            action="waitlist.add",
            entity="waitlist_entry",
            entity_id=entry.id,
            detail={"patient": request.patient_id, "type": request.type_id},
        )
        return entry.id


def remove_entry(
    engine: Engine, entry_id: int, *, staff: StaffMember, version: int | None = None
) -> None:
    """Take a patient off the wait list (the entry stays, marked removed)."""
    with write_session(engine) as session:
        entry = session.get(WaitlistEntry, entry_id)
        if entry is None or entry.status != "waiting":
            raise InvalidInput("That entry is no longer waiting")
        if version is not None and entry.version != version:
            raise InvalidInput("Someone else changed this entry just now: look again")
        entry.status = "removed"
        entry.closed_at = clock.now()
        entry.closed_by = staff.id
        entry.version += 1
        session.add(entry)
        audit.record(
            session,
            staff_id=staff.id,
            action="waitlist.remove",
            entity="waitlist_entry",
            entity_id=entry_id,
        )


def _items(session: Session, clinic: Clinic) -> list[tuple[WaitlistEntry, WaitItem]]:
    rows = session.exec(
        select(WaitlistEntry, Patient, AppointmentType)
        .join(Patient, col(Patient.id) == col(WaitlistEntry.patient_id))
        .join(AppointmentType, col(AppointmentType.id) == col(WaitlistEntry.type_id))
        .where(WaitlistEntry.status == "waiting")
        .order_by(col(WaitlistEntry.created_at), col(WaitlistEntry.id))
    ).all()
    names = {p.id: p.short_name for p in session.exec(select(Provider))}
    out = []
    for entry, patient, visit in rows:
        assert entry.id is not None
        phone = patient.phone_mobile or patient.phone_home
        out.append(
            (
                entry,
                WaitItem(
                    id=entry.id,
                    version=entry.version,
                    patient_id=entry.patient_id,
                    patient=display_name(
                        patient.last_name, patient.first_name, patient.preferred_name
                    ),
                    phone=format_phone(phone, clinic.phone_region) if phone else "",
                    type_id=entry.type_id,
                    type_name=visit.name,
                    minutes=visit.minutes,
                    provider_id=entry.provider_id,
                    provider=names.get(entry.provider_id, "?") if entry.provider_id else "any",
                    wants=wants_text(entry),
                    since=entry.created_at.astimezone(clinic.zone),
                    note=entry.note,
                ),
            )
        )
    return out


def waiting(engine: Engine) -> list[WaitItem]:
    """Everyone waiting, oldest request first."""
    with read_session(engine) as session:
        return [item for _, item in _items(session, get_clinic_in(session))]


def suits(entry: WaitlistEntry, minutes: int, freed: Freed, allowed: set[int] | None) -> bool:
    """Does the freed slot suit this entry (length, provider, day, time, dates)?"""
    start = freed.start
    first = start.hour * 60 + start.minute
    day = start.date()
    return (
        minutes <= freed.minutes
        and (entry.provider_id is None or entry.provider_id == freed.provider_id)
        and (allowed is None or freed.provider_id in allowed)
        and (not entry.weekdays or str(day.weekday()) in entry.weekdays)
        and (entry.earliest_minute is None or first >= entry.earliest_minute)
        and (entry.latest_minute is None or first + minutes <= entry.latest_minute)
        and (entry.not_before is None or day >= entry.not_before)
        and (entry.until is None or day <= entry.until)
    )


def matches_in(session: Session, clinic: Clinic, freed: Freed) -> list[WaitItem]:
    """The waiting patients the freed slot suits, oldest request first."""
    if freed.start < clock.now():
        return []
    links: dict[int, set[int]] = {}
    for link in session.exec(select(TypeProvider)):
        links.setdefault(link.type_id, set()).add(link.provider_id)
    return [
        item
        for entry, item in _items(session, clinic)
        if suits(entry, item.minutes, freed, links.get(entry.type_id))
    ]


def matches(engine: Engine, freed: Freed) -> list[WaitItem]:
    """:func:`matches_in` in a read session of its own."""
    with read_session(engine) as session:
        return matches_in(session, get_clinic_in(session), freed)
