"""``frontdesk prep``: the worklist as text, CSV, JSON and on paper; past days refused.

The command runs on a small Typer app registered the way :mod:`frontdesk.cli`
registers it (``app.command("prep")(prep_command)``).
"""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from frontdesk.cli_prep import prep_command
from frontdesk.data.models import Appointment, AppointmentType
from frontdesk.data.prep import worklist
from frontdesk.data.prep_export import cells, to_csv, worklist_text
from tests.conftest import NOW, TODAY, ZONE, Clinic
from tests.data.helpers import audit_events, detail, set_fields

TOMORROW = TODAY + timedelta(days=1)

app = typer.Typer(add_completion=False, rich_markup_mode=None)


@app.callback()
def _root() -> None:
    """The command line (only ``prep`` here)."""


app.command("prep")(prep_command)


def run(clinic: Clinic, *args: str, env: dict[str, str | None] | None = None) -> Result:
    """``frontdesk prep <args> --db <clinic>``."""
    db = str(clinic.engine.url.database)
    return CliRunner().invoke(app, ["prep", *args, "--db", db], env=env or {})


def _seed(clinic: Clinic) -> dict[str, int]:
    ids = {
        "lee": clinic.book(clinic.add_patient("Lee", "Min-jun"), 8, day=TOMORROW),
        "nia": clinic.book(clinic.add_patient("New", "Nia", balance_cents=1500), 9, day=TOMORROW),
        "today": clinic.book(clinic.add_patient("Today", "Tess"), 15),
    }
    set_fields(clinic.engine, Appointment, ids["nia"], type_id=clinic.new_type_id)
    set_fields(clinic.engine, AppointmentType, clinic.new_type_id, early_minutes=20)
    return ids


def test_prints_the_next_clinic_days_list(clinic: Clinic) -> None:
    _seed(clinic)
    result = run(clinic)
    assert result.exit_code == 0, result.output
    assert result.stdout == worklist_text(worklist(clinic.engine, TOMORROW))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Prep worklist  Wed 25 Nov 2026 (tomorrow)")
    assert lines[1] == "2 visits  Unconfirmed 2  Eligibility 2  New 1  Owes 1"
    assert any(line.startswith("[ ] 09:00  New, Nia") for line in lines)
    assert "           unconfirmed, eligibility not verified," in lines
    assert "Today, Tess" not in result.stdout
    assert all(cells(line) <= 80 for line in lines)
    assert audit_events(clinic.engine, "prep.export") == []  # shown, not exported


def test_another_day_and_today(clinic: Clinic) -> None:
    _seed(clinic)
    result = run(clinic, "--date", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert "Tue 24 Nov 2026 (today)" in result.stdout
    assert "[ ] 15:00  Today, Tess" in result.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-11-23", "Mon 23 Nov 2026 has passed: the prep list is for today (Tue 24 Nov)"),
        ("25/11/2026", "--date: 25/11/2026 is not a date; use YYYY-MM-DD"),
    ],
)
def test_a_past_or_bad_date_is_refused(clinic: Clinic, value: str, message: str) -> None:
    result = run(clinic, "--date", value)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_csv_to_a_private_file(clinic: Clinic, tmp_path: Path) -> None:
    _seed(clinic)
    out = tmp_path / "lists" / "tomorrow.csv"
    result = run(clinic, "--csv", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote 2 visits for 2026-11-25 to {out} (readable by you only)." in result.stderr
    assert out.read_bytes().decode() == to_csv(worklist(clinic.engine, TOMORROW))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    (event,) = audit_events(clinic.engine, "prep.export")
    assert detail(event) == {"day": "2026-11-25", "how": "csv", "target": str(out), "visits": 2}


def test_csv_into_a_folder_is_refused(clinic: Clinic, tmp_path: Path) -> None:
    result = run(clinic, "--csv", str(tmp_path))
    assert result.exit_code == 2
    assert "that is a folder; name the file" in result.stderr


def test_json(clinic: Clinic) -> None:
    ids = _seed(clinic)
    result = run(clinic, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["day"] == "2026-11-25"
    assert data["counts"] == {
        "unconfirmed": 2,
        "interpreter": 0,
        "forms": 0,
        "eligibility": 2,
        "new": 1,
        "owes": 1,
    }
    lee, nia = data["visits"]
    assert lee["appointment_id"] == ids["lee"]
    assert lee["start"] == "2026-11-25T08:00:00-06:00"
    assert lee["flags"] == ["UNCONF", "ELIG"]
    assert nia["arrive_by"] == "2026-11-25T08:40:00-06:00"
    assert nia["needs"] == [
        "unconfirmed",
        "eligibility not verified",
        "new patient: arrive 20 min early",
        "owes $15.00",
    ]
    assert nia["past_due_balance_cents"] == 1500


def test_print_sends_the_list(clinic: Clinic, tmp_path: Path) -> None:
    _seed(clinic)
    printed = tmp_path / "printed.txt"
    result = run(clinic, "--print", env={"FRONTDESK_PRINT_COMMAND": f"tee {printed}"})
    assert result.exit_code == 0, result.output
    assert "Sent the list of 2 visits for 2026-11-25 to the printer." in result.stderr
    now = NOW.astimezone(ZONE)
    assert printed.read_text() == worklist_text(worklist(clinic.engine), printed_at=now)
    (event,) = audit_events(clinic.engine, "prep.export")
    assert detail(event)["how"] == "print"


def test_print_without_a_printer_or_with_a_broken_one(clinic: Clinic) -> None:
    _seed(clinic)
    result = run(clinic, "--print", env={"FRONTDESK_PRINT_COMMAND": ""})
    assert result.exit_code == 2
    assert "No printer is set up" in result.stderr
    result = run(clinic, "--print", env={"FRONTDESK_PRINT_COMMAND": "false"})
    assert result.exit_code == 1
    assert "Not printed: The printer refused the receipt (exit 1)." in result.stderr
