"""Snapshots of the close of day at 80x24: the blind count and the report.

The day is ``_finished_day`` from the data tests (one drawer, $125 cash and
$40 of card slips expected), the clock frozen. Review the report before
``pytest --snapshot-update``.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from frontdesk.screens.closeday import CloseDayScreen
from tests.conftest import Clinic
from tests.data.test_closeout import _count, _finished_day
from tests.ui.conftest import make_app, settle, sign_in

pytestmark = pytest.mark.usefixtures("fast_hashing")


async def _open(pilot: Pilot[Any]) -> None:
    await sign_in(pilot, "sam")
    pilot.app.push_screen(CloseDayScreen())
    await settle(pilot)


def test_blockers_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """A visit still booked and the drawer not counted; the drawer highlighted."""
    _finished_day(clinic)
    clinic.book(clinic.add_patient("[red]x[/]", "Bob"), 11)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_blind_count_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """Figures typed, one of them wrong; the running cash total, no expected figure."""
    _finished_day(clinic)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot)
        await pilot.press("enter", "enter", "enter", "6", "enter", "-", "1", "enter", "1")
        await pilot.press(*["tab"] * 8, "4", "0")  # $1 25¢ 10¢ 5¢ 1¢ checks, check total
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_blind_count_short_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """Submitted $5 short: expected against counted, and the reason asked for."""
    _finished_day(clinic)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot)
        await pilot.press("enter", "enter", "enter", "6")
        await pilot.press(*["tab"] * 10, "4", "0", "enter")  # card slips $40, submit
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_report_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """Nothing blocks: the preview report, Enter to close and lock."""
    ids = _finished_day(clinic)
    _count(clinic, ids["drawer"], {2000: "6", 500: "1"})
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
