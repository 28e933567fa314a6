"""``frontdesk close-day`` reports: printed again unchanged once closed, as JSON, as CSV files."""

from __future__ import annotations

import csv
import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from frontdesk import clock
from frontdesk.data.closeout import stored_report
from tests.cli.close_day_helpers import closed_with_counts, invoke, scalar
from tests.conftest import TODAY, Clinic
from tests.data.test_closeout import _finished_day

pytestmark = pytest.mark.usefixtures("fast_hashing")


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
        "handoff.csv",
        "money_by_clerk.csv",
        "money_by_kind.csv",
        "money_by_tender.csv",
        "reversals.csv",
        "summary.csv",
    ]
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    # the day's no-show left a rebook callback open: handed to the next shift
    assert [(r["owner"], r["reason"], r["who"]) for r in read_csv(out / "handoff.csv")] == [
        ("desk", "Rebook a no-show", "Chen, Wei")
    ]
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
