"""Money helpers shared by the data tests: pay, take back, read a drawer and the money rows."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import text

from frontdesk.data.db import read_session
from frontdesk.data.drawer import Expected, expected
from frontdesk.data.models import Entry, Payment, PaymentKind, Tender
from frontdesk.data.payments import PaymentRequest, Taken, take_payment
from frontdesk.data.reversals import ReversalRequest, reverse
from frontdesk.data.staff import StaffMember
from tests.conftest import PASSWORD, Clinic
from tests.data.helpers import fetch


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


def expected_of(clinic: Clinic, drawer_id: int) -> Expected:
    with read_session(clinic.engine) as session:
        return expected(session, drawer_id)


def drawer_cash(clinic: Clinic, drawer_id: int) -> int:
    return expected_of(clinic, drawer_id).cash_cents


def cash_in_bills(cents: int) -> dict[int, int]:
    """A denomination count worth exactly ``cents`` ($20s, then $1s, then pennies)."""
    twenties, rest = divmod(cents, 2000)
    ones, pennies = divmod(rest, 100)
    return {2000: twenties, 100: ones, 1: pennies}


def money_rows(clinic: Clinic) -> list[tuple[Any, ...]]:
    """Every money row, every column, in receipt order (read with raw sqlite3)."""
    raw = sqlite3.connect(clinic.engine.url.database or "")
    try:
        return raw.execute("SELECT * FROM payment ORDER BY receipt_no").fetchall()
    finally:
        raw.close()


def row_of(clinic: Clinic, receipt_no: int) -> Payment:
    with read_session(clinic.engine) as session:
        found = session.execute(
            text("SELECT id FROM payment WHERE receipt_no = :n"), {"n": receipt_no}
        ).scalar()
    assert found is not None, f"no receipt {receipt_no}"
    return fetch(clinic.engine, Payment, int(found))
