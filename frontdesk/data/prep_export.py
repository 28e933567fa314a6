"""The prep worklist as a CSV file, as plain text for the printer, and as JSON.

The CSV has one row per visit, columns spelled out and flags as words, so it
reads in a spreadsheet without this program's codes. Every export (a file
written, a list printed) is an audit event, ``prep.export``. Like the close-of-day
files it names patients and phones: it is created readable by its owner only
(0600) and text a spreadsheet would run as a formula is quoted
(:func:`frontdesk.data.closeout_export.cell`). The printed list fits 80
columns, with a box to tick beside each visit.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from frontdesk.data import audit
from frontdesk.data.closeout_export import cell
from frontdesk.data.db import write_session
from frontdesk.data.errors import InvalidInput
from frontdesk.data.languages import language_name
from frontdesk.data.prep import FLAG_WORDS, PrepRow, Worklist
from frontdesk.money import format_cents, plain_cents
from frontdesk.text import strip_unsafe

CSV_HEADER = (
    "appointment_id",
    "date",
    "time",
    "arrive_by",
    "minutes",
    "patient",
    "mrn",
    "mobile_phone",
    "home_phone",
    "provider",
    "visit_type",
    "confirmed",
    "needs",
    "forms_needed",
    "interpreter",
    "eligibility_verified",
    "eligibility_last_verified",
    "copay_due",
    "past_due_balance",
    "total_due",
    "new_patient",
    "arrive_minutes_early",
    "prep_instructions",
    "authorization_ref",
)
TEXT_WIDTH = 80


def file_name(worklist: Worklist) -> str:
    """``prep-2026-11-25.csv``."""
    return f"prep-{worklist.day.isoformat()}.csv"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def interpreter_words(row: PrepRow) -> str:
    """``Spanish (es)``, or the code alone when it has no name on file."""
    name = language_name(row.interpreter)
    return name if name == row.interpreter else f"{name} ({row.interpreter})"


def needs(row: PrepRow) -> list[str]:
    """What the visit needs, in words: ``unconfirmed``, ``forms needed``, ``owes $25.00``..."""
    words: list[str] = []
    if not row.confirmed:
        words.append("unconfirmed")
    if row.interpreter:
        words.append(f"interpreter: {interpreter_words(row)}")
    if row.forms_needed:
        words.append("forms needed")
    if row.eligibility_unverified:
        words.append("eligibility not verified")
    if row.new_patient:
        early = row.early_minutes
        words.append(f"new patient: arrive {early} min early" if early else "new patient")
    if row.owed_cents > 0:
        words.append(f"owes {format_cents(row.owed_cents)}")
    return words


# --- CSV ----------------------------------------------------------------------------------


def csv_row(row: PrepRow) -> list[str]:
    """One visit's cells, in :data:`CSV_HEADER` order."""
    verified = row.eligibility_verified_on
    return [
        str(row.appointment_id),
        row.start.date().isoformat(),
        f"{row.start:%H:%M}",
        f"{row.arrive_at:%H:%M}",
        str(row.minutes),
        cell(strip_unsafe(row.patient)),
        cell(row.mrn),
        cell(row.phone_mobile),
        cell(row.phone_home),
        cell(strip_unsafe(row.provider)),
        cell(strip_unsafe(row.type_name)),
        _yes(row.confirmed),
        cell("; ".join(needs(row))),
        _yes(row.forms_needed),
        cell(interpreter_words(row)) if row.interpreter else "",
        _yes(not row.eligibility_unverified),
        verified.isoformat() if verified else "",
        plain_cents(row.copay_cents),
        plain_cents(row.balance_cents),
        plain_cents(row.owed_cents),
        _yes(row.new_patient),
        str(row.early_minutes if row.new_patient else 0),
        cell(strip_unsafe(" ".join(row.prep_instructions.split()))),
        cell(strip_unsafe(row.authorization_ref)),
    ]


def to_csv(worklist: Worklist) -> str:
    """The list as CSV text (RFC 4180: CRLF line ends, quotes where needed)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_row(row) for row in worklist.rows)
    return out.getvalue()


def write_csv(worklist: Worklist, path: Path) -> Path:
    """Write the CSV to ``path`` (0600; its folder made 0700 if missing).

    Written to a private temporary file beside it and renamed over the old one,
    so a reader never sees half a file and an old file's looser mode is not kept.
    """
    path = path.expanduser()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(to_csv(worklist))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def record_export(
    engine: Engine, day: date, *, how: str, target: str, visits: int, staff_id: int | None
) -> None:
    """Audit that a day's list (names and phones) left the app: ``csv`` or ``print``."""
    with write_session(engine) as session:
        audit.record(
            session,
            staff_id=staff_id,
            action="prep.export",
            entity="appointment",
            detail={"day": day, "how": how, "target": target, "visits": visits},
        )


def export_csv(engine: Engine, worklist: Worklist, path: Path, *, staff_id: int | None) -> Path:
    """:func:`write_csv` and its audit event: a file is never left without its record."""
    try:
        written = write_csv(worklist, path)
    except OSError as error:
        raise InvalidInput(
            f"Could not write {path} ({error.strerror}); nothing was exported", field="csv"
        ) from None
    try:
        record_export(
            engine,
            worklist.day,
            how="csv",
            target=str(written),
            visits=len(worklist.rows),
            staff_id=staff_id,
        )
    except BaseException:
        written.unlink(missing_ok=True)
        raise
    return written


# --- JSON ---------------------------------------------------------------------------------


def to_json(worklist: Worklist) -> dict[str, Any]:
    """The list as plain JSON values: times in ISO 8601 (clinic-local), money in cents."""
    return {
        "day": worklist.day.isoformat(),
        "clinic": worklist.clinic,
        "counts": {FLAG_WORDS[f].lower(): n for f, n in worklist.counts.items()},
        "visits": [
            {
                "appointment_id": row.appointment_id,
                "start": row.start.isoformat(),
                "arrive_by": row.arrive_at.isoformat(),
                "minutes": row.minutes,
                "patient_id": row.patient_id,
                "patient": row.patient,
                "mrn": row.mrn,
                "mobile_phone": row.phone_mobile,
                "home_phone": row.phone_home,
                "provider": row.provider,
                "visit_type": row.type_name,
                "confirmed": row.confirmed,
                "flags": list(row.flags),
                "needs": needs(row),
                "forms_needed": row.forms_needed,
                "interpreter": row.interpreter or None,
                "eligibility_verified": not row.eligibility_unverified,
                "eligibility_last_verified": (
                    row.eligibility_verified_on.isoformat() if row.eligibility_verified_on else None
                ),
                "copay_due_cents": row.copay_cents,
                "past_due_balance_cents": row.balance_cents,
                "total_due_cents": row.owed_cents,
                "new_patient": row.new_patient,
                "arrive_minutes_early": row.early_minutes if row.new_patient else 0,
                "prep_instructions": row.prep_instructions,
                "authorization_ref": row.authorization_ref,
            }
            for row in worklist.rows
        ],
    }


# --- printed text -------------------------------------------------------------------------


def _width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    """How many terminal columns ``text`` takes."""
    return sum(_width(c) for c in text)


def fit(text: str, width: int, *, pad: bool = True) -> str:
    """``text`` cut to ``width`` terminal columns (``…`` marks a cut), padded if asked."""
    clean = strip_unsafe(" ".join(text.splitlines()).replace("\t", " "))
    used, out = 0, []
    total = cells(clean)
    limit = width if total <= width else width - 1
    for char in clean:
        w = _width(char)
        if used + w > limit:
            break
        out.append(char)
        used += w
    if total > width:
        out.append("…")
        used += 1
    return "".join(out) + (" " * (width - used) if pad else "")


def _wrap(words: list[str], indent: int, width: int) -> list[str]:
    """``words`` joined by ``, `` and broken between them to fit ``width`` after ``indent``."""
    lines: list[str] = []
    current = ""
    room = width - indent
    for word in words:
        candidate = f"{current}, {word}" if current else word
        if current and cells(candidate) > room:
            lines.append(current + ",")
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return [" " * indent + fit(line, room, pad=False) for line in lines]


def visit_lines(row: PrepRow, width: int = TEXT_WIDTH) -> list[str]:
    """A visit on paper: a box to tick, time, patient, phone, provider, type; then its needs."""
    head = (
        f"[ ] {row.start:%H:%M}  "
        + fit(row.patient, 24)
        + "  "
        + fit(row.phone or "no phone", 16)
        + "  "
        + fit(row.provider, 10)
        + "  "
    )
    lines = [head + fit(row.type_name, max(width - cells(head), 1), pad=False)]
    indent = 11
    words = needs(row) or ["confirmed, nothing else needed"]
    lines += _wrap(words, indent, width)
    extra: list[str] = []
    if row.phone_mobile and row.phone_home:
        extra.append(f"home {row.phone_home}")
    if row.new_patient and row.early_minutes:
        extra.append(f"arrive by {row.arrive_at:%H:%M}")
    if row.authorization_ref:
        extra.append(f"auth {row.authorization_ref}")
    if extra:
        lines.append(" " * indent + fit(" · ".join(extra), width - indent, pad=False))
    if row.prep_instructions.strip():
        lines.append(
            " " * indent + fit(f"Prep: {row.prep_instructions}", width - indent, pad=False)
        )
    return lines


def worklist_text(
    worklist: Worklist, *, printed_at: datetime | None = None, width: int = TEXT_WIDTH
) -> str:
    """The list for the printer: a heading, the counts, then each visit; every line fits."""
    title = f"Prep worklist  {worklist.day_label()}"
    name = fit(worklist.clinic, max(width - cells(title) - 2, 1), pad=False)
    lines = [title + " " * max(width - cells(title) - cells(name), 2) + name]
    lines.append(fit(worklist.counts_text(), width, pad=False))
    if printed_at is not None:
        lines.append(f"Printed {printed_at:%a %d %b %Y %H:%M}")
    lines.append("")
    if not worklist.rows:
        lines.append("No booked visits on this day.")
    for row in worklist.rows:
        lines += visit_lines(row, width)
        lines.append("")
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"
