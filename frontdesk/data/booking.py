"""Booking, rescheduling and cancelling: the slot is checked inside the booking's transaction.

Every write here starts with ``BEGIN IMMEDIATE``, so two terminals booking the
same slot are serialised: the second one's check sees the first one's
appointment and is refused with :class:`SlotTaken` (nothing saved), and its
screen reads fresh openings. History is never lost: a reschedule cancels the
old appointment (reason "Patient rescheduled") and links the new one to it
through ``rescheduled_from``; both keep their status events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.appointments import apply_status, check_reason, check_transition
from frontdesk.data.appointments import load_for_update as load_appointment
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.days import refuse_if_instant_closed
from frontdesk.data.db import write_session
from frontdesk.data.errors import InvalidInput, PatientNotFound
from frontdesk.data.hours import load_plan
from frontdesk.data.models import (
    LATE_CANCELLATION,
    Appointment,
    AppointmentType,
    Patient,
    Provider,
    Status,
)
from frontdesk.data.models_booking import TypeProvider, WaitlistEntry
from frontdesk.data.patients import display_name
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import clean_text

RESCHEDULED = "Patient rescheduled"
_HOLDS_TIME = (Status.BOOKED.value, Status.ARRIVED.value, Status.IN_ROOM.value, Status.DONE.value)


class SlotTaken(InvalidInput):
    """The slot was free when offered, but another booking got there first."""


@dataclass(frozen=True)
class BookingRequest:
    """Who, with whom, what and when (``start`` aware; clinic-local or UTC)."""

    patient_id: int
    provider_id: int
    type_id: int
    start: datetime
    notes: str = ""
    waitlist_entry_id: int | None = None  # booked from the wait list: the entry closes


@dataclass(frozen=True)
class Booked:
    """What the clerk reads back to the patient, and what the slip prints."""

    appointment_id: int
    patient: str
    start: datetime  # clinic-local
    minutes: int
    provider: str
    type_name: str
    prep: str
    arrive_by: datetime  # clinic-local: earlier than start for a new patient


@dataclass(frozen=True)
class Freed:
    """A slot given back (cancel, reschedule, no-show): where the wait list may go."""

    provider_id: int
    start: datetime  # clinic-local
    minutes: int


@dataclass(frozen=True)
class Cancelled:
    """The outcome of a cancellation."""

    appointment_id: int
    late: bool  # less than the clinic's late-cancel hours ahead
    freed: Freed | None  # None when the visit had already begun (nothing to offer)


def is_late(appt: Appointment, clinic: Clinic, now: datetime) -> bool:
    """A cancellation within ``late_cancel_hours`` of the start is late."""
    return appt.start_at - now < timedelta(hours=clinic.late_cancel_hours)


def slot_problem(
    session: Session,
    clinic: Clinic,
    *,
    provider_id: int,
    visit: AppointmentType,
    start: datetime,
    ignore_id: int | None = None,
) -> InvalidInput | None:
    """Why ``visit`` cannot start at ``start`` with the provider, or ``None`` if it can.

    The answer is the error to raise: :class:`SlotTaken` when another visit
    holds the time (the screen then reads fresh openings), else
    :class:`InvalidInput` (past, holiday, outside hours, break, blockout).
    """
    problem = _rule_problem(session, clinic, provider_id, visit, start)
    if problem is not None:
        return InvalidInput(problem, field="slot")
    if visit.overbook:
        return None
    local = start.astimezone(clinic.zone)
    clash = _clash(session, provider_id, start, local + timedelta(minutes=visit.minutes), ignore_id)
    if clash is None:
        return None
    provider = session.get(Provider, provider_id)
    name = provider.short_name if provider else "The provider"
    at = clash.start_at.astimezone(clinic.zone)
    return SlotTaken(f"{name} already has a visit at {at:%H:%M}: choose another time", field="slot")


def _rule_problem(
    session: Session, clinic: Clinic, provider_id: int, visit: AppointmentType, start: datetime
) -> str | None:
    """The set-up's rules for a slot: time, provider, type, hours, breaks, blockouts."""
    local = start.astimezone(clinic.zone)
    end = local + timedelta(minutes=visit.minutes)
    when = f"{local:%a %d %b %H:%M}"
    if start < clock.now():
        return f"{when} is in the past: choose a later time"
    provider = session.get(Provider, provider_id)
    if provider is None or not provider.active:
        return "That provider is not on the schedule"
    allowed = session.exec(
        select(TypeProvider.provider_id).where(TypeProvider.type_id == visit.id)
    ).all()
    if allowed and provider_id not in allowed:
        return f"{provider.short_name} does not see {visit.name} visits"
    day = local.date()
    plan = load_plan(session, clinic.zone, day, day, [provider_id])
    if day in plan.holidays:
        return f"{day:%a %d %b} is a holiday: {plan.holidays[day] or 'the clinic is closed'}"
    working = plan.working(provider_id, day)
    if not any(s <= local and end <= e for s, e in working):
        hours = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in working) or "none"
        return f"Outside {provider.short_name}'s hours on {day:%a} ({hours})"
    for (s, e), why in plan.closed(provider_id, day):
        if s < end and local < e:
            return f"{when} is during {provider.short_name}'s {why} ({s:%H:%M}-{e:%H:%M})"
    return None


def _clash(
    session: Session, provider_id: int, start: datetime, end: datetime, ignore_id: int | None
) -> Appointment | None:
    """An appointment of the provider's that holds time overlapping [start, end)."""
    window = select(Appointment).where(
        Appointment.provider_id == provider_id,
        col(Appointment.start_at) < end,
        col(Appointment.start_at) > start - timedelta(hours=12),  # no visit is longer
        col(Appointment.status).in_(_HOLDS_TIME),
    )
    for appt in session.exec(window):
        if appt.id == ignore_id:
            continue
        if appt.start_at + timedelta(minutes=appt.minutes) > start:
            return appt
    return None


def _visit(session: Session, type_id: int) -> AppointmentType:
    visit = session.get(AppointmentType, type_id)
    if visit is None or not visit.active:
        raise InvalidInput("Choose a visit type from the list", field="type")
    return visit


def _booked(
    appt: Appointment, patient: Patient, visit: AppointmentType, clinic: Clinic, provider: Provider
) -> Booked:
    assert appt.id is not None
    local = appt.start_at.astimezone(clinic.zone)
    return Booked(
        appointment_id=appt.id,
        patient=display_name(patient.last_name, patient.first_name, patient.preferred_name),
        start=local,
        minutes=appt.minutes,
        provider=provider.name,
        type_name=visit.name,
        prep=visit.prep_instructions,
        arrive_by=local - timedelta(minutes=visit.early_minutes),
    )


def book_in(
    session: Session,
    clinic: Clinic,
    request: BookingRequest,
    *,
    staff: StaffMember,
    rescheduled_from: Appointment | None = None,
) -> tuple[Appointment, Booked]:
    """Check the slot and insert the appointment, in the caller's write transaction."""
    patient = session.get(Patient, request.patient_id)
    if patient is None:
        raise PatientNotFound("That patient is no longer on file")
    visit = _visit(session, request.type_id)
    notes = clean_text(request.notes, field="notes", label="Notes", max_len=2000)
    refuse_if_instant_closed(session, request.start)
    ignore = rescheduled_from.id if rescheduled_from is not None else None
    problem = slot_problem(
        session,
        clinic,
        provider_id=request.provider_id,
        visit=visit,
        start=request.start,
        ignore_id=ignore,
    )
    if problem is not None:
        raise problem
    now = clock.now()
    appt = Appointment(
        patient_id=patient.id,  # type: ignore[arg-type]
        provider_id=request.provider_id,
        type_id=request.type_id,
        start_at=request.start.astimezone(UTC),
        minutes=visit.minutes,
        notes=notes,
        created_at=now,
        updated_at=now,
        booked_by=staff.id,
    )
    if rescheduled_from is not None:
        appt.rescheduled_from = rescheduled_from.id
        appt.forms_needed = rescheduled_from.forms_needed
        appt.authorization_ref = rescheduled_from.authorization_ref
        appt.copay_due_cents = rescheduled_from.copay_due_cents
        appt.notes = notes or rescheduled_from.notes
    session.add(appt)
    session.flush()
    if request.waitlist_entry_id is not None:
        _close_entry(session, request.waitlist_entry_id, appt, staff, now)
    provider = session.get(Provider, request.provider_id)
    assert provider is not None
    assert appt.id is not None
    audit.record(
        session,
        staff_id=staff.id,
        action="appointment.book",
        entity="appointment",
        entity_id=appt.id,
        detail={
            "provider": request.provider_id,
            "type": request.type_id,
            "start": appt.start_at.isoformat(),
            "rescheduled_from": appt.rescheduled_from,
            "waitlist": request.waitlist_entry_id,
        },
    )
    return appt, _booked(appt, patient, visit, clinic, provider)


def _close_entry(
    session: Session, entry_id: int, appt: Appointment, staff: StaffMember, now: datetime
) -> None:
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None or entry.status != "waiting":
        raise InvalidInput("That wait-list entry was already booked or removed", field="slot")
    if entry.patient_id != appt.patient_id:
        raise InvalidInput("That wait-list entry is for another patient", field="slot")
    entry.status = "booked"
    entry.closed_at = now
    entry.closed_by = staff.id
    entry.appointment_id = appt.id
    entry.version += 1
    session.add(entry)


def book(engine: Engine, request: BookingRequest, *, staff: StaffMember) -> Booked:
    """Book one appointment: one transaction, the slot checked inside it."""
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        return book_in(session, clinic, request, staff=staff)[1]


def reschedule(
    engine: Engine,
    appointment_id: int,
    request: BookingRequest,
    *,
    staff: StaffMember,
    version: int | None = None,
) -> tuple[Booked, Freed]:
    """Move an appointment: the old one is cancelled ("Patient rescheduled"), the new one linked."""
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        old = load_appointment(session, appointment_id)
        if request.patient_id != old.patient_id:
            raise InvalidInput("A reschedule keeps the same patient")
        freed = _move_out(session, clinic, old, version, staff)
        _, booked = book_in(session, clinic, request, staff=staff, rescheduled_from=old)
        return booked, freed


def cancel(
    engine: Engine,
    appointment_id: int,
    *,
    staff: StaffMember,
    reason: str,
    version: int | None = None,
) -> Cancelled:
    """Cancel with a reason; late when inside the clinic's late-cancel hours."""
    text = check_reason(reason)
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        appt = load_appointment(session, appointment_id)
        _check_version(appt, version)
        if not check_transition(appt, Status.CANCELLED, clinic):
            return Cancelled(appointment_id, late=False, freed=None)
        late = is_late(appt, clinic, clock.now())
        freed = _freed(appt, clinic) if appt.status == Status.BOOKED.value else None
        appt.cancel_reason = text
        apply_status(session, appt, Status.CANCELLED, staff=staff, reason=late_reason(text, late))
        return Cancelled(appointment_id, late=late, freed=freed)


def late_reason(text: str, late: bool) -> str:
    """The reason recorded for a cancellation: marked when it was late."""
    return f"{text} {LATE_CANCELLATION}" if late else text


def _freed(appt: Appointment, clinic: Clinic) -> Freed:
    return Freed(appt.provider_id, appt.start_at.astimezone(clinic.zone), appt.minutes)


def _check_version(appt: Appointment, version: int | None) -> None:
    if version is not None and appt.version != version:
        raise InvalidInput("Someone else changed this appointment just now: look again")


def freed_by(appt: Appointment, clinic: Clinic) -> Freed:
    """The slot an appointment held (for a no-show marked elsewhere)."""
    return _freed(appt, clinic)


def book_at(
    engine: Engine,
    request: BookingRequest,
    provider_ids: list[int],
    *,
    staff: StaffMember,
    moving: int | None = None,
    version: int | None = None,
) -> tuple[Booked, Freed | None]:
    """Book (or move to) a time the clerk typed, with the first of ``provider_ids`` free then.

    One transaction: every provider is checked inside it. When none is free the
    refusal names why for each (outside hours, a break, another visit...).
    """
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        visit = _visit(session, request.type_id)
        old = load_appointment(session, moving) if moving is not None else None
        reasons: list[str] = []
        for provider_id in provider_ids:
            problem = slot_problem(
                session,
                clinic,
                provider_id=provider_id,
                visit=visit,
                start=request.start,
                ignore_id=moving,
            )
            if problem is None:
                chosen = BookingRequest(
                    patient_id=request.patient_id,
                    provider_id=provider_id,
                    type_id=request.type_id,
                    start=request.start,
                    notes=request.notes,
                    waitlist_entry_id=request.waitlist_entry_id,
                )
                freed = _move_out(session, clinic, old, version, staff) if old else None
                return book_in(session, clinic, chosen, staff=staff, rescheduled_from=old)[1], freed
            reasons.append(problem.message)
        if len(reasons) == 1:
            raise InvalidInput(reasons[0], field="when")
        raise InvalidInput("Nobody is free then. " + " ".join(dict.fromkeys(reasons)), field="when")


def _move_out(
    session: Session, clinic: Clinic, old: Appointment, version: int | None, staff: StaffMember
) -> Freed:
    """Cancel the appointment a reschedule moves ("Patient rescheduled"); the slot it held."""
    _check_version(old, version)
    if old.status != Status.BOOKED.value:
        raise InvalidInput(f"It is {old.status}: only a booked visit can be moved")
    freed = _freed(old, clinic)
    late = is_late(old, clinic, clock.now())
    old.cancel_reason = RESCHEDULED
    apply_status(session, old, Status.CANCELLED, staff=staff, reason=late_reason(RESCHEDULED, late))
    return freed
