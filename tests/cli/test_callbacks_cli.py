"""``frontdesk callbacks list|add`` and ``frontdesk handoff`` from the command line."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from sqlalchemy import text
from typer.testing import CliRunner, Result

from frontdesk import clock
from frontdesk.cli import app
from frontdesk.data.callbacks import NewCallback, add_callback, close_callback, log_attempt
from frontdesk.data.checkin import CheckInRequest, check_in
from frontdesk.data.db import read_session
from frontdesk.data.errors import InvalidInput
from tests.conftest import NOW, PASSWORD, ZONE, Clinic

pytestmark = pytest.mark.usefixtures("fast_hashing")

HEADER = "reason,name,mrn,phone,note,reference,priority,due,owner"
ITEM = re.compile(r" *[0-9]+ [A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2} ")  # "12 Nov 24 17:00 "


def db_of(clinic: Clinic) -> str:
    return str(clinic.engine.url.database)


def run(clinic: Clinic, *args: str, password: str | None = None, stdin: str = "") -> Result:
    """``frontdesk <args> --db <clinic>``, with no user or password from the environment."""
    env = {"FRONTDESK_PASSWORD": password, "FRONTDESK_USER": None}
    return CliRunner().invoke(app, [*args, "--db", db_of(clinic)], env=env, input=stdin)


def add(clinic: Clinic, **fields: Any) -> int:
    """An item added through the data layer (by Ana at the desk)."""
    values: dict[str, Any] = {"reason": "billing", "caller_name": "Rosa Alvarez"}
    values["phone"] = "(312) 555-0134"
    values.update(fields)
    return add_callback(clinic.engine, NewCallback(**values), staff=clinic.desk).callback_id


def stored(clinic: Clinic) -> list[dict[str, Any]]:
    """Every callback row, oldest first."""
    with read_session(clinic.engine) as session:
        rows = session.execute(text("SELECT * FROM callback ORDER BY id")).mappings().all()
        return [dict(row) for row in rows]


def mrn_of(clinic: Clinic, patient_id: int) -> str:
    with read_session(clinic.engine) as session:
        return str(
            session.execute(text(f"SELECT mrn FROM patient WHERE id = {patient_id}")).scalar()
        )


def due_utc(clinic: Clinic, item_id: int) -> datetime:
    """An item's stored due time (SQLite keeps it as naive UTC text)."""
    (row,) = [r for r in stored(clinic) if r["id"] == item_id]
    value = datetime.fromisoformat(str(row["due_at"]))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def item_lines(output: str) -> dict[int, str]:
    """The lines of a table or hand-off that start with an item id and its due time, by id."""
    return {int(line.split()[0]): line for line in output.splitlines() if ITEM.match(line)}


def listed_ids(output: str) -> list[int]:
    """The item ids of a ``callbacks list`` table, top to bottom."""
    return list(item_lines(output))


def csv_file(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "calls.csv") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8", newline="")
    return path


# --- callbacks list ---------------------------------------------------------------------------


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


# --- callbacks add ----------------------------------------------------------------------------


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


# --- callbacks add --from-csv -----------------------------------------------------------------


def test_csv_with_one_bad_row_adds_nothing_and_lists_it(clinic: Clinic, tmp_path: Path) -> None:
    patient = clinic.add_patient("Okafor", "Ada")
    path = csv_file(
        tmp_path,
        "billing,Rosa Alvarez,,312 555 0134,October bill,PBX-1,,,",
        f"clinical,,{mrn_of(clinic, patient)},,,PBX-2,1,,nurse",
        "",
        "gossip,Wei Chen,,12,,,,,",
        "scheduling,Amy Ng,,312 555 0101,,,5,2026-11-25 10:00,",
    )

    result = run(clinic, "callbacks", "add", "--from-csv", str(path))

    assert result.exit_code == 2, result.output
    assert stored(clinic) == []
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}: 2 of 4 rows are bad; nothing was added.",
        "  line 5: reason: Reason gossip is not one of scheduling, billing, records, clinical, "
        "prior_auth, referral, complaint, other",
        "  line 5: phone: Phone has too few digits (2)",
        "  line 6: priority: Priority is 1 (high), 2 (normal) or 3 (low)",
    ]


def test_a_good_csv_adds_every_row(clinic: Clinic, tmp_path: Path) -> None:
    patient = clinic.add_patient("Okafor", "Ada")
    path = csv_file(
        tmp_path,
        'billing,Rosa Alvarez,,312 555 0134,"October bill\r\ncall after 2pm",PBX-1,,,',
        f"clinical,,{mrn_of(clinic, patient)},,,PBX-2,1,,",
        "records,Wei Chen,,(312) 555-0100,,PBX-3,3,2026-11-30 09:00,ben",
    )

    result = run(clinic, "callbacks", "add", "--from-csv", str(path))

    assert result.exit_code == 0, result.output
    rows = stored(clinic)
    assert result.stdout.splitlines() == [str(r["id"]) for r in rows]
    assert [r["reference"] for r in rows] == ["PBX-1", "PBX-2", "PBX-3"]
    billing, clinical, records = rows
    assert billing["notes"] == "October bill\ncall after 2pm"  # a spreadsheet's CRLF, kept as \n
    assert (billing["owner_queue"], billing["phone"]) == ("desk", "+13125550134")
    assert (clinical["patient_id"], clinical["owner_queue"]) == (patient, "nurse")
    assert clinical["phone"] == "+13125550134"
    assert (records["owner_staff_id"], records["priority"]) == (clinic.desk2.id, 3)
    assert due_utc(clinic, records["id"]) == datetime(2026, 11, 30, 9, tzinfo=ZONE)
    assert all(r["created_by"] is None for r in rows)
    assert f"Added 3 callbacks from {path}." in result.stderr


def test_csv_columns_may_be_fewer_and_in_any_order(clinic: Clinic, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "3125550134,Rosa Alvarez,billing", header="Phone, Name ,REASON")

    result = run(clinic, "callbacks", "add", "--from-csv", str(path))

    assert result.exit_code == 0, result.output
    (row,) = stored(clinic)
    assert (row["reason"], row["caller_name"], row["phone"]) == (
        "billing",
        "Rosa Alvarez",
        "+13125550134",
    )


def test_csv_warnings_name_their_line(clinic: Clinic, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "billing,Rosa Alvarez,,312 555 0134,,,,,",
        "other,Wei Chen,,312 555 0100,,,,2026-11-24 08:00,",
    )

    result = run(clinic, "callbacks", "add", "--from-csv", str(path))

    assert result.exit_code == 0, result.output
    assert "line 3: warning: The due time is already past" in result.stderr
    assert len(stored(clinic)) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("reason,notes\r\nbilling,x\r\n", "unknown column(s) 'notes'; the columns are reason,"),
        ("name,phone\r\nRosa,3125550134\r\n", "the header has no reason column"),
        ("reason,name,name\r\nbilling,a,b\r\n", "column(s) name appear twice"),
        ('reason,name\r\nbilling,"Rosa\r\n', "line 2: unexpected end of data"),
    ],
)
def test_a_malformed_csv_exits_2(
    clinic: Clinic, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(content, encoding="utf-8", newline="")

    result = run(clinic, "callbacks", "add", "--from-csv", str(path))

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert stored(clinic) == []


def test_csv_rows_with_too_many_cells_and_missing_files(clinic: Clinic, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "billing,Rosa,,3125550134,,,,,,extra", "billing,Rosa,,3125550134")
    result = run(clinic, "callbacks", "add", "--from-csv", str(path))
    assert result.exit_code == 2, result.output
    assert "  line 2: 10 cells; the header has 9" in result.stderr.splitlines()
    assert stored(clinic) == []

    missing = run(clinic, "callbacks", "add", "--from-csv", str(tmp_path / "none.csv"))
    assert missing.exit_code == 2, missing.output
    assert "no such file" in missing.stderr

    mixed = run(clinic, "callbacks", "add", "--from-csv", str(path), "--reason", "billing")
    assert mixed.exit_code == 2, mixed.output
    assert "--from-csv takes every value from the file; drop --reason" in mixed.stderr


def test_a_row_refused_while_adding_stops_the_import_and_says_what_was_added(
    clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked first, but another terminal may change things (an owner deactivated) meanwhile."""
    import frontdesk.data.callbacks as callbacks

    real = callbacks.add_callback
    calls: list[str] = []

    def flaky(engine: Any, new: NewCallback, *, staff: Any) -> Any:
        calls.append(new.caller_name)
        if len(calls) == 2:
            raise InvalidInput("That person is not an active account", field="owner")
        return real(engine, new, staff=staff)

    monkeypatch.setattr(callbacks, "add_callback", flaky)
    path = csv_file(
        tmp_path,
        "billing,Rosa Alvarez,,3125550134,,,,,",
        "billing,Wei Chen,,3125550100,,,,,ben",
        "billing,Amy Ng,,3125550101,,,,,",
    )

    result = run(clinic, "callbacks", "add", "--from-csv", str(path))

    assert result.exit_code == 2, result.output
    (row,) = stored(clinic)
    assert row["caller_name"] == "Rosa Alvarez"
    assert result.stdout == f"{row['id']}\n"
    assert result.stderr.splitlines() == [
        "line 3: That person is not an active account",
        "Added 1 of 3 rows (the lines before line 3); line 3 and the rows after it were not added.",
    ]
    assert calls == ["Rosa Alvarez", "Wei Chen"]


# --- handoff ----------------------------------------------------------------------------------


def test_handoff_groups_open_items_by_owner(clinic: Clinic) -> None:
    nurse = add(clinic, reason="clinical", caller_name="Nora Nurse-Call", notes="rash since Friday")
    desk = add(clinic, reason="billing", caller_name="Dina Desk")
    late = add(clinic, reason="other", caller_name="Lars Late", due=NOW - timedelta(minutes=10))
    bens = add(clinic, reason="scheduling", caller_name="Bea Ben", owner_staff_id=clinic.desk2.id)
    closed = add(clinic, reason="billing", caller_name="Cleo Closed")
    close_callback(clinic.engine, closed, "resolved", staff=clinic.desk)
    log_attempt(clinic.engine, desk, "voicemail", staff=clinic.desk)

    result = run(clinic, "handoff")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Handoff, Tue Nov 24 10:00 (America/Chicago): 4 open items, 1 overdue."
    groups: dict[str, list[int]] = {}
    heading = ""
    for line in lines[1:]:
        if line and not line.startswith(" "):
            heading = line
            groups[heading] = []
        elif ITEM.match(line):
            groups[heading].append(int(line.split()[0]))
    assert groups == {
        "Ben: 1 open item, 0 overdue.": [bens],  # a person by full name
        "desk queue: 2 open items, 1 overdue.": [late, desk],
        "nurse queue: 1 open item, 0 overdue.": [nurse],
    }
    text_out = result.stdout
    assert "Cleo Closed" not in text_out
    late_line = next(line for line in lines if line.strip().startswith(f"{late} "))
    assert "OVERDUE" in late_line
    desk_line = next(line for line in lines if line.strip().startswith(f"{desk} "))
    assert "(312) 555-0134" in desk_line
    assert desk_line.endswith("1 try")
    assert "last try: Left voicemail, next try Nov 24 12:00" in text_out
    assert "rash since Friday" in text_out
    assert all(cell_len(line) <= 80 for line in lines)


def test_handoff_json(clinic: Clinic) -> None:
    nurse = add(clinic, reason="clinical")
    desk = add(clinic, reason="billing")

    result = run(clinic, "handoff", "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert datetime.fromisoformat(data["at"]) == NOW
    assert [(g["owner"], g["open"], g["overdue"]) for g in data["owners"]] == [
        ("desk", 1, 0),
        ("nurse", 1, 0),
    ]
    assert [[i["id"] for i in g["items"]] for g in data["owners"]] == [[desk], [nurse]]
    assert data["owners"][1]["items"][0]["due_at"] == "2026-11-24T17:00:00-06:00"


def test_handoff_with_nothing_open(clinic: Clinic) -> None:
    result = run(clinic, "handoff")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Handoff, Tue Nov 24 10:00 (America/Chicago): 0 open items, 0 overdue."
    ]
