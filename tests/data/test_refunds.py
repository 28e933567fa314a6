"""Refunds: part or all of a payment, given back on today's open day, in the right tender."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk import clock
from frontdesk.data.db import read_session, write_session
from frontdesk.data.drawer import BlindCount, count_drawer, expected, my_drawer, open_drawer
from frontdesk.data.errors import InvalidInput
from frontdesk.data.models import DayClose, Entry, Tender
from frontdesk.data.staff import StaffMember
from tests.conftest import TODAY, ZONE, Clinic
from tests.data.conftest import FLOAT, FLOAT_CENTS
from tests.data.helpers import audit_events, detail
from tests.data.money_helpers import drawer_cash, money_rows, pay, row_of, take_back

pytestmark = pytest.mark.usefixtures("fast_hashing")


# --- helpers ------------------------------------------------------------------------------


def settle(clinic: Clinic, drawer_id: int, by: StaffMember) -> None:
    """Count a drawer with a reason, so it is accepted whatever it holds."""
    result = count_drawer(
        clinic.engine, drawer_id, BlindCount(cash={}, reason="end of the test day"), by=by
    )
    assert result.accepted


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
