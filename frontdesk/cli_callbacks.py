"""``frontdesk callbacks list|add`` and ``frontdesk handoff``: the callbacks queue from a shell.

Registered on the Typer app by :mod:`frontdesk.cli`. They call the same
data-layer functions as the desk (:mod:`frontdesk.data.callbacks`,
:mod:`frontdesk.data.callback_queue`). Exit codes as in :mod:`frontdesk.cli_common`:
0 done, 2 bad input (nothing was added), 1 the database was busy.

Adding checks every value with the validation functions ``add_callback`` itself
uses (:mod:`frontdesk.data.validation`, the clinic's reasons and phone region),
so a CSV file is refused whole, before anything is added, when any row is bad.
``add_callback`` checks each row again as it adds it.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from frontdesk import cli_common
from frontdesk.cli_common import PASSWORD_ENV, USER_ENV, DbOption, ask, console, database, fail, say
from frontdesk.text import strip_unsafe

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy.engine import Engine

    from frontdesk.data.callback_queue import QueueItem
    from frontdesk.data.callbacks import NewCallback, Reason
    from frontdesk.data.clinic import Clinic
    from frontdesk.data.staff import StaffMember

T = TypeVar("T")

callbacks_app = typer.Typer(
    name="callbacks",
    help="List the open callbacks, or add new ones.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

# The CSV columns, in order; also the keys of one item's raw values.
COLUMNS = ("reason", "name", "mrn", "phone", "note", "reference", "priority", "due", "owner")
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
REFERENCE_MAX = 40  # as add_callback checks it (a literal there)
DUE_WINDOW = timedelta(days=366)  # a due time further off either way is a typo
_DUE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{1,2}):([0-9]{2})")
TIME_FORMAT = "%b %d %H:%M"  # "Nov 24 17:00", clinic-local
OVERDUE = "OVERDUE"


# --- reading one item's values ---------------------------------------------------------------


class BadValues(Exception):
    """One item's refusals: ``(column, message)`` pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


@dataclass
class Lookups:
    """What checking a row needs from the database, read once and cached."""

    engine: Engine
    clinic: Clinic
    reasons: dict[str, Reason]
    patients: dict[str, tuple[int, bool] | None] = field(default_factory=dict)
    staff: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def load(cls, engine: Engine) -> Lookups:
        from frontdesk.data.callbacks import reasons
        from frontdesk.data.clinic import load_clinic

        return cls(engine, load_clinic(engine), {r.code: r for r in reasons(engine)})

    def patient(self, mrn: str) -> tuple[int, bool] | None:
        """(patient id, has a phone on file) for an exact MRN, else ``None``."""
        if mrn not in self.patients:
            from frontdesk.data.search import search

            hit = next((h for h in search(self.engine, mrn) if h.mrn == mrn), None)
            self.patients[mrn] = (hit.id, bool(hit.phone)) if hit is not None else None
        return self.patients[mrn]

    def staff_id(self, username: str) -> int | None:
        if username not in self.staff:
            self.staff[username] = active_staff_id(self.engine, username)
        return self.staff[username]


def active_staff_id(engine: Engine, username: str) -> int | None:
    """The id of the active account ``username`` (as sign-in matches names), else ``None``.

    The data layer has no look-up by name other than sign-in, so this reads it here.
    """
    from sqlmodel import col, select

    from frontdesk.data.db import read_session
    from frontdesk.data.models import Staff
    from frontdesk.data.staff import username_key

    with read_session(engine) as session:
        found = session.exec(
            select(Staff.id).where(
                Staff.username_key == username_key(username), col(Staff.active).is_(True)
            )
        ).first()
        return int(found) if found is not None else None


def parse_due(text: str, zone: ZoneInfo) -> datetime | None:
    """``YYYY-MM-DD HH:MM`` in the clinic's timezone -> UTC; empty -> ``None``."""
    from frontdesk import clock
    from frontdesk.data.errors import InvalidInput

    raw = text.strip()
    if not raw:
        return None
    match = _DUE.fullmatch(raw)
    if match is None:
        raise InvalidInput(
            f"Due {raw} is not a time; use YYYY-MM-DD HH:MM in clinic time, like 2026-11-25 14:30",
            field="due",
        )
    year, month, day, hour, minute = (int(part) for part in match.groups())
    try:
        local = datetime(year, month, day, hour, minute, tzinfo=zone)
        utc = local.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidInput(
            f"Due {raw} is not a day and time on the calendar", field="due"
        ) from None
    if utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise InvalidInput(
            f"Due {raw} does not exist in {zone.key} (the clocks go forward then)", field="due"
        )
    if abs(utc - clock.now()) > DUE_WINDOW:
        raise InvalidInput(f"Due {raw} is more than a year from now; check the year", field="due")
    return utc


def _priority(text: str) -> int | None:
    from frontdesk.data.callbacks import PRIORITIES
    from frontdesk.data.errors import InvalidInput

    raw = text.strip().lower()
    if not raw:
        return None
    words = {word: number for number, word in PRIORITIES.items()}
    if raw.isdigit() and int(raw) in PRIORITIES:
        return int(raw)
    if raw in words:
        return words[raw]
    raise InvalidInput("Priority is 1 (high), 2 (normal) or 3 (low)", field="priority")


def parse_item(values: Mapping[str, str], look: Lookups) -> NewCallback:
    """One item from its raw text values (keys of :data:`COLUMNS`), or :class:`BadValues`.

    Every field is checked (not only up to the first bad one), with the functions
    and limits ``add_callback`` uses.
    """
    from frontdesk.data.callbacks import MAX_NOTES, QUEUES, NewCallback
    from frontdesk.data.errors import InvalidInput
    from frontdesk.data.validation import clean_name, clean_text, parse_phone

    errors: list[tuple[str, str]] = []

    def check(key: str, read: Callable[[], T]) -> T | None:
        try:
            return read()
        except InvalidInput as error:
            errors.append((key, error.message))
            return None

    def raw(key: str) -> str:
        # a CSV cell keeps a spreadsheet's CRLF inside quotes; the data layer takes "\n" only
        return (values.get(key) or "").replace("\r\n", "\n").replace("\r", "\n")

    def reason() -> str:
        code = raw("reason").strip().lower()
        codes = ", ".join(look.reasons)
        if not code:
            raise InvalidInput(f"Reason is required; use one of {codes}", field="reason")
        if code not in look.reasons:
            raise InvalidInput(f"Reason {code} is not one of {codes}", field="reason")
        return code

    def patient() -> tuple[int, bool] | None:
        mrn = raw("mrn").strip()
        if not mrn:
            return None
        found = look.patient(mrn)
        if found is None:
            hint = (
                " (MRNs have leading zeros, like 000123: a spreadsheet may have dropped them)"
                if mrn.isdigit() and len(mrn) < 6
                else ""
            )
            raise InvalidInput(f"No patient has MRN {mrn}{hint}", field="mrn")
        return found

    def owner() -> tuple[str | None, int | None]:
        name = raw("owner").strip()
        if not name:
            return None, None
        if name.lower() in QUEUES:
            return name.lower(), None
        staff_id = look.staff_id(name)
        if staff_id is None:
            raise InvalidInput(
                f"Owner {name} is not a queue ({', '.join(QUEUES)}) or an active account",
                field="owner",
            )
        return None, staff_id

    code = check("reason", reason)
    caller = check(
        "name", lambda: clean_name(raw("name"), field="caller", label="Name", required=False)
    )
    found = check("mrn", patient)
    phone = check(
        "phone",
        lambda: parse_phone(
            raw("phone"), field="phone", label="Phone", region=look.clinic.phone_region
        ),
    )
    notes = check(
        "note",
        lambda: clean_text(
            raw("note"), field="note", label="Note", max_len=MAX_NOTES, multiline=True
        ),
    )
    reference = check(
        "reference",
        lambda: clean_text(
            raw("reference"), field="reference", label="Reference", max_len=REFERENCE_MAX
        ),
    )
    priority = check("priority", lambda: _priority(raw("priority")))
    due = check("due", lambda: parse_due(raw("due"), look.clinic.zone))
    owned = check("owner", owner)
    if not raw("mrn").strip() and caller == "":
        errors.append(("name", "Who called? Give a name or a patient's MRN"))
    if phone == "" and not raw("phone").strip():
        if found is not None and not found[1]:
            errors.append(("phone", "A phone number is needed: the patient has none on file"))
        elif not raw("mrn").strip():
            errors.append(("phone", "A phone number to call back is needed"))
    if errors:
        raise BadValues(sorted(errors, key=lambda error: COLUMNS.index(error[0])))
    assert code is not None
    assert owned is not None
    return NewCallback(
        reason=code,
        caller_name=caller or "",
        patient_id=found[0] if found is not None else None,
        phone=phone or "",
        notes=notes or "",
        reference=reference or "",
        priority=priority,
        due=due,
        owner_queue=owned[0],
        owner_staff_id=owned[1],
    )


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


# --- signing in ------------------------------------------------------------------------------


def sign_in_as(engine: Engine, name: str) -> StaffMember:
    """Sign ``name`` in (audited as ``cli``), the password as for close-day; any role."""
    from frontdesk.data.staff import sign_in

    password = os.environ.get(PASSWORD_ENV) or None
    if password is None:
        if cli_common.is_terminal():
            password = ask(f"Password for {name}", hide=True)
        else:  # a script piping the password in
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise fail(
                    f"No password: set {PASSWORD_ENV}, pipe it in, or run this on a terminal."
                )
    return sign_in(engine, name, password, purpose="cli")


# --- showing items ---------------------------------------------------------------------------


def item_json(item: QueueItem) -> dict[str, Any]:
    """One open item as JSON: every field of the queue's item, times in ISO 8601 (clinic-local)."""
    data = dataclasses.asdict(item)
    data["due_at"] = item.due_at.isoformat()
    data["next_try_at"] = item.next_try_at.isoformat() if item.next_try_at else None
    return data


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=True) + "\n")
    sys.stdout.flush()


def _safe(text: str) -> Any:
    """User text as a Rich ``Text`` (never markup), terminal-steering characters removed."""
    from rich.text import Text

    return Text(strip_unsafe(text))


def _queue_table(items: list[QueueItem], width: int) -> Any:
    """The open items as one plain table at most ``width`` columns wide."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    rows = [
        [
            str(item.id),
            item.due_at.strftime(TIME_FORMAT),
            OVERDUE if item.overdue else "",
            str(item.priority),
            item.reason,
            strip_unsafe(item.who),
            item.phone,
            strip_unsafe(item.owner),
        ]
        for item in items
    ]
    heads = ["ID", "Due", "", "P", "Reason", "Who", "Phone", "Owner"]
    natural = [max([len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(heads)]
    owner_w = min(natural[7], 10)
    fixed = sum(natural[:5]) + natural[6] + owner_w + len(heads) - 1
    who_w = max(8, width - fixed)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=0)
    for i, head in enumerate(heads):
        limit = who_w if head == "Who" else owner_w if head == "Owner" else None
        table.add_column(
            head,
            justify="right" if head == "ID" else "left",
            no_wrap=True,
            overflow="ellipsis",
            max_width=limit,
            min_width=natural[i] if limit is None else None,
        )
    for row in rows:
        table.add_row(*(_safe(cell) for cell in row))
    return table


def _summary(items: list[QueueItem]) -> str:
    overdue = sum(1 for item in items if item.overdue)
    noun = "item" if len(items) == 1 else "items"
    return f"{len(items)} open {noun}, {overdue} overdue."


# --- the commands ----------------------------------------------------------------------------


ReasonFilter = Annotated[
    str | None,
    typer.Option("--reason", metavar="CODE", help="Only items of this reason (e.g. clinical)."),
]


@callbacks_app.command("list")
def list_command(
    ctx: typer.Context,
    db: DbOption = None,
    view: Annotated[
        str,
        typer.Option(
            "--view",
            metavar="VIEW",
            help="all, mine (with --user), desk, nurse, supervisor or overdue.",
        ),
    ] = "all",
    user: Annotated[
        str | None,
        typer.Option(
            "--user", envvar=USER_ENV, metavar="NAME", help="Whose items --view mine shows."
        ),
    ] = None,
    reason: ReasonFilter = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue items.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the items as JSON.")] = False,
) -> None:
    """List the open callbacks, overdue first, then by priority and due time."""
    from frontdesk.data.callback_queue import FILTERS, queue, sweep_long_waits
    from frontdesk.data.callbacks import reasons_in
    from frontdesk.data.db import read_session

    chosen = view.strip().lower()
    if chosen not in FILTERS:
        raise fail(f"--view {view}: not a view; use one of {', '.join(FILTERS)}.")
    name = (user or "").strip()
    if chosen == "mine" and not name:
        raise fail(f"--view mine needs --user NAME (or {USER_ENV}).")
    with database(ctx, db) as engine:
        staff_id = 0
        if chosen == "mine":
            found = active_staff_id(engine, name)
            if found is None:
                raise fail(f"--user {name}: no active account has that name.")
            staff_id = found
        code = reason.strip().lower() if reason is not None else None
        if code is not None:
            with read_session(engine) as session:
                known = [r.code for r in reasons_in(session, include_automatic=True)]
            if code not in known:
                raise fail(f"--reason {reason}: not a reason; use one of {', '.join(known)}.")
        sweep_long_waits(engine)
        items = queue(engine, view=chosen, staff_id=staff_id, reason=code)
    if overdue:
        items = [item for item in items if item.overdue]
    if as_json:
        _print_json([item_json(item) for item in items])
        return
    out = console(sys.stdout)
    if not items:
        out.print("No open items.")
        return
    out.print(_queue_table(items, out.width))
    out.print(_summary(items))


@callbacks_app.command("add")
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
        member = sign_in_as(engine, user.strip()) if user and user.strip() else None
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
        member = sign_in_as(engine, user.strip()) if user and user.strip() else None
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


def handoff_command(
    ctx: typer.Context,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hand-off as JSON.")] = False,
) -> None:
    """Open callbacks grouped by owner, for the next shift."""
    from frontdesk import clock
    from frontdesk.data.callback_queue import handoff, sweep_long_waits
    from frontdesk.data.clinic import load_clinic

    with database(ctx, db) as engine:
        clinic = load_clinic(engine)
        sweep_long_waits(engine)
        grouped = handoff(engine)
    now = clock.now().astimezone(clinic.zone)
    if as_json:
        _print_json(
            {
                "at": now.isoformat(),
                "owners": [
                    {
                        "owner": owner,
                        "open": len(items),
                        "overdue": sum(1 for i in items if i.overdue),
                        "items": [item_json(i) for i in items],
                    }
                    for owner, items in grouped.items()
                ],
            }
        )
        return
    out = console(sys.stdout)
    total = [item for items in grouped.values() for item in items]
    out.print(f"Handoff, {now:%a %b %d %H:%M} ({clinic.zone.key}): {_summary(total)}")
    if not total:
        return
    for owner, items in grouped.items():
        out.print()
        for renderable in _owner_block(owner, items, total, out):
            out.print(renderable)


def _owner_block(
    owner: str, items: list[QueueItem], everyone: list[QueueItem], out: Any
) -> Iterator[Any]:
    """An owner's heading, then each item: a line of facts, then MRN, tries and note.

    Columns are as wide as ``everyone`` needs, so every owner's block lines up.
    """
    from rich.text import Text

    from frontdesk.data.callbacks import ATTEMPTS, QUEUES

    heading = f"{owner} queue" if owner in QUEUES else owner
    yield _safe(f"{heading}: {_summary(items)}")
    id_w = max(len(str(item.id)) for item in everyone)
    phone_w = max(len(item.phone) for item in everyone)
    reason_w = max(len(item.reason) for item in everyone)
    tries_w = max(len(_tries(item)) for item in everyone)
    indent = 2 + id_w + 1
    fixed = 2 + id_w + 1 + 12 + 1 + len(OVERDUE) + 1 + reason_w + 1 + 1 + phone_w + 1 + tries_w
    width = out.width
    who_w = max(8, width - fixed)
    for item in items:
        who = _safe(item.who)
        who.truncate(who_w, overflow="ellipsis", pad=True)
        line = Text.assemble(
            " " * 2,
            str(item.id).rjust(id_w),
            " ",
            item.due_at.strftime(TIME_FORMAT),
            " ",
            (OVERDUE if item.overdue else "").ljust(len(OVERDUE)),
            " ",
            item.reason.ljust(reason_w),
            " ",
            who,
            " ",
            item.phone.ljust(phone_w),
            " ",
            _tries(item),
        )
        line.no_wrap = True
        line.overflow = "ellipsis"
        yield line
        details: list[str] = []
        if item.mrn:
            details.append(f"MRN {item.mrn}")
        if item.reference:
            details.append(f"ref {item.reference}")
        if item.attempts:
            last = ATTEMPTS.get(item.last_attempt, item.last_attempt)
            tail = (
                f", next try {item.next_try_at.strftime(TIME_FORMAT)}" if item.next_try_at else ""
            )
            details.append(f"last try: {last}{tail}")
        if item.notes:
            details.append(item.notes.replace("\n", " / "))
        if details:
            for part in _safe("; ".join(details)).wrap(out, width - indent):
                part.rstrip()
                yield Text(" " * indent) + part


def _tries(item: QueueItem) -> str:
    return "1 try" if item.attempts == 1 else f"{item.attempts} tries"
