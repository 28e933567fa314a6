"""The day schedule: rows with patient names and desk flags, holes, and counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session
from frontdesk.data.models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    Patient,
    Provider,
    Status,
)
from frontdesk.money import short_cents

OPEN_MIN_MINUTES = 15  # a gap shorter than this is not an opening


@dataclass(frozen=True)
class ScheduleRow:
    """One line of the day: an appointment, or an opening (``appointment_id`` None)."""

    appointment_id: int | None
    start: datetime  # clinic-local
    minutes: int
    provider_id: int
    provider: str
    patient_id: int | None = None
    patient: str = ""
    sex: str = ""
    birth_year: int | None = None
    type_name: str = ""
    status: Status | None = None
    flags: tuple[str, ...] = ()
    walk_in: bool = False
    version: int = 0

    @property
    def is_opening(self) -> bool:
        """An unbooked gap in a provider's day."""
        return self.appointment_id is None


@dataclass(frozen=True)
class DaySchedule:
    """Everything the schedule screen shows for one day."""

    day: date
    rows: tuple[ScheduleRow, ...]
    counts: dict[str, int] = field(default_factory=dict)
    providers: tuple[tuple[int, str], ...] = ()


def _hm(text: str) -> tuple[int, int]:
    h, m = text.split(":")
    return int(h), int(m)


def _openings(
    day: date,
    clinic: Clinic,
    provider: Provider,
    booked: list[tuple[datetime, int]],
) -> list[ScheduleRow]:
    assert provider.id is not None
    sh, sm = _hm(provider.day_start)
    eh, em = _hm(provider.day_end)
    cursor = datetime(day.year, day.month, day.day, sh, sm, tzinfo=clinic.zone)
    end = datetime(day.year, day.month, day.day, eh, em, tzinfo=clinic.zone)
    rows: list[ScheduleRow] = []
    for start, minutes in sorted(booked):
        if start > cursor:
            gap = int((start - cursor).total_seconds() // 60)
            if gap >= OPEN_MIN_MINUTES:
                rows.append(ScheduleRow(None, cursor, gap, provider.id, provider.short_name))
        cursor = max(cursor, start + timedelta(minutes=minutes))
    if end > cursor:
        gap = int((end - cursor).total_seconds() // 60)
        if gap >= OPEN_MIN_MINUTES:
            rows.append(ScheduleRow(None, cursor, gap, provider.id, provider.short_name))
    return rows


def flags_for(
    appt: Appointment,
    patient: Patient,
    day: date,
    arrived_at: datetime | None,
    now: datetime,
) -> tuple[str, ...]:
    """Short flags, each a word or code (never colour alone)."""
    flags: list[str] = []
    status = Status(appt.status)
    if status in (Status.CANCELLED, Status.NO_SHOW, Status.DONE):
        return ()
    if patient.interpreter_needed:
        flags.append(f"INT:{patient.preferred_language[:3] or '?'}")
    if appt.forms_needed:
        flags.append("FRM")
    if not appt.eligibility_checked and patient.eligibility_verified_on != day:
        flags.append("ELIG")
    due = patient.balance_due_cents + appt.copay_due_cents  # copay stays due until paid
    if due > 0:
        flags.append(short_cents(due))
    if status == Status.ARRIVED and arrived_at is not None:
        waited = int((now - arrived_at).total_seconds() // 60)
        if waited >= 0:
            flags.append(f"{waited}m")
    return tuple(flags)


def load_day_in(
    session: Session, day: date, clinic: Clinic, provider_id: int | None = None
) -> DaySchedule:
    """The day's rows in time order, openings included, and the summary counts."""
    start_utc, end_utc = clock.day_bounds(day, clinic.zone)
    where = and_(col(Appointment.start_at) >= start_utc, col(Appointment.start_at) < end_utc)
    if provider_id is not None:
        where = and_(where, col(Appointment.provider_id) == provider_id)
    result = session.exec(
        select(Appointment, Patient, AppointmentType.name)
        .join(Patient, col(Patient.id) == Appointment.patient_id)
        .join(AppointmentType, col(AppointmentType.id) == Appointment.type_id)
        .where(where)
        .order_by(col(Appointment.start_at), col(Appointment.id))
    ).all()
    providers = session.exec(
        select(Provider).where(col(Provider.active)).order_by(col(Provider.short_name))
    ).all()
    by_provider = {p.id: p for p in providers}
    arrived_ids = [a.id for a, _, _ in result if a.status == Status.ARRIVED.value]
    arrivals: dict[int, datetime] = {}
    if arrived_ids:
        for appt_id, at in session.exec(
            select(AppointmentEvent.appointment_id, AppointmentEvent.at)
            .where(
                col(AppointmentEvent.appointment_id).in_(arrived_ids),
                AppointmentEvent.to_status == Status.ARRIVED.value,
                # an undo back to ARRIVED (of a mistaken rooming) is not an arrival
                col(AppointmentEvent.undoes_id).is_(None),
            )
            .order_by(col(AppointmentEvent.id))
        ):
            arrivals[appt_id] = at
    now = clock.now()
    rows: list[ScheduleRow] = []
    booked: dict[int, list[tuple[datetime, int]]] = {}
    counts: Counter[str] = Counter()
    for appt, patient, type_name in result:
        assert appt.id is not None
        local = appt.start_at.astimezone(clinic.zone)
        provider = by_provider.get(appt.provider_id)
        status = Status(appt.status)
        counts[status.value] += 1
        if appt.walk_in:
            counts["WALK-IN"] += 1
        if status not in (Status.CANCELLED, Status.NO_SHOW):
            booked.setdefault(appt.provider_id, []).append((local, appt.minutes))
        rows.append(
            ScheduleRow(
                appointment_id=appt.id,
                start=local,
                minutes=appt.minutes,
                provider_id=appt.provider_id,
                provider=provider.short_name if provider else "?",
                patient_id=patient.id,
                patient=f"{patient.last_name}, {patient.preferred_name or patient.first_name}",
                sex=patient.sex,
                birth_year=patient.dob.year,
                type_name=type_name,
                status=status,
                flags=flags_for(appt, patient, day, arrivals.get(appt.id), now),
                walk_in=appt.walk_in,
                version=appt.version,
            )
        )
    for provider in providers:
        if provider_id is not None and provider.id != provider_id:
            continue
        assert provider.id is not None
        openings = _openings(day, clinic, provider, booked.get(provider.id, []))
        counts["OPEN"] += len(openings)
        rows.extend(openings)
    rows.sort(key=lambda r: (r.start, r.provider, r.appointment_id is None, r.appointment_id or 0))
    return DaySchedule(
        day=day,
        rows=tuple(rows),
        counts=dict(counts),
        providers=tuple((p.id, p.short_name) for p in providers if p.id is not None),
    )


def load_day(
    engine: Engine, day: date | None = None, provider_id: int | None = None
) -> DaySchedule:
    """:func:`load_day_in` in a read session of its own; ``day`` defaults to today."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        return load_day_in(session, day or clinic.today(), clinic, provider_id)


@dataclass(frozen=True)
class VisitTimes:
    """When the patient arrived, was roomed and left, from the status events."""

    arrived: datetime | None
    roomed: datetime | None
    checked_out: datetime | None

    @property
    def wait_minutes(self) -> int | None:
        """Arrival to rooming, in whole minutes (``None`` until roomed)."""
        if self.arrived is None or self.roomed is None:
            return None
        return int((self.roomed - self.arrived).total_seconds() // 60)


def visit_times_in(session: Session, appointment_id: int) -> VisitTimes:
    """Times of the latest arrival, rooming and check-out still standing (undos respected)."""
    events = session.exec(
        select(AppointmentEvent)
        .where(AppointmentEvent.appointment_id == appointment_id)
        .order_by(col(AppointmentEvent.id))
    ).all()
    undone = {e.undoes_id for e in events if e.undoes_id is not None}
    times: dict[str, datetime | None] = {}
    for e in events:
        if e.id in undone or e.undoes_id is not None:
            continue
        times[e.to_status] = e.at
    return VisitTimes(
        arrived=times.get(Status.ARRIVED.value),
        roomed=times.get(Status.IN_ROOM.value),
        checked_out=times.get(Status.DONE.value),
    )
