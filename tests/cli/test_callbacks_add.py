"""``frontdesk callbacks add`` from options: what is stored, sign-in, and refusals."""

from __future__ import annotations

from datetime import datetime

import pytest

from frontdesk.data.errors import InvalidInput
from tests.cli.callbacks_helpers import add, due_utc, mrn_of, run, stored
from tests.conftest import PASSWORD, ZONE, Clinic

pytestmark = pytest.mark.usefixtures("fast_hashing")


def test_add_by_name_stores_the_row_and_prints_its_id(clinic: Clinic) -> None:
    result = run(
        clinic,
        "callbacks",
        "add",
        "--reason",
        "billing",
        "--name",
        "Rosa Alvarez",
        "--phone",
        "312 555 0134",
        "--note",
        "Asked about the October bill",
        "--reference",
        "PBX-1001",
        "--priority",
        "1",
        "--due",
        "2026-11-25 14:30",
        "--owner",
        "ben",
    )

    assert result.exit_code == 0, result.output
    (row,) = stored(clinic)
    assert result.stdout == f"{row['id']}\n"
    assert row["reason"] == "billing"
    assert row["caller_name"] == "Rosa Alvarez"
    assert row["patient_id"] is None
    assert row["phone"] == "+13125550134"
    assert row["notes"] == "Asked about the October bill"
    assert row["reference"] == "PBX-1001"
    assert row["priority"] == 1
    assert due_utc(clinic, row["id"]) == datetime(2026, 11, 25, 14, 30, tzinfo=ZONE)
    assert (row["owner_queue"], row["owner_staff_id"]) == ("", clinic.desk2.id)
    assert row["created_by"] is None  # no --user: an automated intake
    assert f"Added callback {row['id']}: billing for Rosa Alvarez, owner ben" in result.stderr


def test_add_by_mrn_uses_the_patient_and_the_reasons_rules(clinic: Clinic) -> None:
    clinic.add_patient("Smith", "Jo")  # another patient, to show the MRN is matched exactly
    patient = clinic.add_patient("Okafor", "Ada", phone_mobile="(773) 555-0100")

    result = run(
        clinic, "callbacks", "add", "--reason", "clinical", "--patient", mrn_of(clinic, patient)
    )

    assert result.exit_code == 0, result.output
    (row,) = stored(clinic)
    assert result.stdout == f"{row['id']}\n"
    assert row["patient_id"] == patient
    assert row["caller_name"] == ""
    assert row["phone"] == "+17735550100"  # the patient's, none typed
    assert (row["owner_queue"], row["priority"]) == ("nurse", 1)
    assert due_utc(clinic, row["id"]) == datetime(2026, 11, 24, 17, tzinfo=ZONE)


def test_add_with_a_user_signs_in_and_records_who(clinic: Clinic) -> None:
    args = ["callbacks", "add", "--reason", "other", "--name", "Wei Chen", "--phone", "3125550100"]

    wrong = run(clinic, *args, "--user", "ana", password="not the password")
    assert wrong.exit_code == 2, wrong.output
    assert "Username or password is not right" in wrong.stderr
    assert stored(clinic) == []

    result = run(clinic, *args, "--user", "ana", password=PASSWORD)
    assert result.exit_code == 0, result.output
    (row,) = stored(clinic)
    assert row["created_by"] == clinic.desk.id

    piped = run(clinic, *args, "--user", "ana", stdin=PASSWORD + "\n")
    assert piped.exit_code == 0, piped.output
    assert [r["created_by"] for r in stored(clinic)] == [clinic.desk.id, clinic.desk.id]

    none = run(clinic, *args, "--user", "ana")
    assert none.exit_code == 2, none.output
    assert "No password: set FRONTDESK_PASSWORD, pipe it in" in none.stderr
    assert len(stored(clinic)) == 2


def test_a_due_time_in_the_past_is_added_with_a_warning(clinic: Clinic) -> None:
    result = run(
        clinic,
        "callbacks",
        "add",
        "--reason",
        "other",
        "--name",
        "Wei Chen",
        "--phone",
        "312 555 0100",
        "--due",
        "2026-11-24 08:00",
    )

    assert result.exit_code == 0, result.output
    assert "Warning: The due time is already past" in result.stderr
    (row,) = stored(clinic)
    assert due_utc(clinic, row["id"]) == datetime(2026, 11, 24, 8, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--phone", "555-CALL-NOW"], "--phone: Phone has letters"),
        (["--phone", "12"], "--phone: Phone has too few digits (2)"),
        (["--reason", "gossip"], "--reason: Reason gossip is not one of scheduling, billing,"),
        (["--reason", "long_wait"], "--reason: Reason long_wait is not one of"),  # automatic
        (["--note", "x" * 10_000], "--note: Note is 10,000 characters; the limit is 2000"),
        (["--name", "Rosa\x1b[31m"], "--name: Name has a hidden control character"),
        (["--reference", "R" * 41], "--reference: Reference is 41 characters; the limit is 40"),
        (["--priority", "7"], "--priority: Priority is 1 (high), 2 (normal) or 3 (low)"),
        (["--due", "tomorrow"], "--due: Due tomorrow is not a time; use YYYY-MM-DD HH:MM"),
        (["--due", "2026-02-30 10:00"], "is not a day and time on the calendar"),
        (["--due", "2027-03-14 02:30"], "does not exist in America/Chicago"),
        (["--due", "2036-11-24 10:00"], "more than a year from now"),
        (["--owner", "zed"], "--owner: Owner zed is not a queue (desk, nurse, supervisor)"),
        (["--patient", "123"], "--patient: No patient has MRN 123 (MRNs have leading zeros"),
    ],
)
def test_bad_input_exits_2_and_stores_nothing(
    clinic: Clinic, args: list[str], message: str
) -> None:
    values = {"--reason": "billing", "--name": "Rosa Alvarez", "--phone": "312 555 0134"}
    values.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [part for pair in values.items() for part in pair]

    result = run(clinic, "callbacks", "add", *argv)

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""
    assert stored(clinic) == []


def test_every_bad_option_is_listed_at_once(clinic: Clinic) -> None:
    result = run(
        clinic,
        "callbacks",
        "add",
        "--reason",
        "gossip",
        "--name",
        "Rosa",
        "--phone",
        "12",
        "--priority",
        "9",
    )

    assert result.exit_code == 2, result.output
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [
        "--reason",
        "--phone",
        "--priority",
    ]
    assert stored(clinic) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "Rosa"], "--reason CODE is needed"),
        (["--reason", "billing", "--phone", "3125550134"], "--patient MRN or --name"),
        (["--reason", "billing", "--name", "Rosa"], "--phone: A phone number to call back"),
    ],
)
def test_missing_options_exit_2(clinic: Clinic, args: list[str], message: str) -> None:
    result = run(clinic, "callbacks", "add", *args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert stored(clinic) == []


def test_the_checks_match_the_data_layers_limits(clinic: Clinic) -> None:
    """The CLI checks before adding anything; add_callback must refuse the same values."""
    with pytest.raises(InvalidInput) as caught:
        add(clinic, reference="R" * 41)
    assert caught.value.field == "reference"
    with pytest.raises(InvalidInput) as caught:
        add(clinic, notes="n" * 2001)
    assert caught.value.field == "notes"
    longest = ["--reference", "R" * 40, "--note", "n" * 2000]
    base = ["--reason", "billing", "--name", "Rosa", "--phone", "3125550134"]

    result = run(clinic, "callbacks", "add", *base, *longest)

    assert result.exit_code == 0, result.output
    assert [(len(r["reference"]), len(r["notes"])) for r in stored(clinic)] == [(40, 2000)]
