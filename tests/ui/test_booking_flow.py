"""Booking from the schedule, by the keys a clerk presses; the database checked after.

The clinic fixture: Tue 24 Nov 2026 10:00, two providers (Okafor, Patel) working
08:00-17:00, visit types Follow-up (15 min) and New patient (40 min).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from frontdesk.data.booking import BookingRequest, book
from frontdesk.data.db import read_session
from frontdesk.data.models import Appointment, WaitlistEntry
from frontdesk.data.waitlist import WaitRequest, add_entry
from frontdesk.dialogs.booked import BookedDialog
from frontdesk.screens.booking import BookingScreen
from frontdesk.screens.schedule import ScheduleScreen
from frontdesk.screens.waitlist_offer import WaitlistOffer
from tests.conftest import TODAY, ZONE, Clinic
from tests.ui.conftest import make_app, screen_text, settle, sign_in

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _appointments(clinic: Clinic) -> list[Appointment]:
    with read_session(clinic.engine) as session:
        rows = list(session.exec(select(Appointment).order_by(col(Appointment.id))).all())
        for row in rows:
            session.expunge(row)
        return rows


def _local(appt: Appointment) -> datetime:
    return appt.start_at.astimezone(ZONE)


async def test_booking_an_established_patient_into_the_first_opening(clinic: Clinic) -> None:
    patient = clinic.add_patient("Smith", "Jo")
    clinic.book(patient, 9, day=TODAY - timedelta(days=30))  # their last visit: a follow-up
    clinic.book(clinic.add_patient("Busy", "Bee"), 10, 0)  # Okafor at 10:00 is taken
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        keys = ["a", "enter", "enter", "enter"]  # book, pick, first opening, done
        await pilot.press(keys[0], *"smith", keys[1])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookingScreen)
        assert "Follow-up" in screen_text(app)  # the last visit's type, chosen already
        first = screen.selected()
        assert first is not None
        await pilot.press(keys[2])
        await settle(pilot)
        assert isinstance(app.screen, BookedDialog)
        assert "APPOINTMENT" in screen_text(app)
        await pilot.press(keys[3])
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "Booked: Smith, Jo" in screen_text(app)
    assert len(keys) <= 8
    booked = _appointments(clinic)[-1]
    assert (booked.patient_id, booked.type_id, booked.status) == (patient, clinic.type_id, "BOOKED")
    assert _local(booked) == first.start
    assert booked.provider_id == first.provider_id
    # the first opening is the soonest free start at or after now: 10:00 with Patel
    assert (first.start, first.provider) == (datetime(2026, 11, 24, 10, 0, tzinfo=ZONE), "Patel")


async def test_a_slot_taken_meanwhile_is_refused_and_fresh_openings_shown(clinic: Clinic) -> None:
    patient = clinic.add_patient("Smith", "Jo")
    other = clinic.add_patient("Quick", "Other")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        app.push_screen(BookingScreen(patient))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookingScreen)
        first = screen.selected()
        assert first is not None
        book(  # another terminal books it first
            clinic.engine,
            BookingRequest(other, first.provider_id, clinic.type_id, first.start),
            staff=clinic.desk2,
        )
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "Just taken on another terminal" in screen_text(app)
        fresh = screen.selected()
        assert fresh is not None
        assert (fresh.start, fresh.provider_id) != (first.start, first.provider_id)
    assert [a.patient_id for a in _appointments(clinic)] == [other]


async def test_moving_a_visit_keeps_its_history(clinic: Clinic) -> None:
    patient = clinic.add_patient("Smith", "Jo")
    old = clinic.book(patient, 15, 0)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        table = app.screen.query_one("ScheduleTable")
        keys = app.screen._keys  # type: ignore[attr-defined]
        table.move_cursor(row=keys.index(str(old)))  # type: ignore[attr-defined]
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert "Move Tue 24 Nov 15:00 Follow-up" in screen_text(app)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert "Moved: Smith, Jo" in screen_text(app)
    before, after = _appointments(clinic)
    assert (before.id, before.status, before.cancel_reason) == (
        old,
        "CANCELLED",
        "Patient rescheduled",
    )
    assert (after.rescheduled_from, after.status) == (old, "BOOKED")


async def test_a_cancellation_offers_the_slot_to_the_wait_list(clinic: Clinic) -> None:
    holder = clinic.add_patient("Holder", "Ann")
    waiter = clinic.add_patient("Waiter", "Will")
    slot = clinic.book(holder, 14, 0)
    entry = add_entry(clinic.engine, WaitRequest(waiter, clinic.type_id), staff=clinic.desk)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        table = app.screen.query_one("ScheduleTable")
        keys = app.screen._keys  # type: ignore[attr-defined]
        table.move_cursor(row=keys.index(str(slot)))  # type: ignore[attr-defined]
        await pilot.press("x", "1")  # cancel: "Patient cancelled"
        await settle(pilot)
        assert isinstance(app.screen, WaitlistOffer)
        assert "Waiter, Will" in screen_text(app)
        await pilot.press("enter")  # book them
        await settle(pilot)
        await pilot.press("enter")  # the slip: done
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "Booked from the wait list: Waiter, Will" in screen_text(app)
    rows = _appointments(clinic)
    assert rows[0].status == "CANCELLED"
    assert (rows[1].patient_id, rows[1].start_at) == (waiter, rows[0].start_at)
    with read_session(clinic.engine) as session:
        row = session.get(WaitlistEntry, entry)
        assert row is not None
        assert (row.status, row.appointment_id) == ("booked", rows[1].id)


async def test_batch_confirm_of_marked_rows(clinic: Clinic) -> None:
    first = clinic.book(clinic.add_patient("One", "A"), 14, 0)
    second = clinic.book(clinic.add_patient("Two", "B"), 14, 15)
    third = clinic.book(clinic.add_patient("Three", "C"), 14, 30)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        table = app.screen.query_one("ScheduleTable")
        keys = app.screen._keys  # type: ignore[attr-defined]
        table.move_cursor(row=keys.index(str(first)))  # type: ignore[attr-defined]
        await pilot.press("space", "space")  # marks 14:00 and 14:15
        await settle(pilot)
        assert "2 marked" in screen_text(app)
        assert "■14:00" in screen_text(app)
        await pilot.press("C")
        await settle(pilot)
        assert "Confirmed 2" in screen_text(app)
        assert "■" not in screen_text(app)
    confirmed = {a.id: a.confirmed_by for a in _appointments(clinic)}
    assert confirmed == {first: clinic.desk.id, second: clinic.desk.id, third: None}


async def test_the_wait_list_form_keeps_what_was_typed_on_a_refusal(clinic: Clinic) -> None:
    patient = clinic.add_patient("Smith", "Jo")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        app.push_screen(BookingScreen(patient))
        await settle(pilot)
        await pilot.press("w", *"mon funday", "tab", *"9")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert '"funday" is not a day' in text
        assert "mon funday" in text
        field: Any = app.screen.query_one("#wl-days")
        field.value = "mon wed"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert "On the wait list" in screen_text(app)
    with read_session(clinic.engine) as session:
        (entry,) = session.exec(select(WaitlistEntry)).all()
    assert (entry.patient_id, entry.weekdays, entry.earliest_minute) == (patient, "02", 540)


def test_booking_screen_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    patient = clinic.add_patient("Núñez", "María")
    clinic.book(clinic.add_patient("Busy", "Bee"), 10, 0)

    async def run_before(pilot: Any) -> None:
        await sign_in(pilot)
        pilot.app.push_screen(BookingScreen(patient))
        await settle(pilot)

    assert snap_compare(make_app(clinic), terminal_size=(80, 24), run_before=run_before)


async def test_booking_at_a_typed_time_keeps_the_text_on_a_refusal(clinic: Clinic) -> None:
    patient = clinic.add_patient("Smith", "Jo")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        app.push_screen(BookingScreen(patient))
        await settle(pilot)
        await pilot.press("t", *"tomorrow 6:00", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Nobody is free then" in text
        assert "Outside Okafor's hours" in text
        assert "tomorrow 6:00" in text  # still typed
        field: Any = app.screen.query_one("#note-input")
        field.value = "tomorrow 14:45"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookedDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    (booked,) = _appointments(clinic)
    assert _local(booked) == datetime(2026, 11, 25, 14, 45, tzinfo=ZONE)
