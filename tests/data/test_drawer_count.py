"""What a drawer should hold, and the blind count that settles it."""

from __future__ import annotations

import sqlite3
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
    uncounted,
)
from frontdesk.data.errors import InvalidInput, NotFound, PermissionDenied
from frontdesk.data.models import DrawerCount, Entry, PaymentKind, Tender
from frontdesk.data.payments import PaymentRequest, take_payment
from frontdesk.money import plain_cents
from tests.conftest import NOW, TODAY, Clinic
from tests.data.helpers import audit_events, count, detail
from tests.data.money_helpers import pay, take_back

pytestmark = pytest.mark.usefixtures("fast_hashing")

FLOAT = {2000: "5", 1000: "5", 500: "4", 100: "10"}  # $180.00
FLOAT_CENTS = 18000


def expected_of(clinic: Clinic, drawer_id: int) -> Expected:
    with read_session(clinic.engine) as session:
        return expected(session, drawer_id)


def cash_in_bills(cents: int) -> dict[int, int]:
    """A denomination count worth exactly ``cents`` ($20s, then $1s, then pennies)."""
    twenties, rest = divmod(cents, 2000)
    ones, pennies = divmod(rest, 100)
    return {2000: twenties, 100: ones, 1: pennies}


@pytest.fixture
def patient(clinic: Clinic) -> int:
    return clinic.add_patient()


@pytest.fixture
def drawer_id(clinic: Clinic) -> int:
    return open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT).id


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


# --- blind counts --------------------------------------------------------------------------


@pytest.fixture
def busy_drawer(clinic: Clinic, patient: int, drawer_id: int) -> int:
    """$180 float + $25 cash; two checks ($40 + $45); card $60."""
    pay(clinic, patient, "25", tendered="40")
    pay(clinic, patient, "40.00", tender=Tender.CHECK)
    pay(clinic, patient, "45.00", tender=Tender.CHECK)
    pay(clinic, patient, "60.00", tender=Tender.CARD)
    return drawer_id


def blind(cash_cents: int, **kw: Any) -> BlindCount:
    values: dict[str, Any] = {"check_count": "2", "check_total": "85.00", "card_total": "60.00"}
    values.update(kw)
    return BlindCount(cash=cash_in_bills(cash_cents), **values)


def test_an_exact_count_is_accepted_and_settles_the_drawer(
    clinic: Clinic, busy_drawer: int
) -> None:
    result = count_drawer(clinic.engine, busy_drawer, blind(20500), by=clinic.desk)
    assert result.accepted
    assert (result.cash_variance, result.check_variance, result.card_variance) == (0, 0, 0)
    assert my_drawer(clinic.engine, clinic.desk.id) is None
    assert uncounted(clinic.engine, TODAY) == []
    (event,) = audit_events(clinic.engine, "drawer.counted")
    assert detail(event)["accepted"] is True
    assert detail(event)["cash_expected"] == 20500


@pytest.mark.parametrize(
    ("cash", "checks", "card"),
    [
        (20500 + 100, "85.00", "60.00"),  # $1.00 over: at the tolerance
        (20500 - 100, "85.00", "60.00"),
        (20500, "84.00", "60.00"),
        (20500, "85.00", "61.00"),
    ],
    ids=["cash-over", "cash-short", "checks-short", "card-over"],
)
def test_a_difference_within_tolerance_is_accepted(
    clinic: Clinic, busy_drawer: int, cash: int, checks: str, card: str
) -> None:
    result = count_drawer(
        clinic.engine,
        busy_drawer,
        blind(cash, check_total=checks, card_total=card),
        by=clinic.desk,
    )
    assert result.accepted
    assert result.largest_variance == 100
    assert my_drawer(clinic.engine, clinic.desk.id) is None


@pytest.mark.parametrize(
    "count",
    [
        blind(20500 + 101),
        blind(20500 - 101),
        blind(20500, check_total="83.99"),
        blind(20500, card_total="61.01"),
        blind(20500, check_count="1"),  # right total, a check missing from the count
        blind(20500, check_count="3"),
    ],
    ids=["cash-over", "cash-short", "checks-short", "card-over", "one-check", "three-checks"],
)
def test_over_tolerance_without_a_reason_is_stored_but_leaves_the_drawer_open(
    clinic: Clinic, busy_drawer: int, count: BlindCount
) -> None:
    result = count_drawer(clinic.engine, busy_drawer, count, by=clinic.desk)
    assert not result.accepted
    assert count_rows(clinic) == [(busy_drawer, 0)]  # stored, not accepted
    still = my_drawer(clinic.engine, clinic.desk.id)
    assert still is not None
    assert still.id == busy_drawer
    assert [d.id for d in uncounted(clinic.engine, TODAY)] == [busy_drawer]
    with pytest.raises(InvalidInput, match="already have drawer"):
        open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)


def test_over_tolerance_with_a_reason_is_accepted(clinic: Clinic, busy_drawer: int) -> None:
    first = count_drawer(clinic.engine, busy_drawer, blind(20000), by=clinic.desk)
    assert not first.accepted
    assert first.cash_variance == -500
    second = count_drawer(
        clinic.engine,
        busy_drawer,
        blind(20000, reason="Gave $5 too much change to a patient"),
        by=clinic.desk,
    )
    assert second.accepted
    assert second.reason == "Gave $5 too much change to a patient"
    assert second.cash_variance == -500
    assert count_rows(clinic) == [(busy_drawer, 0), (busy_drawer, 1)]
    assert my_drawer(clinic.engine, clinic.desk.id) is None


def test_a_recount_that_matches_is_accepted(clinic: Clinic, busy_drawer: int) -> None:
    first = count_drawer(clinic.engine, busy_drawer, blind(19500), by=clinic.desk)
    assert not first.accepted
    recount = count_drawer(clinic.engine, busy_drawer, blind(20500), by=clinic.desk)
    assert recount.accepted
    assert recount.count_id != first.count_id
    assert count_rows(clinic) == [(busy_drawer, 0), (busy_drawer, 1)]
    with pytest.raises(InvalidInput, match="already counted"):
        count_drawer(clinic.engine, busy_drawer, blind(20500), by=clinic.desk)
    assert len(count_rows(clinic)) == 2


def test_a_blank_reason_is_no_reason(clinic: Clinic, busy_drawer: int) -> None:
    result = count_drawer(clinic.engine, busy_drawer, blind(19500, reason="   "), by=clinic.desk)
    assert not result.accepted


@pytest.mark.parametrize("typed", ["-1", "2.5", "x", "3a", "1e3", "²", " - 4"])
def test_bad_denomination_counts_are_refused_at_the_field(
    clinic: Clinic, busy_drawer: int, typed: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        count_drawer(
            clinic.engine,
            busy_drawer,
            BlindCount(cash={2000: "10", 500: typed}),
            by=clinic.desk,
        )
    assert caught.value.field == "count-500"
    assert ("cannot be negative" in caught.value.message) == typed.strip().startswith("-")
    assert count_rows(clinic) == []


@pytest.mark.parametrize(
    ("count", "field_name"),
    [
        (BlindCount(cash={}, check_count="-1"), "check-count"),
        (BlindCount(cash={}, check_count="2.5"), "check-count"),
        (BlindCount(cash={}, check_count="two"), "check-count"),
        (BlindCount(cash={}, check_count="2", check_total="-5"), "check-total"),
        (BlindCount(cash={}, check_count="2", check_total="12.345"), "check-total"),
        (BlindCount(cash={}, check_count="2", check_total="abc"), "check-total"),
        (BlindCount(cash={}, card_total="1e3"), "card-total"),
        (BlindCount(cash={}, card_total=-1), "card-total"),
        (BlindCount(cash={}, check_total="85.00"), "check-count"),  # a total of no checks
        (BlindCount(cash={-5: 1}), "counts"),
        (BlindCount(cash={200: 1}), "counts"),  # not one of the clinic's denominations
        (BlindCount(cash={100: "1000000"}), "count-100"),
        (BlindCount(cash={100: 100_001}), "count-100"),
    ],
)
def test_bad_check_and_card_figures_are_refused_at_the_field(
    clinic: Clinic, busy_drawer: int, count: BlindCount, field_name: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        count_drawer(clinic.engine, busy_drawer, count, by=clinic.desk)
    assert caught.value.field == field_name
    assert count_rows(clinic) == []


def test_only_the_clerk_or_a_supervisor_may_count(clinic: Clinic, busy_drawer: int) -> None:
    with pytest.raises(PermissionDenied):
        count_drawer(clinic.engine, busy_drawer, blind(20500), by=clinic.desk2)
    assert count_rows(clinic) == []
    result = count_drawer(clinic.engine, busy_drawer, blind(20500), by=clinic.supervisor)
    assert result.accepted
    with read_session(clinic.engine) as session:
        row = session.get(DrawerCount, result.count_id)
        assert row is not None
        assert row.counted_by == clinic.supervisor.id


def test_after_an_accepted_count_the_clerk_opens_a_new_drawer(
    clinic: Clinic, patient: int, busy_drawer: int
) -> None:
    with pytest.raises(InvalidInput, match="already have drawer"):
        open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    count_drawer(clinic.engine, busy_drawer, blind(20500), by=clinic.desk)
    with pytest.raises(InvalidInput) as caught:
        pay(clinic, patient, "5")  # no open drawer now
    assert caught.value.field == "drawer"
    fresh = open_drawer(clinic.engine, staff=clinic.desk, counts={2000: "2"})
    assert fresh.id != busy_drawer
    mine = my_drawer(clinic.engine, clinic.desk.id)
    assert mine is not None
    assert mine.id == fresh.id
    assert pay(clinic, patient, "5").drawer_id == fresh.id
    assert expected_of(clinic, fresh.id).cash_cents == 4000 + 500


@pytest.mark.usefixtures("drawer_id")
def test_the_database_refuses_a_second_open_drawer_for_a_clerk(clinic: Clinic) -> None:
    raw = sqlite3.connect(clinic.engine.url.database or "")
    insert = (
        "INSERT INTO drawer_session (staff_id, business_date, opened_at, float_cents, "
        "float_counts) VALUES (?, ?, '2026-11-24 16:00:00.000000', 0, '{}')"
    )
    try:
        with pytest.raises(sqlite3.IntegrityError, match="already has an open drawer"):
            raw.execute(insert, (clinic.desk.id, TODAY.isoformat()))
        raw.rollback()
        raw.execute(insert, (clinic.desk2.id, TODAY.isoformat()))  # another clerk may
        raw.commit()
    finally:
        raw.close()
    assert [r[0] for r in drawers(clinic)] == [clinic.desk.id, clinic.desk2.id]


def test_the_database_allows_a_new_drawer_once_the_old_one_is_accepted(
    clinic: Clinic, drawer_id: int
) -> None:
    count_drawer(
        clinic.engine,
        drawer_id,
        blind(FLOAT_CENTS, check_count="0", check_total="", card_total=""),
        by=clinic.desk,
    )
    raw = sqlite3.connect(clinic.engine.url.database or "")
    try:
        raw.execute(
            "INSERT INTO drawer_session (staff_id, business_date, opened_at, float_cents, "
            "float_counts) VALUES (?, ?, '2026-11-24 17:00:00.000000', 0, '{}')",
            (clinic.desk.id, TODAY.isoformat()),
        )
        raw.commit()
    finally:
        raw.close()
    assert [r[0] for r in drawers(clinic)] == [clinic.desk.id, clinic.desk.id]


def count_rows(clinic: Clinic) -> list[tuple[int, int]]:
    """(drawer, accepted) of every stored count, oldest first."""
    raw = sqlite3.connect(clinic.engine.url.database or "")
    try:
        return raw.execute("SELECT drawer_id, accepted FROM drawer_count ORDER BY id").fetchall()
    finally:
        raw.close()


def drawers(clinic: Clinic) -> list[tuple[int]]:
    raw = sqlite3.connect(clinic.engine.url.database or "")
    try:
        return raw.execute("SELECT staff_id FROM drawer_session ORDER BY id").fetchall()
    finally:
        raw.close()


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
