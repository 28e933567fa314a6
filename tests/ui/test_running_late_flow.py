"""Running late, by the keys a clerk presses: the delay saved, the list, one key for the calls."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot

from frontdesk.data.db import read_session
from frontdesk.data.delays import delays_of_day, set_delay
from frontdesk.data.models import Callback, ProviderDelay
from frontdesk.screens.running_late import RunningLateScreen
from frontdesk.screens.schedule import ScheduleScreen
from tests.conftest import TODAY, Clinic
from tests.data.helpers import count
from tests.ui.conftest import make_app, screen_text, settle, sign_in
from tests.ui.test_idle import _blinking, _live_timers

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _seed(clinic: Clinic) -> tuple[int, int]:
    """Two patients still to come with Okafor, one with Patel, one of Okafor's already gone."""
    lee = clinic.book(clinic.add_patient("Lee", "Min"), 10, 30)
    nunez = clinic.book(clinic.add_patient("Núñez", "María", phone_home="(773) 555-0188"), 11, 15)
    clinic.book(clinic.add_patient("Other", "Ola"), 10, 30, provider_id=clinic.provider2_id)
    clinic.book(clinic.add_patient("Early", "Eve"), 9, 0)
    return lee, nunez


def _callbacks(clinic: Clinic) -> list[Callback]:
    with read_session(clinic.engine) as session:
        rows = list(session.exec(select(Callback).order_by(col(Callback.id))).all())
        for row in rows:
            session.expunge(row)
        return rows


async def _open(pilot: Pilot[Any], provider_id: int | None) -> RunningLateScreen:
    await sign_in(pilot)
    screen = RunningLateScreen(provider_id)
    pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def test_set_a_delay_and_call_everyone_still_to_come(clinic: Clinic) -> None:
    lee, nunez = _seed(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, None)
        assert "Who is running late?" in screen_text(app)
        await pilot.press("1")  # Okafor (the list is by short name)
        await settle(pilot)
        assert app.screen is screen
        assert screen.provider_id == clinic.provider_id
        await pilot.press(*"20", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Saved: Okafor is running 20 min late · 2 to call (k)" in text
        assert "10:30 10:50" in " ".join(text.split())
        assert "Núñez, María" in text
        assert "(312) 555-0134 / (773) 555-0188" in text
        assert "Early, Eve" not in text
        assert "Other, Ola" not in text
        assert delays_of_day(clinic.engine, TODAY) == {clinic.provider_id: 20}
        await pilot.press("k")
        await settle(pilot)
        assert "2 callbacks for the desk, due 10:15" in screen_text(app)
        await pilot.press("k")  # again: nothing new
        await settle(pilot)
        assert "Everyone listed already has a callback for this delay" in screen_text(app)
        assert _live_timers(app) == []
        assert _blinking(app) == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    calls = _callbacks(clinic)
    assert [(c.cause, c.reason, c.priority) for c in calls] == [
        (f"late:{lee}:20", "scheduling", 1),
        (f"late:{nunez}:20", "scheduling", 1),
    ]
    assert calls[1].notes == (
        "Dr. Grace Okafor running ~20 min late; your 11:15 visit now about 11:35"
    )
    assert {c.created_by for c in calls} == {clinic.desk.id}


async def test_bad_minutes_stay_typed_with_a_message_and_save_nothing(clinic: Clinic) -> None:
    _seed(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, clinic.provider_id)
        await pilot.press(*"300", "enter")
        await settle(pilot)
        assert (
            "! Minutes late must be 0 to 240 (0: on time); longer, rebook instead"
            in screen_text(app)
        )
        assert screen.field.value == "300"
        await pilot.press("k")  # typed and not saved: refused, nothing made
        await settle(pilot)
        assert "Press Enter to save 300 min first" in screen_text(app)
    assert count(clinic.engine, ProviderDelay) == 0
    assert _callbacks(clinic) == []


async def test_back_on_time(clinic: Clinic) -> None:
    _seed(clinic)
    set_delay(clinic.engine, clinic.provider_id, 15, staff=clinic.desk2)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, clinic.provider_id)
        assert screen.field.value == "15"
        assert "Dr. Grace Okafor: 15 min late" in screen_text(app)
        await pilot.press("backspace", "backspace", "0", "enter")
        await settle(pilot)
        assert "Saved: Okafor is on time again" in screen_text(app)
        await pilot.press("k")
        await settle(pilot)
        assert "! Okafor is on time: type the minutes late first" in screen_text(app)
    assert delays_of_day(clinic.engine, TODAY) == {}
    assert count(clinic.engine, ProviderDelay) == 2
    assert _callbacks(clinic) == []


async def test_esc_at_the_provider_choice_goes_back(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, None)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert count(clinic.engine, ProviderDelay) == 0


def test_running_late_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """Okafor 20 min late, saved: two patients still to come, their new times and phones."""
    _seed(clinic)
    clinic.book(clinic.add_patient("[red]Brooks[/]", "Dana", phone_mobile=""), 12, 0)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot, clinic.provider_id)
        await pilot.press(*"20", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
