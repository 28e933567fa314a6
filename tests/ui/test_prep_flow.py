"""The prep worklist by keys: mark, confirm, step days, export, print; and its snapshot.

The schedule's key for this screen is someone else's; these tests sign in and
push the screen the way that key does, then press what a clerk would press.
"""

from __future__ import annotations

import stat
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from frontdesk.app import FrontDeskApp
from frontdesk.data.models import Appointment, AppointmentType, Patient
from frontdesk.data.prep import worklist
from frontdesk.data.prep_export import to_csv, worklist_text
from frontdesk.screens.prep import MARKED, PrepScreen, PrepTable
from frontdesk.screens.schedule import ScheduleScreen
from tests.conftest import NOW, TODAY, ZONE, Clinic
from tests.data.helpers import audit_events, detail, fetch, set_fields
from tests.ui.conftest import make_app, screen_text, settle, sign_in

pytestmark = pytest.mark.usefixtures("fast_hashing")

TOMORROW = TODAY + timedelta(days=1)


def _seed(clinic: Clinic) -> dict[str, int]:
    """Tomorrow: four visits, one already confirmed, one a new patient needing Spanish."""
    ids = {
        "lee": clinic.book(clinic.add_patient("Lee", "Min-jun"), 8, 0, day=TOMORROW),
        "nunez": clinic.book(
            clinic.add_patient("Núñez", "María", interpreter_needed=True, preferred_language="es"),
            8,
            30,
            day=TOMORROW,
            forms_needed=True,
        ),
        "obrien": clinic.book(
            clinic.add_patient("O'Brien", "Seán", balance_cents=4000),
            9,
            0,
            day=TOMORROW,
            provider_id=clinic.provider2_id,
            confirmed_at=NOW - timedelta(hours=1),
            confirmed_by=clinic.desk2.id,
            eligibility_checked=True,
        ),
        "markup": clinic.book(
            clinic.add_patient("[red]x[/]", "Bob", phone_home="773 555 0100", phone_mobile=""),
            10,
            15,
            day=TOMORROW,
            copay_due_cents=2500,
        ),
    }
    set_fields(clinic.engine, Appointment, ids["nunez"], type_id=clinic.new_type_id, minutes=40)
    set_fields(clinic.engine, AppointmentType, clinic.new_type_id, early_minutes=20)
    return ids


async def _open(pilot: Pilot[Any], app: FrontDeskApp, day: date | None = None) -> PrepScreen:
    """Sign in and open the list as the schedule's key does."""
    await sign_in(pilot)
    assert isinstance(app.screen, ScheduleScreen)
    app.push_screen(PrepScreen(day))
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, PrepScreen)
    return screen


def _confirmed(clinic: Clinic, appointment_id: int) -> bool:
    return fetch(clinic.engine, Appointment, appointment_id).confirmed_at is not None


async def test_mark_two_and_confirm_them(clinic: Clinic) -> None:
    ids = _seed(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        text = screen_text(app)
        assert "Prep   Wed 25 Nov 2026 (tomorrow)" in text
        assert (
            "4 visits  Unconfirmed 3  Interpreter 1  Forms 1  Eligibility 3  New 1  Owes 2" in text
        )
        assert "Needs: unconfirmed, eligibility not verified" in text  # the cursor's, Lee
        await pilot.press("space", "space")  # Lee, then Núñez (the cursor moves down)
        await settle(pilot)
        assert screen.marked == {ids["lee"], ids["nunez"]}
        assert "Marked 2" in screen_text(app)
        table = screen.query_one(PrepTable)
        assert str(table.get_cell(str(ids["lee"]), "mark")) == MARKED
        await pilot.press("C")
        await settle(pilot)
        text = screen_text(app)
        assert "Confirmed 2" in text
        assert "Unconfirmed 1" in text
        assert "Marked" not in text
    assert _confirmed(clinic, ids["lee"])
    assert _confirmed(clinic, ids["nunez"])
    assert not _confirmed(clinic, ids["markup"])
    assert fetch(clinic.engine, Appointment, ids["lee"]).confirmed_by == clinic.desk.id
    assert len(audit_events(clinic.engine, "appointment.confirm")) == 1


async def test_mark_every_unconfirmed_then_confirm(clinic: Clinic) -> None:
    ids = _seed(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, TOMORROW)
        await pilot.press("a")
        await settle(pilot)
        assert "Marked 3 unconfirmed (C confirms them)" in screen_text(app)
        await pilot.press("C")
        await settle(pilot)
        assert "Confirmed 3" in screen_text(app)
        assert "UNCONF" not in screen_text(app)
    assert all(_confirmed(clinic, i) for i in ids.values())
    before = fetch(clinic.engine, Appointment, ids["obrien"])
    assert before.confirmed_by == clinic.desk2.id  # already confirmed: untouched


async def test_confirm_with_nothing_marked_takes_the_cursor_visit(clinic: Clinic) -> None:
    ids = _seed(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("down", "C")
        await settle(pilot)
        assert "Confirmed 1" in screen_text(app)
        await pilot.press("down", "C")  # O'Brien was confirmed before
        await settle(pilot)
        assert "Confirmed 0 (1 already confirmed)" in screen_text(app)
    assert [_confirmed(clinic, ids[k]) for k in ("lee", "nunez", "markup")] == [
        False,
        True,
        False,
    ]


async def test_days_step_forward_and_back_but_not_into_the_past(clinic: Clinic) -> None:
    _seed(clinic)
    clinic.book(clinic.add_patient("Today", "Tess"), 15, 0)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        await pilot.press("space")
        await pilot.press("left")
        await settle(pilot)
        assert screen.day == TODAY
        text = screen_text(app)
        assert "Tue 24 Nov 2026 (today)" in text
        assert "Today, Tess" in text
        assert screen.marked == set()  # marks belong to the day they were made on
        await pilot.press("left")
        await settle(pilot)
        assert screen.day == TODAY
        assert "! Mon 23 Nov 2026 has passed" in screen_text(app)
        await pilot.press("right", "right")
        await settle(pilot)
        assert screen.day == TOMORROW + timedelta(days=1)
        assert "No booked visits on this day" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)


async def test_export_writes_a_private_csv_and_says_where(
    clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(clinic)
    monkeypatch.setenv("FRONTDESK_EXPORT_DIR", str(tmp_path / "exports"))
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("e")
        await settle(pilot)
        path = tmp_path / "exports" / "prep-2026-11-25.csv"
        said = next(line for line in screen_text(app).splitlines() if "Exported" in line)
        assert said.strip().startswith("Exported 4 visits to …")  # a long path: its end
        assert said.strip().endswith("/exports/prep-2026-11-25.csv")
    assert path.read_bytes().decode() == to_csv(worklist(clinic.engine, TOMORROW))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (event,) = audit_events(clinic.engine, "prep.export")
    assert event.staff_id == clinic.desk.id


async def test_export_goes_to_the_user_data_dir_by_default(clinic: Clinic, tmp_path: Path) -> None:
    _seed(clinic)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("e")
        await settle(pilot)
        assert "Exported 4 visits to" in screen_text(app)
    # conftest points XDG_DATA_HOME at tmp_path/xdg-data
    assert (tmp_path / "xdg-data" / "frontdesk" / "exports" / "prep-2026-11-25.csv").exists()


async def test_print_sends_the_text_after_recording_it(
    clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(clinic)
    printed = tmp_path / "printed.txt"
    monkeypatch.setenv("FRONTDESK_PRINT_COMMAND", f"tee {printed}")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("P")
        await settle(pilot)
        assert "Printed the list of 4 visits" in screen_text(app)
    expected = worklist_text(worklist(clinic.engine, TOMORROW), printed_at=NOW.astimezone(ZONE))
    assert printed.read_text() == expected
    (event,) = audit_events(clinic.engine, "prep.export")
    assert detail(event)["how"] == "print"


async def test_print_without_a_printer_says_so(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(clinic)
    monkeypatch.delenv("FRONTDESK_PRINT_COMMAND", raising=False)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("P")
        await settle(pilot)
        assert "! No printer is set up for this terminal; e exports the list" in screen_text(app)
    assert audit_events(clinic.engine, "prep.export") == []


async def test_names_show_as_typed(clinic: Clinic) -> None:
    ids = _seed(clinic)
    set_fields(clinic.engine, Patient, 4, preferred_name="[b]Bobby[/b]")
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        assert screen.selected() is not None
        assert screen.selected().appointment_id == ids["markup"]  # type: ignore[union-attr]
        text = screen_text(app)
        assert "[red]x[/], Bob ([b]Bobby[/b])" in text
        assert "home (773) 555-0100" in text


def test_prep_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """Tomorrow's list: two visits marked, the new patient's needs and prep underneath."""
    _seed(clinic)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot, app)
        await pilot.press("space", "space", "up")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
