"""No idle output: once a screen has settled, nothing is scheduled to repaint it.

A blinking cursor, a clock or a spinner is a running timer; so every live timer
in the app (every screen, hidden ones included) must be stopped or paused. Three
timers only look and draw nothing unless something changed, and are allowed:
the automatic lock (one shot, minutes away), the watch for other terminals'
changes (tests/ui/test_live_refresh.py proves it draws nothing when nothing
changed) and the schedule's one shot at the moment a callback falls overdue.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.dom import DOMNode
from textual.widgets import Input

import frontdesk.app as app_module
from frontdesk.app import FrontDeskApp
from tests.conftest import Clinic
from tests.ui.conftest import make_app, settle, sign_in

pytestmark = pytest.mark.usefixtures("fast_hashing")


LOOKS_ONLY = {"watch", "next-due"}


def _live_timers(app: FrontDeskApp) -> list[str]:
    nodes: list[DOMNode] = [app]
    for screen in app.screen_stack:
        nodes.append(screen)
        nodes.extend(screen.walk_children(with_self=False))
    live = []
    for node in nodes:
        for timer in list(node._timers):
            if timer is app._idle_timer or timer.name in LOOKS_ONLY:
                continue
            if timer._task is not None and timer._active.is_set():
                live.append(f"{node!r}: {timer.name}")
    return live


def _blinking(app: FrontDeskApp) -> list[str]:
    return [
        repr(widget)
        for screen in app.screen_stack
        for widget in screen.walk_children(Input, with_self=False)
        if widget.cursor_blink
    ]


async def test_no_screen_has_a_running_timer_when_idle(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Smith", "Jo"), 10, 30)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert _live_timers(app) == [], "sign-in"
        assert _blinking(app) == []
        await sign_in(pilot)
        assert _live_timers(app) == [], "schedule"
        await pilot.press("c")
        await settle(pilot)
        assert _live_timers(app) == [], "check-in"
        await pilot.press("escape", "slash", *"smi")
        await settle(pilot)
        assert _live_timers(app) == [], "find"
        assert _blinking(app) == []
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert _live_timers(app) == [], "registration (with find and schedule beneath)"
        assert _blinking(app) == []


async def test_the_close_of_day_screens_are_idle(clinic: Clinic) -> None:
    from frontdesk.data.drawer import open_drawer

    open_drawer(clinic.engine, staff=clinic.desk, counts={2000: "5"})
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "sam")
        await pilot.press("E")
        await settle(pilot)
        assert type(app.screen).__name__ == "CloseDayScreen"
        assert _live_timers(app) == [], "blockers"
        await pilot.press("enter")  # the drawer's blind count
        await settle(pilot)
        assert type(app.screen).__name__ == "BlindCountScreen"
        assert _live_timers(app) == [], "blind count"
        assert _blinking(app) == []


def test_app_runs_with_mouse_tracking_off(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_run(_self: FrontDeskApp, **kwargs: Any) -> None:
        seen.update(kwargs)

    monkeypatch.setattr(FrontDeskApp, "run", fake_run)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert app_module.run("clinic.db") == 0
    assert seen == {"mouse": False}


def test_without_a_terminal_it_says_so_instead_of_spinning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[bool] = []
    monkeypatch.setattr(FrontDeskApp, "run", lambda *_, **__: started.append(True))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert app_module.run("clinic.db") == 1
    assert started == []
    assert "needs a terminal" in capsys.readouterr().err


async def test_idle_lock_clears_patient_data_and_discards_a_half_filled_form(
    clinic: Clinic,
) -> None:
    from frontdesk.data.db import read_session
    from frontdesk.data.models import Patient
    from frontdesk.screens.signin import SignInScreen
    from tests.ui.conftest import screen_text

    clinic.book(clinic.add_patient("Lindqvist", "Björn"), 11, 0)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        timer = app._idle_timer
        assert timer is not None
        assert timer._interval == 10 * 60  # the clinic's setting, in seconds
        assert not timer._repeat  # fires once; waiting sends nothing
        await pilot.press("slash", *"Half, Done", "ctrl+n")
        await settle(pilot)
        app.idle_lock()  # what the timer calls when it fires
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        text = screen_text(app)
        assert "Locked after 10 minutes without a key press" in text
        assert "Lindqvist" not in text
        assert "Half" not in text
        assert app._idle_timer is None
    with read_session(clinic.engine) as session:
        assert session.get(Patient, 2) is None  # the half-filled form was not saved


async def test_every_key_restarts_the_idle_clock(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        timer = app._idle_timer
        assert timer is not None
        restarted = []
        original = timer.reset
        timer.reset = lambda: (restarted.append(1), original())  # type: ignore[method-assign]
        await pilot.press("down", "down", "t")
        await settle(pilot)
        assert len(restarted) == 3
