"""Appointment status as a state machine, with history in append-only events.

Every change is one transaction: the appointment row, its status event and the
audit event commit together. Refusals are :class:`TransitionRefused` with a
message that tells the clerk what to do instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.callbacks import add_automatic
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.days import refuse_if_instant_closed
from frontdesk.data.db import write_session
from frontdesk.data.errors import AppointmentNotFound, InvalidInput, TransitionRefused
from frontdesk.data.models import Appointment, AppointmentEvent, Staff, Status
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import clean_text

# Which statuses each action may start from.
ALLOWED: dict[Status, tuple[Status, ...]] = {
    Status.ARRIVED: (Status.BOOKED,),
    Status.IN_ROOM: (Status.ARRIVED,),
    Status.DONE: (Status.IN_ROOM, Status.ARRIVED),
    Status.NO_SHOW: (Status.BOOKED,),
    Status.CANCELLED: (Status.BOOKED, Status.ARRIVED),
}

CANCEL_REASONS = (
    "Patient cancelled",
    "Patient rescheduled",
    "Provider unavailable",
    "Clinic closed",
    "Booked in error",
    "Other",
)


@dataclass(frozen=True)
class Changed:
    """The outcome of a status action."""

    appointment_id: int
    from_status: Status
    to_status: Status
    changed: bool  # False when the action was already done (idempotent check-in)


def local_day(appt: Appointment, clinic: Clinic) -> datetime:
    """The appointment's start in the clinic's timezone."""
    return appt.start_at.astimezone(clinic.zone)


def load_for_update(session: Session, appointment_id: int) -> Appointment:
    """The appointment row inside a write transaction (refused if its day is closed)."""
    appt = load(session, appointment_id)
    refuse_if_instant_closed(session, appt.start_at)
    return appt


def load(session: Session, appointment_id: int) -> Appointment:
    """The appointment row, for reading."""
    appt = session.get(Appointment, appointment_id)
    if appt is None:
        raise AppointmentNotFound("That appointment is no longer on the schedule")
    return appt


def apply_status(
    session: Session,
    appt: Appointment,
    to: Status,
    *,
    staff: StaffMember,
    reason: str = "",
    undoes_id: int | None = None,
    at: datetime | None = None,
) -> AppointmentEvent:
    """Move ``appt`` to ``to`` and append its event and audit record (no checks)."""
    assert appt.id is not None
    now = at or clock.now()
    event = AppointmentEvent(
        appointment_id=appt.id,
        from_status=appt.status,
        to_status=to.value,
        at=now,
        staff_id=staff.id,
        reason=reason,
        undoes_id=undoes_id,
    )
    before = appt.status
    appt.status = to.value
    appt.version += 1
    appt.updated_at = now
    session.add(appt)
    session.add(event)
    session.flush()
    if to == Status.NO_SHOW and not undoes_id:  # the desk calls to offer a new time
        clinic = get_clinic_in(session)
        add_automatic(
            session,
            cause=f"no-show:{appt.id}",
            reason_code="rebook",
            patient_id=appt.patient_id,
            note=f"Missed {local_day(appt, clinic):%a %d %b %H:%M}; offer a new time",
            clinic=clinic,
            staff_id=staff.id,
        )
    audit.record(
        session,
        staff_id=staff.id,
        action="appointment.undo" if undoes_id else "appointment.status",
        entity="appointment",
        entity_id=appt.id,
        detail={"from": before, "to": to.value, "reason": reason},
    )
    return event


def check_transition(appt: Appointment, to: Status, clinic: Clinic) -> bool:
    """Raise if ``to`` is not allowed now; return False if it is already done."""
    current = Status(appt.status)
    today = clinic.today()
    day = local_day(appt, clinic).date()
    if to == Status.ARRIVED:
        if current in (Status.ARRIVED, Status.IN_ROOM, Status.DONE):
            return False  # checking in twice changes nothing
        if day != today:
            when = "tomorrow" if day == today + timedelta(days=1) else day.strftime("%a %d %b")
            raise TransitionRefused(
                f"This appointment is for {when}, not today: book a visit today instead"
            )
    if to == Status.NO_SHOW:
        grace = timedelta(minutes=clinic.no_show_grace_minutes)
        ready = appt.start_at + grace
        if clock.now() < ready:
            at = ready.astimezone(clinic.zone).strftime("%H:%M")
            raise TransitionRefused(f"Too early for a no-show: wait until {at}")
    if current == to:
        return False
    if current not in ALLOWED[to]:
        raise TransitionRefused(_refusal(current, to))
    return True


def _refusal(current: Status, to: Status) -> str:
    hints = {
        Status.IN_ROOM: "check the patient in first (c)",
        Status.DONE: "room the patient first (r)",
        Status.NO_SHOW: "only a booked appointment can be a no-show",
        Status.CANCELLED: "it is past cancelling; undo (u) if this was a mistake",
        Status.ARRIVED: "undo (u) the last change first, or book a new visit",
    }
    return f"It is {current.value}: {hints[to]}"


def change_status(
    engine: Engine,
    appointment_id: int,
    to: Status,
    *,
    staff: StaffMember,
    reason: str = "",
) -> Changed:
    """Roomed, checked out, no-show or cancel (check-in has its own richer path)."""
    if to == Status.CANCELLED:
        reason = clean_text(reason, field="reason", label="Reason", required=True, max_len=200)
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        appt = load_for_update(session, appointment_id)
        current = Status(appt.status)
        if not check_transition(appt, to, clinic):
            return Changed(appointment_id, current, current, changed=False)
        if to == Status.CANCELLED:
            appt.cancel_reason = reason
        apply_status(session, appt, to, staff=staff, reason=reason)
        return Changed(appointment_id, current, to, changed=True)


def undo_last(engine: Engine, appointment_id: int, *, staff: StaffMember) -> Changed:
    """Put back the last status change, if it was this clerk's own and nothing came after."""
    with write_session(engine) as session:
        appt = load_for_update(session, appointment_id)
        last = session.exec(
            select(AppointmentEvent)
            .where(AppointmentEvent.appointment_id == appointment_id)
            .order_by(col(AppointmentEvent.id).desc())
            .limit(1)
        ).first()
        if last is None or last.from_status is None:
            raise TransitionRefused("Nothing to undo on this appointment")
        if last.staff_id != staff.id:
            who = session.get(Staff, last.staff_id) if last.staff_id else None
            name = who.display_name if who else "someone else"
            raise TransitionRefused(f"The last change was made by {name}: only they can undo it")
        if last.undoes_id is not None:
            raise TransitionRefused("That change was itself an undo; nothing more to undo")
        current = Status(appt.status)
        back = Status(last.from_status)
        if back != Status.CANCELLED:
            appt.cancel_reason = ""
        apply_status(session, appt, back, staff=staff, reason="undo", undoes_id=last.id)
        return Changed(appointment_id, current, back, changed=True)


def check_reason(reason: str) -> str:
    """A cancel reason from the list, or free text."""
    text = clean_text(reason, field="reason", label="Reason", max_len=200)
    if not text:
        raise InvalidInput("Choose a reason for cancelling", field="reason")
    return text
