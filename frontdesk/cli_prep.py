"""``frontdesk prep``: a coming day's prep worklist, as text, CSV, JSON or on paper.

Registered on the Typer app by :mod:`frontdesk.cli`. Calls the same data-layer
functions as the prep screen. With no option the list is printed as plain text
(80 columns); ``--csv FILE`` writes it as a spreadsheet (0600), ``--json``
prints it as JSON, ``--print`` sends it to the printer. Standard output carries
only the list; messages go to standard error. Exit codes as in
:mod:`frontdesk.cli_common`: 2 for bad input (a date that has passed, a file
that cannot be written, no printer set up), 1 when the printer refused.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from frontdesk.cli_common import NOT_CLOSED, DbOption, database, fail, parse_day, say


def _check_csv_file(path: Path) -> Path:
    """``--csv FILE``: a file (not a folder) in a folder this user can write to."""
    path = path.expanduser()
    if path.is_dir():
        raise fail(f"--csv {path}: that is a folder; name the file, like {path}/prep.csv.")
    probe = next((p for p in path.parents if p.exists()), Path("."))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise fail(f"--csv {path}: you cannot write there.")
    return path


def prep_command(
    ctx: typer.Context,
    db: DbOption = None,
    day_text: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="The day to prepare (default: the next day the clinic is open).",
        ),
    ] = None,
    csv_file: Annotated[
        Path | None,
        typer.Option(
            "--csv", metavar="FILE", help="Write the list as CSV to FILE (readable by you only)."
        ),
    ] = None,
    to_printer: Annotated[
        bool,
        typer.Option(
            "--print",
            help="Send the list to the printer (FRONTDESK_PRINT_COMMAND, else the clinic's).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """A coming day's booked visits and what each needs: confirm, forms, interpreter, ..."""
    day = parse_day(day_text) if day_text is not None else None
    csv_path = _check_csv_file(csv_file) if csv_file is not None else None
    from frontdesk import clock
    from frontdesk.data.clinic import load_clinic
    from frontdesk.data.prep import worklist
    from frontdesk.data.prep_export import export_csv, record_export, to_json, worklist_text
    from frontdesk.printing import print_command, send

    with database(ctx, db) as engine:
        clinic = load_clinic(engine)
        command = print_command(clinic.print_command)
        if to_printer and not command:
            raise fail(
                "No printer is set up: set FRONTDESK_PRINT_COMMAND, or the clinic's with "
                '`frontdesk settings --print-command "lp -d desk"`.'
            )
        found = worklist(engine, day)
        visits = len(found.rows)
        if csv_path is not None:
            export_csv(engine, found, csv_path, staff_id=None)
            say(f"Wrote {visits} visits for {found.day} to {csv_path} (readable by you only).")
        if to_printer:
            record_export(
                engine, found.day, how="print", target=command, visits=visits, staff_id=None
            )
            now = clock.now().astimezone(clinic.zone)
            refused = send(worklist_text(found, printed_at=now), command)
            if refused:
                raise fail(f"Not printed: {refused}.", NOT_CLOSED)
            say(f"Sent the list of {visits} visits for {found.day} to the printer.")
    if as_json:
        sys.stdout.write(json.dumps(to_json(found), indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    elif csv_path is None and not to_printer:
        sys.stdout.write(worklist_text(found))
        sys.stdout.flush()
