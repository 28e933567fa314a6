"""The prep worklist: a coming day's booked visits and what to do about each before it.

The desk works the list the day before (or the morning of): call to confirm,
send the forms, book the interpreter, verify eligibility, tell new patients to
come early, remind patients what they owe. :func:`worklist` reads a day in one
statement; :func:`confirm` records that patients said they will come. The CSV
and printed versions are in :mod:`frontdesk.data.prep_export`.

The flags mean what the schedule's flags mean on that day (see
:mod:`frontdesk.data.schedule`), so the list and the schedule never disagree:

- ``ELIG``: eligibility not verified for the visit, unless the patient was
  verified on the visit's day itself (the check-in rule: every visit is checked);
- ``$``: the visit's copay and the patient's past-due balance, each less what
  the desk has already taken on it (net of voids and refunds, as
  :mod:`frontdesk.data.balances` computes them).

There is no authorization flag: nothing in the schema says which visits need a
referral or prior authorization, so a missing ``authorization_ref`` cannot be
told from one that is not needed. The reference on file is carried along.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.appointments import load_for_update
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput, TransitionRefused
from frontdesk.data.hours import load_plan
from frontdesk.data.models import (
    Appointment,
    AppointmentType,
    Patient,
    Provider,
    Status,
)
from frontdesk.data.patients import display_name
from frontdesk.data.schedule_fetch import BALANCE_PAID, COPAY_PAID
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import format_phone
from frontdesk.money import short_cents

LOOKAHEAD_DAYS = 14  # how far the default day is looked for


class Flag(StrEnum):
    """What needs doing before a visit; the value is the short code the screen shows."""

    UNCONFIRMED = "UNCONF"
    INTERPRETER = "INT"
    FORMS = "FRM"
    ELIGIBILITY = "ELIG"
    NEW_PATIENT = "NEW"
    OWES = "$"


# The order and words of the counts line.
FLAG_WORDS = {
    Flag.UNCONFIRMED: "Unconfirmed",
    Flag.INTERPRETER: "Interpreter",
    Flag.FORMS: "Forms",
    Flag.ELIGIBILITY: "Eligibility",
    Flag.NEW_PATIENT: "New",
    Flag.OWES: "Owes",
}


@dataclass(frozen=True)
class PrepRow:
    """One booked visit and what it needs."""

    appointment_id: int
    start: datetime  # clinic-local
    minutes: int
    patient_id: int
    patient: str  # "Last, First (Preferred)"
    mrn: str
    phone_mobile: str  # formatted for the clinic's region, "" if none
    phone_home: str
    provider: str  # short name
    type_name: str
    confirmed: bool
    forms_needed: bool
    interpreter: str  # the language code when an interpreter is needed, else ""
    eligibility_unverified: bool
    eligibility_verified_on: date | None
    copay_cents: int  # still owed on the visit
    balance_cents: int  # past-due balance still owed
    new_patient: bool
    early_minutes: int  # a new patient arrives this much before the start
    prep_instructions: str
    authorization_ref: str

    @property
    def owed_cents(self) -> int:
        """Copay and past-due balance still owed, together (the ``$`` flag)."""
        return self.copay_cents + self.balance_cents

    @property
    def phone(self) -> str:
        """The number to call first: the mobile, else the home phone."""
        return self.phone_mobile or self.phone_home

    @property
    def arrive_at(self) -> datetime:
        """When the patient should be at the desk (earlier than the start for new patients)."""
        early = self.early_minutes if self.new_patient else 0
        return self.start - timedelta(minutes=early)

    def has(self, flag: Flag) -> bool:
        """Whether this visit carries ``flag``."""
        return {
            Flag.UNCONFIRMED: not self.confirmed,
            Flag.FORMS: self.forms_needed,
            Flag.INTERPRETER: bool(self.interpreter),
            Flag.ELIGIBILITY: self.eligibility_unverified,
            Flag.OWES: self.owed_cents > 0,
            Flag.NEW_PATIENT: self.new_patient,
        }[flag]

    @property
    def flags(self) -> tuple[str, ...]:
        """Short codes, each a word (never colour alone): ``UNCONF INT:es FRM ELIG NEW $25``."""
        codes: list[str] = []
        if not self.confirmed:
            codes.append(Flag.UNCONFIRMED.value)
        if self.interpreter:  # the schedule's order: INT FRM ELIG $
            codes.append(f"INT:{self.interpreter}")
        if self.forms_needed:
            codes.append(Flag.FORMS.value)
        if self.eligibility_unverified:
            codes.append(Flag.ELIGIBILITY.value)
        if self.new_patient:
            codes.append(Flag.NEW_PATIENT.value)
        if self.owed_cents > 0:
            codes.append(short_cents(self.owed_cents))
        return tuple(codes)


@dataclass(frozen=True)
class Worklist:
    """A day's prep list: the visits in time order and how many carry each flag."""

    day: date
    today: date
    clinic: str
    rows: tuple[PrepRow, ...]

    @property
    def counts(self) -> dict[Flag, int]:
        """How many visits carry each flag (every flag listed, in :data:`FLAG_WORDS` order)."""
        return {flag: sum(1 for row in self.rows if row.has(flag)) for flag in FLAG_WORDS}

    def counts_text(self) -> str:
        """``12 visits  Unconfirmed 5  Forms 2  ...`` (flags no visit carries are left out)."""
        noun = "visit" if len(self.rows) == 1 else "visits"
        parts = [f"{len(self.rows)} {noun}"]
        parts += [f"{FLAG_WORDS[f]} {n}" for f, n in self.counts.items() if n]
        return "  ".join(parts)

    def day_label(self) -> str:
        """``Wed 25 Nov 2026 (tomorrow)``."""
        label = f"{self.day:%a %d %b %Y}"
        if self.day == self.today:
            return label + " (today)"
        if self.day == self.today + timedelta(days=1):
            return label + " (tomorrow)"
        return label


# --- reading ------------------------------------------------------------------------------

_ROWS: Any = (
    select(
        col(Appointment.id),
        col(Appointment.start_at),
        col(Appointment.minutes),
        col(Appointment.forms_needed),
        col(Appointment.eligibility_checked),
        col(Appointment.copay_due_cents) - COPAY_PAID,
        col(Appointment.authorization_ref),
        col(Appointment.confirmed_at),
        col(Patient.id),
        col(Patient.last_name),
        col(Patient.first_name),
        col(Patient.preferred_name),
        col(Patient.mrn),
        col(Patient.phone_mobile),
        col(Patient.phone_home),
        col(Patient.interpreter_needed),
        col(Patient.preferred_language),
        col(Patient.eligibility_verified_on),
        col(Patient.balance_due_cents) - BALANCE_PAID,
        col(Provider.short_name),
        col(AppointmentType.name),
        col(AppointmentType.is_new_patient),
        col(AppointmentType.early_minutes),
        col(AppointmentType.prep_instructions),
    )
    .join_from(Appointment, Patient, col(Patient.id) == col(Appointment.patient_id))
    .join(Provider, col(Provider.id) == col(Appointment.provider_id))
    .join(AppointmentType, col(AppointmentType.id) == col(Appointment.type_id))
)


def past_day_message(day: date, today: date) -> str:
    """What the clerk reads when asking for a day that is over."""
    return (
        f"{day:%a %d %b %Y} has passed: the prep list is for today "
        f"({today:%a %d %b}) or a day ahead"
    )


def next_clinic_day(session: Session, clinic: Clinic) -> date:
    """The first day after today that anyone works or anything is booked (else tomorrow).

    Holidays are skipped. A clinic that has not set up working hours still gets
    the next day with booked visits.
    """
    today = clinic.today()
    first, last = today + timedelta(days=1), today + timedelta(days=LOOKAHEAD_DAYS)
    active = select(col(Provider.id)).where(col(Provider.active))
    providers = [int(p) for p in session.execute(active).scalars()]
    plan = load_plan(session, clinic.zone, first, last, providers)
    start, _ = clock.day_bounds(first, clinic.zone)
    _, end = clock.day_bounds(last, clinic.zone)
    booked = session.execute(
        select(col(Appointment.start_at))
        .where(
            col(Appointment.status) == Status.BOOKED.value,
            col(Appointment.start_at) >= start,
            col(Appointment.start_at) < end,
        )
        .order_by(col(Appointment.start_at))
        .limit(1)
    ).scalar()
    booked_day = None if booked is None else booked.astimezone(clinic.zone).date()
    day = first
    while day <= last:
        if day == booked_day or any(plan.working(p, day) for p in providers):
            return day
        day += timedelta(days=1)
    return first


def worklist_in(session: Session, day: date, clinic: Clinic) -> Worklist:
    """Every booked visit on ``day`` in time order (refused for a day that has passed)."""
    today = clinic.today()
    if day < today:
        raise InvalidInput(past_day_message(day, today), field="day")
    start, end = clock.day_bounds(day, clinic.zone)
    statement = _ROWS.where(
        col(Appointment.status) == Status.BOOKED.value,
        col(Appointment.start_at) >= start,
        col(Appointment.start_at) < end,
    ).order_by(col(Appointment.start_at), col(Provider.short_name), col(Appointment.id))
    rows: list[PrepRow] = []
    for r in session.execute(statement):
        verified_on: date | None = r[17]
        rows.append(
            PrepRow(
                appointment_id=int(r[0]),
                start=r[1].astimezone(clinic.zone),
                minutes=int(r[2]),
                patient_id=int(r[8]),
                patient=display_name(r[9], r[10], r[11]),
                mrn=r[12],
                phone_mobile=format_phone(r[13], clinic.phone_region),
                phone_home=format_phone(r[14], clinic.phone_region),
                provider=r[19],
                type_name=r[20],
                confirmed=r[7] is not None,
                forms_needed=bool(r[3]),
                interpreter=(r[16][:3] or "?") if r[15] else "",
                eligibility_unverified=not r[4] and verified_on != day,
                eligibility_verified_on=verified_on,
                copay_cents=max(int(r[5]), 0),
                balance_cents=max(int(r[18]), 0),
                new_patient=bool(r[21]),
                early_minutes=max(int(r[22]), 0),
                prep_instructions=r[23],
                authorization_ref=r[6],
            )
        )
    return Worklist(day=day, today=today, clinic=clinic.name, rows=tuple(rows))


def worklist(engine: Engine, day: date | None = None) -> Worklist:
    """:func:`worklist_in` in a read session; ``day`` defaults to the next clinic day."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        return worklist_in(session, day or next_clinic_day(session, clinic), clinic)


# --- confirming ---------------------------------------------------------------------------


def confirm(engine: Engine, appointment_ids: Iterable[int], *, staff: StaffMember) -> int:
    """Record that the patients said they will come; how many were newly confirmed.

    One transaction and one ``appointment.confirm`` audit event for the batch.
    Visits already confirmed keep who confirmed them and when. A visit that is
    not booked (cancelled, missed, already seen) or is on a past day refuses the
    whole batch: nothing is changed.
    """
    ids = list(dict.fromkeys(appointment_ids))
    if not ids:
        return 0
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        today = clinic.today()
        now = clock.now()
        confirmed: list[int] = []
        already: list[int] = []
        for appointment_id in ids:
            appt = load_for_update(session, appointment_id)
            local = appt.start_at.astimezone(clinic.zone)
            if appt.status != Status.BOOKED.value:
                raise TransitionRefused(
                    f"The {local:%a %d %b %H:%M} visit is {appt.status}: only booked visits "
                    "can be confirmed; nothing was confirmed"
                )
            if local.date() < today:
                raise TransitionRefused(
                    f"The {local:%a %d %b %H:%M} visit was on a past day; nothing was confirmed"
                )
            if appt.confirmed_at is not None:
                already.append(appointment_id)
                continue
            appt.confirmed_at = now
            appt.confirmed_by = staff.id
            appt.version += 1
            appt.updated_at = now
            session.add(appt)
            confirmed.append(appointment_id)
        if not confirmed:
            return 0
        session.flush()
        audit.record(
            session,
            staff_id=staff.id,
            action="appointment.confirm",
            entity="appointment",
            entity_id=confirmed[0] if len(confirmed) == 1 else None,
            detail={"confirmed": confirmed, "already_confirmed": already},
        )
        return len(confirmed)
