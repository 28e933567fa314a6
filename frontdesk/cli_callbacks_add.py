"""``frontdesk callbacks add``: one callback from options, or every row of a CSV file.

Each item's values are checked first (:mod:`frontdesk.cli_callbacks_values`); a
CSV file is added all or nothing. With ``--user`` the items are added as that
person, signed in as :func:`frontdesk.cli_common.sign_in_as` does; without it,
by no one (an automated intake).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from frontdesk import cli_common
from frontdesk.cli_callbacks_show import TIME_FORMAT
from frontdesk.cli_callbacks_values import COLUMNS, BadValues, Lookups, parse_item
from frontdesk.cli_common import PASSWORD_ENV, USER_ENV, DbOption, database, fail, say, sign_in_as
from frontdesk.text import strip_unsafe

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from frontdesk.data.callback_queue import QueueItem
    from frontdesk.data.callbacks import NewCallback
    from frontdesk.data.staff import StaffMember

OPTIONS = {
    "reason": "--reason",
    "name": "--name",
    "mrn": "--patient",
    "phone": "--phone",
    "note": "--note",
    "reference": "--reference",
    "priority": "--priority",
    "due": "--due",
    "owner": "--owner",
}


def add_command(
    ctx: typer.Context,
    db: DbOption = None,
    reason: Annotated[
        str | None, typer.Option("--reason", metavar="CODE", help="scheduling, billing, ...")
    ] = None,
    patient: Annotated[
        str | None, typer.Option("--patient", metavar="MRN", help="The patient it concerns.")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", metavar="TEXT", help="Who called (if not a patient).")
    ] = None,
    phone: Annotated[
        str | None,
        typer.Option("--phone", metavar="NUMBER", help="Number to call back (default: patient's)."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT")] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", metavar="TEXT", help="e.g. the phone system's id.")
    ] = None,
    priority: Annotated[
        str | None, typer.Option("--priority", metavar="1|2|3", help="Default: the reason's.")
    ] = None,
    due: Annotated[
        str | None,
        typer.Option(
            "--due", metavar="'YYYY-MM-DD HH:MM'", help="Clinic time. Default: the reason's rule."
        ),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="OWNER",
            help="desk, nurse, supervisor or a username. Default: the reason's queue.",
        ),
    ] = None,
    from_csv: Annotated[
        Path | None,
        typer.Option("--from-csv", metavar="FILE", help="Add every row of FILE, or none."),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            envvar=USER_ENV,
            metavar="NAME",
            help=f"Who adds them (password from {PASSWORD_ENV}, else asked). Default: no one.",
        ),
    ] = None,
) -> None:
    """Add a callback from options, or every row of a CSV file (all or nothing)."""
    given = {
        "reason": reason,
        "name": name,
        "mrn": patient,
        "phone": phone,
        "note": note,
        "reference": reference,
        "priority": priority,
        "due": due,
        "owner": owner,
    }
    if from_csv is not None:
        extra = [OPTIONS[key] for key, value in given.items() if value is not None]
        if extra:
            raise fail(f"--from-csv takes every value from the file; drop {', '.join(extra)}.")
        _add_from_csv(ctx, db, from_csv.expanduser(), user)
        return
    if reason is None:
        raise fail("--reason CODE is needed (or --from-csv FILE).")
    if patient is None and name is None:
        raise fail('Say who called: --patient MRN or --name "Caller Name".')
    values = {key: value for key, value in given.items() if value is not None}
    with database(ctx, db) as engine:
        look = Lookups.load(engine)
        try:
            new = parse_item(values, look)
        except BadValues as bad:
            raise fail(
                "\n".join(f"{OPTIONS[key]}: {message}" for key, message in bad.errors)
            ) from None
        member = _adder(engine, user)
        added = _add(engine, new, member)
        for warning in added.warnings:
            say(f"Warning: {warning}.")
        item = next((i for i in _open_items(engine) if i.id == added.callback_id), None)
        if item is not None:
            say(
                f"Added callback {item.id}: {item.reason} for {strip_unsafe(item.who)}, "
                f"owner {strip_unsafe(item.owner)}, due {item.due_at.strftime(TIME_FORMAT)}."
            )
    print(added.callback_id)


def _adder(engine: Engine, user: str | None) -> StaffMember | None:
    """Who adds the items: ``--user``, signed in; without it, no one."""
    name = (user or "").strip()
    return sign_in_as(engine, name) if name else None


def _add(engine: Engine, new: NewCallback, member: StaffMember | None) -> Any:
    from frontdesk.data.callbacks import add_callback

    return add_callback(engine, new, staff=member)


def _open_items(engine: Engine) -> list[QueueItem]:
    from frontdesk.data.callback_queue import queue

    return queue(engine)


def _add_from_csv(ctx: typer.Context, db: str | None, path: Path, user: str | None) -> None:
    from frontdesk.data.errors import FrontDeskError

    rows = read_rows(path)
    with database(ctx, db) as engine:
        look = Lookups.load(engine)
        parsed: list[tuple[int, NewCallback]] = []
        bad: list[str] = []
        for row in rows:
            if row.problem:
                bad.append(f"line {row.line}: {row.problem}")
                continue
            try:
                parsed.append((row.line, parse_item(row.values, look)))
            except BadValues as error:
                bad.extend(f"line {row.line}: {key}: {message}" for key, message in error.errors)
        if bad:
            say(
                f"{path}: {len(rows) - len(parsed)} of {len(rows)} rows are bad; nothing was added."
            )
            for message in bad:
                say(f"  {message}")
            raise typer.Exit(cli_common.BAD_INPUT)
        if not parsed:
            say(f"{path}: no rows; nothing was added.")
            return
        member = _adder(engine, user)
        added: list[int] = []
        for line, new in parsed:
            try:
                result = _add(engine, new, member)
            except FrontDeskError as error:  # changed since the check (another terminal)
                say(f"line {line}: {error.message}")
                say(
                    f"Added {len(added)} of {len(parsed)} rows (the lines before line {line}); "
                    f"line {line} and the rows after it were not added."
                )
                for done in added:
                    print(done)
                raise typer.Exit(cli_common.BAD_INPUT) from None
            for warning in result.warnings:
                say(f"line {line}: warning: {warning}.")
            added.append(result.callback_id)
    for done in added:
        print(done)
    say(f"Added {len(added)} callbacks from {path}.")


# --- reading a CSV file ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One data row of a CSV file: the line it starts on, its values by column, or a problem."""

    line: int
    values: dict[str, str]
    problem: str = ""


def read_rows(path: Path) -> list[Row]:
    """The rows of a callbacks CSV (header first); a bad file ends the command (exit 2)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return _rows(path, handle)
    except FileNotFoundError:
        raise fail(f"--from-csv {path}: no such file.") from None
    except IsADirectoryError:
        raise fail(f"--from-csv {path}: that is a folder, not a file.") from None
    except PermissionError:
        raise fail(f"--from-csv {path}: you cannot read it.") from None
    except UnicodeDecodeError:
        raise fail(f"--from-csv {path}: not UTF-8 text; save it as CSV UTF-8.") from None


def _rows(path: Path, handle: Any) -> list[Row]:
    reader = csv.reader(handle, strict=True)
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            return []
        names = [name.strip().lower() for name in header]
        unknown = [name for name in names if name not in COLUMNS]
        if unknown:
            raise fail(
                f"--from-csv {path}: unknown column(s) {', '.join(repr(n) for n in unknown)}; "
                f"the columns are {','.join(COLUMNS)}."
            )
        doubled = sorted({name for name in names if names.count(name) > 1})
        if doubled:
            raise fail(f"--from-csv {path}: column(s) {', '.join(doubled)} appear twice.")
        if "reason" not in names:
            raise fail(f"--from-csv {path}: the header has no reason column.")
        rows: list[Row] = []
        start = reader.line_num + 1
        for cells in reader:
            if cells and any(cell.strip() for cell in cells):
                problem = (
                    f"{len(cells)} cells; the header has {len(names)}"
                    if len(cells) > len(names)
                    else ""
                )
                rows.append(Row(start, dict(zip(names, cells, strict=False)), problem))
            start = reader.line_num + 1
        return rows
    except csv.Error as error:
        raise fail(f"--from-csv {path}: line {start}: {error}; nothing was added.") from None
