"""Close of day by keys: blockers, the blind count, the close and the force close.

The schedule's ``E`` key is someone else's; these tests sign in and push the
screen the way that key does, then press what a supervisor would press.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot

from frontdesk.app import FrontDeskApp
from frontdesk.data.db import read_session
from frontdesk.data.models import DayClose, DrawerCount
from frontdesk.screens.blind_count import BlindCountScreen
from frontdesk.screens.closeday import CloseDayScreen
from frontdesk.screens.schedule import ScheduleScreen
from frontdesk.widgets.fields import TextField
from tests.conftest import Clinic
from tests.data.test_closeout import _count, _finished_day
from tests.ui.conftest import make_app, screen_text, settle, sign_in

pytestmark = pytest.mark.usefixtures("fast_hashing")

DAY = "Tue 24 Nov 2026"
# From the $100 field down: $20 x 6 and $5 x 1 ($125, what _finished_day's drawer
# holds), nothing in checks, $40 of card slips (the Enter on that field submits).
ROUTINE_COUNT = (
    ["enter", "enter", "6", "enter", "enter", "1", "enter"]
    + ["enter"] * 5  # $1 25¢ 10¢ 5¢ 1¢
    + ["enter", "enter"]  # checks, check total
    + ["4", "0"]
)


async def _open(pilot: Pilot[Any], app: FrontDeskApp, user: str = "sam") -> CloseDayScreen:
    """Sign in and open the close of day as the schedule's ``E`` does."""
    await sign_in(pilot, user)
    assert isinstance(app.screen, ScheduleScreen)
    app.push_screen(CloseDayScreen())
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CloseDayScreen)
    return screen


def _counts(clinic: Clinic) -> list[DrawerCount]:
    with read_session(clinic.engine) as session:
        return list(session.exec(select(DrawerCount).order_by(col(DrawerCount.id))).all())


def _closes(clinic: Clinic) -> list[DayClose]:
    with read_session(clinic.engine) as session:
        return list(session.exec(select(DayClose)).all())


async def test_a_blocked_day_lists_each_blocker_and_does_not_close(clinic: Clinic) -> None:
    _finished_day(clinic)  # its drawer is not counted
    clinic.book(clinic.add_patient("Okafor", "Ben"), 11)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        text = screen_text(app)
        assert "2 things keep Tue 24 Nov 2026 open" in text
        assert "VISIT   11:00 Okafor, Ben with Okafor is still BOOKED" in text
        assert "DRAWER  Drawer 1 (ana): not counted" in text
        assert "Close and lock" not in text
        await pilot.press("up", "enter")  # the visit: finished on the schedule, not here
        await settle(pilot)
        assert app.screen is screen
        assert "Finish this visit on the schedule" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert _closes(clinic) == []


async def test_routine_close_by_keys_counts_blind_then_closes(clinic: Clinic) -> None:
    _finished_day(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("enter")  # the drawer is highlighted first
        await settle(pilot)
        assert isinstance(app.screen, BlindCountScreen)
        await pilot.press(*ROUTINE_COUNT)
        await settle(pilot)
        before = screen_text(app)
        assert "Cash counted $125.00" in before  # the counter's own figure
        assert "Expected" not in before
        assert "$40.00" not in before  # the card slips expected; typed as "40"
        assert _counts(clinic) == []

        await pilot.press("enter")  # on the last field: submit
        await settle(pilot)
        after = screen_text(app)
        assert "Expected" in after
        assert "SETTLED" in after
        assert "$40.00" in after
        (count,) = _counts(clinic)
        assert count.accepted
        assert json.loads(count.counts) == {"2000": 6, "500": 1}
        assert (count.cash_counted_cents, count.cash_expected_cents) == (12500, 12500)
        assert (count.check_count_counted, count.check_counted_cents) == (0, 0)
        assert count.card_counted_cents == 4000
        assert count.counted_by == clinic.supervisor.id

        await pilot.press("enter")  # settled: go on
        await settle(pilot)
        assert isinstance(app.screen, CloseDayScreen)
        text = screen_text(app)
        assert "Nothing keeps Tue 24 Nov 2026 open" in text
        assert "PREVIEW: not closed" in text
        assert "Drawer 1 settled: cash even" in text

        await pilot.press("enter", "y")  # close and lock, yes
        await settle(pilot)
        text = screen_text(app)
        assert f"Closed {DAY}" in text
        assert "Close of day 2026-11-24   closed 24 Nov 10:02 by sam" in text
        assert "PREVIEW" not in text
    (close,) = _closes(clinic)
    assert close.closed_by == clinic.supervisor.id
    assert not close.forced


async def test_a_short_count_asks_for_a_reason_then_settles(clinic: Clinic) -> None:
    _finished_day(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("enter", "enter", "enter", "6", "ctrl+s")  # $20 x 6 only
        await settle(pilot)
        (first,) = _counts(clinic)
        assert not first.accepted
        text = screen_text(app)
        assert "DIFFERS" in text
        assert "-$5.00 SHORT" in text
        assert "$125.00" in text  # expected, shown now that the count is in
        screen = app.screen
        assert isinstance(screen, BlindCountScreen)
        assert screen.focused is screen.query_one("#reason", TextField)

        await pilot.press(*"gave $5 too much change", "enter")
        await settle(pilot)
        assert "SETTLED" in screen_text(app)
        first_again, second = _counts(clinic)
        assert first_again.id == first.id
        assert not first_again.accepted
        assert second.accepted
        assert second.reason == "gave $5 too much change"
        assert second.cash_counted_cents == 12000
        await pilot.press("enter")
        await settle(pilot)
        assert "Nothing keeps" in screen_text(app)


async def test_a_recount_after_a_difference_stores_a_new_count(clinic: Clinic) -> None:
    _finished_day(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("enter", "enter", "enter", "6", "ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+r")  # the $5 bill was under the tray
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BlindCountScreen)
        assert "Last count (kept)" in screen_text(app)
        screen.query_one("#count-500", TextField).focus()
        await pilot.press("1")
        screen.query_one("#card-total", TextField).focus()
        await pilot.press("4", "0", "enter")
        await settle(pilot)
        first, second = _counts(clinic)
        assert not first.accepted
        assert second.accepted
        assert second.reason == ""
        assert second.cash_counted_cents == 12500


async def test_a_bad_count_shows_at_its_field_and_stores_nothing(clinic: Clinic) -> None:
    _finished_day(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("enter", "enter", "enter", "-", "1", "enter", "2", ".", "5")
        await settle(pilot)  # leaving the $20 field already marks it
        assert "! a count cannot be negative" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BlindCountScreen)
        text = screen_text(app)
        assert "! a count cannot be negative" in text
        assert "! enter a whole number, like" in text
        assert "nothing stored yet" in text
        assert "Expected" not in text
        assert screen.focused is screen.query_one("#count-2000", TextField)
        assert screen.query_one("#count-2000", TextField).value == "-1"  # kept as typed
        assert screen.query_one("#count-1000", TextField).value == "2.5"
    assert _counts(clinic) == []


async def test_esc_with_figures_typed_asks_before_dropping_them(clinic: Clinic) -> None:
    _finished_day(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("enter", "enter", "enter", "6", "escape")
        await settle(pilot)
        assert "Leave without storing" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, BlindCountScreen)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert _counts(clinic) == []


async def test_force_close_needs_a_reason(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Okafor", "Ben"), 11)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("F", "enter")  # no reason yet
        await settle(pilot)
        assert "! Say why the day must close now" in screen_text(app)
        assert _closes(clinic) == []
        await pilot.press(*"power cut, [b]Dr[/b] out", "enter")
        await settle(pilot)
        assert "Force close Tue 24 Nov 2026 with 1 thing" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        text = screen_text(app)
        assert f"Closed {DAY} (forced)" in text
        assert "FORCED: power cut, [b]Dr[/b] out" in text  # as typed, never markup
        assert "left open: 11:00 Okafor, Ben with Okafor is still BOOKED" in text
    (close,) = _closes(clinic)
    assert close.forced
    assert close.reason == "power cut, [b]Dr[/b] out"


async def test_esc_leaves_the_force_reason_then_the_screen(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Okafor", "Ben"), 11)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("F", *"oops", "escape")
        await settle(pilot)
        assert isinstance(app.screen, CloseDayScreen)
        assert app.screen.step == "blockers"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert _closes(clinic) == []


async def test_a_closed_day_shows_its_stored_report(clinic: Clinic) -> None:
    ids = _finished_day(clinic)
    _count(clinic, ids["drawer"], {2000: "6", 500: "1"})
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("enter", "y")
        await settle(pilot)
        app.pop_screen()
        await settle(pilot)
        app.push_screen(CloseDayScreen())
        await settle(pilot)
        text = screen_text(app)
        assert f"{DAY} is already closed" in text
        assert "Close of day 2026-11-24   closed 24 Nov 10:02 by sam" in text
        assert "Close and lock" not in text
        await pilot.press("enter")  # nothing to do
        await settle(pilot)
    assert len(_closes(clinic)) == 1


async def test_a_desk_clerk_is_refused(clinic: Clinic) -> None:
    _finished_day(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, "ana")
        text = screen_text(app)
        assert "Only a supervisor can close the day" in text
        assert "Drawer 1" not in text
        await pilot.press("enter", "F")
        await settle(pilot)
        assert isinstance(app.screen, CloseDayScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert _closes(clinic) == []
    assert _counts(clinic) == []
