"""Patients: register with a duplicate warning, view (audited), edit (versioned).

Search lives in :mod:`frontdesk.data.search`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import write_session
from frontdesk.data.errors import (
    DuplicatePatient,
    InvalidInput,
    PatientNotFound,
    StaleRecord,
)
from frontdesk.data.models import Patient
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import (
    MAX_LINE,
    clean_name,
    clean_text,
    format_phone,
    name_keys,
    parse_birth_date,
    parse_email,
    parse_phone,
    phone_search_key,
)


@dataclass(frozen=True)
class PatientHit:
    """One search result row."""

    id: int
    mrn: str
    last_name: str
    first_name: str
    preferred_name: str
    dob: date
    sex: str
    phone: str
    balance_due_cents: int

    @property
    def display_name(self) -> str:
        """``Smith, Jo (Joanna)``-style name, as typed."""
        return display_name(self.last_name, self.first_name, self.preferred_name)


def display_name(last: str, first: str, preferred: str = "") -> str:
    """``Last, First`` with the preferred name after it when it differs."""
    name = f"{last}, {first}"
    if preferred and preferred != first:
        name += f" ({preferred})"
    return name


# --- the form ---------------------------------------------------------------------------


@dataclass
class PatientForm:
    """What the clerk typed in the demographics and insurance form (all text)."""

    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    preferred_name: str = ""
    dob: str = ""
    sex: str = ""
    phone_mobile: str = ""
    phone_home: str = ""
    email: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    preferred_language: str = "en"
    interpreter_needed: bool = False
    accessibility_needs: str = ""
    insurance_payer: str = ""
    insurance_member_id: str = ""
    insurance_group: str = ""


class FormInvalid(InvalidInput):
    """Several fields are wrong; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first, field=next(iter(errors)))
        self.errors = errors


SEXES = {"": "", "f": "F", "m": "M", "x": "X", "u": "U"}


def validate_form(form: PatientForm, clinic: Clinic) -> dict[str, Any]:
    """Check every field; return clean column values or raise :class:`FormInvalid`."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def attempt(name: str, fn: Any) -> None:
        try:
            values[name] = fn()
        except InvalidInput as error:
            errors[name] = error.message

    attempt("last_name", lambda: clean_name(form.last_name, field="last_name", label="Last name"))
    attempt(
        "first_name", lambda: clean_name(form.first_name, field="first_name", label="First name")
    )
    for name, label in (("middle_name", "Middle name"), ("preferred_name", "Preferred name")):
        attempt(
            name,
            lambda n=name, lb=label: clean_name(
                getattr(form, n), field=n, label=lb, required=False
            ),
        )
    attempt(
        "dob",
        lambda: parse_birth_date(form.dob, today=clinic.today(), order=clinic.date_order),
    )

    def sex() -> str:
        key = form.sex.strip().casefold()
        if key not in SEXES:
            raise InvalidInput("Sex: type F, M, X or U (unknown)", field="sex")
        return SEXES[key]

    attempt("sex", sex)
    for name, label in (("phone_mobile", "Mobile phone"), ("phone_home", "Home phone")):
        attempt(
            name,
            lambda n=name, lb=label: parse_phone(
                getattr(form, n), field=n, label=lb, region=clinic.phone_region
            ),
        )
    attempt("email", lambda: parse_email(form.email))
    for name, label, size in (
        ("address_line1", "Address", MAX_LINE),
        ("address_line2", "Address line 2", MAX_LINE),
        ("city", "City", 80),
        ("state", "State", 40),
        ("postal_code", "ZIP", 12),
        ("preferred_language", "Language", 40),
        ("accessibility_needs", "Accessibility needs", MAX_LINE),
        ("insurance_payer", "Insurance", 80),
        ("insurance_member_id", "Member id", 40),
        ("insurance_group", "Group", 40),
    ):
        attempt(
            name,
            lambda n=name, lb=label, sz=size: clean_text(
                getattr(form, n), field=n, label=lb, max_len=sz
            ),
        )
    if "postal_code" in values and values["postal_code"]:
        zip_text = values["postal_code"]
        if clinic.phone_region == "US" and not re.fullmatch(r"\d{5}(-\d{4})?", zip_text):
            errors["postal_code"] = "ZIP must be 5 digits (or ZIP+4 like 02155-1234)"
    values["interpreter_needed"] = bool(form.interpreter_needed)
    if errors:
        raise FormInvalid(errors)
    return values


def _apply_keys(values: dict[str, Any]) -> None:
    last_key, first_key, last2 = name_keys(values["last_name"], values["first_name"])
    values["last_key"], values["first_key"], values["last2_key"] = last_key, first_key, last2
    values["phone_key"] = phone_search_key(values["phone_mobile"] or values["phone_home"])


def _similar(a: str, b: str, threshold: float) -> bool:
    return (
        a == b
        or a.startswith(b)
        or b.startswith(a)
        or (difflib.SequenceMatcher(None, a, b).ratio() >= threshold)
    )


def find_duplicates(session: Session, values: dict[str, Any]) -> list[Patient]:
    """Patients with the same date of birth and a similar name."""
    last_key, first_key, _ = name_keys(values["last_name"], values["first_name"])
    same_day = session.exec(select(Patient).where(Patient.dob == values["dob"])).all()
    return [
        p
        for p in same_day
        if _similar(p.last_key, last_key, 0.8)
        and (_similar(p.first_key, first_key, 0.7) or p.first_key[:1] == first_key[:1])
    ]


def _next_mrn(session: Session) -> str:
    top = session.exec(select(func.max(Patient.id))).one()
    return f"{(top or 0) + 1:06d}"


def register_in(
    session: Session,
    form: PatientForm,
    *,
    staff: StaffMember | None,
    allow_duplicate: bool = False,
) -> Patient:
    """Create a patient in the caller's write transaction."""
    clinic = get_clinic_in(session)
    values = validate_form(form, clinic)
    if not allow_duplicate:
        dupes = find_duplicates(session, values)
        if dupes:
            raise DuplicatePatient(
                f"{len(dupes)} patient(s) with this date of birth have a similar name",
                candidates=[to_hit(p, clinic) for p in dupes],
            )
    _apply_keys(values)
    now = clock.now()
    patient = Patient(
        mrn=_next_mrn(session),
        created_at=now,
        updated_at=now,
        demographics_confirmed_on=clinic.today(),
        **values,
    )
    session.add(patient)
    session.flush()
    audit.record(
        session,
        staff_id=staff.id if staff else None,
        action="patient.created",
        entity="patient",
        entity_id=patient.id,
        detail={"mrn": patient.mrn, "duplicate_override": allow_duplicate},
    )
    return patient


def register(
    engine: Engine, form: PatientForm, *, staff: StaffMember, allow_duplicate: bool = False
) -> PatientHit:
    """Register a new patient (one transaction); warns of likely duplicates first."""
    with write_session(engine) as session:
        patient = register_in(session, form, staff=staff, allow_duplicate=allow_duplicate)
        return to_hit(patient, get_clinic_in(session))


def hit_from(p: Any, phone: str) -> PatientHit:
    """A search-result value from a patient row (ORM object or selected columns)."""
    return PatientHit(
        id=p.id,
        mrn=p.mrn,
        last_name=p.last_name,
        first_name=p.first_name,
        preferred_name=p.preferred_name,
        dob=p.dob,
        sex=p.sex,
        phone=phone,
        balance_due_cents=p.balance_due_cents,
    )


def to_hit(p: Patient, clinic: Clinic) -> PatientHit:
    """The search-result value of a stored patient."""
    assert p.id is not None
    return hit_from(p, format_phone(p.phone_mobile or p.phone_home, clinic.phone_region))


FORM_FIELDS = tuple(PatientForm.__dataclass_fields__)


def form_of(patient: Patient, clinic: Clinic) -> PatientForm:
    """The form pre-filled from a stored patient (dates in the clinic's order)."""
    dob = patient.dob
    dob_text = (
        f"{dob.month}/{dob.day}/{dob.year}"
        if clinic.date_order == "MDY"
        else f"{dob.day}/{dob.month}/{dob.year}"
    )
    data: dict[str, Any] = {name: getattr(patient, name) for name in FORM_FIELDS}
    data["dob"] = dob_text
    data["phone_mobile"] = format_phone(patient.phone_mobile, clinic.phone_region)
    data["phone_home"] = format_phone(patient.phone_home, clinic.phone_region)
    return PatientForm(**data)


def get_patient(engine: Engine, patient_id: int, *, staff: StaffMember) -> Patient:
    """A patient's full record; opening it is an audited PHI view."""
    with write_session(engine) as session:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise PatientNotFound("That patient is no longer on file")
        audit.record(
            session,
            staff_id=staff.id,
            action="patient.viewed",
            entity="patient",
            entity_id=patient_id,
        )
        session.expunge(patient)
        return patient


@dataclass
class UpdateResult:
    """What an update changed."""

    patient: Patient
    changed: dict[str, Any] = field(default_factory=dict)


def update(
    engine: Engine,
    patient_id: int,
    form: PatientForm,
    *,
    expected_version: int,
    staff: StaffMember,
    confirm_demographics: bool = True,
) -> UpdateResult:
    """Save edited demographics and insurance; refuses if someone saved in between."""
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        values = validate_form(form, clinic)
        _apply_keys(values)
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise PatientNotFound("That patient is no longer on file")
        if patient.version != expected_version:
            raise StaleRecord(
                "Someone else saved this patient while you were editing. "
                "Your typing is still here: review and save again."
            )
        before = {k: getattr(patient, k) for k in values}
        changed = audit.diff(before, values)
        for key, value in values.items():
            setattr(patient, key, value)
        if confirm_demographics:
            patient.demographics_confirmed_on = clinic.today()
        patient.version += 1
        patient.updated_at = clock.now()
        session.add(patient)
        audit.record(
            session,
            staff_id=staff.id,
            action="patient.updated",
            entity="patient",
            entity_id=patient_id,
            detail={k: v for k, v in changed.items() if not k.endswith("_key")},
        )
        session.flush()
        session.expunge(patient)
        return UpdateResult(patient=patient, changed=changed)
