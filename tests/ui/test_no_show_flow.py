"""No-show review, by the keys a clerk presses; the database checked after."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot

from frontdesk import clock
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.db import read_session
from frontdesk.data.delays import set_delay
from frontdesk.data.models import Appointment, AppointmentEvent, Callback
from frontdesk.screens.no_show_review import NoShowReviewScreen
from frontdesk.screens.schedule import ScheduleScreen
from tests.conftest import Clinic
from tests.data.helpers import count, fetch
from tests.ui.conftest import make_app, screen_text, settle, sign_in
from tests.ui.test_idle import _live_timers

pytestmark = pytest.mark.usefixtures("fast_hashing")


async def _open(pilot: Pilot[Any]) -> NoShowReviewScreen:
    await sign_in(pilot)
    screen = NoShowReviewScreen()
    pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def _statuses(clinic: Clinic, *ids: int) -> list[str]:
    return [fetch(clinic.engine, Appointment, i).status for i in ids]


def _rebook_causes(clinic: Clinic) -> list[str]:
    with read_session(clinic.engine) as session:
        rows = session.exec(select(Callback).order_by(col(Callback.id))).all()
        return [f"{row.reason} {row.cause}" for row in rows]


async def test_mark_two_and_confirm_them_in_one_key(clinic: Clinic) -> None:
    lee = clinic.book(clinic.add_patient("Lee", "Min"), 9, 0)
    kept = clinic.book(clinic.add_patient("Stay", "Stu"), 9, 15)
    nunez = clinic.book(clinic.add_patient("Núñez", "María"), 9, 30)
    clinic.book(clinic.add_patient("Soon", "Sue"), 9, 50)  # within the grace: not listed
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        text = screen_text(app)
        assert "3 past the no-show time · 0 marked" in text
        assert "Soon, Sue" not in text
        assert [s.appointment_id for s in screen.items] == [lee, kept, nunez]
        assert screen.marked == set()  # nothing marked until the clerk says so
        await pilot.press("enter")  # nothing marked: refused, nothing saved
        await settle(pilot)
        assert "! Mark someone first" in screen_text(app)
        await pilot.press("space", "down", "space")  # Space moves down after marking
        await settle(pilot)
        assert screen.marked == {lee, nunez}
        assert "[x]  09:00" in screen_text(app)
        assert "[ ]  09:15" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "2 marked NO-SHOW, rebook calls made" in text
        assert "1 past the no-show time · 0 marked" in text
        assert [s.appointment_id for s in screen.items] == [kept]
        assert _live_timers(app) == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert _statuses(clinic, lee, kept, nunez) == ["NO-SHOW", "BOOKED", "NO-SHOW"]
    assert _rebook_causes(clinic) == [f"rebook no-show:{lee}", f"rebook no-show:{nunez}"]
    assert count(clinic.engine, AppointmentEvent) == 2


async def test_a_patient_who_arrived_meanwhile_is_named_and_left_alone(clinic: Clinic) -> None:
    here = clinic.add_patient("Here", "Hal")
    arrived = clinic.book(here, 9, 0)
    gone = clinic.book(clinic.add_patient("Lee", "Min"), 9, 10)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await pilot.press("a")  # all marked
        await settle(pilot)
        assert screen.marked == {arrived, gone}
        # another terminal checks Hal in before this clerk confirms
        request = CheckInRequest(patient_id=here, appointment_id=arrived, identity_verified=True)
        check_in(clinic.engine, request, staff=clinic.desk2)
        await pilot.press("n")
        await settle(pilot)
        text = screen_text(app)
        assert "! 1 marked NO-SHOW, rebook calls made · not marked: Here, Hal (Now ARRIVED)" in text
        assert "No one is past the no-show time" in text
    assert _statuses(clinic, arrived, gone) == ["ARRIVED", "NO-SHOW"]
    assert _rebook_causes(clinic) == [f"rebook no-show:{gone}"]


async def test_a_late_provider_holds_back_and_a_toggles(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Lee", "Min"), 9, 30)
    patel = clinic.book(clinic.add_patient("Other", "Ola"), 9, 30, provider_id=clinic.provider2_id)
    set_delay(clinic.engine, clinic.provider_id, 20, staff=clinic.desk)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert [s.appointment_id for s in screen.items] == [patel]
        assert "Lee, Min" not in screen_text(app)
        await pilot.press("a", "a")  # all, then none
        await settle(pilot)
        assert screen.marked == set()
        await pilot.press("escape")
        await settle(pilot)
    assert _statuses(clinic, patel) == ["BOOKED"]
    assert count(clinic.engine, Callback) == 0


async def test_a_refresh_keeps_the_marks_and_adds_who_is_now_late(clinic: Clinic) -> None:
    lee = clinic.book(clinic.add_patient("Lee", "Min"), 9, 0)
    soon = clinic.book(clinic.add_patient("Soon", "Sue"), 9, 50)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await pilot.press("space")
        await settle(pilot)
        clock.advance(timedelta(minutes=1))  # the same list, a minute later: cells in place
        await pilot.press("f5")
        await settle(pilot)
        assert "[x]  09:00  61m" in screen_text(app)
        clock.advance(timedelta(minutes=5))  # 10:06: Sue is past 09:50 + 15 now
        await pilot.press("f5")
        await settle(pilot)
        assert [s.appointment_id for s in screen.items] == [lee, soon]
        assert screen.marked == {lee}
        text = screen_text(app)
        assert "[x]  09:00  66m" in text
        assert "[ ]  09:50  16m" in text
        assert "2 past the no-show time · 1 marked" in text


async def test_an_empty_review_says_so(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Soon", "Sue"), 10, 30)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert screen.items == []
        assert "No one is past the no-show time" in screen_text(app)
        await pilot.press("space", "a", "enter")
        await settle(pilot)
        assert screen.marked == set()
    assert count(clinic.engine, AppointmentEvent) == 0


def test_no_show_review_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """Three past the no-show time, two marked; Patel runs 10 min late, so his 09:40 waits."""
    clinic.book(clinic.add_patient("Lee", "Min"), 9, 0)
    clinic.book(
        clinic.add_patient("[red]Brooks[/]", "Dana"), 9, 15, provider_id=clinic.provider2_id
    )
    clinic.book(clinic.add_patient("Núñez", "María"), 9, 30)
    clinic.book(clinic.add_patient("Held", "Hana"), 9, 40, provider_id=clinic.provider2_id)
    set_delay(clinic.engine, clinic.provider2_id, 10, staff=clinic.desk)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot)
        await pilot.press("space", "down", "space")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
