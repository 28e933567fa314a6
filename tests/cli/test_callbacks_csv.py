"""``frontdesk callbacks add --from-csv``: every row of a file, or none."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from frontdesk.data.callbacks import NewCallback
from frontdesk.data.errors import InvalidInput
from tests.cli.callbacks_helpers import csv_file, due_utc, mrn_of, run, stored
from tests.conftest import ZONE, Clinic

pytestmark = pytest.mark.usefixtures("fast_hashing")


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
