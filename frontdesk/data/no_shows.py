"""No-show suggestions: booked patients past the clinic's no-show time, for the clerk to confirm.

A BOOKED appointment today becomes a suggestion once its start plus the
clinic's ``no_show_grace_minutes`` plus its provider's delay today (see
:mod:`frontdesk.data.delays`) is past, so the patients of a provider running
late are not suggested early. Nothing changes until the clerk confirms:
:func:`confirm_no_shows` marks the chosen ones NO-SHOW in one transaction,
each exactly as the schedule's ``n`` would (status event, audit event, the
"rebook" callback), and skips, with the reason, any that changed meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data.appointments import apply_status, check_transition
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.days import refuse_if_instant_closed
from frontdesk.data.db import read_session, write_session
from frontdesk.data.delays import delays_of_day
from frontdesk.data.errors import DayClosed, TransitionRefused
from frontdesk.data.models import Appointment, AppointmentType, Patient, Provider, Status
from frontdesk.data.patients import display_name
from frontdesk.data.staff import StaffMember


@dataclass(frozen=True)
class Suggestion:
    """A booked patient past the no-show time."""

    appointment_id: int
    version: int  # as read: confirming refuses a row changed since
    patient_id: int
    patient: str
    provider_id: int
    provider: str  # short name
    type_name: str
    start: datetime  # clinic-local
    due: datetime  # clinic-local: from when a no-show may be recorded
    delay: int  # the provider's delay today, in minutes (already in ``due``)
    minutes_late: int  # now - start, in whole minutes


@dataclass(frozen=True)
class Skipped:
    """A chosen appointment that was not marked, and why (a sentence for the clerk)."""

    appointment_id: int
    patient: str
    why: str


@dataclass(frozen=True)
class Confirmed:
    """What confirming did: the appointments now NO-SHOW, and those left as they were."""

    marked: tuple[int, ...]
    skipped: tuple[Skipped, ...] = ()

    @property
    def count(self) -> int:
        """How many were marked NO-SHOW."""
        return len(self.marked)


def no_show_time(clinic: Clinic, start: datetime, delay: int) -> datetime:
    """When an appointment starting at ``start`` may be called a no-show."""
    return start + timedelta(minutes=clinic.no_show_grace_minutes + delay)


def suggestions_in(session: Session, clinic: Clinic, now: datetime) -> list[Suggestion]:
    """Today's (``now``'s business day) BOOKED appointments past their no-show time."""
    day = now.astimezone(clinic.zone).date()
    start, end = clock.day_bounds(day, clinic.zone)
    latest = min(end, now - timedelta(minutes=clinic.no_show_grace_minutes))
    if latest < start:
        return []
    rows = session.exec(
        select(Appointment, Patient, Provider.short_name, AppointmentType.name)
        .join(Patient, col(Patient.id) == col(Appointment.patient_id))
        .join(Provider, col(Provider.id) == col(Appointment.provider_id))
        .join(AppointmentType, col(AppointmentType.id) == col(Appointment.type_id))
        .where(
            Appointment.status == Status.BOOKED.value,
            col(Appointment.start_at) >= start,
            col(Appointment.start_at) <= latest,
        )
        .order_by(col(Appointment.start_at), col(Provider.short_name), col(Appointment.id))
    ).all()
    delays = delays_of_day(session, day)
    out = []
    for appt, patient, provider, type_name in rows:
        assert appt.id is not None
        assert patient.id is not None
        delay = delays.get(appt.provider_id, 0)
        due = no_show_time(clinic, appt.start_at, delay)
        if due > now:
            continue
        out.append(
            Suggestion(
                appointment_id=appt.id,
                version=appt.version,
                patient_id=patient.id,
                patient=display_name(patient.last_name, patient.first_name, patient.preferred_name),
                provider_id=appt.provider_id,
                provider=provider,
                type_name=type_name,
                start=appt.start_at.astimezone(clinic.zone),
                due=due.astimezone(clinic.zone),
                delay=delay,
                minutes_late=int((now - appt.start_at).total_seconds() // 60),
            )
        )
    return out


def suggestions(engine: Engine, now: datetime | None = None) -> list[Suggestion]:
    """:func:`suggestions_in` in a read session of its own; ``now`` defaults to the clock."""
    with read_session(engine) as session:
        return suggestions_in(session, get_clinic_in(session), now or clock.now())


def next_due_at(engine: Engine, now: datetime | None = None) -> datetime | None:
    """The next moment a booked patient today reaches the no-show time (``None``: nobody).

    For a one-shot timer on a screen that shows the count, so it changes
    without a ticking clock.
    """
    moment = now or clock.now()
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        day = moment.astimezone(clinic.zone).date()
        start, end = clock.day_bounds(day, clinic.zone)
        rows = session.exec(
            select(Appointment.start_at, Appointment.provider_id).where(
                Appointment.status == Status.BOOKED.value,
                col(Appointment.start_at) >= start,
                col(Appointment.start_at) < end,
            )
        ).all()
        delays = delays_of_day(session, day)
    later = [
        no_show_time(clinic, begins, delays.get(provider_id, 0)) for begins, provider_id in rows
    ]
    upcoming = [due for due in later if due > moment]
    return min(upcoming) if upcoming else None


def _why_not(
    session: Session,
    appt: Appointment,
    clinic: Clinic,
    delays: dict[date, dict[int, int]],
    now: datetime,
    seen_version: int | None,
) -> str:
    """Why ``appt`` may not be marked NO-SHOW now, as a sentence ("" when it may)."""
    if appt.status != Status.BOOKED.value:
        return f"Now {appt.status}"
    try:
        refuse_if_instant_closed(session, appt.start_at)
        check_transition(appt, Status.NO_SHOW, clinic)
    except (DayClosed, TransitionRefused) as error:
        return error.message
    day = appt.start_at.astimezone(clinic.zone).date()
    if day not in delays:
        delays[day] = delays_of_day(session, day)
    delay = delays[day].get(appt.provider_id, 0)
    due = no_show_time(clinic, appt.start_at, delay)
    if delay and now < due:
        provider = session.get(Provider, appt.provider_id)
        who = provider.short_name if provider is not None else "The provider"
        return f"{who} is running {delay} min late: wait until {due.astimezone(clinic.zone):%H:%M}"
    if seen_version is not None and appt.version != seen_version:
        return "Changed on another terminal since: look again"
    return ""


def confirm_no_shows(
    engine: Engine,
    appointment_ids: Iterable[int],
    *,
    staff: StaffMember,
    versions: Mapping[int, int] | None = None,
) -> Confirmed:
    """Mark the chosen appointments NO-SHOW in one transaction; skip (and say why) the rest.

    Each is marked as :func:`frontdesk.data.appointments.change_status` would
    (its event, its audit record, a "rebook" callback). ``versions`` holds the
    version each row had when the clerk saw it (``Suggestion.version``): a
    row changed since (arrived, say, or edited) is skipped, never overwritten.
    """
    seen = versions or {}
    marked: list[int] = []
    skipped: list[Skipped] = []
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        now = clock.now()
        delays: dict[date, dict[int, int]] = {}
        for appointment_id in dict.fromkeys(appointment_ids):
            appt = session.get(Appointment, appointment_id)
            if appt is None:
                skipped.append(Skipped(appointment_id, "", "No longer on the schedule"))
                continue
            patient = session.get(Patient, appt.patient_id)
            name = (
                display_name(patient.last_name, patient.first_name, patient.preferred_name)
                if patient is not None
                else ""
            )
            why = _why_not(session, appt, clinic, delays, now, seen.get(appointment_id))
            if why:
                skipped.append(Skipped(appointment_id, name, why))
                continue
            apply_status(session, appt, Status.NO_SHOW, staff=staff, at=now)
            marked.append(appointment_id)
    return Confirmed(tuple(marked), tuple(skipped))
