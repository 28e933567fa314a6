"""What the booking screen reads before it offers openings, and the appointment slip."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from frontdesk.data.booking import Booked
from frontdesk.data.db import read_session
from frontdesk.data.errors import PatientNotFound
from frontdesk.data.models import Appointment, AppointmentType, Patient, Provider
from frontdesk.data.patients import display_name
from frontdesk.data.reference import Choice

SLIP_WIDTH = 40


@dataclass(frozen=True)
class BookingContext:
    """The patient, the visit types and providers to choose from, and a sensible first type."""

    patient_id: int
    patient: str
    mrn: str
    dob: str
    types: tuple[Choice, ...]
    providers: tuple[Choice, ...]
    type_id: int  # the patient's last visit type, else the first established-patient type


def booking_context(
    engine: Engine,
    patient_id: int,
    type_id: int | None = None,
    appointment_id: int | None = None,
) -> BookingContext:
    """Read everything the booking screen shows before any opening.

    The first type is ``type_id``, else the type of the appointment being
    moved, else the patient's last visit's type.
    """
    with read_session(engine) as session:
        patient = session.get(Patient, patient_id)
        if patient is None or patient.id is None:
            raise PatientNotFound("That patient is no longer on file")
        types = session.exec(
            select(AppointmentType)
            .where(col(AppointmentType.active))
            .order_by(col(AppointmentType.name))
        ).all()
        providers = session.exec(
            select(Provider).where(col(Provider.active)).order_by(col(Provider.short_name))
        ).all()
        choices = tuple(Choice(t.id, t.name, t.minutes) for t in types if t.id is not None)
        if type_id is None and appointment_id is not None:
            moved = session.get(Appointment, appointment_id)
            type_id = moved.type_id if moved is not None else None
        if type_id is None:
            type_id = session.exec(
                select(Appointment.type_id)
                .where(Appointment.patient_id == patient_id)
                .order_by(col(Appointment.start_at).desc())
                .limit(1)
            ).first()
        known = {c.id for c in choices}
        if type_id not in known:
            established = [t.id for t in types if not t.is_new_patient and t.id is not None]
            type_id = established[0] if established else (choices[0].id if choices else 0)
        assert type_id is not None
        return BookingContext(
            patient_id=patient.id,
            patient=display_name(patient.last_name, patient.first_name, patient.preferred_name),
            mrn=patient.mrn,
            dob=f"{patient.dob:%d %b %Y}",
            types=choices,
            providers=tuple(Choice(p.id, p.short_name) for p in providers if p.id is not None),
            type_id=type_id,
        )


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words = paragraph.split()
        line = ""
        for word in words:
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return lines


def slip_text(booked: Booked, clinic_name: str) -> str:
    """The appointment slip handed over the counter (40 columns, plain text)."""
    rule = "-" * SLIP_WIDTH
    lines = [
        clinic_name[:SLIP_WIDTH],
        "APPOINTMENT",
        rule,
        booked.patient[:SLIP_WIDTH],
        f"{booked.start:%A %d %B %Y}",
        f"at {booked.start:%H:%M} ({booked.minutes} min)",
        f"with {booked.provider}"[:SLIP_WIDTH],
        f"for {booked.type_name}"[:SLIP_WIDTH],
    ]
    if booked.arrive_by < booked.start:
        lines.append(f"Please arrive by {booked.arrive_by:%H:%M}")
    if booked.prep:
        lines += [rule, *_wrap(booked.prep, SLIP_WIDTH)]
    lines += [rule, "To change or cancel, please call us", "at least a day ahead.", ""]
    return "\n".join(lines)
