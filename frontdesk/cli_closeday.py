"""``frontdesk close-day`` and ``frontdesk reopen-day``: the supervisor's end of the day.

Registered on the Typer app by :mod:`frontdesk.cli`. They call the same
data-layer functions as the supervisor's screen; exit codes as in
:mod:`frontdesk.cli_common`. The drawers are counted by :mod:`frontdesk.cli_counts`.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from frontdesk import cli_common
from frontdesk.cli_common import (
    NOT_CLOSED,
    DbOption,
    UserOption,
    console,
    database,
    fail,
    list_blockers,
    parse_day,
    say,
    supervisor,
)
from frontdesk.cli_counts import count_from_file, count_interactively, plan_counts, read_counts

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from frontdesk.data.clinic import Clinic
    from frontdesk.data.closeout_report import Report


def _day_or_today(text: str | None, clinic: Clinic) -> date:
    today = clinic.today()
    day = parse_day(text) if text is not None else today
    if day > today:
        raise fail(f"{day} has not happened yet (it is {today} in {clinic.zone.key}).")
    return day


class _IntegrityCheck:
    """The full ``PRAGMA integrity_check``, run on a daemon thread from the start.

    Started as soon as the engine is open, it overlaps the supervisor's sign-in
    (argon2) and the counting; SQLite releases the GIL while it reads the file.
    It checks the file as it stood when it began (a WAL snapshot). A daemon
    thread, not a pool's, so a command that ends early (the day is already
    closed, blockers, bad input) exits without waiting for it.
    """

    def __init__(self, engine: Engine) -> None:
        import threading

        from frontdesk.data.db import integrity_ok

        self._ok = False
        self._error: Exception | None = None

        def run() -> None:
            try:
                self._ok = integrity_ok(engine)
            except Exception as error:  # raised again by passed(), in the command's thread
                self._error = error

        self._thread = threading.Thread(target=run, name="integrity-check", daemon=True)
        self._thread.start()

    def passed(self) -> bool:
        """Wait for the check: ``True`` if the file is sound (the check's error is raised)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._ok


def _emit(report: Report, *, as_json: bool, csv_dir: Path | None) -> None:
    """The report on standard output; the CSV files if asked for."""
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
        sys.stdout.flush()
    else:
        from frontdesk.report_view import report_renderable

        console(sys.stdout).print(report_renderable(report))
    if csv_dir is not None:
        from frontdesk.data.closeout_export import write_csv

        try:
            written = write_csv(report, csv_dir)
        except OSError as error:
            raise fail(
                f"--csv {csv_dir}: could not write the files ({error.strerror}); "
                "run close-day again with another --csv to export the report."
            ) from None
        say(f"Wrote {len(written)} CSV files to {csv_dir} (readable by you only).")


def _check_csv_dir(path: Path) -> Path:
    path = path.expanduser()
    if path.exists() and not path.is_dir():
        raise fail(f"--csv {path}: that is a file, not a folder.")
    probe = path if path.exists() else next((p for p in path.parents if p.exists()), Path("."))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise fail(f"--csv {path}: you cannot write there.")
    return path


# --- the commands -----------------------------------------------------------------------------


def close_day_command(
    ctx: typer.Context,
    db: DbOption = None,
    user: UserOption = None,
    day_text: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="The day to close (default: today)."),
    ] = None,
    counts: Annotated[
        Path | None,
        typer.Option(
            "--counts", metavar="FILE", help="Blind counts of the drawers as JSON (see docs)."
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Close without asking (needed when not on a terminal).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Close although things are unfinished (with --reason).")
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason", metavar="TEXT", help="Why the day closes unfinished (with --force)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    csv_dir: Annotated[
        Path | None,
        typer.Option("--csv", metavar="DIR", help="Also write the report as CSV files in DIR."),
    ] = None,
) -> None:
    """Count the drawers, check what is unfinished, and close (lock) a business day."""
    if force and not (reason and reason.strip()):
        raise fail('--force needs --reason "..." saying why the day closes unfinished.')
    if reason is not None and not force:
        raise fail("--reason goes with --force.")
    csv_path = _check_csv_dir(csv_dir) if csv_dir is not None else None
    from frontdesk.data.clinic import load_clinic
    from frontdesk.data.closeout import close_day, preview_report, status_of, stored_report
    from frontdesk.data.drawer import uncounted

    with database(ctx, db) as engine:
        integrity = _IntegrityCheck(engine)  # awaited only if the day is to be closed
        clinic = load_clinic(engine)
        day = _day_or_today(day_text, clinic)
        from_file = read_counts(counts, clinic.denominations) if counts is not None else None
        member = supervisor(engine, user, "close the day")

        stored = stored_report(engine, day)
        if stored is not None:
            say(f"{day} is already closed")
            _emit(stored, as_json=as_json, csv_dir=csv_path)
            return
        on_terminal = cli_common.is_terminal()
        if not yes and not on_terminal:
            raise fail(
                "Not on a terminal, so there is no one to ask before the day is locked: "
                "add --yes to close without a question."
            )
        interactive = on_terminal and not yes

        drawers = uncounted(engine, day)
        plan = plan_counts(engine, day, drawers, from_file) if from_file else {}
        for drawer in drawers:
            entry = plan.get(drawer.id)
            if entry is not None:
                count_from_file(engine, drawer, entry, member, clinic)
            elif interactive:
                count_interactively(engine, drawer, member, clinic)

        status = status_of(engine, day)
        for warning in status.warnings:
            say(f"Warning: {warning}")
        if status.blockers:
            items = [b.text for b in status.blockers]
            if not force:
                list_blockers(f"{day} cannot close yet; unfinished:", items)
                say('Finish these, or close anyway with --force --reason "...".')
                raise typer.Exit(NOT_CLOSED)
            list_blockers(f"Closing {day} with these unfinished (--force):", items)

        if not integrity.passed():  # the full check, as RELIABILITY.md asks at close-day
            raise fail(
                "The database failed its integrity check (PRAGMA integrity_check); nothing was "
                "closed. Stop using this copy and restore the latest backup.",
                NOT_CLOSED,
            )
        if interactive:
            console(sys.stderr).print(report_view_of(preview_report(engine, day)))
            if not typer.confirm(f"Close {day} now? This locks the day.", err=True):
                raise fail("Not closed.", NOT_CLOSED)

        closed = close_day(engine, day, by=member, force_reason=reason if force else None)
        if closed.already_closed:
            say(f"{day} is already closed")
        else:
            say(f"Closed {day}{' (forced)' if closed.report['forced'] else ''}.")
        _emit(closed.report, as_json=as_json, csv_dir=csv_path)


def report_view_of(report: Report) -> Any:
    """The Rich renderable of a report (imported late: Rich is not needed until here)."""
    from frontdesk.report_view import report_renderable

    return report_renderable(report)


def reopen_day_command(
    ctx: typer.Context,
    day_text: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="The closed day.")],
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Why it is reopened (kept and audited).")
    ],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Open a closed day again (a supervisor other than the one who closed it)."""
    day = parse_day(day_text)
    if not reason.strip():
        raise fail("--reason: say why the day is reopened.")
    from frontdesk.data.closeout import reopen_day, stored_report

    with database(ctx, db) as engine:
        member = supervisor(engine, user, "reopen a day")
        report = stored_report(engine, day)
        reopen_day(engine, day, by=member, reason=reason)
        closer = f" (closed by {report['closed_by']})" if report else ""
        say(
            f"Reopened {day}{closer}. Changes to it are allowed again; close it again with "
            f"frontdesk close-day --date {day}"
        )
