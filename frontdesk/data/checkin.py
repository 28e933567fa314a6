"""Check-in: identity, the arrival checklist, the copay, and the arrival itself.

The checklist shows only what is stale or missing. Nothing on it blocks a
check-in: each item is either handled (its fact is recorded) or acknowledged
(recorded in the audit event as seen and left).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.appointments import apply_status, check_transition, load, load_for_update
from frontdesk.data.balances import balance_owed, copay_owed
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput, PatientNotFound, TransitionRefused
from frontdesk.data.languages import language_name
from frontdesk.data.models import (
    Appointment,
    AppointmentType,
    Patient,
    Provider,
    Status,
)
from frontdesk.data.patients import display_name
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import format_phone
from frontdesk.money import MAX_CENTS, format_cents


@dataclass(frozen=True)
class ChecklistItem:
    """One line of "Needs attention": a code, what to say, the key that handles it."""

    code: str
    text: str
    key: str
    action: str


@dataclass(frozen=True)
class CheckInView:
    """What the check-in screen shows for one appointment (or a walk-in)."""

    appointment_id: int | None
    patient_id: int
    patient_name: str
    mrn: str
    dob: date
    age: int
    sex: str
    phone: str
    language: str
    insurance: str
    heading: str
    status: Status | None
    copay_due_cents: int
    items: tuple[ChecklistItem, ...] = ()
    copay_owed_cents: int = 0  # the copay less what the desk has taken on this visit
    identity_verified: bool = False


def age_on(dob: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _months(days: int) -> str:
    months = days // 30
    return f"{months} months" if months >= 2 else f"{days} days"


def checklist(
    patient: Patient,
    appt: Appointment | None,
    clinic: Clinic,
    balance_owed_cents: int | None = None,
) -> tuple[ChecklistItem, ...]:
    """What is stale or missing for this visit, in the order a clerk asks about it.

    ``balance_owed_cents`` is the past-due balance less what the desk has taken
    on it (:func:`frontdesk.data.balances.balance_owed`); without it, the
    balance billing reported.
    """
    today = clinic.today()
    items: list[ChecklistItem] = []
    confirmed = patient.demographics_confirmed_on
    if confirmed is None:
        items.append(ChecklistItem("demographics", "Demographics never confirmed", "d", "confirm"))
    elif (today - confirmed).days > clinic.demographics_stale_days:
        ago = _months((today - confirmed).days)
        items.append(
            ChecklistItem("demographics", f"Demographics last confirmed {ago} ago", "d", "confirm")
        )
    if not patient.insurance_payer:
        items.append(ChecklistItem("insurance", "No insurance on file", "e", "edit"))
    eligibility_done = (appt is not None and appt.eligibility_checked) or (
        patient.eligibility_verified_on == today
    )
    if patient.insurance_payer and not eligibility_done:
        items.append(
            ChecklistItem("eligibility", "Eligibility not verified for this visit", "v", "verified")
        )
    if patient.consent_on_file_on is None:
        items.append(ChecklistItem("consent", "No consent form on file", "s", "signed"))
    if appt is not None and appt.forms_needed:
        items.append(ChecklistItem("forms", "Forms needed for this visit", "f", "received"))
    if patient.interpreter_needed:
        lang = language_name(patient.preferred_language) or "?"
        items.append(ChecklistItem("interpreter", f"Interpreter: {lang}", "i", "arranged"))
    owed = patient.balance_due_cents if balance_owed_cents is None else balance_owed_cents
    if owed > 0:
        items.append(ChecklistItem("balance", f"Balance due {format_cents(owed)}", "b", "noted"))
    return tuple(items)


def _view(
    session: Session, patient: Patient, appt: Appointment | None, heading: str
) -> CheckInView:
    clinic = get_clinic_in(session)
    assert patient.id is not None
    insurance = " ".join(x for x in (patient.insurance_payer, patient.insurance_member_id) if x)
    return CheckInView(
        appointment_id=appt.id if appt else None,
        patient_id=patient.id,
        patient_name=display_name(patient.last_name, patient.first_name, patient.preferred_name),
        mrn=patient.mrn,
        dob=patient.dob,
        age=age_on(patient.dob, clinic.today()),
        sex=patient.sex,
        phone=format_phone(patient.phone_mobile or patient.phone_home, clinic.phone_region),
        language=language_name(patient.preferred_language),
        insurance=insurance or "no insurance on file",
        heading=heading,
        status=Status(appt.status) if appt else None,
        copay_due_cents=appt.copay_due_cents if appt else 0,
        copay_owed_cents=copay_owed(session, appt) if appt else 0,
        items=checklist(patient, appt, clinic, balance_owed(session, patient)),
        identity_verified=bool(appt and appt.identity_verified_at),
    )


def view_for_appointment(engine: Engine, appointment_id: int) -> CheckInView:
    """The check-in view of a booked appointment."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        appt = load(session, appointment_id)
        patient = session.get(Patient, appt.patient_id)
        provider = session.get(Provider, appt.provider_id)
        kind = session.get(AppointmentType, appt.type_id)
        if patient is None:
            raise PatientNotFound("The patient on this appointment is no longer on file")
        local = appt.start_at.astimezone(clinic.zone)
        heading = (
            f"{local:%H:%M} {kind.name if kind else 'Visit'} "
            f"with {provider.short_name if provider else '?'}"
        )
        if local.date() != clinic.today():
            heading += f" on {local:%a %d %b}"
        return _view(session, patient, appt, heading)


def view_for_walk_in(engine: Engine, patient_id: int) -> CheckInView:
    """The check-in view for a patient without an appointment today."""
    with read_session(engine) as session:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise PatientNotFound("That patient is no longer on file")
        return _view(session, patient, None, "Walk-in")


@dataclass(frozen=True)
class WalkIn:
    """A visit created at the counter: who sees the patient, and for what."""

    provider_id: int
    type_id: int


@dataclass
class CheckInRequest:
    """Everything one check-in records, in one transaction."""

    patient_id: int
    appointment_id: int | None = None
    walk_in: WalkIn | None = None
    identity_verified: bool = False
    handled: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)
    copay_due_cents: int | None = None


@dataclass(frozen=True)
class CheckInResult:
    """What was saved."""

    appointment_id: int
    changed: bool
    copay_due_cents: int


PATIENT_FACTS = frozenset({"demographics", "eligibility", "consent"})


def _handle(code: str, patient: Patient, appt: Appointment, today: date) -> None:
    if code == "demographics":
        patient.demographics_confirmed_on = today
    elif code == "eligibility":
        appt.eligibility_checked = True
        patient.eligibility_verified_on = today
    elif code == "consent":
        patient.consent_on_file_on = today
    elif code == "forms":
        appt.forms_needed = False


def check_in(engine: Engine, request: CheckInRequest, *, staff: StaffMember) -> CheckInResult:
    """Record arrival: identity, handled and acknowledged items, the copay, the status."""
    copay = request.copay_due_cents
    if copay is not None and not 0 <= copay <= MAX_CENTS:
        raise InvalidInput("Copay must be between $0.00 and the payment limit", field="copay")
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        now = clock.now()
        patient = session.get(Patient, request.patient_id)
        if patient is None:
            raise PatientNotFound("That patient is no longer on file")
        if request.appointment_id is not None:
            appt = load_for_update(session, request.appointment_id)
            if appt.patient_id != patient.id:
                raise TransitionRefused("That appointment belongs to another patient")
        elif request.walk_in is not None:
            appt = _create_walk_in(session, patient, request.walk_in, staff)
        else:
            raise InvalidInput("Choose an appointment or a walk-in provider")
        assert appt.id is not None
        owed = balance_owed(session, patient)
        items = {i.code for i in checklist(patient, appt, clinic, owed)}
        if not check_transition(appt, Status.ARRIVED, clinic):
            return CheckInResult(appt.id, changed=False, copay_due_cents=appt.copay_due_cents)
        today = clinic.today()
        handled = request.handled & items
        for code in sorted(handled):
            _handle(code, patient, appt, today)
        if request.identity_verified:
            appt.identity_verified_at = now
            appt.identity_verified_by = staff.id
        if copay is not None:
            appt.copay_due_cents = copay
        if handled & PATIENT_FACTS:
            patient.version += 1  # only when the patient's own record changed
            patient.updated_at = now
            session.add(patient)
        apply_status(session, appt, Status.ARRIVED, staff=staff)
        audit.record(
            session,
            staff_id=staff.id,
            action="appointment.checked_in",
            entity="appointment",
            entity_id=appt.id,
            detail={
                "identity_verified": request.identity_verified,
                "handled": sorted(handled),
                "acknowledged": sorted(items - handled),
                "copay_due_cents": appt.copay_due_cents,
                "walk_in": request.walk_in is not None,
            },
        )
        return CheckInResult(appt.id, changed=True, copay_due_cents=appt.copay_due_cents)


def _create_walk_in(
    session: Session, patient: Patient, walk_in: WalkIn, staff: StaffMember
) -> Appointment:
    kind = session.get(AppointmentType, walk_in.type_id)
    provider = session.get(Provider, walk_in.provider_id)
    if kind is None or provider is None or not provider.active:
        raise InvalidInput("Choose a provider and visit type for the walk-in")
    assert patient.id is not None
    assert provider.id is not None
    assert kind.id is not None
    now = clock.now()
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % 5)
    appt = Appointment(
        patient_id=patient.id,
        provider_id=provider.id,
        type_id=kind.id,
        start_at=start,
        minutes=kind.minutes,
        walk_in=True,
        created_at=now,
        updated_at=now,
    )
    session.add(appt)
    session.flush()
    audit.record(
        session,
        staff_id=staff.id,
        action="appointment.created",
        entity="appointment",
        entity_id=appt.id,
        detail={"walk_in": True, "provider": provider.short_name, "type": kind.name},
    )
    return appt


def record_identity(engine: Engine, appointment_id: int, *, staff: StaffMember) -> None:
    """Record that the clerk matched the patient's stated name and date of birth."""
    with write_session(engine) as session:
        appt = load_for_update(session, appointment_id)
        appt.identity_verified_at = clock.now()
        appt.identity_verified_by = staff.id
        session.add(appt)
        audit.record(
            session,
            staff_id=staff.id,
            action="appointment.identity_verified",
            entity="appointment",
            entity_id=appointment_id,
        )
