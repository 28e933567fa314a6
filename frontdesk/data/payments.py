"""Taking money at the desk: payments, receipts, balances, billing hand-offs.

One payment is one transaction: the money row, its gap-free receipt number,
the receipt text and the audit event commit together, and the screen shows the
receipt number only after that commit. Money rows are never changed; see
:mod:`frontdesk.data.reversals` for voids and refunds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.days import is_closed_error, refuse_if_closed
from frontdesk.data.db import read_session, write_session
from frontdesk.data.drawer import Drawer, expected, open_drawer_of
from frontdesk.data.errors import DayClosed, InvalidInput, PatientNotFound
from frontdesk.data.models import (
    Appointment,
    BillingFlag,
    Entry,
    Patient,
    Payment,
    PaymentKind,
    Status,
    Tender,
)
from frontdesk.data.patients import display_name
from frontdesk.data.receipts import ReceiptFacts, render, reprint
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import clean_text
from frontdesk.money import MAX_CENTS, InvalidAmount, format_cents, parse_cents

_DIGITS = re.compile(r"^[0-9]+$")  # ASCII only: \d also matches other scripts' digits
_AUTH = re.compile(r"^[A-Za-z0-9]{1,12}$")


@dataclass(frozen=True)
class PaymentRequest:
    """What the clerk typed; amounts as text, validated here with field names."""

    patient_id: int
    amount: str
    kind: PaymentKind = PaymentKind.COPAY
    tender: Tender = Tender.CASH
    appointment_id: int | None = None
    tendered: str = ""  # cash only; blank means exact
    check_number: str = ""
    card_last4: str = ""
    card_auth: str = ""


@dataclass(frozen=True)
class Taken:
    """A committed money row: what the screen may now show and print."""

    payment_id: int
    receipt_no: int
    entry: Entry
    amount_cents: int
    change_cents: int
    receipt_text: str
    drawer_id: int


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


def field_amount(value: str, *, field: str, label: str, maximum: int = MAX_CENTS) -> int:
    """An amount typed at ``field``; the message names the field."""
    try:
        return parse_cents(value, maximum=maximum)
    except InvalidAmount as error:
        message = str(error)
        if message.startswith("Amount "):  # "Amount must be ..." -> "Tendered must be ..."
            message = f"{label} {message.removeprefix('Amount ')}"
        else:
            message = f"{label}: {message}"
        raise InvalidInput(message, field=field) from None


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


def require_todays_drawer(session: Session, staff: StaffMember, clinic: Clinic) -> Drawer:
    """The clerk's open drawer, which must be today's."""
    drawer = open_drawer_of(session, staff.id)
    if drawer is None:
        raise InvalidInput("Open your drawer first: count the float", field="drawer")
    if drawer.business_date != clinic.today():
        raise InvalidInput(
            f"Your drawer {drawer.id} is from {drawer.business_date:%d %b}; "
            "count it, then open today's",
            field="drawer",
        )
    return drawer


_PATIENT = text("SELECT last_name, first_name, preferred_name, mrn FROM patient WHERE id = :id")
_PAYMENT_TABLE = Payment.metadata.tables["payment"]
_INSERT_PAYMENT = insert(_PAYMENT_TABLE).returning(_PAYMENT_TABLE.c.id)


def next_receipt_no(session: Session) -> int:
    """Gap-free: one more than the highest, inside the BEGIN IMMEDIATE that writes it."""
    top = session.execute(text("SELECT MAX(receipt_no) FROM payment")).scalar()
    return int(top or 0) + 1


_STAFF_NAME = text("SELECT display_name FROM staff WHERE id = :id")


def staff_name(session: Session, staff_id: int) -> str:
    """A staff member's display name."""
    return str(session.execute(_STAFF_NAME, {"id": staff_id}).scalar())


def _tender_details(
    req: PaymentRequest, amount: int, drawer_cash: Callable[[], int]
) -> tuple[int, int]:
    """(tendered, change) for cash; checks the reference fields of the others.

    ``drawer_cash`` sums the drawer's money rows; it is called only when there
    is change to give (the drawer never holds less than nothing).
    """
    if req.tender is Tender.CASH:
        tendered = amount
        if req.tendered.strip():
            tendered = field_amount(req.tendered, field="tendered", label="Tendered")
        if tendered < amount:
            raise InvalidInput(
                f"Tendered {format_cents(tendered)} is less than the amount {format_cents(amount)}",
                field="tendered",
            )
        change = tendered - amount
        cash = drawer_cash() if change else 0
        if change > cash:
            raise InvalidInput(
                f"Change of {format_cents(change)} is more than the drawer holds "
                f"({format_cents(cash)}); ask for a smaller bill",
                field="tendered",
            )
        return tendered, change
    if req.tender is Tender.CHECK:
        number = req.check_number.strip()
        if not _DIGITS.match(number) or len(number) > 10:
            raise InvalidInput("Check number: the digits printed on the check", field="check")
        return 0, 0
    last4 = req.card_last4.strip()
    if not _DIGITS.match(last4) or len(last4) != 4:
        raise InvalidInput("Card: the last 4 digits only, never the full number", field="last4")
    if not _AUTH.match(req.card_auth.strip()):
        raise InvalidInput("Auth code: the letters and digits on the card slip", field="auth")
    return 0, 0


def take_payment(engine: Engine, req: PaymentRequest, *, staff: StaffMember) -> Taken:
    """Record a payment and its receipt in one transaction; nothing partial is stored."""
    try:
        with write_session(engine) as session:
            return _take(session, req, staff)
    except IntegrityError as error:
        if is_closed_error(error):
            raise DayClosed("Today is closed; nothing was taken. Ask a supervisor.") from None
        raise


def _take(session: Session, req: PaymentRequest, staff: StaffMember) -> Taken:
    clinic = get_clinic_in(session)
    amount = field_amount(
        req.amount, field="amount", label="Amount", maximum=clinic.max_payment_cents
    )
    drawer = require_todays_drawer(session, staff, clinic)
    refuse_if_closed(session, drawer.business_date)
    patient = session.execute(_PATIENT, {"id": req.patient_id}).one_or_none()
    if patient is None:
        raise PatientNotFound("That patient is no longer on file")
    appt = None
    if req.appointment_id is not None:
        appt = session.get(Appointment, req.appointment_id)
        if appt is None or appt.patient_id != req.patient_id:
            raise InvalidInput("That visit is not this patient's", field="visit")
        if appt.status == Status.CANCELLED.value:
            raise InvalidInput("That visit was cancelled", field="visit")
    if req.kind is PaymentKind.COPAY and appt is None:
        raise InvalidInput("A copay belongs to a visit; choose another kind", field="kind")
    tendered, change = _tender_details(req, amount, lambda: expected(session, drawer.id).cash_cents)
    number = next_receipt_no(session)
    now = clock.now()
    clerk = staff_name(session, staff.id)
    facts = ReceiptFacts(
        clinic=clinic.name,
        receipt_no=number,
        at=now.astimezone(clinic.zone),
        patient_name=display_name(patient[0], patient[1], patient[2]),
        mrn=str(patient[3]),
        entry=Entry.PAYMENT,
        kind=req.kind,
        tender=req.tender,
        amount_cents=amount,
        clerk=clerk,
        visit_day=appt.start_at.astimezone(clinic.zone).date() if appt else None,
        tendered_cents=tendered,
        change_cents=change,
        check_number=req.check_number.strip() if req.tender is Tender.CHECK else "",
        card_last4=req.card_last4.strip() if req.tender is Tender.CARD else "",
        card_auth=req.card_auth.strip().upper() if req.tender is Tender.CARD else "",
    )
    receipt_text = render(facts)
    # A Core INSERT: the row is never read back as an object, and the ORM's unit of
    # work would cost more than the rest of the statement (this runs per payment).
    payment_id: int = (
        session.connection()
        .execute(
            _INSERT_PAYMENT,
            {
                "receipt_no": number,
                "entry": Entry.PAYMENT.value,
                "business_date": drawer.business_date,
                "at": now,
                "drawer_id": drawer.id,
                "staff_id": staff.id,
                "patient_id": req.patient_id,
                "appointment_id": appt.id if appt else None,
                "kind": req.kind.value,
                "tender": req.tender.value,
                "amount_cents": amount,
                "tendered_cents": tendered,
                "change_cents": change,
                "check_number": facts.check_number,
                "card_last4": facts.card_last4,
                "card_auth": facts.card_auth,
                "reverses_id": None,
                "reason": "",
                "approved_by": None,
                "receipt_text": receipt_text,
            },
        )
        .scalar_one()
    )
    audit.record(
        session,
        staff_id=staff.id,
        action="payment.taken",
        entity="payment",
        entity_id=payment_id,
        detail={
            "receipt_no": number,
            "amount_cents": amount,
            "kind": req.kind.value,
            "tender": req.tender.value,
            "patient_id": req.patient_id,
        },
    )
    return Taken(
        payment_id=payment_id,
        receipt_no=number,
        entry=Entry.PAYMENT,
        amount_cents=amount,
        change_cents=change,
        receipt_text=receipt_text,
        drawer_id=drawer.id,
    )


def receipt_copy(engine: Engine, receipt_no: int, *, staff: StaffMember) -> str:
    """A stored receipt again, marked COPY (and VOID if voided); the reprint is audited."""
    with write_session(engine) as session:
        row = session.execute(
            text("SELECT id, receipt_text FROM payment WHERE receipt_no = :n"), {"n": receipt_no}
        ).one_or_none()
        if row is None:
            raise InvalidInput(f"No receipt number {receipt_no}", field="receipt")
        voided_by = session.execute(
            text("SELECT receipt_no FROM payment WHERE reverses_id = :id AND entry = 'void'"),
            {"id": row[0]},
        ).scalar()
        audit.record(
            session,
            staff_id=staff.id,
            action="receipt.reprinted",
            entity="payment",
            entity_id=int(row[0]),
            detail={"receipt_no": receipt_no},
        )
        return reprint(str(row[1]), voided_by=None if voided_by is None else int(voided_by))


def flag_for_billing(engine: Engine, patient_id: int, note: str, *, staff: StaffMember) -> int:
    """Hand a complex balance to billing with a note; listed at close."""
    clean = clean_text(note, field="note", label="Note for billing", required=True, max_len=1000)
    with write_session(engine) as session:
        clinic = get_clinic_in(session)
        today = clinic.today()
        refuse_if_closed(session, today)
        if session.get(Patient, patient_id) is None:
            raise PatientNotFound("That patient is no longer on file")
        row = BillingFlag(
            patient_id=patient_id,
            business_date=today,
            at=clock.now(),
            staff_id=staff.id,
            note=clean,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        audit.record(
            session,
            staff_id=staff.id,
            action="billing.flagged",
            entity="patient",
            entity_id=patient_id,
            detail={"flag_id": row.id},
        )
        return row.id
