"""The schedule's cursor: where a day opens, what a rebuild keeps, what the cursor covers."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import RenderableType
from textual.screen import Screen

from frontdesk.screens.schedule import ScheduleScreen
from frontdesk.widgets.schedule_rows import CONTEXT_ROWS, ScheduleTable
from tests.conftest import Clinic
from tests.ui.conftest import make_app, settle, sign_in
from tests.ui.test_live_refresh import _look

pytestmark = pytest.mark.usefixtures("fast_hashing")

SURNAMES = [f"Patient{chr(ord('A') + n)}" for n in range(24)]


def _book_morning(clinic: Clinic) -> dict[str, int]:
    """24 visits every 15 minutes from 08:00; the clock says 10:00."""
    booked = {}
    for n, last in enumerate(SURNAMES):
        hour, minute = divmod(8 * 60 + 15 * n, 60)
        booked[last] = clinic.book(clinic.add_patient(last, "Ann"), hour, minute)
    return booked


def _table(app: object) -> ScheduleTable:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ScheduleScreen)
    return screen.query_one(ScheduleTable)


async def test_today_opens_on_the_next_patient_with_two_rows_above_it(clinic: Clinic) -> None:
    booked = _book_morning(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        table = _table(app)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        assert screen.selected_key() == str(booked["PatientH"])  # 09:45-10:00, the first not over
        assert table.cursor_row >= CONTEXT_ROWS
        assert table.scroll_y == table.cursor_row - CONTEXT_ROWS


async def test_a_rebuild_keeps_the_rows_where_they_were(clinic: Clinic) -> None:
    booked = _book_morning(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        table = _table(app)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        selected, scrolled = screen.selected_key(), table.scroll_y
        assert selected == str(booked["PatientK"])
        clinic.book(clinic.add_patient("Newcomer", "Nia"), 16, 0)  # a new row: a rebuild
        drawn: list[float] = []  # where the rows stood in each frame sent to the terminal
        display = app._display

        def record(screen: Screen[Any], renderable: RenderableType | None) -> None:
            if renderable is not None:
                drawn.append(table.scroll_y)
            display(screen, renderable)

        app._display = record  # type: ignore[method-assign]
        await _look(app, pilot)
        assert drawn
        assert set(drawn) == {scrolled}  # never the top of the day first
        assert any("Newcomer" in str(table.get_row_at(i)[1]) for i in range(table.row_count))
        assert screen.selected_key() == selected
        assert table.scroll_y == scrolled


async def test_the_cursor_covers_the_time_and_the_patient_only(clinic: Clinic) -> None:
    _book_morning(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        table = _table(app)
        y = table.header_height + table.cursor_row - int(table.scroll_y)
        strip = table.render_line(y)
        lit = "".join(s.text for s in strip if s.style is not None and s.style.reverse)
        plain = "".join(s.text for s in strip if s.style is None or not s.style.reverse)
        assert "09:45" in lit
        assert "PatientH, Ann" in lit
        assert "Okafor" in plain  # the provider
        assert "Okafor" not in lit
        assert "BOOKED" in plain
