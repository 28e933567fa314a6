"""``frontdesk reopen-day`` and ``frontdesk settings`` from the command line."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.exc import IntegrityError

from frontdesk.data.clinic import load_clinic
from frontdesk.data.closeout import stored_report
from tests.cli.close_day_helpers import invoke, scalar
from tests.conftest import TODAY, Clinic
from tests.data.test_closeout import _second_supervisor

pytestmark = pytest.mark.usefixtures("fast_hashing")


# --- reopen-day ---------------------------------------------------------------------------------


def test_reopen_by_the_closer_is_refused(clinic: Clinic) -> None:
    assert invoke(clinic, "close-day", "--yes").exit_code == 0

    result = invoke(clinic, "reopen-day", "--date", "2026-11-24", "--reason", "late payment")

    assert result.exit_code == 2, result.output
    assert "A different supervisor must reopen the day you closed" in result.stderr
    assert stored_report(clinic.engine, TODAY) is not None


def test_reopen_by_another_supervisor_opens_the_day(clinic: Clinic) -> None:
    _second_supervisor(clinic)
    assert invoke(clinic, "close-day", "--yes").exit_code == 0
    patient = clinic.add_patient()
    with pytest.raises(IntegrityError, match="closed"):
        clinic.book(patient, 16)

    result = invoke(
        clinic, "reopen-day", "--date", "2026-11-24", "--reason", "late payment", user="kim"
    )

    assert result.exit_code == 0, result.output
    assert "Reopened 2026-11-24 (closed by sam)" in result.stderr
    assert stored_report(clinic.engine, TODAY) is None
    clinic.book(patient, 16)  # the day takes changes again
    assert scalar(clinic, "SELECT COUNT(*) FROM day_reopen") == 1
    detail = scalar(clinic, "SELECT detail FROM audit_event WHERE action = 'day.reopened'")
    assert "late payment" in detail


def test_reopen_of_an_open_day_or_by_a_clerk_exits_2(clinic: Clinic) -> None:
    not_closed = invoke(clinic, "reopen-day", "--date", "2026-11-24", "--reason", "x")
    clerk = invoke(clinic, "reopen-day", "--date", "2026-11-24", "--reason", "x", user="ana")
    no_reason = invoke(clinic, "reopen-day", "--date", "2026-11-24", "--reason", " ")

    assert not_closed.exit_code == 2, not_closed.output
    assert "is not closed" in not_closed.stderr
    assert clerk.exit_code == 2, clerk.output
    assert "not a supervisor" in clerk.stderr
    assert no_reason.exit_code == 2, no_reason.output
    assert scalar(clinic, "SELECT COUNT(*) FROM day_reopen") == 0


# --- settings -----------------------------------------------------------------------------------


def test_settings_show_without_signing_in(clinic: Clinic) -> None:
    result = invoke(clinic, "settings", user=None, password=None)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Clinic:              Riverside Family Clinic (America/Chicago)",
        "Denominations:       100,50,20,10,5,1,0.25,0.10,0.05,0.01",
        "Max payment:         2000.00",
        "Variance tolerance:  1.00",
        "Print command:       (none)",
    ]


def test_settings_change_is_saved_and_audited(clinic: Clinic) -> None:
    result = invoke(
        clinic,
        "settings",
        "--max-payment",
        "1,500.00",
        "--variance-tolerance",
        "0",
        "--denominations",
        "0.25,100,20,1",
        "--print-command",
        "lp -d receipt",
    )

    assert result.exit_code == 0, result.output
    assert "Changed max payment: 2000.00 -> 1500.00" in result.stderr
    settings = load_clinic(clinic.engine)
    assert settings.max_payment_cents == 150_000
    assert settings.variance_tolerance_cents == 0
    assert settings.denominations == (10000, 2000, 100, 25)
    assert settings.print_command == "lp -d receipt"
    assert "Denominations:       100,20,1,0.25" in result.stdout
    detail = json.loads(
        scalar(clinic, "SELECT detail FROM audit_event WHERE action = 'clinic.settings_changed'")
    )
    assert detail["before"]["max_payment_cents"] == 200_000
    assert detail["after"]["max_payment_cents"] == 150_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-payment", "0"], "--max-payment 0: Amount must be more than $0.00"),
        (["--max-payment", "-5"], "--max-payment -5"),
        (["--variance-tolerance", "1.005"], "two digits"),
        (["--denominations", "100,abc"], "--denominations abc"),
        (["--denominations", "100,,1"], "--denominations"),
        (["--denominations", "1,1.00"], "listed twice"),
        (["--print-command", "lp\x1b[2J"], "control character"),
    ],
)
def test_bad_settings_exit_2_and_change_nothing(
    clinic: Clinic, args: list[str], message: str
) -> None:
    result = invoke(clinic, "settings", *args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert load_clinic(clinic.engine).max_payment_cents == 200_000
    assert (
        scalar(clinic, "SELECT COUNT(*) FROM audit_event WHERE action = 'clinic.settings_changed'")
        == 0
    )


def test_a_clerk_cannot_change_settings(clinic: Clinic) -> None:
    result = invoke(clinic, "settings", "--max-payment", "10", user="ana")

    assert result.exit_code == 2, result.output
    assert "not a supervisor" in result.stderr
    assert load_clinic(clinic.engine).max_payment_cents == 200_000
