"""Pilot helpers: an app on the test clinic, signed in by keys, and a settle() wait."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from frontdesk.app import FrontDeskApp
from frontdesk.data.clinic import load_clinic
from tests.conftest import PASSWORD, Clinic


async def settle(pilot: Pilot[Any]) -> None:
    """Let messages, thread workers and their call-backs finish (no sleeping)."""
    app = pilot.app
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def sign_in(pilot: Pilot[Any], username: str = "ana", password: str = PASSWORD) -> None:
    """Type the credentials as a clerk would."""
    await settle(pilot)
    await pilot.press(*username, "enter", *password, "enter")
    await settle(pilot)


def make_app(clinic: Clinic) -> FrontDeskApp:
    """The app on the test clinic's database."""
    return FrontDeskApp("unused", engine=clinic.engine)


@pytest.fixture
def desk_app(clinic: Clinic) -> FrontDeskApp:
    """An app ready to run on the seeded clinic."""
    assert load_clinic(clinic.engine).name
    return make_app(clinic)


def screen_text(app: FrontDeskApp) -> str:
    """Everything the current screen shows, as plain text lines."""
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )
