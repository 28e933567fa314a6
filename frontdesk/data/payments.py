"""Taking money at the desk: payments, receipts, billing hand-offs.

One payment is one transaction: the money row, its gap-free receipt number,
the receipt text and the audit event commit together, and the screen shows the
receipt number only after that commit. Money rows are never changed; see
:mod:`frontdesk.data.reversals` for voids and refunds, and
:mod:`frontdesk.data.balances` for what is still owed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.clinic import Clinic, get_clinic_in
from frontdesk.data.days import is_closed_error, refuse_if_closed
from frontdesk.data.db import write_session
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
