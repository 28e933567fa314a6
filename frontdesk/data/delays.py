"""A provider running late: the delay the desk records, who it affects, the calls to make.

A delay is a row in ``provider_delay`` (append-only): the newest row for a
provider and business day is that provider's delay, ``0`` is back on time.
The model is kept simple on purpose: every patient still to come with that
provider is expected ``delay`` minutes after their booked start (nobody
catches up between visits, and a gap in the day does not absorb it).

The patients affected are the provider's BOOKED appointments that day that
start no earlier than the clinic's no-show grace before now: someone already
well past their start is for the no-show review, not for a "running late"
call. One key makes a "scheduling" callback for each of them, high priority
and due soon, never twice for the same appointment and delay (a ``cause``
under the callbacks' unique index); a new delay later in the day is a new
cause, so those patients are called again with the new time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.callbacks import insert_once
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.days import refuse_if_closed
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput
from frontdesk.data.models import (
    Appointment,
    Callback,
    CallbackReason,
    Patient,
    Provider,
    ProviderDelay,
    Status,
)
from frontdesk.data.patients import display_name
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import format_phone

MAX_DELAY = 240  # minutes; past four hours the day needs rebooking, not a delay
CALL_REASON = "scheduling"
CALL_PRIORITY = 1  # high: the patient may be leaving home now
CALL_DUE_MINUTES = 15
CALL_QUEUE = "desk"


@dataclass(frozen=True)
class ProviderLate:
    """A provider and their delay today (``minutes`` 0: on time)."""

    provider_id: int
    name: str  # "Dr. Grace Okafor"
    short_name: str  # "Okafor"
    minutes: int

    @property
    def label(self) -> str:
        """``Okafor (20 min late)`` or ``Okafor (on time)``."""
        state = f"{self.minutes} min late" if self.minutes else "on time"
        return f"{self.short_name} ({state})"


@dataclass(frozen=True)
class Affected:
    """A patient still to come with a provider who is running late."""

    appointment_id: int
    patient_id: int
    patient: str  # "Smith, Jo"
    phones: tuple[str, ...]  # formatted for the clinic's region, mobile first; may be empty
    start: datetime  # clinic-local, as booked
    expected: datetime  # clinic-local: start + delay

    @property
    def delay(self) -> int:
        """Minutes after the booked start the visit is now expected."""
        return int((self.expected - self.start).total_seconds() // 60)


def parse_minutes(text: str) -> int:
    """What a clerk types for "minutes late": ``20``, ``20m``, ``20 min``; 0 is on time."""
    raw = text.strip().lower().removesuffix("min").removesuffix("m").strip()
    if not raw.isdigit() or not raw.isascii():
        raise InvalidInput(
            f"Type the minutes late as a number from 0 to {MAX_DELAY} (0: on time)",
            field="minutes",
        )
    return check_minutes(int(raw))


def check_minutes(minutes: int) -> int:
    """``minutes`` if it is a delay the desk can record (0 to :data:`MAX_DELAY`)."""
    if not 0 <= minutes <= MAX_DELAY:
        raise InvalidInput(
            f"Minutes late must be 0 to {MAX_DELAY} (0: on time); longer, rebook instead",
            field="minutes",
        )
    return minutes


def _provider(session: Session, provider_id: int) -> Provider:
    row = session.get(Provider, provider_id)
    if row is None or not row.active:
        raise InvalidInput("That provider is not on the schedule", field="provider")
    return row


def _delay_in(session: Session, provider_id: int, day: date) -> int:
    """One provider's delay on ``day`` (the newest row), 0 when none was recorded."""
    found = session.exec(
        select(ProviderDelay.minutes)
        .where(ProviderDelay.business_date == day, ProviderDelay.provider_id == provider_id)
        .order_by(col(ProviderDelay.id).desc())
        .limit(1)
    ).first()
    return int(found) if found is not None else 0


def delays_of_day(source: Session | Engine, day: date) -> dict[int, int]:
    """Providers running late on ``day``: provider id -> minutes (newest row wins).

    One indexed query over the day's rows, read in insert order, so the newest
    row for each provider is the one kept. Providers back on time (their
    newest row is 0) and those never late are left out: ``.get(id, 0)``.
    """
    if not isinstance(source, Session):
        with read_session(source) as session:
            return delays_of_day(session, day)
    rows = source.exec(
        select(ProviderDelay.provider_id, ProviderDelay.minutes)
        .where(ProviderDelay.business_date == day)
        .order_by(col(ProviderDelay.id))
    ).all()
    newest = {int(provider_id): int(minutes) for provider_id, minutes in rows}
    return {provider_id: minutes for provider_id, minutes in newest.items() if minutes}


def delay_text(minutes: int) -> str:
    """The schedule's flag for a late provider's patients: ``+15m`` (empty when on time)."""
    return f"+{minutes}m" if minutes > 0 else ""


def providers_late(engine: Engine, day: date | None = None) -> list[ProviderLate]:
    """The active providers by short name, each with their delay on ``day`` (today)."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        delays = delays_of_day(session, day or clinic.today())
        rows = session.exec(
            select(Provider).where(col(Provider.active)).order_by(col(Provider.short_name))
        ).all()
        return [
            ProviderLate(p.id, p.name, p.short_name, delays.get(p.id, 0))
            for p in rows
            if p.id is not None
        ]


def provider_late(engine: Engine, provider_id: int, day: date | None = None) -> ProviderLate:
    """One provider and their delay on ``day`` (today)."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        row = _provider(session, provider_id)
        minutes = _delay_in(session, provider_id, day or clinic.today())
        return ProviderLate(provider_id, row.name, row.short_name, minutes)


def set_delay(
    engine: Engine,
    provider_id: int,
    minutes: int,
    *,
    staff: StaffMember,
    day: date | None = None,
) -> ProviderLate:
    """Record that a provider is running ``minutes`` late on ``day`` (today); 0 is on time.

    One transaction: the new delay row and its audit event (with the delay it
    replaces). Setting the delay already recorded writes nothing.
    """
    check_minutes(minutes)
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        when = day or clinic.today()
        refuse_if_closed(session, when)
        provider = _provider(session, provider_id)
        before = _delay_in(session, provider_id, when)
        late = ProviderLate(provider_id, provider.name, provider.short_name, minutes)
        if before == minutes:
            return late
        row = ProviderDelay(
            provider_id=provider_id,
            business_date=when,
            minutes=minutes,
            at=clock.now(),
            staff_id=staff.id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            staff_id=staff.id,
            action="provider.delay",
            entity="provider",
            entity_id=provider_id,
            detail={"day": when, "minutes": minutes, "before": before},
        )
        return late


def _affected_in(
    session: Session, clinic: Clinic, provider_id: int, day: date, delay: int
) -> list[Affected]:
    start, end = clock.day_bounds(day, clinic.zone)
    start = max(start, clock.now() - timedelta(minutes=clinic.no_show_grace_minutes))
    rows = session.exec(
        select(Appointment, Patient)
        .join(Patient, col(Patient.id) == col(Appointment.patient_id))
        .where(
            Appointment.provider_id == provider_id,
            Appointment.status == Status.BOOKED.value,
            col(Appointment.start_at) >= start,
            col(Appointment.start_at) < end,
        )
        .order_by(col(Appointment.start_at), col(Appointment.id))
    ).all()
    shift = timedelta(minutes=delay)
    out = []
    for appt, patient in rows:
        assert appt.id is not None
        assert patient.id is not None
        local = appt.start_at.astimezone(clinic.zone)
        phones = tuple(
            format_phone(p, clinic.phone_region)
            for p in (patient.phone_mobile, patient.phone_home)
            if p
        )
        out.append(
            Affected(
                appointment_id=appt.id,
                patient_id=patient.id,
                patient=display_name(patient.last_name, patient.first_name, patient.preferred_name),
                phones=tuple(dict.fromkeys(phones)),
                start=local,
                expected=local + shift,
            )
        )
    return out


def affected(engine: Engine, provider_id: int, day: date | None = None) -> list[Affected]:
    """The provider's patients still to come on ``day`` (today), with their expected times."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        when = day or clinic.today()
        _provider(session, provider_id)
        delay = _delay_in(session, provider_id, when)
        return _affected_in(session, clinic, provider_id, when, delay)


def call_note(provider: str, minutes: int, start: datetime, expected: datetime) -> str:
    """``Dr. Grace Okafor running ~20 min late; your 10:30 visit now about 10:50``."""
    return (
        f"{provider} running ~{minutes} min late; "
        f"your {start:%H:%M} visit now about {expected:%H:%M}"
    )


def create_delay_callbacks(engine: Engine, provider_id: int, *, staff: StaffMember) -> int:
    """A high-priority "scheduling" callback for each patient affected today; how many made.

    One transaction for all of them, each with its audit event. The cause
    ``late:<appointment>:<minutes>`` makes a second press (or another
    terminal) skip the patients already given an item for this delay.
    """
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        today = clinic.today()
        provider = _provider(session, provider_id)
        delay = _delay_in(session, provider_id, today)
        if delay == 0:
            raise InvalidInput(
                f"{provider.short_name} is on time today: type the minutes late first",
                field="minutes",
            )
        reason = session.get(CallbackReason, CALL_REASON)
        if reason is None or not reason.active:
            raise InvalidInput("The Scheduling callback reason is switched off; ask a supervisor")
        now = clock.now()
        due = now + timedelta(minutes=CALL_DUE_MINUTES)
        made = 0
        for item in _affected_in(session, clinic, provider_id, today, delay):
            cause = f"late:{item.appointment_id}:{delay}"
            if session.exec(select(Callback.id).where(Callback.cause == cause)).first():
                continue
            patient = session.get(Patient, item.patient_id)
            assert patient is not None
            row = Callback(
                created_at=now,
                created_by=staff.id,
                patient_id=item.patient_id,
                phone=patient.phone_mobile or patient.phone_home,
                reason=CALL_REASON,
                priority=CALL_PRIORITY,
                due_at=due,
                owner_queue=CALL_QUEUE,
                notes=call_note(provider.name, delay, item.start, item.expected),
                cause=cause,
            )
            callback_id = insert_once(session, row)
            if callback_id is None:  # another terminal made it a moment ago
                continue
            audit.record(
                session,
                staff_id=staff.id,
                action="callback.added",
                entity="callback",
                entity_id=callback_id,
                detail={
                    "reason": CALL_REASON,
                    "queue": CALL_QUEUE,
                    "due_at": due,
                    "cause": cause,
                },
            )
            made += 1
        return made
