"""``frontdesk callbacks list``: the open callbacks as a table or JSON, views and filters."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from frontdesk import clock
from frontdesk.cli import app
from frontdesk.data.callbacks import log_attempt
from frontdesk.data.checkin import CheckInRequest, check_in
from tests.cli.callbacks_helpers import add, db_of, item_lines, listed_ids, mrn_of, run, stored
from tests.conftest import NOW, ZONE, Clinic

pytestmark = pytest.mark.usefixtures("fast_hashing")


def test_list_is_sorted_as_the_queue_with_overdue_marked_by_a_word(clinic: Clinic) -> None:
    low = add(clinic, reason="other", priority=3, caller_name="Lowe Priority")
    high = add(clinic, reason="other", priority=1, caller_name="Hy Priority")
    late = add(clinic, reason="other", priority=3, due=NOW - timedelta(minutes=5))

    result = run(clinic, "callbacks", "list")

    assert result.exit_code == 0, result.output
    assert listed_ids(result.stdout) == [late, high, low]
    lines = item_lines(result.stdout)
    assert "OVERDUE" in lines[late]
    assert "Nov 24 09:55" in lines[late]
    assert "OVERDUE" not in lines[high]
    assert "OVERDUE" not in lines[low]
    assert "Hy Priority" in lines[high]
    assert "(312) 555-0134" in lines[high]
    assert result.stdout.splitlines()[-1] == "3 open items, 1 overdue."
    assert all(cell_len(line) <= 80 for line in result.stdout.splitlines())


def test_list_keeps_long_names_within_80_columns_and_prints_markup_as_typed(
    clinic: Clinic,
) -> None:
    add(clinic, caller_name="[bold]Maximiliano Alejandro Fernández-Oyarzún de la Cruz[/bold]")

    result = run(clinic, "callbacks", "list")

    assert result.exit_code == 0, result.output
    assert "[bold]Maxim" in result.stdout  # shown as typed, not taken as Rich markup
    assert all(cell_len(line) <= 80 for line in result.stdout.splitlines())
    assert "(312) 555-0134" in result.stdout  # the phone is never the column that is cut


def test_list_json_has_every_field_with_iso_times(clinic: Clinic) -> None:
    patient = clinic.add_patient("Okafor", "Ada")
    clinical = add(clinic, reason="clinical", patient_id=patient, caller_name="", phone="")
    late = add(clinic, reason="other", due=NOW - timedelta(hours=1), reference="PBX-9")
    log_attempt(clinic.engine, late, "voicemail", staff=clinic.desk)

    result = run(clinic, "callbacks", "list", "--json")

    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [item["id"] for item in items] == [late, clinical]
    first, second = items
    assert first["overdue"] is True
    assert datetime.fromisoformat(first["due_at"]) == NOW - timedelta(hours=1)
    assert first["due_at"] == "2026-11-24T09:00:00-06:00"  # clinic-local, with its offset
    assert (first["attempts"], first["last_attempt"]) == (1, "voicemail")
    assert datetime.fromisoformat(first["next_try_at"]) == NOW + timedelta(hours=2)
    assert (first["reference"], first["owner"], first["who"]) == ("PBX-9", "desk", "Rosa Alvarez")
    assert second["overdue"] is False
    assert datetime.fromisoformat(second["due_at"]) == datetime(2026, 11, 24, 17, tzinfo=ZONE)
    assert (second["reason"], second["reason_label"]) == ("clinical", "Clinical question")
    assert (second["owner"], second["priority"], second["patient_id"]) == ("nurse", 1, patient)
    assert second["who"] == "Okafor, Ada"
    assert second["mrn"] == mrn_of(clinic, patient)
    assert second["phone"] == "(312) 555-0134"
    assert second["next_try_at"] is None


def test_overdue_option_and_overdue_view_keep_only_overdue_items(clinic: Clinic) -> None:
    add(clinic, reason="other")
    late = add(clinic, reason="billing", due=NOW - timedelta(minutes=1))
    nurse_late = add(clinic, reason="clinical", due=NOW - timedelta(minutes=2))

    flag = run(clinic, "callbacks", "list", "--overdue")
    view = run(clinic, "callbacks", "list", "--view", "overdue", "--json")
    nurse_only = run(clinic, "callbacks", "list", "--view", "nurse", "--overdue", "--json")

    assert flag.exit_code == 0, flag.output
    assert listed_ids(flag.stdout) == [nurse_late, late]
    assert flag.stdout.splitlines()[-1] == "2 open items, 2 overdue."
    assert [item["id"] for item in json.loads(view.stdout)] == [nurse_late, late]
    assert [item["id"] for item in json.loads(nurse_only.stdout)] == [nurse_late]


def test_views_and_the_reason_filter(clinic: Clinic) -> None:
    billing = add(clinic, reason="billing")
    clinical = add(clinic, reason="clinical")
    complaint = add(clinic, reason="complaint")
    bens = add(clinic, reason="other", owner_staff_id=clinic.desk2.id)

    def ids(*args: str) -> list[int]:
        result = run(clinic, "callbacks", "list", "--json", *args)
        assert result.exit_code == 0, result.output
        return [item["id"] for item in json.loads(result.stdout)]

    assert ids("--view", "nurse") == [clinical]
    assert ids("--view", "supervisor") == [complaint]
    assert ids("--view", "mine", "--user", "ben") == [bens]
    assert ids("--view", "mine", "--user", "ana") == []
    assert ids("--reason", "billing") == [billing]
    assert sorted(ids()) == sorted([billing, clinical, complaint, bens])


def test_the_db_may_come_before_the_command_and_an_empty_queue_says_so(clinic: Clinic) -> None:
    result = CliRunner().invoke(app, ["--db", db_of(clinic), "callbacks", "list"])

    assert result.exit_code == 0, result.output
    assert result.stdout == "No open items.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--view", "everything"], "--view everything: not a view; use one of all, mine,"),
        (["--view", "mine"], "--view mine needs --user NAME"),
        (["--view", "mine", "--user", "nobody"], "--user nobody: no active account"),
        (["--reason", "gossip"], "--reason gossip: not a reason; use one of scheduling,"),
    ],
)
def test_bad_list_options_exit_2_with_a_message(
    clinic: Clinic, args: list[str], message: str
) -> None:
    add(clinic)

    result = run(clinic, "callbacks", "list", *args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""


def test_list_sweeps_long_waits_first(clinic: Clinic) -> None:
    patient = clinic.add_patient("Nguyen", "Thi")
    appt = clinic.book(patient, 10)
    check_in(
        clinic.engine, CheckInRequest(patient_id=patient, appointment_id=appt), staff=clinic.desk
    )
    clock.advance(timedelta(minutes=31))
    assert stored(clinic) == []

    result = run(clinic, "callbacks", "list", "--json")

    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.stdout)
    assert (item["reason"], item["patient_id"], item["who"]) == (
        "long_wait",
        patient,
        "Nguyen, Thi",
    )
    assert "31 min" in item["notes"]
    (row,) = stored(clinic)
    assert row["cause"] == f"long-wait:{appt}"
    again = run(clinic, "callbacks", "list")
    assert listed_ids(again.stdout) == [item["id"]]  # swept once, not twice
