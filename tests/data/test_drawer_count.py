"""The blind count that settles a drawer, and the one open drawer per clerk."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from frontdesk.data.db import read_session
from frontdesk.data.drawer import BlindCount, count_drawer, my_drawer, open_drawer, uncounted
from frontdesk.data.errors import InvalidInput, PermissionDenied
from frontdesk.data.models import DrawerCount, Tender
from tests.conftest import TODAY, Clinic
from tests.data.conftest import FLOAT, FLOAT_CENTS
from tests.data.helpers import audit_events, detail
from tests.data.money_helpers import cash_in_bills, expected_of, pay

pytestmark = pytest.mark.usefixtures("fast_hashing")


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
