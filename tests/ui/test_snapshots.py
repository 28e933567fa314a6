"""Snapshots of the main screens at 80x24, seeded data, clock frozen at 10:00.

Review the report before `pytest --snapshot-update`: a snapshot is a record of
what the clerk sees, checked by eye once and then kept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.pilot import Pilot

from frontdesk import clock
from frontdesk.data.appointments import change_status
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.db import write_session
from frontdesk.data.models import Patient, Status
from frontdesk.screens.schedule import ScheduleScreen, ScheduleTable
from tests.conftest import NOW, TODAY, Clinic
from tests.ui.conftest import make_app, settle, sign_in


def _seed_day(clinic: Clinic) -> dict[str, int]:
    """A morning in progress: done, in room, arrived, booked, a no-show, a cancellation."""
    ids: dict[str, int] = {}
    people = [
        ("Núñez", "María", 8, 30, {}),
        ("O'Brien", "Seán", 9, 0, {"interpreter_needed": True, "preferred_language": "ga"}),
        ("Smith", "Jo", 9, 15, {}),
        ("Lee", "Min-jun", 9, 45, {}),
        ("[red]x[/]", "Bob", 10, 15, {}),
        ("García López", "Ana", 10, 30, {}),
        ("Haddad", "Karim", 11, 0, {}),
    ]
    for last, first, hour, minute, extra in people:
        pid = clinic.add_patient(last, first, **extra)
        ids[last] = clinic.book(
            pid,
            hour,
            minute,
            copay_due_cents=2500 if last == "García López" else 0,
            forms_needed=last == "García López",
        )
    with write_session(clinic.engine) as session:
        patient = session.get(Patient, 6)
        assert patient is not None
        patient.balance_due_cents = 4000
        session.add(patient)
    staff = clinic.desk
    with clock.freeze(NOW - timedelta(minutes=95)):
        check_in(
            clinic.engine, CheckInRequest(1, ids["Núñez"], identity_verified=True), staff=staff
        )
    with clock.freeze(NOW - timedelta(minutes=80)):
        change_status(clinic.engine, ids["Núñez"], Status.IN_ROOM, staff=staff)
    with clock.freeze(NOW - timedelta(minutes=50)):
        change_status(clinic.engine, ids["Núñez"], Status.DONE, staff=staff)
        check_in(
            clinic.engine, CheckInRequest(2, ids["O'Brien"], identity_verified=True), staff=staff
        )
    change_status(clinic.engine, ids["O'Brien"], Status.IN_ROOM, staff=staff)
    with clock.freeze(NOW - timedelta(minutes=12)):
        check_in(clinic.engine, CheckInRequest(4, ids["Lee"], identity_verified=True), staff=staff)
    change_status(clinic.engine, ids["Smith"], Status.NO_SHOW, staff=staff)
    change_status(
        clinic.engine, ids["Haddad"], Status.CANCELLED, staff=staff, reason="Patient cancelled"
    )
    assert NOW.date() == TODAY
    return ids


def test_schedule_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    _seed_day(clinic)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_check_in_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    ids = _seed_day(clinic)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        screen.query_one(ScheduleTable).move_cursor(
            row=screen._keys.index(str(ids["García López"]))
        )
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_find_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    _seed_day(clinic)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("slash", *"ga")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_registration_form_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("slash", *"Smith[/], Al", "ctrl+n")
        await settle(pilot)
        app.screen.query_one("#f-dob").value = "2026-02-30"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
