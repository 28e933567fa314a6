"""What is owed and what the drawer holds: the drawer screen's side of the money.

A visit's copay and a patient's past-due balance, each less what the desk has
already taken on it (net of voids and refunds), the patient's visit today, and
the clerk's drawer with its cash and newest money rows. Nothing here writes;
taking money is :mod:`frontdesk.data.payments`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from frontdesk import clock
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.db import read_session
from frontdesk.data.drawer import Drawer, expected, open_drawer_of
from frontdesk.data.errors import PatientNotFound
from frontdesk.data.models import Appointment, Entry, Patient, PaymentKind, Tender
from frontdesk.data.patients import display_name


@dataclass(frozen=True)
class PaymentLine:
    """One row of a drawer's recent payments."""

    payment_id: int
    receipt_no: int
    at: datetime  # clinic-local
    patient_name: str
    entry: Entry
    kind: PaymentKind
    tender: Tender
    amount_cents: int
    reference: str  # check number or card last four and auth
    voided: bool
    refunded_cents: int


@dataclass(frozen=True)
class PaymentContext:
    """What the drawer screen shows for a patient (and the clerk's drawer)."""

    drawer: Drawer | None
    drawer_today: bool
    drawer_cash_cents: int
    recent: tuple[PaymentLine, ...]
    patient_id: int | None = None
    patient_name: str = ""
    mrn: str = ""
    appointment_id: int | None = None
    visit_day: date | None = None
    copay_due_cents: int = 0  # still owed on the visit
    balance_due_cents: int = 0  # past-due balance still owed


_NET = "CASE WHEN entry = 'payment' THEN amount_cents ELSE -amount_cents END"
_COPAY_PAID = text(
    f"SELECT COALESCE(SUM({_NET}), 0) FROM payment WHERE appointment_id = :appt AND kind = 'copay'"
)
_PAST_DUE_PAID = text(
    f"SELECT COALESCE(SUM({_NET}), 0) FROM payment "
    "WHERE patient_id = :patient AND kind = 'past_due'"
)
_TODAYS_VISIT = text(
    "SELECT id FROM appointment WHERE patient_id = :patient AND start_at >= :start "
    "AND start_at < :end AND status NOT IN ('CANCELLED', 'NO-SHOW') ORDER BY start_at LIMIT 1"
).bindparams(bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime()))


def copay_owed(session: Session, appt: Appointment) -> int:
    """The visit's copay less what was already paid on it (net of reversals)."""
    paid = int(session.execute(_COPAY_PAID, {"appt": appt.id}).scalar() or 0)
    return max(appt.copay_due_cents - paid, 0)


def balance_owed(session: Session, patient: Patient) -> int:
    """The past-due balance billing reported, less what the desk has taken on it."""
    paid = int(session.execute(_PAST_DUE_PAID, {"patient": patient.id}).scalar() or 0)
    return max(patient.balance_due_cents - paid, 0)


def todays_visit(session: Session, patient_id: int, clinic: Clinic) -> int | None:
    """The patient's first visit today that is not cancelled or missed."""
    start, end = clock.day_bounds(clinic.today(), clinic.zone)
    params = {"patient": patient_id, "start": start, "end": end}
    found = session.execute(_TODAYS_VISIT, params).scalar()
    return None if found is None else int(found)


_RECENT = text(
    """
    SELECT p.id, p.receipt_no, p.at, pt.last_name, pt.first_name, pt.preferred_name,
           p.entry, p.kind, p.tender, p.amount_cents, p.check_number, p.card_last4,
           p.card_auth,
           EXISTS (SELECT 1 FROM payment v WHERE v.reverses_id = p.id AND v.entry = 'void'),
           (SELECT COALESCE(SUM(r.amount_cents), 0) FROM payment r
             WHERE r.reverses_id = p.id AND r.entry = 'refund')
    FROM payment p JOIN patient pt ON pt.id = p.patient_id
    WHERE p.drawer_id = :drawer ORDER BY p.receipt_no DESC LIMIT :limit
    """
).columns(at=UTCDateTime())


def recent_payments(
    session: Session, drawer_id: int, clinic: Clinic, *, limit: int = 6
) -> tuple[PaymentLine, ...]:
    """The drawer's newest money rows, newest first."""
    lines: list[PaymentLine] = []
    for row in session.execute(_RECENT, {"drawer": drawer_id, "limit": limit}):
        tender = Tender(row[8])
        if tender is Tender.CHECK:
            reference = f"no. {row[10]}"
        elif tender is Tender.CARD:
            reference = f"…{row[11]} auth {row[12]}"
        else:
            reference = ""
        at: datetime = row[2]
        lines.append(
            PaymentLine(
                payment_id=int(row[0]),
                receipt_no=int(row[1]),
                at=at.astimezone(clinic.zone),
                patient_name=display_name(row[3], row[4], row[5]),
                entry=Entry(row[6]),
                kind=PaymentKind(row[7]),
                tender=tender,
                amount_cents=int(row[9]),
                reference=reference,
                voided=bool(row[13]),
                refunded_cents=int(row[14]),
            )
        )
    return tuple(lines)


def payment_context(
    engine: Engine,
    *,
    staff_id: int,
    patient_id: int | None = None,
    appointment_id: int | None = None,
) -> PaymentContext:
    """The clerk's drawer, its recent payments and (if given) what the patient owes."""
    with read_session(engine) as session:
        clinic = get_clinic_in(session)
        drawer = open_drawer_of(session, staff_id)
        cash = expected(session, drawer.id).cash_cents if drawer else 0
        recent = recent_payments(session, drawer.id, clinic) if drawer else ()
        base = PaymentContext(
            drawer=drawer,
            drawer_today=drawer is not None and drawer.business_date == clinic.today(),
            drawer_cash_cents=cash,
            recent=recent,
        )
        if patient_id is None:
            return base
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise PatientNotFound("That patient is no longer on file")
        if appointment_id is None:
            appointment_id = todays_visit(session, patient_id, clinic)
        appt = session.get(Appointment, appointment_id) if appointment_id else None
        return PaymentContext(
            drawer=drawer,
            drawer_today=base.drawer_today,
            drawer_cash_cents=cash,
            recent=recent,
            patient_id=patient_id,
            patient_name=display_name(
                patient.last_name, patient.first_name, patient.preferred_name
            ),
            mrn=patient.mrn,
            appointment_id=appt.id if appt else None,
            visit_day=appt.start_at.astimezone(clinic.zone).date() if appt else None,
            copay_due_cents=copay_owed(session, appt) if appt else 0,
            balance_due_cents=balance_owed(session, patient),
        )
