"""The close-of-day report as CSV files, for a spreadsheet or the bookkeeper.

:func:`tables` turns a report (stored at close, or a preview) into plain rows;
:func:`to_csv` renders one table; :func:`write_csv` writes them all. Money is
in dollars with two decimals (``-5.00``), every row starts with the business
date so several days' files can be stacked. The files can name patients
(reversal reasons, billing hand-offs, warnings), so each is created readable
by its owner only (0600), and text a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``) is prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from frontdesk.data.closeout_report import MoneyLine, Report
from frontdesk.money import plain_cents

Table = tuple[list[str], list[list[str]]]  # header, rows

FILES = (
    "summary.csv",
    "money_by_tender.csv",
    "money_by_kind.csv",
    "money_by_clerk.csv",
    "reversals.csv",
    "drawers.csv",
    "billing.csv",
    "handoff.csv",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """User text made safe for a spreadsheet: a leading formula character is quoted."""
    return "'" + value if value.startswith(_FORMULA) else value


def _number(value: float | None) -> str:
    return "" if value is None else str(value)


def _money_table(day: str, lines: list[MoneyLine], label: str) -> Table:
    header = ["business_date", label, "payments", "taken", "given_back", "net"]
    rows = [
        [
            day,
            cell(line["name"]),
            str(line["payments"]),
            plain_cents(line["taken_cents"]),
            plain_cents(line["reversed_cents"]),
            plain_cents(line["net_cents"]),
        ]
        for line in lines
    ]
    return header, rows


def summary_table(report: Report) -> Table:
    """One row: who closed, the money totals, visits and waits."""
    money, visits, waits = report["money"], report["visits"], report["waits"]
    header = [
        "business_date",
        "clinic",
        "closed_at",
        "closed_by",
        "forced",
        "reason",
        "payments",
        "taken",
        "given_back",
        "net",
        "scheduled",
        "seen",
        "no_shows",
        "no_show_rate_percent",
        "cancelled",
        "walk_ins",
        "unfinished",
        "waits_visits",
        "wait_median_minutes",
        "wait_p90_minutes",
        "left_open",
        "warnings",
    ]
    row = [
        report["business_date"],
        cell(report["clinic"]),
        report["closed_at"] if report["closed_by"] else "",
        cell(report["closed_by"]),
        "yes" if report["forced"] else "no",
        cell(report["reason"]),
        str(money["payments"]),
        plain_cents(money["taken_cents"]),
        plain_cents(money["reversed_cents"]),
        plain_cents(money["net_cents"]),
        str(visits["scheduled"]),
        str(visits["seen"]),
        str(visits["no_shows"]),
        _number(visits["no_show_rate_percent"]),
        str(visits["cancelled"]),
        str(visits["walk_ins"]),
        str(visits["unfinished"]),
        str(waits["visits"]),
        _number(waits["median_minutes"]),
        _number(waits["p90_minutes"]),
        cell(" | ".join(report["overridden"])),
        cell(" | ".join(report["warnings"])),
    ]
    return header, [row]


def reversals_table(report: Report) -> Table:
    """Voids and refunds with who asked and who approved."""
    header = [
        "business_date",
        "receipt_no",
        "entry",
        "original_receipt_no",
        "original_date",
        "tender",
        "amount",
        "reason",
        "requested_by",
        "approved_by",
    ]
    rows = [
        [
            report["business_date"],
            str(r["receipt_no"]),
            r["entry"],
            str(r["original_receipt_no"]),
            r["original_date"],
            r["tender"],
            plain_cents(r["amount_cents"]),
            cell(r["reason"]),
            cell(r["requested_by"]),
            cell(r["approved_by"]),
        ]
        for r in report["reversals"]
    ]
    return header, rows


def drawers_table(report: Report) -> Table:
    """Each drawer's settling count against what was expected."""
    header = [
        "business_date",
        "drawer_id",
        "clerk",
        "float",
        "counted",
        "counted_by",
        "count_attempts",
        "cash_expected",
        "cash_counted",
        "cash_variance",
        "checks_expected",
        "checks_counted",
        "check_expected",
        "check_counted",
        "check_variance",
        "card_expected",
        "card_counted",
        "card_variance",
        "reason",
    ]
    rows: list[list[str]] = []
    for d in report["drawers"]:
        rows.append(
            [
                report["business_date"],
                str(d["drawer_id"]),
                cell(d["clerk"]),
                plain_cents(d["float_cents"]),
                "yes" if d["counted"] else "no",
                cell(d["counted_by"]),
                str(d["count_attempts"]),
                plain_cents(d["cash_expected_cents"]),
                plain_cents(d["cash_counted_cents"]),
                plain_cents(d["cash_variance_cents"]),
                str(d["check_count_expected"]),
                str(d["check_count_counted"]),
                plain_cents(d["check_expected_cents"]),
                plain_cents(d["check_counted_cents"]),
                plain_cents(d["check_counted_cents"] - d["check_expected_cents"]),
                plain_cents(d["card_expected_cents"]),
                plain_cents(d["card_counted_cents"]),
                plain_cents(d["card_counted_cents"] - d["card_expected_cents"]),
                cell(d["reason"]),
            ]
        )
    return header, rows


def billing_table(report: Report) -> Table:
    """Balances handed to billing (patient names: keep the file private)."""
    header = ["business_date", "patient", "mrn", "note", "by"]
    rows = [
        [
            report["business_date"],
            cell(b["patient"]),
            cell(b["mrn"]),
            cell(b["note"]),
            cell(b["by"]),
        ]
        for b in report["billing"]
    ]
    return header, rows


def handoff_table(report: Report) -> Table:
    """Open callbacks handed to the next shift (names and phones: keep the file private)."""
    header = ["business_date", "owner", "due", "overdue", "reason", "who", "phone", "tries"]
    rows = [
        [
            report["business_date"],
            cell(h["owner"]),
            h["due"],
            "yes" if h["overdue"] else "no",
            cell(h["reason"]),
            cell(h["who"]),
            cell(h["phone"]),
            str(h["attempts"]),
        ]
        for h in report.get("handoff", [])
    ]
    return header, rows


def tables(report: Report) -> dict[str, Table]:
    """Every CSV file of the report, by file name (in :data:`FILES` order)."""
    day = report["business_date"]
    money = report["money"]
    return {
        "summary.csv": summary_table(report),
        "money_by_tender.csv": _money_table(day, money["by_tender"], "tender"),
        "money_by_kind.csv": _money_table(day, money["by_kind"], "kind"),
        "money_by_clerk.csv": _money_table(day, money["by_clerk"], "clerk"),
        "reversals.csv": reversals_table(report),
        "drawers.csv": drawers_table(report),
        "billing.csv": billing_table(report),
        "handoff.csv": handoff_table(report),
    }


def to_csv(table: Table) -> str:
    """One table as CSV text (RFC 4180: CRLF line ends, quotes where needed)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    header, rows = table
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_csv(report: Report, directory: Path) -> list[Path]:
    """Write every table into ``directory`` (made 0700 if missing); files are 0600.

    Each file is written to a private temporary file beside it and renamed over
    the old one, so a reader never sees half a file and an existing file's
    looser mode is not kept.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    written: list[Path] = []
    for name, table in tables(report).items():
        target = directory / name
        fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(to_csv(table))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, 0o600)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written
