"""``frontdesk close-day``: what blocks it, forcing it, who may close which day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdesk.cli import app
from frontdesk.data.closeout import stored_report
from frontdesk.data.drawer import open_drawer
from tests.cli.close_day_helpers import EXACT, count_rows, counts_file, db_of, invoke, scalar
from tests.conftest import PASSWORD, TODAY, Clinic
from tests.data.test_closeout import FLOAT, _finished_day

pytestmark = pytest.mark.usefixtures("fast_hashing")


# --- blockers ---------------------------------------------------------------------------------


def test_blockers_are_listed_and_exit_1(clinic: Clinic) -> None:
    patient = clinic.add_patient()
    clinic.book(patient, 11)
    drawer = open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)

    result = invoke(clinic, "close-day", "--yes")

    assert result.exit_code == 1, result.output
    assert "2026-11-24 cannot close yet" in result.stderr
    assert "  - 11:00 Smith, Jo with Okafor is still BOOKED" in result.stderr
    assert f"  - Drawer {drawer.id} (ana): not counted" in result.stderr
    assert "--force --reason" in result.stderr
    assert result.stdout == ""
    assert stored_report(clinic.engine, TODAY) is None


def test_warnings_are_printed_but_do_not_block(clinic: Clinic, tmp_path: Path) -> None:
    _finished_day(clinic)
    other = clinic.add_patient("Okoye", "Chidi")
    clinic.book(other, 9, 45, copay_due_cents=1500)
    # checked in and seen, copay never taken
    from frontdesk.data.appointments import change_status
    from frontdesk.data.checkin import CheckInRequest, check_in
    from frontdesk.data.models import Status

    appt = scalar(clinic, f"SELECT id FROM appointment WHERE patient_id = {other}")
    check_in(
        clinic.engine, CheckInRequest(patient_id=other, appointment_id=appt), staff=clinic.desk
    )
    change_status(clinic.engine, appt, Status.IN_ROOM, staff=clinic.desk)
    change_status(clinic.engine, appt, Status.DONE, staff=clinic.desk)
    path = counts_file(tmp_path, {"ana": EXACT})

    result = invoke(clinic, "close-day", "--yes", "--counts", path)

    assert result.exit_code == 0, result.output
    assert "Warning: Copay not collected: Okoye, Chidi" in result.stderr
    assert stored_report(clinic.engine, TODAY) is not None


# --- forcing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--force"], "--force needs --reason"),
        (["--force", "--reason", "   "], "--force needs --reason"),
        (["--reason", "power cut"], "--reason goes with --force"),
    ],
)
def test_force_and_reason_go_together(clinic: Clinic, args: list[str], message: str) -> None:
    clinic.book(clinic.add_patient(), 11)

    result = invoke(clinic, "close-day", "--yes", *args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert stored_report(clinic.engine, TODAY) is None


def test_force_with_a_reason_closes_and_is_audited(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient(), 11)

    result = invoke(clinic, "close-day", "--yes", "--force", "--reason", "power cut", "--json")

    assert result.exit_code == 0, result.output
    assert "Closed 2026-11-24 (forced)." in result.stderr
    report = json.loads(result.stdout)
    assert report["forced"] is True
    assert report["overridden"] == ["11:00 Smith, Jo with Okafor is still BOOKED"]
    detail = json.loads(
        scalar(clinic, "SELECT detail FROM audit_event WHERE action = 'day.closed'")
    )
    assert detail["forced"] is True
    assert detail["reason"] == "power cut"
    staff = scalar(clinic, "SELECT staff_id FROM audit_event WHERE action = 'day.closed'")
    assert staff == clinic.supervisor.id


# --- who may close, which day -------------------------------------------------------------------


def test_wrong_password_exits_2(clinic: Clinic) -> None:
    result = invoke(clinic, "close-day", "--yes", password="not the password")

    assert result.exit_code == 2, result.output
    assert "Username or password is not right" in result.stderr
    assert stored_report(clinic.engine, TODAY) is None
    assert scalar(clinic, "SELECT COUNT(*) FROM audit_event WHERE action = 'cli.failed'") == 1


def test_a_desk_clerk_cannot_close(clinic: Clinic) -> None:
    result = invoke(clinic, "close-day", "--yes", user="ana")

    assert result.exit_code == 2, result.output
    assert "ana is not a supervisor" in result.stderr
    assert stored_report(clinic.engine, TODAY) is None


def test_the_password_can_come_on_standard_input(clinic: Clinic) -> None:
    result = invoke(clinic, "close-day", "--yes", password=None, stdin=f"{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert stored_report(clinic.engine, TODAY) is not None


def test_without_a_user_or_password_nothing_happens(clinic: Clinic) -> None:
    no_user = invoke(clinic, "close-day", "--yes", user=None)
    no_password = invoke(clinic, "close-day", "--yes", password=None, stdin="")

    assert no_user.exit_code == 2, no_user.output
    assert "--user NAME" in no_user.stderr
    assert no_password.exit_code == 2, no_password.output
    assert "FRONTDESK_PASSWORD" in no_password.stderr
    assert stored_report(clinic.engine, TODAY) is None


def test_the_user_can_come_from_the_environment(clinic: Clinic) -> None:
    result = CliRunner().invoke(
        app,
        ["close-day", "--db", db_of(clinic), "--yes"],
        env={"FRONTDESK_USER": "sam", "FRONTDESK_PASSWORD": PASSWORD},
    )

    assert result.exit_code == 0, result.output
    assert stored_report(clinic.engine, TODAY) is not None


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-11-25", "2026-11-25 has not happened yet (it is 2026-11-24 in America/Chicago)"),
        ("2026-02-30", "--date: 2026-02-30 is not a date"),
        ("11/24/2026", "--date: 11/24/2026 is not a date"),
        ("20261124", "--date: 20261124 is not a date"),
    ],
)
def test_bad_or_future_dates_exit_2(clinic: Clinic, day: str, message: str) -> None:
    result = invoke(clinic, "close-day", "--yes", "--date", day)

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert scalar(clinic, "SELECT COUNT(*) FROM day_close") == 0


def test_an_earlier_day_can_be_closed(clinic: Clinic) -> None:
    result = invoke(clinic, "close-day", "--yes", "--date", "2026-11-23", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["business_date"] == "2026-11-23"
    assert stored_report(clinic.engine, TODAY) is None


def test_not_on_a_terminal_needs_yes_and_counts_nothing(clinic: Clinic, tmp_path: Path) -> None:
    _finished_day(clinic)
    path = counts_file(tmp_path, {"ana": EXACT})

    result = invoke(clinic, "close-day", "--counts", path)

    assert result.exit_code == 2, result.output
    assert "add --yes" in result.stderr
    assert count_rows(clinic) == []
    assert stored_report(clinic.engine, TODAY) is None


def test_missing_database_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = CliRunner().invoke(app, ["close-day", "--db", str(missing), "--user", "sam", "--yes"])

    assert result.exit_code == 2, result.output
    assert f"No clinic database at {missing}." in result.stderr
    assert not missing.exists()


def test_db_before_the_command_is_honoured(clinic: Clinic) -> None:
    result = CliRunner().invoke(
        app,
        ["--db", db_of(clinic), "close-day", "--user", "sam", "--yes"],
        env={"FRONTDESK_PASSWORD": PASSWORD},
    )

    assert result.exit_code == 0, result.output
    assert stored_report(clinic.engine, TODAY) is not None


def test_a_database_that_fails_its_integrity_check_is_not_closed(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    import frontdesk.data.db

    monkeypatch.setattr(frontdesk.data.db, "integrity_ok", lambda *_a, **_k: False)

    result = invoke(clinic, "close-day", "--yes")

    assert result.exit_code == 1, result.output
    assert "failed its integrity check" in result.stderr
    assert stored_report(clinic.engine, TODAY) is None
