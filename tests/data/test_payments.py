"""Taking money: payments, receipts, balances, drawer rules."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from frontdesk.data.balances import payment_context
from frontdesk.data.db import read_session
from frontdesk.data.drawer import open_drawer
from frontdesk.data.errors import InvalidInput
from frontdesk.data.models import PaymentKind, Tender
from frontdesk.data.payments import PaymentRequest, take_payment
from tests.conftest import Clinic

pytestmark = pytest.mark.usefixtures("fast_hashing")

FLOAT = {2000: "5", 1000: "5", 500: "4", 100: "10"}  # $100 + $50 + $20 + $10 = $180


def _rows(clinic: Clinic) -> int:
    with read_session(clinic.engine) as session:
        return int(session.execute(text("SELECT COUNT(*) FROM payment")).scalar() or 0)


def test_cash_copay_gives_change_and_a_receipt(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    appt = clinic.book(patient, 9, copay_due_cents=2500)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    taken = take_payment(
        clinic.engine,
        PaymentRequest(patient_id=patient, appointment_id=appt, amount="25", tendered="40"),
        staff=clinic.desk,
    )
    assert taken.receipt_no == 1
    assert taken.change_cents == 1500
    assert "R-000001" in taken.receipt_text
    assert "$15.00" in taken.receipt_text
    ctx = payment_context(clinic.engine, staff_id=clinic.desk.id, patient_id=patient)
    assert ctx.copay_due_cents == 0
    assert ctx.drawer_cash_cents == 18000 + 2500
    assert [line.receipt_no for line in ctx.recent] == [1]


def test_two_same_day_payments_of_the_same_amount_both_count(clinic: Clinic) -> None:
    patient = clinic.add_patient(balance_cents=10000)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    for _ in range(2):
        take_payment(
            clinic.engine,
            PaymentRequest(patient_id=patient, amount="20.00", kind=PaymentKind.PAST_DUE),
            staff=clinic.desk,
        )
    ctx = payment_context(clinic.engine, staff_id=clinic.desk.id, patient_id=patient)
    assert ctx.balance_due_cents == 6000
    assert ctx.drawer_cash_cents == 18000 + 4000
    assert _rows(clinic) == 2


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("-5", "amount"),
        ("0", "amount"),
        ("1e3", "amount"),
        ("12.345", "amount"),
        ("99999999999", "amount"),
        ("abc", "amount"),
        ("5000.01", "amount"),  # over the clinic's maximum single payment ($2,000 default)
    ],
)
def test_bad_amounts_are_refused_at_the_field(clinic: Clinic, amount: str, field: str) -> None:
    patient = clinic.add_patient()
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    with pytest.raises(InvalidInput) as caught:
        take_payment(
            clinic.engine,
            PaymentRequest(patient_id=patient, amount=amount, kind=PaymentKind.OTHER),
            staff=clinic.desk,
        )
    assert caught.value.field == field
    assert _rows(clinic) == 0


def test_dollar_sign_and_thousands_are_read(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    taken = take_payment(
        clinic.engine,
        PaymentRequest(
            patient_id=patient,
            amount="$1,000.00",
            kind=PaymentKind.PREPAYMENT,
            tender=Tender.CHECK,
            check_number="1042",
        ),
        staff=clinic.desk,
    )
    assert taken.amount_cents == 100000


def test_change_larger_than_the_drawer_holds_is_refused(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    open_drawer(clinic.engine, staff=clinic.desk, counts={100: "10"})  # $10 float
    with pytest.raises(InvalidInput) as caught:
        take_payment(
            clinic.engine,
            PaymentRequest(patient_id=patient, amount="5", tendered="100", kind=PaymentKind.OTHER),
            staff=clinic.desk,
        )
    assert caught.value.field == "tendered"
    assert "more than the drawer holds" in caught.value.message
    assert _rows(clinic) == 0


def test_no_open_drawer_no_payment(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    with pytest.raises(InvalidInput) as caught:
        take_payment(
            clinic.engine,
            PaymentRequest(patient_id=patient, amount="5", kind=PaymentKind.OTHER),
            staff=clinic.desk,
        )
    assert caught.value.field == "drawer"


def test_one_open_drawer_per_clerk(clinic: Clinic) -> None:
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    with pytest.raises(InvalidInput, match="already have drawer"):
        open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    open_drawer(clinic.engine, staff=clinic.desk2, counts=FLOAT)  # another clerk may


@pytest.mark.parametrize("count", ["-1", "2.5", "x"])
def test_bad_denomination_counts_are_refused(clinic: Clinic, count: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        open_drawer(clinic.engine, staff=clinic.desk, counts={2000: count})
    assert caught.value.field == "count-2000"


def test_money_rows_refuse_update_and_delete(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    take_payment(
        clinic.engine,
        PaymentRequest(patient_id=patient, amount="5", kind=PaymentKind.OTHER),
        staff=clinic.desk,
    )
    import sqlite3

    raw = sqlite3.connect(clinic.engine.url.database or "")
    for sql in (
        "UPDATE payment SET amount_cents = 1",
        "DELETE FROM payment",
        "UPDATE drawer_session SET float_cents = 0",
        "DELETE FROM drawer_session",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="insert-only"):
            raw.execute(sql)
    raw.close()


def test_the_schedule_flag_shows_only_what_is_still_owed(clinic: Clinic) -> None:
    from frontdesk.data.schedule import load_day

    patient = clinic.add_patient(balance_cents=4000)
    appt = clinic.book(patient, 11, copay_due_cents=2500)

    def flag() -> tuple[str, ...]:
        (row,) = [r for r in load_day(clinic.engine).rows if r.appointment_id == appt]
        return tuple(f for f in row.flags if f.startswith("$"))

    assert flag() == ("$65",)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    take_payment(
        clinic.engine,
        PaymentRequest(patient_id=patient, appointment_id=appt, amount="25"),
        staff=clinic.desk,
    )
    assert flag() == ("$40",)
    take_payment(
        clinic.engine,
        PaymentRequest(patient_id=patient, amount="40", kind=PaymentKind.PAST_DUE),
        staff=clinic.desk,
    )
    assert flag() == ()
