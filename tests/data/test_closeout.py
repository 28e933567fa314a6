"""Close of day: blockers, the report, the lock, reopening, corrections after close."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import text

from frontdesk import clock
from frontdesk.data.appointments import change_status
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.closeout import close_day, reopen_day, status_of, stored_report
from frontdesk.data.db import read_session, write_session
from frontdesk.data.drawer import BlindCount, count_drawer, open_drawer
from frontdesk.data.errors import DayBlocked, DayClosed, InvalidInput, PermissionDenied
from frontdesk.data.models import Entry, PaymentKind, Role, Status, Tender
from frontdesk.data.payments import PaymentRequest, take_payment
from frontdesk.data.reversals import ReversalRequest, reverse
from frontdesk.data.staff import StaffMember, create_staff
from tests.conftest import PASSWORD, TODAY, Clinic

pytestmark = pytest.mark.usefixtures("fast_hashing")

FLOAT = {2000: "5"}  # $100


def _second_supervisor(clinic: Clinic) -> StaffMember:
    with write_session(clinic.engine) as session:
        return create_staff(
            session, username="kim", password=PASSWORD, display_name="Kim", role=Role.SUPERVISOR
        )


def _finished_day(clinic: Clinic) -> dict[str, int]:
    """Three visits (seen, no-show, cancelled), cash and card payments, one void, counted."""
    a = clinic.add_patient("Alvarez", "Rosa")
    b = clinic.add_patient("Chen", "Wei")
    c = clinic.add_patient("Ng", "Ada")
    seen = clinic.book(a, 9, copay_due_cents=2500)
    missed = clinic.book(b, 9, 15)
    cancelled = clinic.book(c, 9, 30)
    clock.set_now(clock.now().replace(hour=14, minute=50))  # 08:50 Chicago
    check_in(clinic.engine, CheckInRequest(patient_id=a, appointment_id=seen), staff=clinic.desk)
    clock.advance(timedelta(minutes=12))
    change_status(clinic.engine, seen, Status.IN_ROOM, staff=clinic.desk)
    clock.set_now(clock.now().replace(hour=16))  # 10:00
    change_status(clinic.engine, seen, Status.DONE, staff=clinic.desk)
    change_status(clinic.engine, missed, Status.NO_SHOW, staff=clinic.desk)
    change_status(clinic.engine, cancelled, Status.CANCELLED, staff=clinic.desk, reason="sick")
    drawer = open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    take_payment(
        clinic.engine,
        PaymentRequest(patient_id=a, appointment_id=seen, amount="25", tendered="30"),
        staff=clinic.desk,
    )
    card = take_payment(
        clinic.engine,
        PaymentRequest(
            patient_id=b,
            amount="40",
            kind=PaymentKind.OTHER,
            tender=Tender.CARD,
            card_last4="4242",
            card_auth="7731",
        ),
        staff=clinic.desk,
    )
    twice = take_payment(
        clinic.engine,
        PaymentRequest(patient_id=c, amount="10", kind=PaymentKind.OTHER),
        staff=clinic.desk,
    )
    reverse(
        clinic.engine,
        ReversalRequest(
            receipt_no=twice.receipt_no,
            entry=Entry.VOID,
            reason="taken twice",
            supervisor="sam",
            password=PASSWORD,
        ),
        requester=clinic.desk,
    )
    return {"drawer": drawer.id, "seen": seen, "card": card.receipt_no, "patient": a}


def _count(clinic: Clinic, drawer_id: int, cash: dict[int, str], card: str = "40.00") -> None:
    count_drawer(
        clinic.engine,
        drawer_id,
        BlindCount(cash=cash, card_total=card),
        by=clinic.supervisor,
    )


def test_open_visits_and_uncounted_drawers_block_the_close(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    clinic.book(patient, 11)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    status = status_of(clinic.engine, TODAY)
    assert [b.kind for b in status.blockers] == ["visit", "drawer"]
    assert "11:00 Smith, Jo with Okafor is still BOOKED" in status.blockers[0].text
    with pytest.raises(DayBlocked) as caught:
        close_day(clinic.engine, TODAY, by=clinic.supervisor)
    assert len(caught.value.blockers) == 2
    assert stored_report(clinic.engine, TODAY) is None


def test_only_a_supervisor_closes(clinic: Clinic) -> None:
    with pytest.raises(PermissionDenied):
        close_day(clinic.engine, TODAY, by=clinic.desk)


def test_report_figures_come_from_the_day(clinic: Clinic) -> None:
    ids = _finished_day(clinic)
    _count(clinic, ids["drawer"], {2000: "6", 500: "1"})  # $125 = 100 float + 25 cash
    closed = close_day(clinic.engine, TODAY, by=clinic.supervisor)
    report = closed.report
    assert not closed.already_closed
    money = report["money"]
    assert money["payments"] == 3
    assert money["taken_cents"] == 2500 + 4000 + 1000
    assert money["reversed_cents"] == 1000
    assert money["net_cents"] == 6500
    by_tender = {line["name"]: line["net_cents"] for line in money["by_tender"]}
    assert by_tender == {"card": 4000, "cash": 2500}
    assert {line["name"]: line["net_cents"] for line in money["by_clerk"]} == {"ana": 6500}
    (void,) = report["reversals"]
    assert (void["entry"], void["approved_by"], void["requested_by"]) == ("void", "sam", "ana")
    (drawer,) = report["drawers"]
    assert drawer["cash_expected_cents"] == 12500
    assert drawer["cash_variance_cents"] == 0
    visits = report["visits"]
    assert (visits["seen"], visits["no_shows"], visits["cancelled"]) == (1, 1, 1)
    assert visits["no_show_rate_percent"] == 50.0
    assert report["waits"]["median_minutes"] == 12.0
    assert report["forced"] is False


def test_short_drawer_needs_a_reason_before_the_day_closes(clinic: Clinic) -> None:
    ids = _finished_day(clinic)
    _count(clinic, ids["drawer"], {2000: "6"})  # $5 short
    status = status_of(clinic.engine, TODAY)
    assert any("recount or give a reason" in b.text for b in status.blockers)
    count_drawer(
        clinic.engine,
        ids["drawer"],
        BlindCount(cash={2000: "6"}, card_total="40", reason="gave $5 too much change"),
        by=clinic.supervisor,
    )
    report = close_day(clinic.engine, TODAY, by=clinic.supervisor).report
    assert report["drawers"][0]["cash_variance_cents"] == -500
    assert report["drawers"][0]["count_attempts"] == 2


def test_closing_twice_returns_the_stored_report_unchanged(clinic: Clinic) -> None:
    first = close_day(clinic.engine, TODAY, by=clinic.supervisor)
    clock.advance(timedelta(hours=1))
    again = close_day(clinic.engine, TODAY, by=clinic.supervisor)
    assert again.already_closed
    assert again.report == first.report


def test_force_closes_with_a_reason_and_is_audited(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    clinic.book(patient, 11)
    with pytest.raises(InvalidInput):
        close_day(clinic.engine, TODAY, by=clinic.supervisor, force_reason="  ")
    report = close_day(
        clinic.engine, TODAY, by=clinic.supervisor, force_reason="power cut, Dr out"
    ).report
    assert report["forced"] is True
    assert report["overridden"] == ["11:00 Smith, Jo with Okafor is still BOOKED"]
    with read_session(clinic.engine) as session:
        detail = session.execute(
            text("SELECT detail FROM audit_event WHERE action = 'day.closed'")
        ).scalar()
    assert "power cut" in str(detail)


def test_a_closed_day_refuses_raw_sql_changes(clinic: Clinic) -> None:
    ids = _finished_day(clinic)
    _count(clinic, ids["drawer"], {2000: "6", 500: "1"})
    close_day(clinic.engine, TODAY, by=clinic.supervisor)
    raw = sqlite3.connect(clinic.engine.url.database or "")
    statements = [
        f"UPDATE appointment SET status = 'BOOKED' WHERE id = {ids['seen']}",
        f"DELETE FROM appointment WHERE id = {ids['seen']}",
        "INSERT INTO appointment_event (appointment_id, from_status, to_status, at, reason) "
        f"VALUES ({ids['seen']}, 'DONE', 'BOOKED', '2026-11-24 20:00:00.000000', '')",
        "INSERT INTO billing_flag (patient_id, business_date, at, staff_id, note) "
        f"VALUES ({ids['patient']}, '2026-11-24', '2026-11-24 20:00:00.000000', 1, 'x')",
        "INSERT INTO drawer_session (staff_id, business_date, opened_at, float_cents, "
        "float_counts) VALUES (2, '2026-11-24', '2026-11-24 20:00:00.000000', 0, '{}')",
    ]
    for sql in statements:
        with pytest.raises(sqlite3.IntegrityError, match="closed"):
            raw.execute(sql)
    raw.close()
    with pytest.raises(DayClosed):
        change_status(clinic.engine, ids["seen"], Status.IN_ROOM, staff=clinic.desk)


def test_correction_after_close_is_a_refund_on_the_open_day(clinic: Clinic) -> None:
    ids = _finished_day(clinic)
    _count(clinic, ids["drawer"], {2000: "6", 500: "1"})
    close_day(clinic.engine, TODAY, by=clinic.supervisor)
    clock.advance(timedelta(days=1))
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    with pytest.raises(InvalidInput, match="refund"):
        reverse(
            clinic.engine,
            ReversalRequest(ids["card"], Entry.VOID, "wrong card", "sam", PASSWORD),
            requester=clinic.desk,
        )
    refund = reverse(
        clinic.engine,
        ReversalRequest(ids["card"], Entry.REFUND, "charged twice", "sam", PASSWORD, "15"),
        requester=clinic.desk,
    )
    assert "of 24 Nov 2026" in refund.receipt_text
    tomorrow = TODAY + timedelta(days=1)
    with read_session(clinic.engine) as session:
        day = session.execute(
            text("SELECT business_date FROM payment WHERE receipt_no = :n"),
            {"n": refund.receipt_no},
        ).scalar()
    assert str(day) == tomorrow.isoformat()
    # the closed day's stored report did not move
    report = stored_report(clinic.engine, TODAY)
    assert report is not None
    assert report["money"]["net_cents"] == 6500


def test_reopen_needs_another_supervisor(clinic: Clinic) -> None:
    close_day(clinic.engine, TODAY, by=clinic.supervisor)
    with pytest.raises(PermissionDenied):
        reopen_day(clinic.engine, TODAY, by=clinic.supervisor, reason="late payment")
    kim = _second_supervisor(clinic)
    reopen_day(clinic.engine, TODAY, by=kim, reason="late payment found")
    assert stored_report(clinic.engine, TODAY) is None
    patient = clinic.add_patient()
    clinic.book(patient, 16)  # the day takes changes again
    with pytest.raises(InvalidInput, match="not closed"):
        reopen_day(clinic.engine, TODAY, by=kim, reason="again")


def test_a_future_day_cannot_close(clinic: Clinic) -> None:
    with pytest.raises(InvalidInput, match="has not happened"):
        close_day(clinic.engine, TODAY + timedelta(days=1), by=clinic.supervisor)


def test_a_drawer_left_open_by_a_forced_close_can_be_counted_the_next_day(
    clinic: Clinic,
) -> None:
    drawer = open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    close_day(clinic.engine, TODAY, by=clinic.supervisor, force_reason="drawer key lost")
    clock.advance(timedelta(days=1))
    tomorrow = TODAY + timedelta(days=1)
    assert [b.kind for b in status_of(clinic.engine, tomorrow).blockers] == ["drawer"]
    count_drawer(clinic.engine, drawer.id, BlindCount(cash=FLOAT), by=clinic.supervisor)
    assert status_of(clinic.engine, tomorrow).blockers == ()
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)  # the clerk can start again


def test_overdue_callbacks_warn_and_open_ones_are_handed_off(clinic: Clinic) -> None:
    from frontdesk.data.callbacks import NewCallback, add_callback

    add_callback(
        clinic.engine,
        NewCallback(reason="billing", caller_name="Rosa Alvarez", phone="312 555 0100"),
        staff=clinic.desk,
    )
    add_callback(
        clinic.engine,
        NewCallback(
            reason="clinical",
            caller_name="Wei Chen",
            phone="312 555 0101",
            due=clock.now() - timedelta(minutes=5),
        ),
        staff=clinic.desk,
    )
    assert any(
        "1 of 2 open callbacks are overdue" in w for w in status_of(clinic.engine, TODAY).warnings
    )
    report = close_day(clinic.engine, TODAY, by=clinic.supervisor).report
    handed = [(h["owner"], h["who"], h["overdue"]) for h in report["handoff"]]
    assert handed == [("desk", "Rosa Alvarez", False), ("nurse", "Wei Chen", True)]


def test_complaints_closed_on_the_day_report_their_resolution_time(clinic: Clinic) -> None:
    from frontdesk.data.callbacks import NewCallback, add_callback, close_callback

    added = add_callback(
        clinic.engine,
        NewCallback(reason="complaint", caller_name="Rosa Alvarez", phone="312 555 0100"),
        staff=clinic.desk,
    )
    clock.advance(timedelta(minutes=95))
    close_callback(clinic.engine, added.callback_id, "resolved", staff=clinic.supervisor)
    report = close_day(clinic.engine, TODAY, by=clinic.supervisor).report
    assert report["complaints"] == [
        {
            "who": "Rosa Alvarez",
            "outcome": "resolved",
            "opened": "2026-11-24T10:00-06:00",
            "minutes_to_resolve": 95,
        }
    ]
