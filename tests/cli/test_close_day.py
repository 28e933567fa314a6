"""``frontdesk close-day``, ``reopen-day`` and ``settings`` from the command line."""

from __future__ import annotations

import csv
import json
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner, Result

import frontdesk.cli_common
from frontdesk import clock
from frontdesk.cli import app
from frontdesk.data.clinic import load_clinic
from frontdesk.data.closeout import stored_report
from frontdesk.data.db import read_session
from frontdesk.data.drawer import open_drawer
from tests.conftest import PASSWORD, TODAY, Clinic
from tests.data.test_closeout import FLOAT, _finished_day, _second_supervisor

pytestmark = pytest.mark.usefixtures("fast_hashing")

DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1)  # the default, largest first
EXACT = {"cash": {"20": 6, "5": 1}, "card_total": "40.00"}  # $100 float + $25 cash, $40 card


def db_of(clinic: Clinic) -> str:
    return str(clinic.engine.url.database)


def invoke(
    clinic: Clinic,
    command: str,
    *args: str,
    user: str | None = "sam",
    password: str | None = PASSWORD,
    stdin: str | None = None,
) -> Result:
    """Run ``frontdesk <command> --db <clinic> [--user]`` with the password in the env."""
    argv = [command, "--db", db_of(clinic)]
    if user is not None:
        argv += ["--user", user]
    env = {"FRONTDESK_PASSWORD": password, "FRONTDESK_USER": None}
    return CliRunner().invoke(app, [*argv, *args], env=env, input=stdin)


def counts_file(tmp_path: Path, drawers: dict[str, Any], name: str = "counts.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"drawers": drawers}))
    return str(path)


def scalar(clinic: Clinic, sql: str) -> Any:
    with read_session(clinic.engine) as session:
        return session.execute(text(sql)).scalar()


def count_rows(clinic: Clinic) -> list[tuple[Any, ...]]:
    with read_session(clinic.engine) as session:
        rows = session.execute(
            text("SELECT drawer_id, cash_counted_cents, accepted, reason FROM drawer_count")
        )
        return [tuple(r) for r in rows]


def closed_with_counts(clinic: Clinic, tmp_path: Path, *extra: str) -> Result:
    _finished_day(clinic)
    path = counts_file(tmp_path, {"ana": EXACT})
    return invoke(clinic, "close-day", "--yes", "--counts", path, *extra)


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


# --- closing with a counts file -----------------------------------------------------------------


def test_counts_file_counts_the_drawer_and_closes(clinic: Clinic, tmp_path: Path) -> None:
    result = closed_with_counts(clinic, tmp_path)

    assert result.exit_code == 0, result.output
    assert "Close of day 2026-11-24   closed 24 Nov 10:02 by sam" in result.stdout
    assert "Net taken $65.00" in result.stdout
    assert "Closed 2026-11-24." in result.stderr
    assert "$125.00     $125.00   even" in result.stderr  # expected vs counted, after the count
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    report = stored_report(clinic.engine, TODAY)
    assert report is not None
    assert report["closed_by"] == "sam"
    ((drawer_id, counted, accepted, reason),) = count_rows(clinic)
    assert (counted, accepted, reason) == (12500, 1, "")
    assert report["drawers"][0]["drawer_id"] == drawer_id


def test_a_drawer_can_be_named_by_its_number(clinic: Clinic, tmp_path: Path) -> None:
    ids = _finished_day(clinic)
    path = counts_file(tmp_path, {str(ids["drawer"]): EXACT})

    result = invoke(clinic, "close-day", "--yes", "--counts", path)

    assert result.exit_code == 0, result.output
    assert [row[2] for row in count_rows(clinic)] == [1]


def test_short_drawer_with_a_reason_in_the_file_closes(clinic: Clinic, tmp_path: Path) -> None:
    _finished_day(clinic)
    short = {"cash": {"20": 6}, "card_total": "40.00", "reason": "gave $5 too much change"}
    path = counts_file(tmp_path, {"ana": short})

    result = invoke(clinic, "close-day", "--yes", "--counts", path, "--json")

    assert result.exit_code == 0, result.output
    assert "-$5.00 SHORT" in result.stderr
    report = json.loads(result.stdout)
    (drawer,) = report["drawers"]
    assert drawer["cash_variance_cents"] == -500
    assert drawer["reason"] == "gave $5 too much change"
    assert drawer["count_attempts"] == 2  # the blind count, then the same figures with the reason
    assert [(row[2], row[3]) for row in count_rows(clinic)] == [
        (0, ""),
        (1, "gave $5 too much change"),
    ]


def test_short_drawer_without_a_reason_blocks(clinic: Clinic, tmp_path: Path) -> None:
    _finished_day(clinic)
    path = counts_file(tmp_path, {"ana": {"cash": {"20": 6}, "card_total": "40.00"}})

    result = invoke(clinic, "close-day", "--yes", "--counts", path)

    assert result.exit_code == 1, result.output
    assert "count differs: recount or give a reason" in result.stderr
    assert 'give a "reason"' in result.stderr
    assert [row[2] for row in count_rows(clinic)] == [0]
    assert stored_report(clinic.engine, TODAY) is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"cash": {"20": -1}}, 'drawer "ana", cash "20": a count cannot be negative'),
        ({"cash": {"20": 2.5}}, 'drawer "ana", cash "20": 2.5 is not a whole number'),
        ({"cash": {"20": "x"}}, 'drawer "ana", cash "20": enter a whole number'),
        ({"cash": {"3.00": 1}}, "not one of this clinic's denominations"),
        ({"cash": {"20": 1, "20.00": 1}}, "listed twice"),
        ({"cash": {"20": 6}, "card_total": "4O.00"}, 'drawer "ana", card_total: Amount must'),
        ({"cash": {"20": 6}, "card_total": 40}, "card_total: give the amount as text"),
        ({"cash": {"20": 6}, "checks": {"count": 0, "total": "5.00"}}, "checks count"),
        ({"cash": {"20": 6}, "card": "40.00"}, 'drawer "ana", "card": not a field here'),
    ],
)
def test_bad_counts_exit_2_and_store_nothing(
    clinic: Clinic, tmp_path: Path, entry: dict[str, Any], message: str
) -> None:
    _finished_day(clinic)
    path = counts_file(tmp_path, {"ana": entry})

    result = invoke(clinic, "close-day", "--yes", "--counts", path)

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert count_rows(clinic) == []
    assert stored_report(clinic.engine, TODAY) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"drawers": {"ana": {"cash": {"20": 6}', "not valid JSON (line 1"),
        ('{"drawer": {}}', 'expected {"drawers"'),
        ('{"drawers": {"ana": {}, "ana": {}}}', '"ana" appears twice'),
        (None, "no such file"),
    ],
)
def test_a_broken_counts_file_exits_2(
    clinic: Clinic, tmp_path: Path, content: str | None, message: str
) -> None:
    _finished_day(clinic)
    path = tmp_path / "counts.json"
    if content is not None:
        path.write_text(content)

    result = invoke(clinic, "close-day", "--yes", "--counts", str(path))

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert count_rows(clinic) == []


def test_an_entry_for_no_drawer_exits_2_before_counting_any(clinic: Clinic, tmp_path: Path) -> None:
    _finished_day(clinic)
    path = counts_file(tmp_path, {"ana": EXACT, "zed": EXACT})

    result = invoke(clinic, "close-day", "--yes", "--counts", path)

    assert result.exit_code == 2, result.output
    assert 'drawer "zed": no such drawer to count on 2026-11-24' in result.stderr
    assert count_rows(clinic) == []


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


# --- already closed, JSON, CSV ------------------------------------------------------------------


def test_running_again_prints_the_stored_report_unchanged(clinic: Clinic, tmp_path: Path) -> None:
    first = closed_with_counts(clinic, tmp_path, "--json")
    assert first.exit_code == 0, first.output
    clock.advance(timedelta(hours=3))
    clinic.add_patient("Later", "Lou")  # the database moves on; the report must not

    again = invoke(clinic, "close-day", "--yes", "--json")
    without_yes = invoke(clinic, "close-day", "--json")

    assert again.exit_code == 0, again.output
    assert again.stderr.splitlines() == ["2026-11-24 is already closed"]
    assert again.stdout == first.stdout  # byte for byte
    assert without_yes.exit_code == 0, without_yes.output
    assert without_yes.stdout == first.stdout
    assert scalar(clinic, "SELECT COUNT(*) FROM day_close") == 1


def test_already_closed_rich_report_is_the_same_text(clinic: Clinic, tmp_path: Path) -> None:
    first = closed_with_counts(clinic, tmp_path)
    clock.advance(timedelta(hours=1))

    again = invoke(clinic, "close-day")

    assert again.exit_code == 0, again.output
    assert "2026-11-24 is already closed" in again.stderr
    assert again.stdout == first.stdout
    assert "closed 24 Nov 10:02 by sam" in again.stdout


def test_json_report_has_the_right_totals(clinic: Clinic, tmp_path: Path) -> None:
    result = closed_with_counts(clinic, tmp_path, "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["money"]["net_cents"] == 6500
    assert report["money"]["reversed_cents"] == 1000
    assert report["business_date"] == "2026-11-24"
    assert result.stdout == json.dumps(report, indent=2, sort_keys=True) + "\n"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_csv_files_have_the_rows_and_are_private(clinic: Clinic, tmp_path: Path) -> None:
    out = tmp_path / "export"

    result = closed_with_counts(clinic, tmp_path, "--csv", str(out))

    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "billing.csv",
        "drawers.csv",
        "money_by_clerk.csv",
        "money_by_kind.csv",
        "money_by_tender.csv",
        "reversals.csv",
        "summary.csv",
    ]
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    tender = {r["tender"]: (r["payments"], r["net"]) for r in read_csv(out / "money_by_tender.csv")}
    assert tender == {"card": ("1", "40.00"), "cash": ("2", "25.00")}
    kinds = {r["kind"]: r["net"] for r in read_csv(out / "money_by_kind.csv")}
    assert kinds == {"copay": "25.00", "other": "40.00"}
    assert [(r["clerk"], r["net"]) for r in read_csv(out / "money_by_clerk.csv")] == [
        ("ana", "65.00")
    ]
    (void,) = read_csv(out / "reversals.csv")
    assert (void["entry"], void["amount"], void["reason"]) == ("void", "10.00", "taken twice")
    assert (void["requested_by"], void["approved_by"]) == ("ana", "sam")
    (drawer,) = read_csv(out / "drawers.csv")
    assert (drawer["cash_expected"], drawer["cash_counted"], drawer["cash_variance"]) == (
        "125.00",
        "125.00",
        "0.00",
    )
    (summary,) = read_csv(out / "summary.csv")
    assert (summary["net"], summary["seen"], summary["no_shows"]) == ("65.00", "1", "1")
    assert summary["wait_median_minutes"] == "12.0"
    assert summary["business_date"] == "2026-11-24"


def test_csv_export_of_an_already_closed_day(clinic: Clinic, tmp_path: Path) -> None:
    first = closed_with_counts(clinic, tmp_path)
    assert first.exit_code == 0, first.output
    out = tmp_path / "later"

    result = invoke(clinic, "close-day", "--date", "2026-11-24", "--csv", str(out))

    assert result.exit_code == 0, result.output
    assert "already closed" in result.stderr
    (summary,) = read_csv(out / "summary.csv")
    assert (summary["net"], summary["closed_by"]) == ("65.00", "sam")


def test_csv_into_a_file_is_bad_input(clinic: Clinic, tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("")
    _finished_day(clinic)

    result = invoke(clinic, "close-day", "--yes", "--csv", str(target))

    assert result.exit_code == 2, result.output
    assert "that is a file, not a folder" in result.stderr
    assert stored_report(clinic.engine, TODAY) is None


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


# --- at the keyboard ----------------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frontdesk.cli_common, "is_terminal", lambda: True)


def keyed(cash: dict[int, str], checks: str = "0", card: str = "40") -> list[str]:
    """Answers to the count prompts: $100 down to 1¢, then checks and card slips."""
    lines = [cash.get(d, "") for d in DENOMINATIONS]
    lines.append(checks)
    if checks not in ("", "0"):
        lines.append("0")
    lines.append(card)
    return lines


@pytest.mark.usefixtures("terminal")
def test_keyboard_count_shows_no_expected_figure_until_counted(clinic: Clinic) -> None:
    _finished_day(clinic)
    answers = [*keyed({2000: "6", 500: "1"}), "y"]

    result = invoke(clinic, "close-day", stdin="\n".join(answers) + "\n")

    assert result.exit_code == 0, result.output
    out = result.stderr
    questions = ["How many $100 bills?", "How many $20 bills?", "How many 25¢ coins?"]
    positions = [out.index(q) for q in questions]
    assert positions == sorted(positions)  # largest first
    last_question = out.index("Card slips total")
    for figure in ("$125.00", "$100.00", "$40.00", "$65.00"):
        assert figure not in out[:last_question]
    assert out.index("$125.00") > last_question
    assert "PREVIEW: not closed" in out
    assert "Close 2026-11-24 now? This locks the day." in out
    assert stored_report(clinic.engine, TODAY) is not None


@pytest.mark.usefixtures("terminal")
def test_keyboard_short_count_asks_for_a_reason(clinic: Clinic) -> None:
    _finished_day(clinic)
    answers = [*keyed({2000: "6"}), "gave $5 too much change", "y"]

    result = invoke(clinic, "close-day", stdin="\n".join(answers) + "\n")

    assert result.exit_code == 0, result.output
    assert "-$5.00 SHORT" in result.stderr
    assert "Reason for the difference" in result.stderr
    report = stored_report(clinic.engine, TODAY)
    assert report is not None
    assert report["drawers"][0]["reason"] == "gave $5 too much change"


@pytest.mark.usefixtures("terminal")
def test_keyboard_retries_a_bad_number(clinic: Clinic) -> None:
    _finished_day(clinic)
    answers = keyed({2000: "6", 500: "1"})
    answers[0] = "-1\n2.5\n0"  # $100 bills: refused twice, then 0
    answers.append("y")

    result = invoke(clinic, "close-day", stdin="\n".join(answers) + "\n")

    assert result.exit_code == 0, result.output
    assert "$100: a count cannot be negative" in result.stderr
    assert "$100: enter a whole number" in result.stderr
    assert [row[1] for row in count_rows(clinic)] == [12500]


@pytest.mark.usefixtures("terminal")
def test_answering_no_leaves_the_day_open(clinic: Clinic) -> None:
    result = invoke(clinic, "close-day", stdin="n\n")

    assert result.exit_code == 1, result.output
    assert "Not closed." in result.stderr
    assert stored_report(clinic.engine, TODAY) is None


@pytest.mark.usefixtures("terminal")
def test_yes_on_a_terminal_asks_nothing(clinic: Clinic) -> None:
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)

    result = invoke(clinic, "close-day", "--yes", stdin="")

    assert result.exit_code == 1, result.output  # the drawer was not counted: it blocks
    assert "How many" not in result.stderr
    assert "not counted" in result.stderr


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


def test_a_database_that_fails_its_integrity_check_is_not_closed(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    import frontdesk.data.db

    monkeypatch.setattr(frontdesk.data.db, "integrity_ok", lambda *_a, **_k: False)

    result = invoke(clinic, "close-day", "--yes")

    assert result.exit_code == 1, result.output
    assert "failed its integrity check" in result.stderr
    assert stored_report(clinic.engine, TODAY) is None
