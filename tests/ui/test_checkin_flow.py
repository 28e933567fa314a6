"""Check-in from the schedule by keys, asserting the database afterwards."""

from __future__ import annotations

import json

from sqlmodel import col, select
from textual import events

from frontdesk.data.db import read_session
from frontdesk.data.models import Appointment, AuditEvent, Patient, Status
from frontdesk.screens.checkin import CheckInScreen
from frontdesk.screens.drawer import DrawerScreen
from frontdesk.screens.schedule import ScheduleScreen, ScheduleTable
from tests.conftest import TODAY, Clinic
from tests.ui.conftest import make_app, screen_text, settle, sign_in


def _fresh_patient(clinic: Clinic, last: str = "Smith", first: str = "Jo") -> int:
    """A patient with nothing stale: insurance verified today, consent and demographics fresh."""
    pid = clinic.add_patient(last, first)
    from frontdesk.data.db import write_session

    with write_session(clinic.engine) as session:
        patient = session.get(Patient, pid)
        assert patient is not None
        patient.eligibility_verified_on = TODAY
        session.add(patient)
    return pid


def _appointment(clinic: Clinic, appt_id: int) -> Appointment:
    with read_session(clinic.engine) as session:
        appt = session.get(Appointment, appt_id)
        assert appt is not None
        return appt


async def _select(pilot: object, app: object, appt_id: int) -> None:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ScheduleScreen)
    table = screen.query_one(ScheduleTable)
    table.move_cursor(row=screen._keys.index(str(appt_id)))
    await settle(pilot)  # type: ignore[arg-type]


async def test_routine_check_in_takes_three_keys_and_keeps_the_cursor(clinic: Clinic) -> None:
    first = clinic.book(_fresh_patient(clinic, "Alvarez", "Rosa"), 9, 45)
    target = clinic.book(_fresh_patient(clinic), 10, 15)
    clinic.book(_fresh_patient(clinic, "Zhou", "Li"), 10, 30)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _select(pilot, app, target)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        row_before = screen.query_one(ScheduleTable).cursor_row

        await pilot.press("c", "enter", "enter")  # the whole routine path
        await settle(pilot)

        assert isinstance(app.screen, ScheduleScreen)
        assert screen.query_one(ScheduleTable).cursor_row == row_before
        assert screen.selected_key() == str(target)
        assert "Checked in Smith, Jo" in screen_text(app)
    appt = _appointment(clinic, target)
    assert appt.status == Status.ARRIVED.value
    assert appt.identity_verified_by == clinic.desk.id
    assert appt.identity_verified_at is not None
    assert _appointment(clinic, first).status == Status.BOOKED.value


async def test_checklist_items_handled_or_acknowledged(clinic: Clinic) -> None:
    pid = clinic.add_patient("Nguyen", "Anh")
    from frontdesk.data.db import write_session

    with write_session(clinic.engine) as session:
        patient = session.get(Patient, pid)
        assert patient is not None
        patient.consent_on_file_on = None
        patient.demographics_confirmed_on = TODAY.replace(year=TODAY.year - 2)
        session.add(patient)
    appt_id = clinic.book(pid, 10, 30, forms_needed=True)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _select(pilot, app, appt_id)
        await pilot.press("c")
        await settle(pilot)
        text = screen_text(app)
        assert "Demographics last confirmed" in text
        assert "Eligibility not verified for this visit" in text
        assert "No consent form on file" in text
        assert "Forms needed for this visit" in text
        await pilot.press("enter", "d", "v", "f")
        await settle(pilot)
        text = screen_text(app)
        assert "Demographics last confirmed" not in text  # handled lines disappear
        assert "No consent form on file" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    with read_session(clinic.engine) as session:
        patient = session.get(Patient, pid)
        appt = session.get(Appointment, appt_id)
        assert patient is not None
        assert appt is not None
        assert patient.demographics_confirmed_on == TODAY
        assert patient.eligibility_verified_on == TODAY
        assert patient.consent_on_file_on is None  # acknowledged, not handled
        assert appt.forms_needed is False
        assert appt.status == Status.ARRIVED.value
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "appointment.checked_in")
        ).one()
    detail = json.loads(event.detail)
    assert detail["handled"] == ["demographics", "eligibility", "forms"]
    assert detail["acknowledged"] == ["consent"]


async def test_copay_change_refuses_bad_amounts_at_the_field(clinic: Clinic) -> None:
    appt_id = clinic.book(_fresh_patient(clinic), 10, 30, copay_due_cents=2500)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _select(pilot, app, appt_id)
        await pilot.press("c")
        await settle(pilot)
        assert "Copay due $25.00" in screen_text(app)
        await pilot.press("a")  # copay amount ($ now opens the drawer)
        await settle(pilot)
        field = app.screen.query_one("#copay-input")
        for bad in ("12.345", "-5", "1e3", "abc"):
            field.value = ""  # type: ignore[attr-defined]
            await pilot.press(*bad, "enter")
            await settle(pilot)
            assert field.value == bad  # type: ignore[attr-defined]  # what was typed stays
            assert "! " in screen_text(app)
            assert isinstance(app.screen, CheckInScreen)
        field.value = ""  # type: ignore[attr-defined]
        await pilot.press(*"30", "enter")
        await settle(pilot)
        assert "Copay due $30.00" in screen_text(app)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DrawerScreen)  # the copay is handed to the drawer
        await pilot.press("escape")  # not paid now
        await settle(pilot)
        assert "copay $30.00 not taken" in screen_text(app)
    appt = _appointment(clinic, appt_id)
    assert appt.copay_due_cents == 3000
    assert appt.status == Status.ARRIVED.value


async def test_check_in_of_another_day_is_refused_on_screen(clinic: Clinic) -> None:
    from datetime import timedelta

    appt_id = clinic.book(_fresh_patient(clinic), 10, 30, day=TODAY + timedelta(days=1))
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("right")
        await settle(pilot)
        await _select(pilot, app, appt_id)
        await pilot.press("c", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "not today" in screen_text(app)
    assert _appointment(clinic, appt_id).status == Status.BOOKED.value


async def test_type_ahead_check_in_is_not_lost(clinic: Clinic) -> None:
    """c Enter Enter pressed before the check-in view has loaded still checks in."""
    appt_id = clinic.book(_fresh_patient(clinic), 10, 30)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _select(pilot, app, appt_id)
        driver = app._driver
        assert driver is not None
        for key in ("c", "enter", "enter"):  # one burst, as a slow link delivers it
            driver.send_message(events.Key(key, key if key == "c" else "\r"))
        await settle(pilot)
    assert _appointment(clinic, appt_id).status == Status.ARRIVED.value


async def test_status_keys_and_undo(clinic: Clinic) -> None:
    appt_id = clinic.book(_fresh_patient(clinic), 9, 30)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _select(pilot, app, appt_id)
        await pilot.press("r")
        await settle(pilot)
        assert "check the patient in first" in screen_text(app)
        await pilot.press("c", "enter", "enter", "r")
        await settle(pilot)
        assert _appointment(clinic, appt_id).status == Status.IN_ROOM.value
        await pilot.press("u")
        await settle(pilot)
        assert _appointment(clinic, appt_id).status == Status.ARRIVED.value
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
    appt = _appointment(clinic, appt_id)
    assert appt.status == Status.CANCELLED.value
    assert appt.cancel_reason == "Patient cancelled"
    with read_session(clinic.engine) as session:
        events = session.exec(
            select(AuditEvent.action).where(col(AuditEvent.entity) == "appointment")
        ).all()
    assert "appointment.undo" in events
