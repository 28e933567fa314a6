"""Voids and refunds: new money rows that point at the original, approved by a supervisor.

A void takes back a whole payment on the day it was taken. A refund gives back
some or all of a payment on a later day (or after a void is no longer
possible), and is the way to correct a closed day: it is an entry on today's
open day that names the original receipt. Neither changes the original row.
The approving supervisor signs with their own password and is not the clerk
asking.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.clinic import get_clinic_in
from frontdesk.data.days import closed_id, is_closed_error, refuse_if_closed
from frontdesk.data.db import write_session
from frontdesk.data.drawer import Drawer, expected, get_drawer
from frontdesk.data.errors import ApprovalRefused, DayClosed, FrontDeskError, InvalidInput
from frontdesk.data.models import Appointment, Entry, Patient, Payment, PaymentKind, Tender
from frontdesk.data.patients import display_name
from frontdesk.data.payments import (
    Taken,
    field_amount,
    next_receipt_no,
    require_todays_drawer,
    staff_name,
)
from frontdesk.data.receipts import ReceiptFacts, receipt_label, render
from frontdesk.data.staff import StaffMember, sign_in
from frontdesk.data.validation import clean_text
from frontdesk.money import format_cents


@dataclass(frozen=True)
class ReversalRequest:
    """A clerk's request to take back money, with the approving supervisor's sign-in."""

    receipt_no: int
    entry: Entry  # VOID or REFUND
    reason: str
    supervisor: str
    password: str
    amount: str = ""  # refunds only; blank means what is left of the payment


def approve(engine: Engine, username: str, password: str, *, requester: StaffMember) -> StaffMember:
    """A supervisor's own sign-in for one approval (throttled and audited like sign-in)."""
    if not username.strip():
        raise ApprovalRefused("A supervisor signs here with their own name and password")
    try:
        approver = sign_in(engine, username, password, purpose="approval")
    except FrontDeskError as error:
        raise ApprovalRefused(error.message) from None
    if not approver.is_supervisor:
        raise ApprovalRefused(f"{approver.display_name} is not a supervisor")
    if approver.id == requester.id:
        raise ApprovalRefused("A second person must approve: not the clerk asking")
    return approver


def _refunded(session: Session, payment_id: int) -> int:
    return int(
        session.execute(
            text(
                "SELECT COALESCE(SUM(amount_cents), 0) FROM payment "
                "WHERE reverses_id = :id AND entry = 'refund'"
            ),
            {"id": payment_id},
        ).scalar()
        or 0
    )


def _voided(session: Session, payment_id: int) -> bool:
    return (
        session.execute(
            text("SELECT 1 FROM payment WHERE reverses_id = :id AND entry = 'void'"),
            {"id": payment_id},
        ).scalar()
        is not None
    )


def reverse(engine: Engine, req: ReversalRequest, *, requester: StaffMember) -> Taken:
    """Void or refund a payment: approval first, then one transaction for the money row."""
    if req.entry is Entry.PAYMENT:
        raise InvalidInput("Choose void or refund")
    reason = clean_text(req.reason, field="reason", label="Reason", required=True, max_len=300)
    approver = approve(engine, req.supervisor, req.password, requester=requester)
    try:
        with write_session(engine) as session:
            return _reverse(session, req, reason, requester, approver)
    except IntegrityError as error:
        if is_closed_error(error):
            raise DayClosed("Today is closed; nothing was changed. Ask a supervisor.") from None
        raise


def _drawer_for(
    session: Session, original: Payment, entry: Entry, requester: StaffMember
) -> Drawer:
    """A void goes back into the original's drawer while it is open; else the clerk's."""
    clinic = get_clinic_in(session)
    if entry is Entry.VOID:
        drawer = get_drawer(session, original.drawer_id)
        if not drawer.counted and drawer.business_date == clinic.today():
            return drawer
    return require_todays_drawer(session, requester, clinic)


def _reverse(
    session: Session,
    req: ReversalRequest,
    reason: str,
    requester: StaffMember,
    approver: StaffMember,
) -> Taken:
    clinic = get_clinic_in(session)
    today = clinic.today()
    refuse_if_closed(session, today)
    original = session.execute(
        text("SELECT id FROM payment WHERE receipt_no = :n"), {"n": req.receipt_no}
    ).scalar()
    row = session.get(Payment, int(original)) if original is not None else None
    if row is None or row.entry != Entry.PAYMENT.value:
        raise InvalidInput(f"No payment with receipt {receipt_label(req.receipt_no)}")
    assert row.id is not None
    if _voided(session, row.id):
        raise InvalidInput(f"{receipt_label(row.receipt_no)} is already void")
    refunded = _refunded(session, row.id)
    left = row.amount_cents - refunded
    if req.entry is Entry.VOID:
        if row.business_date != today or closed_id(session, row.business_date) is not None:
            raise InvalidInput(
                "Only today's payments can be voided; refund this one instead", field="entry"
            )
        if refunded:
            raise InvalidInput("Part of it was refunded; refund the rest instead", field="entry")
        amount = row.amount_cents
    else:
        if left <= 0:
            raise InvalidInput(f"{receipt_label(row.receipt_no)} is already fully refunded")
        amount = left
        if req.amount.strip():
            amount = field_amount(req.amount, field="amount", label="Refund")
        if amount > left:
            raise InvalidInput(
                f"Refund is more than is left of the payment ({format_cents(left)})",
                field="amount",
            )
    original_tender = Tender(row.tender)
    # A voided check goes back to the patient; a refund of a check is paid in cash.
    if req.entry is Entry.REFUND and original_tender is Tender.CHECK:
        tender = Tender.CASH
    else:
        tender = original_tender
    drawer = _drawer_for(session, row, req.entry, requester)
    if tender is Tender.CASH:
        cash = expected(session, drawer.id).cash_cents
        if amount > cash:
            raise InvalidInput(
                f"The drawer holds {format_cents(cash)}, less than {format_cents(amount)}",
                field="amount",
            )
    patient = session.get(Patient, row.patient_id)
    assert patient is not None
    appt = session.get(Appointment, row.appointment_id) if row.appointment_id else None
    number = next_receipt_no(session)
    now = clock.now()
    facts = ReceiptFacts(
        clinic=clinic.name,
        receipt_no=number,
        at=now.astimezone(clinic.zone),
        patient_name=display_name(patient.last_name, patient.first_name, patient.preferred_name),
        mrn=patient.mrn,
        entry=req.entry,
        kind=PaymentKind(row.kind),
        tender=tender,
        amount_cents=amount,
        clerk=staff_name(session, requester.id),
        visit_day=appt.start_at.astimezone(clinic.zone).date() if appt else None,
        check_number=row.check_number if tender is Tender.CHECK else "",
        card_last4=row.card_last4 if tender is Tender.CARD else "",
        card_auth=row.card_auth if tender is Tender.CARD else "",
        reverses_receipt_no=row.receipt_no,
        reverses_day=row.business_date if row.business_date != today else None,
        reason=reason,
        approver=approver.display_name,
    )
    new = Payment(
        receipt_no=number,
        entry=req.entry.value,
        business_date=today,
        at=now,
        drawer_id=drawer.id,
        staff_id=requester.id,
        patient_id=row.patient_id,
        appointment_id=row.appointment_id,
        kind=row.kind,
        tender=tender.value,
        amount_cents=amount,
        check_number=facts.check_number,
        card_last4=facts.card_last4,
        card_auth=facts.card_auth,
        reverses_id=row.id,
        reason=reason,
        approved_by=approver.id,
        receipt_text=render(facts),
    )
    session.add(new)
    session.flush()
    assert new.id is not None
    audit.record(
        session,
        staff_id=requester.id,
        action=f"payment.{req.entry.value}",
        entity="payment",
        entity_id=new.id,
        detail={
            "receipt_no": number,
            "reverses_receipt_no": row.receipt_no,
            "amount_cents": amount,
            "reason": reason,
            "approved_by": approver.id,
            "adjusts_day": row.business_date if row.business_date != today else None,
        },
    )
    return Taken(
        payment_id=new.id,
        receipt_no=number,
        entry=req.entry,
        amount_cents=amount,
        change_cents=0,
        receipt_text=new.receipt_text,
        drawer_id=drawer.id,
    )
