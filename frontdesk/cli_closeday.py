"""The supervisor's commands: close-day, reopen-day and settings.

Registered on the Typer app by :mod:`frontdesk.cli`. They call the same
data-layer functions as the supervisor's screen. Exit codes:

- 0: done (closed, already closed, reopened, settings shown or changed);
- 1: not closed: blockers remain, you answered no, or the database was busy;
- 2: bad input: date, counts file, options, sign-in, role, or no database.

Human messages go to standard error; standard output carries only the
report (Rich, or JSON with ``--json``) and the settings, so both can be piped.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from frontdesk.data.clinic import Clinic
    from frontdesk.data.closeout_report import Report
    from frontdesk.data.drawer import BlindCount, CountResult, Drawer
    from frontdesk.data.staff import StaffMember

USER_ENV = "FRONTDESK_USER"
PASSWORD_ENV = "FRONTDESK_PASSWORD"
NOT_CLOSED = 1
BAD_INPUT = 2
REPORT_WIDTH = 80

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="Database path or URL (else FRONTDESK_DB, else the user data dir).",
    ),
]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar=USER_ENV,
        metavar="NAME",
        help=f"The supervisor signing in. The password comes from {PASSWORD_ENV} if set, "
        "else it is asked for.",
    ),
]


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _fail(message: str, code: int = BAD_INPUT) -> typer.Exit:
    _say(message)
    return typer.Exit(code)


def _is_terminal() -> bool:
    """Whether someone is at a keyboard (tests replace this)."""
    return sys.stdin.isatty()


def _ask(text: str, *, hide: bool = False, default: str | None = None) -> str:
    suffix = " " if text.endswith("?") else ": "
    answer = typer.prompt(
        text,
        default=default,
        hide_input=hide,
        show_default=False,
        err=True,
        prompt_suffix=suffix,
    )
    return str(answer)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn the data layer's refusals into a message and an exit code."""
    from sqlalchemy.exc import DBAPIError

    from frontdesk.data.errors import DatabaseBusy, DayBlocked, FrontDeskError

    try:
        yield
    except typer.Abort:
        raise _fail("Stopped; nothing more was saved.", NOT_CLOSED) from None
    except DayBlocked as error:
        _list_blockers(error.message, [str(getattr(b, "text", b)) for b in error.blockers])
        raise typer.Exit(NOT_CLOSED) from None
    except DatabaseBusy as error:
        raise _fail(error.message, NOT_CLOSED) from None
    except FrontDeskError as error:
        raise _fail(error.message, BAD_INPUT) from None
    except DBAPIError as error:  # the driver's words only: no statement or parameters
        raise _fail(f"The database refused: {error.orig}", NOT_CLOSED) from None


def root_db(ctx: typer.Context) -> str | None:
    """``frontdesk --db X <command>``: the --db given before the command."""
    value = ctx.find_root().params.get("db")
    return str(value) if value else None


@contextmanager
def _database(ctx: typer.Context, db: str | None) -> Iterator[Engine]:
    """An engine on an existing clinic database (upgraded first if older)."""
    from frontdesk.config import resolve_db
    from frontdesk.data.db import make_engine
    from frontdesk.launch import prepare

    target = resolve_db(db or root_db(ctx))
    checked = prepare(target)
    if checked.code:
        raise _fail(checked.message)
    if checked.message:
        _say(checked.message)
    engine = make_engine(target)
    try:
        with _errors():
            yield engine
    finally:
        engine.dispose()


def _supervisor(engine: Engine, user: str | None, what: str) -> StaffMember:
    """Sign in (audited as ``cli``); refuse anyone who is not a supervisor."""
    from frontdesk.data.staff import sign_in

    name = (user or "").strip()
    if not name:
        if not _is_terminal():
            raise _fail(f"Name the supervisor with --user NAME (or set {USER_ENV}).")
        name = _ask("Supervisor username").strip()
    password = os.environ.get(PASSWORD_ENV) or None
    if password is None:
        if _is_terminal():
            password = _ask(f"Password for {name}", hide=True)
        else:  # a script piping the password in
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise _fail(
                    f"No password: set {PASSWORD_ENV}, pipe it in, or run this on a terminal."
                )
    member = sign_in(engine, name, password, purpose="cli")
    if not member.is_supervisor:
        raise _fail(f"{member.username} is not a supervisor; only a supervisor can {what}.")
    return member


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` and nothing else."""
    raw = text.strip()
    try:
        if _ISO_DAY.fullmatch(raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise _fail(
        f"--date: {raw or 'an empty value'} is not a date; use YYYY-MM-DD, like 2026-11-24."
    )


def _day_or_today(text: str | None, clinic: Clinic) -> date:
    today = clinic.today()
    day = parse_day(text) if text is not None else today
    if day > today:
        raise _fail(f"{day} has not happened yet (it is {today} in {clinic.zone.key}).")
    return day


# --- the counts file --------------------------------------------------------------------------


@dataclass(frozen=True)
class FileCount:
    """One drawer's blind count as the counts file gives it, already checked."""

    key: str
    cash: dict[int, int]
    check_count: int
    check_cents: int
    card_cents: int
    reason: str

    def blind(self, reason: str = "") -> BlindCount:
        """The count for :func:`frontdesk.data.drawer.count_drawer`."""
        from frontdesk.data.drawer import BlindCount

        return BlindCount(
            cash=self.cash,
            check_count=self.check_count,
            check_total=self.check_cents,
            card_total=self.card_cents,
            reason=reason,
        )


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f'"{key}" appears twice')
        seen[key] = value
    return seen


def dollars(cents: int) -> str:
    """``2000`` -> ``"20"``, ``25`` -> ``"0.25"``: a denomination as the CLI takes it."""
    whole, frac = divmod(cents, 100)
    return str(whole) if frac == 0 else f"{whole}.{frac:02d}"


class _CountsReader:
    """Reads and checks a counts file; every refusal names the drawer and the field."""

    ENTRY_FIELDS = ("cash", "checks", "card_total", "reason")

    def __init__(self, path: Path, denominations: tuple[int, ...]) -> None:
        self.path = path
        self.denominations = denominations

    def fail(self, where: str, problem: str) -> typer.Exit:
        return _fail(f"Counts file {self.path}: {where}: {problem}")

    def read(self) -> dict[str, FileCount]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise _fail(f"Counts file {self.path}: no such file.") from None
        except (OSError, UnicodeDecodeError) as error:
            problem = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise _fail(f"Counts file {self.path}: cannot read it ({problem}).") from None
        try:
            data = json.loads(text, object_pairs_hook=_no_repeats)
        except json.JSONDecodeError as error:
            raise _fail(
                f"Counts file {self.path}: not valid JSON (line {error.lineno}, "
                f"column {error.colno}: {error.msg})."
            ) from None
        except ValueError as error:
            raise _fail(f"Counts file {self.path}: {error}.") from None
        if not isinstance(data, dict) or set(data) != {"drawers"}:
            raise _fail(
                f'Counts file {self.path}: expected {{"drawers": {{"<drawer id or clerk>": '
                "{...}}} and nothing else at the top."
            )
        drawers = data["drawers"]
        if not isinstance(drawers, dict):
            raise self.fail('"drawers"', "expected an object of drawers by id or clerk")
        return {str(key): self.entry(str(key), value) for key, value in drawers.items()}

    def entry(self, key: str, value: object) -> FileCount:
        from frontdesk.data.errors import InvalidInput
        from frontdesk.data.validation import clean_text

        drawer = f'drawer "{key}"'
        if not isinstance(value, dict):
            raise self.fail(drawer, "expected an object with cash, checks, card_total, reason")
        unknown = sorted(set(value) - set(self.ENTRY_FIELDS))
        if unknown:
            raise self.fail(
                f'{drawer}, "{unknown[0]}"',
                f"not a field here (use {', '.join(self.ENTRY_FIELDS)})",
            )
        cash = self.cash(drawer, value.get("cash", {}))
        checks = value.get("checks", {})
        if not isinstance(checks, dict) or set(checks) - {"count", "total"}:
            raise self.fail(f"{drawer}, checks", 'expected {"count": 2, "total": "85.00"}')
        check_count = self.whole(f"{drawer}, checks count", checks.get("count", 0))
        check_cents = self.money(f"{drawer}, checks total", checks.get("total", "0"))
        if check_count == 0 and check_cents:
            raise self.fail(f"{drawer}, checks count", "a checks total needs the number of checks")
        card_cents = self.money(f"{drawer}, card_total", value.get("card_total", "0"))
        reason = value.get("reason", "")
        if not isinstance(reason, str):
            raise self.fail(f"{drawer}, reason", "expected text")
        try:
            reason = clean_text(reason, field="reason", label="Reason", max_len=500)
        except InvalidInput as error:
            raise self.fail(f"{drawer}, reason", error.message) from None
        return FileCount(key, cash, check_count, check_cents, card_cents, reason)

    def cash(self, drawer: str, value: object) -> dict[int, int]:
        from frontdesk.money import InvalidAmount, parse_cents

        if not isinstance(value, dict):
            raise self.fail(f"{drawer}, cash", 'expected an object like {"20": 5, "0.25": 4}')
        counted: dict[int, int] = {}
        for key, pieces in value.items():
            where = f'{drawer}, cash "{key}"'
            try:
                cents = parse_cents(str(key))
            except InvalidAmount as error:
                raise self.fail(where, f"not a denomination ({error})") from None
            if cents not in self.denominations:
                listed = ", ".join(dollars(d) for d in self.denominations)
                raise self.fail(where, f"not one of this clinic's denominations ({listed})")
            if cents in counted:
                raise self.fail(where, "the same denomination is listed twice")
            counted[cents] = self.whole(where, pieces)
        return counted

    def whole(self, where: str, value: object) -> int:
        from frontdesk.data.drawer import parse_count
        from frontdesk.data.errors import InvalidInput

        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.fail(where, f"{json.dumps(value)} is not a whole number, like 3")
        try:
            return parse_count(value, field="count", label="count")
        except InvalidInput as error:
            raise self.fail(where, error.message.removeprefix("count: ")) from None

    def money(self, where: str, value: object) -> int:
        from frontdesk.money import InvalidAmount, parse_cents

        if not isinstance(value, str):
            raise self.fail(
                where, f'give the amount as text, like "85.00" (not {json.dumps(value)})'
            )
        if not value.strip():
            return 0
        try:
            return parse_cents(value, allow_zero=True)
        except InvalidAmount as error:
            raise self.fail(where, str(error)) from None


def read_counts(path: Path, denominations: tuple[int, ...]) -> dict[str, FileCount]:
    """The counts file, checked against the clinic's denominations (exit 2 if wrong)."""
    return _CountsReader(path.expanduser(), denominations).read()


def _plan(
    engine: Engine, day: date, open_drawers: list[Drawer], counts: Mapping[str, FileCount]
) -> dict[int, FileCount]:
    """Which open drawer each entry of the counts file counts (exit 2 on a stray entry)."""
    from frontdesk.data.db import read_session
    from frontdesk.data.drawer import drawers_of_day
    from frontdesk.data.staff import username_key

    with read_session(engine) as session:
        known = {d.id: d for d in drawers_of_day(session, day)}
    known.update({d.id: d for d in open_drawers})
    plan: dict[int, FileCount] = {}
    for key, entry in counts.items():
        wanted = key.strip()
        if wanted.isascii() and wanted.isdigit():
            matches = [known[int(wanted)]] if int(wanted) in known else []
        else:
            matches = [d for d in known.values() if username_key(d.clerk) == username_key(wanted)]
        to_count = [d for d in matches if not d.counted]
        if len(to_count) > 1:
            ids = ", ".join(str(d.id) for d in to_count)
            raise _fail(
                f'Counts file: drawer "{key}": {to_count[0].clerk} has drawers {ids} to count; '
                "name each by its number."
            )
        if not to_count:
            if matches:
                _say(
                    f"Drawer {matches[0].id} ({matches[0].clerk}) is already counted; "
                    "its entry in the counts file is skipped."
                )
                continue
            listed = ", ".join(f"{d.id} ({d.clerk})" for d in open_drawers) or "none"
            raise _fail(
                f'Counts file: drawer "{key}": no such drawer to count on {day} '
                f"(drawers to count: {listed})."
            )
        drawer = to_count[0]
        if drawer.id in plan:
            raise _fail(
                f"Counts file: drawer {drawer.id} ({drawer.clerk}) is listed twice "
                f'("{plan[drawer.id].key}" and "{key}").'
            )
        plan[drawer.id] = entry
    return plan


# --- counting ---------------------------------------------------------------------------------


def _show_count(drawer: Drawer, result: CountResult) -> None:
    """Expected against counted, per tender, in words (shown only after the count)."""
    from frontdesk.money import format_cents
    from frontdesk.report_view import variance_word

    exp = result.expected
    rows = (
        ("cash", exp.cash_cents, result.cash_counted_cents),
        (
            f"checks ({result.check_count} of {exp.check_count})",
            exp.check_cents,
            result.check_counted_cents,
        ),
        ("card slips", exp.card_cents, result.card_counted_cents),
    )
    _say(
        f"{f'Drawer {drawer.id} ({drawer.clerk})':<24}{'expected':>12}{'counted':>12}   over/short"
    )
    for label, want, got in rows:
        _say(
            f"  {label:<22}{format_cents(want):>12}{format_cents(got):>12}   "
            f"{variance_word(got - want)}"
        )
    if result.check_count != exp.check_count:
        _say(f"  {result.check_count} checks counted, {exp.check_count} expected")


def _count_from_file(
    engine: Engine, drawer: Drawer, entry: FileCount, by: StaffMember, clinic: Clinic
) -> None:
    from frontdesk.data.drawer import count_drawer
    from frontdesk.data.errors import InvalidInput, NotFound, PermissionDenied
    from frontdesk.money import format_cents

    try:
        result = count_drawer(engine, drawer.id, entry.blind(), by=by)
        _show_count(drawer, result)
        if not result.accepted and entry.reason:
            result = count_drawer(engine, drawer.id, entry.blind(entry.reason), by=by)
            _say(f"  reason: {entry.reason}")
    except (InvalidInput, NotFound, PermissionDenied) as error:
        raise _fail(f"Drawer {drawer.id} ({drawer.clerk}): {error.message}") from None
    if not result.accepted:
        _say(
            f"  The difference is past the clinic's tolerance of "
            f"{format_cents(clinic.variance_tolerance_cents)} (or the checks differ): recount, "
            'or give a "reason" for this drawer in the counts file.'
        )


def _ask_value(text: str, parse: Any) -> int:
    """Ask until the answer parses (Enter alone is 0)."""
    from frontdesk.data.errors import InvalidInput
    from frontdesk.money import InvalidAmount

    while True:
        answer = _ask(text, default="0")
        try:
            return int(parse(answer))
        except (InvalidInput, InvalidAmount) as error:
            _say(str(error))


def _count_interactively(engine: Engine, drawer: Drawer, by: StaffMember, clinic: Clinic) -> None:
    """Blind count at the keyboard: every figure typed before any expected one is shown."""
    from frontdesk.data.drawer import (
        BlindCount,
        count_drawer,
        denomination_label,
        parse_count,
    )
    from frontdesk.data.errors import InvalidInput
    from frontdesk.money import format_cents, parse_cents

    opened = drawer.opened_at.astimezone(clinic.zone)
    _say(
        f"\nCount drawer {drawer.id} ({drawer.clerk}), opened {opened:%d %b %H:%M}. "
        "Type how many of each; Enter alone is 0."
    )
    cash: dict[int, int] = {}
    for denom in clinic.denominations:  # largest first
        label = denomination_label(denom)
        kind = "bills" if denom >= 100 else "coins"
        cash[denom] = _ask_value(
            f"How many {label} {kind}?",
            lambda t, label=label: parse_count(t, field="count", label=label),
        )
    checks = _ask_value(
        "How many checks?", lambda t: parse_count(t, field="checks", label="Checks")
    )
    check_cents = (
        _ask_value("Checks total (like 85.00)?", lambda t: parse_cents(t, allow_zero=True))
        if checks
        else 0
    )
    card_cents = _ask_value(
        "Card slips total (like 120.00)?", lambda t: parse_cents(t, allow_zero=True)
    )
    blind = BlindCount(
        cash=cash, check_count=checks, check_total=check_cents, card_total=card_cents
    )
    result = count_drawer(engine, drawer.id, blind, by=by)
    _show_count(drawer, result)
    if result.accepted:
        _say(f"Drawer {drawer.id} is counted.")
        return
    _say(
        f"The difference is past the clinic's tolerance of "
        f"{format_cents(clinic.variance_tolerance_cents)} (or the checks differ)."
    )
    while True:
        reason = _ask(
            "Reason for the difference (Enter alone leaves the drawer for a recount)", default=""
        )
        if not reason.strip():
            _say(f"Drawer {drawer.id} is not settled; it keeps the day open until recounted.")
            return
        try:
            count_drawer(engine, drawer.id, replace(blind, reason=reason), by=by)
        except InvalidInput as error:
            _say(error.message)
            continue
        _say(f"Drawer {drawer.id} is counted, with the reason.")
        return


# --- output -----------------------------------------------------------------------------------


def _console(file: Any) -> Any:
    from rich.console import Console

    width = min(Console(file=file).width, REPORT_WIDTH)
    return Console(file=file, width=width, highlight=False, markup=False, emoji=False)


def _list_blockers(head: str, items: list[str]) -> None:
    _say(head)
    for item in items:
        _say(f"  - {item}")


def _emit(report: Report, *, as_json: bool, csv_dir: Path | None) -> None:
    """The report on standard output; the CSV files if asked for."""
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
        sys.stdout.flush()
    else:
        from frontdesk.report_view import report_renderable

        _console(sys.stdout).print(report_renderable(report))
    if csv_dir is not None:
        from frontdesk.data.closeout_export import write_csv

        try:
            written = write_csv(report, csv_dir)
        except OSError as error:
            raise _fail(
                f"--csv {csv_dir}: could not write the files ({error.strerror}); "
                "run close-day again with another --csv to export the report."
            ) from None
        _say(f"Wrote {len(written)} CSV files to {csv_dir} (readable by you only).")


def _check_csv_dir(path: Path) -> Path:
    path = path.expanduser()
    if path.exists() and not path.is_dir():
        raise _fail(f"--csv {path}: that is a file, not a folder.")
    probe = path if path.exists() else next((p for p in path.parents if p.exists()), Path("."))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise _fail(f"--csv {path}: you cannot write there.")
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
        raise _fail('--force needs --reason "..." saying why the day closes unfinished.')
    if reason is not None and not force:
        raise _fail("--reason goes with --force.")
    csv_path = _check_csv_dir(csv_dir) if csv_dir is not None else None
    from frontdesk.data.clinic import load_clinic
    from frontdesk.data.closeout import close_day, preview_report, status_of, stored_report
    from frontdesk.data.db import integrity_ok
    from frontdesk.data.drawer import uncounted

    with _database(ctx, db) as engine:
        clinic = load_clinic(engine)
        day = _day_or_today(day_text, clinic)
        from_file = read_counts(counts, clinic.denominations) if counts is not None else None
        member = _supervisor(engine, user, "close the day")

        stored = stored_report(engine, day)
        if stored is not None:
            _say(f"{day} is already closed")
            _emit(stored, as_json=as_json, csv_dir=csv_path)
            return
        on_terminal = _is_terminal()
        if not yes and not on_terminal:
            raise _fail(
                "Not on a terminal, so there is no one to ask before the day is locked: "
                "add --yes to close without a question."
            )
        interactive = on_terminal and not yes

        drawers = uncounted(engine, day)
        plan = _plan(engine, day, drawers, from_file) if from_file else {}
        for drawer in drawers:
            entry = plan.get(drawer.id)
            if entry is not None:
                _count_from_file(engine, drawer, entry, member, clinic)
            elif interactive:
                _count_interactively(engine, drawer, member, clinic)

        status = status_of(engine, day)
        for warning in status.warnings:
            _say(f"Warning: {warning}")
        if status.blockers:
            items = [b.text for b in status.blockers]
            if not force:
                _list_blockers(f"{day} cannot close yet; unfinished:", items)
                _say('Finish these, or close anyway with --force --reason "...".')
                raise typer.Exit(NOT_CLOSED)
            _list_blockers(f"Closing {day} with these unfinished (--force):", items)

        if not integrity_ok(engine):  # the full check, as RELIABILITY.md asks at close-day
            raise _fail(
                "The database failed its integrity check (PRAGMA integrity_check); nothing was "
                "closed. Stop using this copy and restore the latest backup.",
                NOT_CLOSED,
            )
        if interactive:
            _console(sys.stderr).print(report_view_of(preview_report(engine, day)))
            if not typer.confirm(f"Close {day} now? This locks the day.", err=True):
                raise _fail("Not closed.", NOT_CLOSED)

        closed = close_day(engine, day, by=member, force_reason=reason if force else None)
        if closed.already_closed:
            _say(f"{day} is already closed")
        else:
            _say(f"Closed {day}{' (forced)' if closed.report['forced'] else ''}.")
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
        raise _fail("--reason: say why the day is reopened.")
    from frontdesk.data.closeout import reopen_day, stored_report

    with _database(ctx, db) as engine:
        member = _supervisor(engine, user, "reopen a day")
        report = stored_report(engine, day)
        reopen_day(engine, day, by=member, reason=reason)
        closer = f" (closed by {report['closed_by']})" if report else ""
        _say(
            f"Reopened {day}{closer}. Changes to it are allowed again; close it again with "
            f"frontdesk close-day --date {day}"
        )


def _settings_lines(clinic: Clinic) -> list[str]:
    from frontdesk.money import plain_cents

    return [
        f"Clinic:              {clinic.name} ({clinic.zone.key})",
        f"Denominations:       {','.join(dollars(d) for d in clinic.denominations)}",
        f"Max payment:         {plain_cents(clinic.max_payment_cents)}",
        f"Variance tolerance:  {plain_cents(clinic.variance_tolerance_cents)}",
        f"Print command:       {clinic.print_command or '(none)'}",
    ]


def _amount_option(option: str, text: str, *, allow_zero: bool) -> int:
    from frontdesk.money import InvalidAmount, parse_cents

    try:
        return parse_cents(text, allow_zero=allow_zero)
    except InvalidAmount as error:
        raise _fail(f"{option} {text}: {error}") from None


def parse_denominations_option(text: str) -> str:
    """``"100,20,0.25"`` (dollars) -> ``"10000,2000,25"`` (cents), each checked."""
    cents: list[int] = []
    for part in text.split(","):
        value = _amount_option("--denominations", part.strip(), allow_zero=False)
        if value in cents:
            raise _fail(f"--denominations: {part.strip()} is listed twice.")
        cents.append(value)
    return ",".join(str(c) for c in sorted(cents, reverse=True))


def settings_command(
    ctx: typer.Context,
    db: DbOption = None,
    user: UserOption = None,
    print_command: Annotated[
        str | None,
        typer.Option(
            "--print-command",
            metavar="COMMAND",
            help='Receipt printer command, e.g. "lp -d receipt".',
        ),
    ] = None,
    max_payment: Annotated[
        str | None, typer.Option("--max-payment", metavar="DOLLARS", help="e.g. 2000.00")
    ] = None,
    variance_tolerance: Annotated[
        str | None,
        typer.Option(
            "--variance-tolerance", metavar="DOLLARS", help="Drawer over/short allowed, e.g. 1.00"
        ),
    ] = None,
    denominations: Annotated[
        str | None,
        typer.Option(
            "--denominations", metavar="LIST", help="Bills and coins in dollars, e.g. 100,20,0.25"
        ),
    ] = None,
) -> None:
    """Show the clinic's desk settings; with options, change them (a supervisor)."""
    changes: dict[str, str | int] = {}
    if max_payment is not None:
        changes["max_payment_cents"] = _amount_option(
            "--max-payment", max_payment, allow_zero=False
        )
    if variance_tolerance is not None:
        changes["variance_tolerance_cents"] = _amount_option(
            "--variance-tolerance", variance_tolerance, allow_zero=True
        )
    if denominations is not None:
        changes["denominations"] = parse_denominations_option(denominations)
    if print_command is not None:
        from frontdesk.data.errors import InvalidInput
        from frontdesk.data.validation import clean_text

        try:
            changes["print_command"] = clean_text(
                print_command, field="print_command", label="--print-command", max_len=200
            )
        except InvalidInput as error:
            raise _fail(error.message) from None
    from frontdesk.data.clinic import load_clinic, update_settings

    with _database(ctx, db) as engine:
        if not changes:
            print("\n".join(_settings_lines(load_clinic(engine))))
            return
        member = _supervisor(engine, user, "change the clinic's settings")
        before = _settings_lines(load_clinic(engine))
        after = _settings_lines(update_settings(engine, by=member, **changes))
        for old, new in zip(before, after, strict=True):
            if old != new:
                label, _, value = old.partition(":")
                _say(f"Changed {label.lower()}: {value.strip()} -> {new.partition(':')[2].strip()}")
        print("\n".join(after))


def register(app: typer.Typer) -> None:
    """Add the commands to the CLI."""
    app.command("close-day")(close_day_command)
    app.command("reopen-day")(reopen_day_command)
    app.command("settings")(settings_command)
