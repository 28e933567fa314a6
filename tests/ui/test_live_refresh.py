"""Live refresh: another terminal's change shows up here; no change, nothing drawn.

"Another terminal" is a write through the test clinic's engine: its pooled
connections are not the watch's own connection, exactly as a second process's
would not be. ``app.check_changes()`` is what the watch's one-second timer
calls; the tests call it instead of waiting for the timer. "Drawn" counts the
frames the app hands to the terminal driver (``App._display``), which is what
becomes bytes on the wire.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rich.console import RenderableType
from textual.screen import Screen

from frontdesk import clock
from frontdesk.app import WATCH_SECONDS, FrontDeskApp
from frontdesk.data.callbacks import NewCallback, add_callback
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.screens.callbacks import CallbacksScreen
from frontdesk.screens.schedule import ScheduleScreen
from tests.conftest import NOW, Clinic
from tests.ui.conftest import make_app, screen_text, settle, sign_in

pytestmark = pytest.mark.usefixtures("fast_hashing")


class Frames:
    """Counts the frames the app sends to the terminal."""

    def __init__(self, app: FrontDeskApp) -> None:
        self.count = 0
        original = app._display

        def display(screen: Screen[Any], renderable: RenderableType | None) -> None:
            if renderable is not None:
                self.count += 1
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]

    def since(self, start: int) -> int:
        """Frames drawn since ``start`` (an earlier ``count``)."""
        return self.count - start


def _add(clinic: Clinic, name: str = "Rosa Alvarez", **fields: Any) -> int:
    values: dict[str, Any] = {"reason": "billing", "caller_name": name}
    values["phone"] = "(312) 555-0134"
    values.update(fields)
    return add_callback(clinic.engine, NewCallback(**values), staff=clinic.desk2).callback_id


async def _look(app: FrontDeskApp, pilot: Any) -> None:
    """One tick of the watch, and whatever it started."""
    app.check_changes()
    await settle(pilot)


async def test_the_watch_asks_every_second_from_sign_in_to_lock(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app._watch_timer is None  # nobody signed in: nothing to show
        await sign_in(pilot)
        timer = app._watch_timer
        assert timer is not None
        assert timer._repeat is None  # repeats until stopped
        assert timer._interval == WATCH_SECONDS == 1.0
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app._watch_timer is None
        assert app._watch is None


async def test_a_callback_added_elsewhere_shows_in_the_schedule_counts(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert "Callbacks 0" in screen_text(app)
        _add(clinic)
        await _look(app, pilot)
        assert "Callbacks 1" in screen_text(app)
        _add(clinic, "Late Caller", due=NOW - timedelta(hours=1))
        await _look(app, pilot)
        assert "Callbacks 2 (1 overdue)" in screen_text(app)


async def test_a_check_in_elsewhere_changes_the_row_here(clinic: Clinic) -> None:
    patient = clinic.add_patient("Lindqvist", "Bjorn")
    appt = clinic.book(patient, 10, 30)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        row = next(line for line in screen_text(app).splitlines() if "Lindqvist" in line)
        assert "ARRIVED" not in row
        check_in(clinic.engine, CheckInRequest(patient, appt), staff=clinic.desk2)
        await _look(app, pilot)
        row = next(line for line in screen_text(app).splitlines() if "Lindqvist" in line)
        assert "ARRIVED" in row


async def test_nothing_changed_nothing_drawn(clinic: Clinic) -> None:
    patient = clinic.add_patient("Smith", "Jo")
    appt = clinic.book(patient, 10, 30)
    check_in(clinic.engine, CheckInRequest(patient, appt), staff=clinic.desk)
    _add(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        frames = Frames(app)
        start = frames.count
        for _ in range(5):
            await _look(app, pilot)
        assert frames.since(start) == 0

        # This terminal's own change is "another connection" to the watch too: the
        # read it starts finds the screen already current and draws nothing.
        await pilot.press("r")  # roomed
        await settle(pilot)
        assert "IN ROOM" in screen_text(app)
        start = frames.count
        assert isinstance(app.screen, ScheduleScreen)
        app.screen.data_changed()  # what the watch does on seeing the write
        await settle(pilot)
        assert frames.since(start) == 0

        # A real change draws, and only once.
        _add(clinic, "Second Caller")
        start = frames.count
        await _look(app, pilot)
        assert frames.since(start) >= 1
        start = frames.count
        await _look(app, pilot)
        assert frames.since(start) == 0


async def test_the_queue_takes_new_items_and_keeps_one_just_passed_on(clinic: Clinic) -> None:
    first = _add(clinic, "First Caller")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("b", "3")  # the desk's list
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CallbacksScreen)
        assert [i.id for i in screen.table.items] == [first]
        await pilot.press("tab")  # passed to the nurse: stays under the cursor
        await settle(pilot)
        second = _add(clinic, "Second Caller")
        await _look(app, pilot)
        assert {i.id for i in screen.table.items} == {first, second}
        assert "Second Caller" in screen_text(app)
        selected = screen.selected()
        assert selected is not None
        assert selected.id == first
        await pilot.press("f5")  # read anew: the nurse's item leaves the desk's list
        await settle(pilot)
        assert [i.id for i in screen.table.items] == [second]


async def test_the_schedule_wakes_once_when_the_next_item_falls_overdue(clinic: Clinic) -> None:
    _add(clinic, due=NOW + timedelta(minutes=10))
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        timer = screen._due_timer
        assert timer is not None
        assert not timer._repeat
        assert timer._interval == pytest.approx(10 * 60 + 1)
        assert "overdue" not in screen_text(app)
        with clock.freeze(NOW + timedelta(minutes=10, seconds=1)):
            timer._callback()  # type: ignore[misc]  # what the timer runs when it fires
            await settle(pilot)
            assert "Callbacks 1 (1 overdue)" in screen_text(app)
            assert screen._due_timer is None  # nothing else falls due: no timer at all


async def test_a_change_seen_while_a_screen_is_taken_down_is_ignored(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CallbacksScreen)
        await screen.table.remove()  # as when the app quits: widgets go before the timer stops
        _add(clinic)
        app.check_changes()  # must not raise: the timer would end the app with the error
        await settle(pilot)
        assert app.screen is screen
