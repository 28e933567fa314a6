"""Money helpers shared by the data tests: take a payment, ask for a reversal."""

from __future__ import annotations

from typing import Any

from frontdesk.data.models import Entry, PaymentKind, Tender
from frontdesk.data.payments import PaymentRequest, Taken, take_payment
from frontdesk.data.reversals import ReversalRequest, reverse
from frontdesk.data.staff import StaffMember
from tests.conftest import PASSWORD, Clinic


def pay(
    clinic: Clinic,
    patient: int,
    amount: str,
    *,
    tender: Tender = Tender.CASH,
    staff: StaffMember | None = None,
    tendered: str = "",
) -> Taken:
    """Take an 'other' payment (no visit needed) in the given tender."""
    extra: dict[str, Any] = {}
    if tender is Tender.CHECK:
        extra["check_number"] = "1042"
    if tender is Tender.CARD:
        extra.update(card_last4="4242", card_auth="A1B2C3")
    return take_payment(
        clinic.engine,
        PaymentRequest(
            patient_id=patient,
            amount=amount,
            kind=PaymentKind.OTHER,
            tender=tender,
            tendered=tendered,
            **extra,
        ),
        staff=staff or clinic.desk,
    )


def take_back(
    clinic: Clinic,
    receipt_no: int,
    entry: Entry,
    *,
    amount: str = "",
    requester: StaffMember | None = None,
    supervisor: str = "sam",
    password: str = PASSWORD,
    reason: str = "Charged twice",
) -> Taken:
    """Ask for a void or refund, approved by ``supervisor``."""
    return reverse(
        clinic.engine,
        ReversalRequest(
            receipt_no=receipt_no,
            entry=entry,
            reason=reason,
            supervisor=supervisor,
            password=password,
            amount=amount,
        ),
        requester=requester or clinic.desk,
    )
