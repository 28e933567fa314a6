"""Voids and their approval, and receipts after a reversal: new rows; the original never changes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from frontdesk.data.db import read_session
from frontdesk.data.drawer import open_drawer
from frontdesk.data.errors import ApprovalRefused, InvalidInput
from frontdesk.data.models import Entry, Staff, Tender
from frontdesk.data.payments import PaymentRequest, receipt_copy, take_payment
from frontdesk.data.reversals import ReversalRequest, reverse
from tests.conftest import PASSWORD, TODAY, Clinic
from tests.data.conftest import FLOAT, FLOAT_CENTS
from tests.data.helpers import audit_events, detail, fetch
from tests.data.money_helpers import drawer_cash, money_rows, pay, row_of, take_back

pytestmark = pytest.mark.usefixtures("fast_hashing")


# --- helpers ------------------------------------------------------------------------------


def receipt_numbers(clinic: Clinic) -> list[int]:
    with read_session(clinic.engine) as session:
        return [
            int(n)
            for n in session.execute(
                text("SELECT receipt_no FROM payment ORDER BY receipt_no")
            ).scalars()
        ]


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
