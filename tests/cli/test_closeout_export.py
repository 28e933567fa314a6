"""The report as CSV: rows from a report, spreadsheet-safe text, private files."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

from frontdesk.data.closeout_export import FILES, cell, tables, to_csv, write_csv
from frontdesk.data.closeout_report import Report


def report(**changes: object) -> Report:
    base: Report = {
        "clinic": "Riverside Family Clinic",
        "business_date": "2026-11-24",
        "closed_at": "2026-11-24T17:30-06:00",
        "closed_by": "sam",
        "forced": False,
        "reason": "",
        "overridden": [],
        "warnings": [],
        "money": {
            "by_tender": [
                {
                    "name": "cash",
                    "payments": 2,
                    "taken_cents": 3500,
                    "reversed_cents": 1000,
                    "net_cents": 2500,
                }
            ],
            "by_kind": [],
            "by_clerk": [],
            "payments": 2,
            "taken_cents": 3500,
            "reversed_cents": 1000,
            "net_cents": 2500,
        },
        "reversals": [
            {
                "receipt_no": 3,
                "entry": "void",
                "original_receipt_no": 2,
                "original_date": "2026-11-24",
                "tender": "cash",
                "amount_cents": 1000,
                "reason": '=HYPERLINK("http://x")',
                "requested_by": "ana",
                "approved_by": "sam",
            }
        ],
        "drawers": [],
        "visits": {
            "scheduled": 3,
            "seen": 1,
            "no_shows": 1,
            "no_show_rate_percent": None,
            "cancelled": 1,
            "walk_ins": 0,
            "unfinished": 0,
        },
        "waits": {"visits": 0, "median_minutes": None, "p90_minutes": None},
        "billing": [
            {"patient": "O'Brien-Núñez, Siobhán", "mrn": "000123", "note": "-owes 40", "by": "ana"}
        ],
    }
    base.update(changes)  # type: ignore[typeddict-item]
    return base


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_formula_text_is_quoted_but_negative_money_is_not() -> None:
    assert cell("=1+2") == "'=1+2"
    assert cell("+1") == "'+1"
    assert cell("-owes") == "'-owes"
    assert cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("Smith, Jo") == "Smith, Jo"
    header, (void,) = tables(report())["reversals.csv"]
    assert void[header.index("reason")] == '\'=HYPERLINK("http://x")'
    short = report(drawers=[])
    short["money"]["by_tender"][0]["net_cents"] = -500
    (_, (cash,)) = tables(short)["money_by_tender.csv"]
    assert cash[-1] == "-5.00"


def test_every_file_starts_with_the_business_date() -> None:
    made = tables(report())

    assert tuple(made) == FILES
    for name, (header, body) in made.items():
        assert header[0] == "business_date", name
        assert all(row[0] == "2026-11-24" for row in body), name


def test_csv_text_round_trips_names_with_commas_and_accents() -> None:
    text = to_csv(tables(report())["billing.csv"])

    assert text.endswith("\r\n")
    assert rows(text) == [
        ["business_date", "patient", "mrn", "note", "by"],
        ["2026-11-24", "O'Brien-Núñez, Siobhán", "000123", "'-owes 40", "ana"],
    ]


def test_summary_leaves_missing_figures_empty() -> None:
    header, (row,) = tables(report())["summary.csv"]
    values = dict(zip(header, row, strict=True))

    assert values["no_show_rate_percent"] == ""
    assert values["wait_median_minutes"] == ""
    assert (values["net"], values["taken"], values["given_back"]) == ("25.00", "35.00", "10.00")
    assert values["forced"] == "no"


def test_write_replaces_a_readable_file_with_a_private_one(tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder"
    out.mkdir(parents=True)
    old = out / "billing.csv"
    old.write_text("stale")
    old.chmod(0o644)

    written = write_csv(report(), out)

    assert [p.name for p in written] == list(FILES)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temporary files left
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Siobhán" in old.read_text(encoding="utf-8")


def test_write_makes_a_private_folder(tmp_path: Path) -> None:
    out = tmp_path / "exports" / "2026-11-24"

    write_csv(report(), out)

    assert stat.S_IMODE(out.stat().st_mode) == 0o700
