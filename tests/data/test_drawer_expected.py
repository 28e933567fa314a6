"""What a drawer should hold: its float and money rows, checked by hand and against a model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.data.db import read_session
from frontdesk.data.drawer import (
    BlindCount,
    Expected,
    count_drawer,
    expected,
    get_drawer,
    my_drawer,
    open_drawer,
)
from frontdesk.data.errors import InvalidInput, NotFound
from frontdesk.data.models import DrawerCount, Entry, PaymentKind, Tender
from frontdesk.data.payments import PaymentRequest, take_payment
from frontdesk.money import plain_cents
from tests.conftest import NOW, TODAY, Clinic
from tests.data.conftest import FLOAT, FLOAT_CENTS
from tests.data.helpers import audit_events, count, detail
from tests.data.money_helpers import cash_in_bills, expected_of, pay, take_back

pytestmark = pytest.mark.usefixtures("fast_hashing")


# --- expected figures ----------------------------------------------------------------------


def test_the_float_is_the_counted_denominations(clinic: Clinic, drawer_id: int) -> None:
    exp = expected_of(clinic, drawer_id)
    assert exp == Expected(
        float_cents=FLOAT_CENTS, cash_cents=FLOAT_CENTS, check_count=0, check_cents=0, card_cents=0
    )
    (event,) = audit_events(clinic.engine, "drawer.opened")
    assert detail(event)["float_cents"] == FLOAT_CENTS


def test_the_open_drawer_reads_as_the_drawer_itself(clinic: Clinic, drawer_id: int) -> None:
    mine = my_drawer(clinic.engine, clinic.desk.id)
    with read_session(clinic.engine) as session:
        assert mine == get_drawer(session, drawer_id)
    assert mine is not None
    assert mine.opened_at == NOW
    assert (mine.clerk, mine.business_date, mine.float_cents) == ("ana", TODAY, FLOAT_CENTS)
    assert my_drawer(clinic.engine, clinic.desk2.id) is None
    with read_session(clinic.engine) as session, pytest.raises(NotFound):
        expected(session, drawer_id + 1)


def test_cash_keeps_what_was_paid_not_what_was_tendered(
    clinic: Clinic, patient: int, drawer_id: int
) -> None:
    taken = pay(clinic, patient, "25", tendered="40")
    assert taken.change_cents == 1500
    assert expected_of(clinic, drawer_id).cash_cents == FLOAT_CENTS + 2500


def test_expected_is_float_plus_cash_less_refunds_with_checks_and_cards_apart(
    clinic: Clinic, patient: int, drawer_id: int
) -> None:
    cash = pay(clinic, patient, "25", tendered="40")
    pay(clinic, patient, "12.34")
    check1 = pay(clinic, patient, "40.00", tender=Tender.CHECK)
    pay(clinic, patient, "45.00", tender=Tender.CHECK)
    card = pay(clinic, patient, "60.00", tender=Tender.CARD)
    pay(clinic, patient, "9.99", tender=Tender.CARD)
    take_back(clinic, cash.receipt_no, Entry.REFUND, amount="5.00")
    take_back(clinic, check1.receipt_no, Entry.REFUND, amount="10.00")  # a check refund is cash
    take_back(clinic, card.receipt_no, Entry.REFUND, amount="20.00")
    assert expected_of(clinic, drawer_id) == Expected(
        float_cents=FLOAT_CENTS,
        cash_cents=FLOAT_CENTS + 2500 + 1234 - 500 - 1000,
        check_count=2,
        check_cents=4000 + 4500,
        card_cents=6000 + 999 - 2000,
    )


def test_another_clerks_drawer_is_apart(clinic: Clinic, patient: int, drawer_id: int) -> None:
    pay(clinic, patient, "25")
    other = open_drawer(clinic.engine, staff=clinic.desk2, counts={2000: "1"})
    take_payment(
        clinic.engine,
        PaymentRequest(patient_id=patient, amount="7", kind=PaymentKind.OTHER),
        staff=clinic.desk2,
    )
    assert expected_of(clinic, drawer_id).cash_cents == FLOAT_CENTS + 2500
    assert expected_of(clinic, other.id).cash_cents == 2000 + 700


# --- the expected figures against a model ----------------------------------------------------


@dataclass
class Model:
    """An independent account of one drawer: what each step should do to it."""

    cash: int = FLOAT_CENTS
    checks: int = 0
    check_cents: int = 0
    card: int = 0
    payments: list[dict[str, Any]] = field(default_factory=list)  # receipt, tender, amount...


PAY = st.tuples(
    st.just("pay"),
    st.sampled_from(list(Tender)),
    st.integers(1, 30_000),  # amount in cents
    st.integers(0, 25_000),  # cash tendered above the amount
)
TAKE_BACK = st.tuples(
    st.sampled_from(["void", "refund"]),
    st.integers(0, 50),  # which earlier payment (modulo how many there are)
    # refund amount: None = what is left; ("cents", n); ("left", d) = what is left + d
    st.one_of(
        st.none(),
        st.tuples(st.just("cents"), st.integers(1, 40_000)),
        st.tuples(st.just("left"), st.integers(-3, 2)),
    ),
    st.just(0),
)
STEPS = st.lists(st.one_of(PAY, PAY, TAKE_BACK), min_size=1, max_size=14)


def step_model(model: Model, step: tuple[Any, ...]) -> tuple[bool, int] | None:
    """Apply ``step`` to the model: (accepted, receipt index) or None if no target."""
    kind = step[0]
    if kind == "pay":
        _, tender, amount, over = step
        if tender is Tender.CASH and over > model.cash:
            return False, -1  # change the drawer cannot give
        if tender is Tender.CASH:
            model.cash += amount
        elif tender is Tender.CHECK:
            model.checks += 1
            model.check_cents += amount
        else:
            model.card += amount
        model.payments.append({"tender": tender, "amount": amount, "refunded": 0, "voided": False})
        return True, len(model.payments) - 1
    if not model.payments:
        return None
    _, pick, wanted, _ = step
    target = model.payments[pick % len(model.payments)]
    left = target["amount"] - target["refunded"]
    if target["voided"]:
        return False, -1
    if kind == "void":
        if target["refunded"]:
            return False, -1
        amount = target["amount"]
        tender = target["tender"]
    else:
        if left <= 0:
            return False, -1
        amount = refund_cents(wanted, left)
        if amount < 1 or amount > left:
            return False, -1
        tender = Tender.CASH if target["tender"] is Tender.CHECK else target["tender"]
    if tender is Tender.CASH and amount > model.cash:
        return False, -1
    if tender is Tender.CASH:
        model.cash -= amount
    elif tender is Tender.CHECK:  # only a void keeps the check tender
        model.checks -= 1
        model.check_cents -= amount
    else:
        model.card -= amount
    if kind == "void":
        target["voided"] = True
    else:
        target["refunded"] += amount
    return True, -1


def refund_cents(wanted: tuple[str, int] | None, left: int) -> int:
    """The refund a step asks for, given what is left of the payment."""
    if wanted is None:
        return left
    how, value = wanted
    return value if how == "cents" else left + value


@pytest.fixture
def shared_clinic(clinic: Clinic) -> tuple[Clinic, int]:
    """One database for all of the property's examples; each example gets its own drawer."""
    return clinic, clinic.add_patient()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS)
def test_expected_figures_match_an_independent_model(
    shared_clinic: tuple[Clinic, int], steps: list[tuple[Any, ...]]
) -> None:
    clinic, patient = shared_clinic
    leftover = my_drawer(clinic.engine, clinic.desk.id)
    if leftover is not None:  # an earlier example stopped part way
        count_drawer(
            clinic.engine, leftover.id, BlindCount(cash={}, reason="reset"), by=clinic.desk
        )
    drawer_id = open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT).id
    model = Model()
    receipts: list[int] = []  # receipt of the model's n-th payment
    issued: list[int] = []  # every receipt number this example was given
    for step in steps:
        before = (model.cash, model.checks, model.check_cents, model.card)
        target_left = 0
        if step[0] != "pay" and model.payments:
            target = model.payments[step[1] % len(model.payments)]
            target_left = target["amount"] - target["refunded"]
        outcome = step_model(model, step)
        if outcome is None:
            continue
        accepted, _ = outcome
        try:
            if step[0] == "pay":
                _, tender, amount, over = step
                tendered = plain_cents(amount + over) if tender is Tender.CASH else ""
                taken = pay(clinic, patient, plain_cents(amount), tender=tender, tendered=tendered)
                receipts.append(taken.receipt_no)
                assert taken.change_cents == (over if tender is Tender.CASH else 0)
            else:
                kind, pick, wanted, _ = step
                amount_text = (
                    "" if wanted is None else plain_cents(refund_cents(wanted, target_left))
                )
                entry = Entry.VOID if kind == "void" else Entry.REFUND
                taken = take_back(clinic, receipts[pick % len(receipts)], entry, amount=amount_text)
            issued.append(taken.receipt_no)
        except InvalidInput:
            assert not accepted, f"refused, but the model accepts {step}"
            assert (model.cash, model.checks, model.check_cents, model.card) == before
        else:
            assert accepted, f"accepted, but the model refuses {step}"
        exp = expected_of(clinic, drawer_id)
        assert (exp.cash_cents, exp.check_count, exp.check_cents, exp.card_cents) == (
            model.cash,
            model.checks,
            model.check_cents,
            model.card,
        ), step
    # Gap-free: accepted steps got consecutive numbers, refused ones none.
    assert issued == list(range(issued[0], issued[0] + len(issued))) if issued else True
    # A blind count of exactly the model's figures settles the drawer.
    result = count_drawer(
        clinic.engine,
        drawer_id,
        BlindCount(
            cash=cash_in_bills(model.cash),
            check_count=model.checks,
            check_total=model.check_cents,
            card_total=model.card,
        ),
        by=clinic.desk,
    )
    assert result.accepted, result
    assert result.largest_variance == 0
    assert count(clinic.engine, DrawerCount) >= 1
