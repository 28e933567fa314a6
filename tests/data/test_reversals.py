"""Voids and refunds: new rows approved by a second person; the original never changes."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from frontdesk import clock
from frontdesk.data.db import read_session, write_session
from frontdesk.data.drawer import BlindCount, count_drawer, expected, my_drawer, open_drawer
from frontdesk.data.errors import ApprovalRefused, InvalidInput
from frontdesk.data.models import DayClose, Entry, Payment, Staff, Tender
from frontdesk.data.payments import PaymentRequest, receipt_copy, take_payment
from frontdesk.data.reversals import ReversalRequest, reverse
from frontdesk.data.staff import StaffMember
from tests.conftest import PASSWORD, TODAY, ZONE, Clinic
from tests.data.helpers import audit_events, detail, fetch
from tests.data.money_helpers import pay, take_back

pytestmark = pytest.mark.usefixtures("fast_hashing")

FLOAT = {2000: "5", 1000: "5", 500: "4", 100: "10"}  # $180.00
FLOAT_CENTS = 18000


# --- helpers ------------------------------------------------------------------------------


def money_rows(clinic: Clinic) -> list[tuple[Any, ...]]:
    """Every money row, every column, in receipt order (read with raw sqlite3)."""
    raw = sqlite3.connect(clinic.engine.url.database or "")
    try:
        return raw.execute("SELECT * FROM payment ORDER BY receipt_no").fetchall()
    finally:
        raw.close()


def receipt_numbers(clinic: Clinic) -> list[int]:
    with read_session(clinic.engine) as session:
        return [
            int(n)
            for n in session.execute(
                text("SELECT receipt_no FROM payment ORDER BY receipt_no")
            ).scalars()
        ]


def drawer_cash(clinic: Clinic, drawer_id: int) -> int:
    with read_session(clinic.engine) as session:
        return expected(session, drawer_id).cash_cents


def row_of(clinic: Clinic, receipt_no: int) -> Payment:
    with read_session(clinic.engine) as session:
        found = session.execute(
            text("SELECT id FROM payment WHERE receipt_no = :n"), {"n": receipt_no}
        ).scalar()
    assert found is not None, f"no receipt {receipt_no}"
    return fetch(clinic.engine, Payment, int(found))


def settle(clinic: Clinic, drawer_id: int, by: StaffMember) -> None:
    """Count a drawer with a reason, so it is accepted whatever it holds."""
    result = count_drawer(
        clinic.engine, drawer_id, BlindCount(cash={}, reason="end of the test day"), by=by
    )
    assert result.accepted


@pytest.fixture
def patient(clinic: Clinic) -> int:
    return clinic.add_patient()


@pytest.fixture
def drawer_id(clinic: Clinic) -> int:
    return open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT).id


# --- voids ---------------------------------------------------------------------------------


def test_void_is_a_new_row_and_the_original_is_unchanged(
    clinic: Clinic, patient: int, drawer_id: int
) -> None:
    taken = pay(clinic, patient, "25.00")
    before = money_rows(clinic)
    void = take_back(clinic, taken.receipt_no, Entry.VOID, reason="Wrong patient")

    after = money_rows(clinic)
    assert after[0] == before[0]  # the original, every column, as it was
    assert len(after) == 2
    row = row_of(clinic, void.receipt_no)
    assert void.receipt_no == 2
    assert row.entry == Entry.VOID.value
    assert row.reverses_id == taken.payment_id
    assert row.approved_by == clinic.supervisor.id
    assert row.staff_id == clinic.desk.id
    assert row.reason == "Wrong patient"
    assert row.amount_cents == 2500
    assert row.tender == Tender.CASH.value
    assert row.drawer_id == drawer_id
    assert row.business_date == TODAY
    assert "VOID R-000002" in void.receipt_text
    assert "Reverses R-000001" in void.receipt_text
    assert "Approved by Sam" in void.receipt_text
    (event,) = audit_events(clinic.engine, "payment.void")
    assert event.entity_id == void.payment_id
    assert detail(event)["approved_by"] == clinic.supervisor.id
    assert detail(event)["reverses_receipt_no"] == 1


def test_another_clerk_may_ask_and_the_void_goes_back_into_the_original_drawer(
    clinic: Clinic, patient: int, drawer_id: int
) -> None:
    taken = pay(clinic, patient, "30")
    void = take_back(clinic, taken.receipt_no, Entry.VOID, requester=clinic.desk2)
    assert void.drawer_id == drawer_id  # ben has no drawer; the money left ana's
    assert row_of(clinic, void.receipt_no).staff_id == clinic.desk2.id
    assert drawer_cash(clinic, drawer_id) == FLOAT_CENTS


def test_a_desk_clerk_cannot_approve(clinic: Clinic, patient: int, drawer_id: int) -> None:
    taken = pay(clinic, patient, "25")
    with pytest.raises(ApprovalRefused, match="not a supervisor"):
        take_back(clinic, taken.receipt_no, Entry.VOID, supervisor="ben")
    assert len(money_rows(clinic)) == 1
    assert drawer_cash(clinic, drawer_id) == FLOAT_CENTS + 2500


def test_a_supervisor_cannot_approve_their_own_request(clinic: Clinic, patient: int) -> None:
    open_drawer(clinic.engine, staff=clinic.supervisor, counts=FLOAT)
    taken = pay(clinic, patient, "25", staff=clinic.supervisor)
    with pytest.raises(ApprovalRefused, match="second person"):
        take_back(clinic, taken.receipt_no, Entry.VOID, requester=clinic.supervisor)
    assert len(money_rows(clinic)) == 1
    assert audit_events(clinic.engine, "payment.void") == []


@pytest.mark.usefixtures("drawer_id")
def test_wrong_password_is_refused_counted_and_audited(clinic: Clinic, patient: int) -> None:
    taken = pay(clinic, patient, "25")
    with pytest.raises(ApprovalRefused):
        take_back(clinic, taken.receipt_no, Entry.VOID, password="not the password")
    assert len(money_rows(clinic)) == 1
    assert fetch(clinic.engine, Staff, clinic.supervisor.id).failed_attempts == 1
    (failed,) = audit_events(clinic.engine, "approval.failed")
    assert failed.staff_id == clinic.supervisor.id
    assert detail(failed)["failures"] == 1
    assert audit_events(clinic.engine, "payment.void") == []
    # The right password then works, and the refused attempt used no receipt number.
    void = take_back(clinic, taken.receipt_no, Entry.VOID)
    assert void.receipt_no == 2
    assert fetch(clinic.engine, Staff, clinic.supervisor.id).failed_attempts == 0


@pytest.mark.usefixtures("drawer_id")
def test_unknown_or_blank_approver_is_refused(clinic: Clinic, patient: int) -> None:
    taken = pay(clinic, patient, "25")
    for name in ("", "   ", "nobody"):
        with pytest.raises(ApprovalRefused):
            take_back(clinic, taken.receipt_no, Entry.VOID, supervisor=name)
    assert len(money_rows(clinic)) == 1


@pytest.mark.usefixtures("drawer_id")
def test_a_reason_is_required(clinic: Clinic, patient: int) -> None:
    taken = pay(clinic, patient, "25")
    with pytest.raises(InvalidInput) as caught:
        take_back(clinic, taken.receipt_no, Entry.VOID, reason="  ")
    assert caught.value.field == "reason"
    assert len(money_rows(clinic)) == 1


def test_double_void_is_refused(clinic: Clinic, patient: int, drawer_id: int) -> None:
    taken = pay(clinic, patient, "25")
    take_back(clinic, taken.receipt_no, Entry.VOID)
    with pytest.raises(InvalidInput, match="already void"):
        take_back(clinic, taken.receipt_no, Entry.VOID)
    with pytest.raises(InvalidInput, match="already void"):
        take_back(clinic, taken.receipt_no, Entry.REFUND)
    assert len(money_rows(clinic)) == 2
    assert drawer_cash(clinic, drawer_id) == FLOAT_CENTS


@pytest.mark.usefixtures("drawer_id")
def test_a_void_or_refund_cannot_itself_be_reversed(clinic: Clinic, patient: int) -> None:
    taken = pay(clinic, patient, "25")
    void = take_back(clinic, taken.receipt_no, Entry.VOID)
    for entry in (Entry.VOID, Entry.REFUND):
        with pytest.raises(InvalidInput, match="No payment with receipt"):
            take_back(clinic, void.receipt_no, entry)
    with pytest.raises(InvalidInput, match="No payment with receipt"):
        take_back(clinic, 99, Entry.REFUND)
    assert len(money_rows(clinic)) == 2


def test_void_after_a_partial_refund_is_refused(
    clinic: Clinic, patient: int, drawer_id: int
) -> None:
    taken = pay(clinic, patient, "25")
    take_back(clinic, taken.receipt_no, Entry.REFUND, amount="5")
    with pytest.raises(InvalidInput) as caught:
        take_back(clinic, taken.receipt_no, Entry.VOID)
    assert caught.value.field == "entry"
    assert "refund the rest" in caught.value.message
    assert len(money_rows(clinic)) == 2
    assert drawer_cash(clinic, drawer_id) == FLOAT_CENTS + 2000


# --- refunds -------------------------------------------------------------------------------


def test_refunds_are_partial_and_up_to_what_is_left(
    clinic: Clinic, patient: int, drawer_id: int
) -> None:
    taken = pay(clinic, patient, "25.00")
    first = take_back(clinic, taken.receipt_no, Entry.REFUND, amount="10.00")
    assert first.amount_cents == 1000
    with pytest.raises(InvalidInput) as caught:
        take_back(clinic, taken.receipt_no, Entry.REFUND, amount="15.01")
    assert caught.value.field == "amount"
    assert "$15.00" in caught.value.message
    second = take_back(clinic, taken.receipt_no, Entry.REFUND, amount="15.00")
    assert second.amount_cents == 1500
    with pytest.raises(InvalidInput, match="already fully refunded"):
        take_back(clinic, taken.receipt_no, Entry.REFUND, amount="0.01")
    assert [r.receipt_no for r in (first, second)] == [2, 3]
    for refund in (first, second):
        row = row_of(clinic, refund.receipt_no)
        assert row.entry == Entry.REFUND.value
        assert row.reverses_id == taken.payment_id
        assert row.approved_by == clinic.supervisor.id
    assert drawer_cash(clinic, drawer_id) == FLOAT_CENTS


@pytest.mark.usefixtures("drawer_id")
def test_a_blank_refund_amount_is_what_is_left(clinic: Clinic, patient: int) -> None:
    taken = pay(clinic, patient, "25.00")
    take_back(clinic, taken.receipt_no, Entry.REFUND, amount="7.50")
    rest = take_back(clinic, taken.receipt_no, Entry.REFUND)
    assert rest.amount_cents == 1750


@pytest.mark.parametrize("amount", ["-5", "0", "1e3", "12.345", "abc"])
@pytest.mark.usefixtures("drawer_id")
def test_bad_refund_amounts_are_refused_at_the_field(
    clinic: Clinic, patient: int, amount: str
) -> None:
    taken = pay(clinic, patient, "25.00")
    with pytest.raises(InvalidInput) as caught:
        take_back(clinic, taken.receipt_no, Entry.REFUND, amount=amount)
    assert caught.value.field == "amount"
    assert len(money_rows(clinic)) == 1


def test_a_refund_of_a_check_is_paid_in_cash(clinic: Clinic, patient: int, drawer_id: int) -> None:
    taken = pay(clinic, patient, "40.00", tender=Tender.CHECK)
    with read_session(clinic.engine) as session:
        before = expected(session, drawer_id)
    refund = take_back(clinic, taken.receipt_no, Entry.REFUND, amount="15.00")
    row = row_of(clinic, refund.receipt_no)
    assert row.tender == Tender.CASH.value
    assert row.check_number == ""
    assert "Given back as" in refund.receipt_text
    assert "Cash" in refund.receipt_text
    with read_session(clinic.engine) as session:
        after = expected(session, drawer_id)
    assert after.cash_cents == before.cash_cents - 1500
    assert (after.check_count, after.check_cents) == (1, 4000)  # the check is still in the drawer


def test_a_void_of_a_check_takes_the_check_out_of_the_drawer(
    clinic: Clinic, patient: int, drawer_id: int
) -> None:
    taken = pay(clinic, patient, "40.00", tender=Tender.CHECK)
    void = take_back(clinic, taken.receipt_no, Entry.VOID)
    assert row_of(clinic, void.receipt_no).tender == Tender.CHECK.value
    with read_session(clinic.engine) as session:
        after = expected(session, drawer_id)
    assert (after.cash_cents, after.check_count, after.check_cents) == (FLOAT_CENTS, 0, 0)


def test_card_void_and_refund_stay_on_the_card(
    clinic: Clinic, patient: int, drawer_id: int
) -> None:
    first = pay(clinic, patient, "60.00", tender=Tender.CARD)
    second = pay(clinic, patient, "20.00", tender=Tender.CARD)
    refund = take_back(clinic, first.receipt_no, Entry.REFUND, amount="10.00")
    void = take_back(clinic, second.receipt_no, Entry.VOID)
    assert row_of(clinic, refund.receipt_no).tender == Tender.CARD.value
    assert row_of(clinic, void.receipt_no).card_last4 == "4242"
    with read_session(clinic.engine) as session:
        after = expected(session, drawer_id)
    assert (after.cash_cents, after.card_cents) == (FLOAT_CENTS, 5000)


def test_cash_voids_and_refunds_lower_the_expected_cash(
    clinic: Clinic, patient: int, drawer_id: int
) -> None:
    a = pay(clinic, patient, "25.00", tendered="40")
    b = pay(clinic, patient, "30.00")
    c = pay(clinic, patient, "12.50")
    assert drawer_cash(clinic, drawer_id) == FLOAT_CENTS + 2500 + 3000 + 1250
    take_back(clinic, a.receipt_no, Entry.VOID)
    assert drawer_cash(clinic, drawer_id) == FLOAT_CENTS + 3000 + 1250
    take_back(clinic, b.receipt_no, Entry.REFUND, amount="4.25")
    assert drawer_cash(clinic, drawer_id) == FLOAT_CENTS + 3000 - 425 + 1250
    take_back(clinic, c.receipt_no, Entry.REFUND)
    assert drawer_cash(clinic, drawer_id) == FLOAT_CENTS + 3000 - 425


def test_a_cash_refund_larger_than_the_drawer_holds_is_refused(
    clinic: Clinic, patient: int
) -> None:
    first_drawer = open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT).id
    taken = pay(clinic, patient, "150.00", tender=Tender.CHECK)
    settle(clinic, first_drawer, clinic.desk)
    small = open_drawer(clinic.engine, staff=clinic.desk, counts={2000: "5"}).id  # $100
    with pytest.raises(InvalidInput) as caught:
        take_back(clinic, taken.receipt_no, Entry.REFUND, amount="100.01")
    assert caught.value.field == "amount"
    assert "holds $100.00" in caught.value.message
    assert len(money_rows(clinic)) == 1
    exact = take_back(clinic, taken.receipt_no, Entry.REFUND, amount="100.00")
    assert exact.drawer_id == small
    assert drawer_cash(clinic, small) == 0


# --- receipts ------------------------------------------------------------------------------


@pytest.mark.usefixtures("drawer_id")
def test_a_reprint_of_a_voided_receipt_says_copy_and_void(clinic: Clinic, patient: int) -> None:
    taken = pay(clinic, patient, "25.00")
    pay(clinic, patient, "5.00")
    plain = receipt_copy(clinic.engine, taken.receipt_no, staff=clinic.desk)
    assert "*** COPY ***" in plain
    assert "VOID" not in plain
    void = take_back(clinic, taken.receipt_no, Entry.VOID)
    assert void.receipt_no == 3
    copy = receipt_copy(clinic.engine, taken.receipt_no, staff=clinic.desk)
    lines = copy.splitlines()
    assert lines[0].strip() == "*** COPY ***"
    assert lines[1].strip() == "*** VOID: see R-000003 ***"
    assert copy.endswith(taken.receipt_text)  # the stored text, as handed over
    reprints = audit_events(clinic.engine, "receipt.reprinted")
    assert [detail(e)["receipt_no"] for e in reprints] == [1, 1]


@pytest.mark.usefixtures("drawer_id")
def test_a_reprint_of_a_refunded_receipt_is_not_marked_void(clinic: Clinic, patient: int) -> None:
    taken = pay(clinic, patient, "25.00")
    take_back(clinic, taken.receipt_no, Entry.REFUND, amount="5")
    copy = receipt_copy(clinic.engine, taken.receipt_no, staff=clinic.desk)
    assert "COPY" in copy
    assert "VOID" not in copy


@pytest.mark.usefixtures("drawer_id")
def test_receipts_stay_gap_free_across_payments_reversals_and_refusals(
    clinic: Clinic, patient: int
) -> None:
    a = pay(clinic, patient, "25.00")  # 1
    with pytest.raises(InvalidInput):
        pay(clinic, patient, "abc")
    with pytest.raises(InvalidInput):
        pay(clinic, patient, "5", tendered="1000")  # change more than the drawer holds
    b = pay(clinic, patient, "40.00", tender=Tender.CHECK)  # 2
    with pytest.raises(ApprovalRefused):
        take_back(clinic, a.receipt_no, Entry.VOID, password="wrong password")
    with pytest.raises(ApprovalRefused):
        take_back(clinic, a.receipt_no, Entry.VOID, supervisor="ben")
    take_back(clinic, a.receipt_no, Entry.VOID)  # 3
    with pytest.raises(InvalidInput):
        take_back(clinic, a.receipt_no, Entry.VOID)
    take_back(clinic, b.receipt_no, Entry.REFUND, amount="10")  # 4
    with pytest.raises(InvalidInput):
        take_back(clinic, b.receipt_no, Entry.REFUND, amount="31")
    with pytest.raises(InvalidInput):
        take_back(clinic, b.receipt_no, Entry.VOID)
    c = pay(clinic, patient, "7.00", tender=Tender.CARD)  # 5
    take_back(clinic, b.receipt_no, Entry.REFUND)  # 6
    assert c.receipt_no == 5
    assert receipt_numbers(clinic) == [1, 2, 3, 4, 5, 6]
    taken_events = audit_events(clinic.engine, "payment.taken")
    assert [detail(e)["receipt_no"] for e in taken_events] == [1, 2, 5]


# --- earlier days --------------------------------------------------------------------------


@pytest.mark.parametrize("closed", [False, True], ids=["day-open", "day-closed"])
def test_an_earlier_days_payment_is_refunded_on_today_not_voided(
    clinic: Clinic, patient: int, drawer_id: int, closed: bool
) -> None:
    taken = pay(clinic, patient, "25.00")
    settle(clinic, drawer_id, clinic.desk)
    if closed:
        start, end = clock.day_bounds(TODAY, ZONE)
        with write_session(clinic.engine) as session:
            session.add(
                DayClose(
                    business_date=TODAY,
                    start_at=start,
                    end_at=end,
                    closed_at=clock.now(),
                    closed_by=clinic.supervisor.id,
                )
            )
    clock.advance(timedelta(days=1))
    tomorrow = TODAY + timedelta(days=1)
    today_drawer = open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    assert today_drawer.business_date == tomorrow

    with pytest.raises(InvalidInput) as caught:
        take_back(clinic, taken.receipt_no, Entry.VOID)
    assert caught.value.field == "entry"
    assert len(money_rows(clinic)) == 1

    refund = take_back(clinic, taken.receipt_no, Entry.REFUND, amount="10.00")
    row = row_of(clinic, refund.receipt_no)
    assert row.business_date == tomorrow
    assert row.drawer_id == today_drawer.id
    assert "Reverses R-000001 of 24 Nov 2026" in refund.receipt_text
    assert drawer_cash(clinic, today_drawer.id) == FLOAT_CENTS - 1000
    assert row_of(clinic, taken.receipt_no).business_date == TODAY  # untouched
    (event,) = audit_events(clinic.engine, "payment.refund")
    assert detail(event)["adjusts_day"] == TODAY.isoformat()


@pytest.mark.usefixtures("drawer_id")
def test_yesterdays_open_drawer_must_be_counted_before_a_refund(
    clinic: Clinic, patient: int
) -> None:
    taken = pay(clinic, patient, "25.00")
    clock.advance(timedelta(days=1))
    with pytest.raises(InvalidInput) as caught:
        take_back(clinic, taken.receipt_no, Entry.REFUND)
    assert caught.value.field == "drawer"
    assert len(money_rows(clinic)) == 1
    assert my_drawer(clinic.engine, clinic.desk.id) is not None


def test_a_void_receipt_names_the_visit_day_as_the_payment_did(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    appt = clinic.book(patient, 9, copay_due_cents=2500)
    open_drawer(clinic.engine, staff=clinic.desk, counts={2000: "5"})
    taken = take_payment(
        clinic.engine,
        PaymentRequest(patient_id=patient, appointment_id=appt, amount="25"),
        staff=clinic.desk,
    )
    void = reverse(
        clinic.engine,
        ReversalRequest(taken.receipt_no, Entry.VOID, "wrong patient", "sam", PASSWORD),
        requester=clinic.desk,
    )
    assert "Copay, visit 24 Nov 2026" in taken.receipt_text
    assert "Void of copay, visit 24 Nov 2026" in void.receipt_text
