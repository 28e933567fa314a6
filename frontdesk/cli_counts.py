"""Counting the drawers at close-day: the counts file (``--counts``) or at the keyboard.

Either way the supervisor gives every figure before any expected one is shown;
each count goes through :func:`frontdesk.data.drawer.count_drawer`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from frontdesk.cli_common import ask, dollars, fail, say

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from frontdesk.data.clinic import Clinic
    from frontdesk.data.drawer import BlindCount, CountResult, Drawer
    from frontdesk.data.staff import StaffMember


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


class _CountsReader:
    """Reads and checks a counts file; every refusal names the drawer and the field."""

    ENTRY_FIELDS = ("cash", "checks", "card_total", "reason")

    def __init__(self, path: Path, denominations: tuple[int, ...]) -> None:
        self.path = path
        self.denominations = denominations

    def refuse(self, where: str, problem: str) -> typer.Exit:
        return fail(f"Counts file {self.path}: {where}: {problem}")

    def read(self) -> dict[str, FileCount]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise fail(f"Counts file {self.path}: no such file.") from None
        except (OSError, UnicodeDecodeError) as error:
            problem = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise fail(f"Counts file {self.path}: cannot read it ({problem}).") from None
        try:
            data = json.loads(text, object_pairs_hook=_no_repeats)
        except json.JSONDecodeError as error:
            raise fail(
                f"Counts file {self.path}: not valid JSON (line {error.lineno}, "
                f"column {error.colno}: {error.msg})."
            ) from None
        except ValueError as error:
            raise fail(f"Counts file {self.path}: {error}.") from None
        if not isinstance(data, dict) or set(data) != {"drawers"}:
            raise fail(
                f'Counts file {self.path}: expected {{"drawers": {{"<drawer id or clerk>": '
                "{...}}} and nothing else at the top."
            )
        drawers = data["drawers"]
        if not isinstance(drawers, dict):
            raise self.refuse('"drawers"', "expected an object of drawers by id or clerk")
        return {str(key): self.entry(str(key), value) for key, value in drawers.items()}

    def entry(self, key: str, value: object) -> FileCount:
        from frontdesk.data.errors import InvalidInput
        from frontdesk.data.validation import clean_text

        drawer = f'drawer "{key}"'
        if not isinstance(value, dict):
            raise self.refuse(drawer, "expected an object with cash, checks, card_total, reason")
        unknown = sorted(set(value) - set(self.ENTRY_FIELDS))
        if unknown:
            raise self.refuse(
                f'{drawer}, "{unknown[0]}"',
                f"not a field here (use {', '.join(self.ENTRY_FIELDS)})",
            )
        cash = self.cash(drawer, value.get("cash", {}))
        checks = value.get("checks", {})
        if not isinstance(checks, dict) or set(checks) - {"count", "total"}:
            raise self.refuse(f"{drawer}, checks", 'expected {"count": 2, "total": "85.00"}')
        check_count = self.whole(f"{drawer}, checks count", checks.get("count", 0))
        check_cents = self.money(f"{drawer}, checks total", checks.get("total", "0"))
        if check_count == 0 and check_cents:
            raise self.refuse(
                f"{drawer}, checks count", "a checks total needs the number of checks"
            )
        card_cents = self.money(f"{drawer}, card_total", value.get("card_total", "0"))
        reason = value.get("reason", "")
        if not isinstance(reason, str):
            raise self.refuse(f"{drawer}, reason", "expected text")
        try:
            reason = clean_text(reason, field="reason", label="Reason", max_len=500)
        except InvalidInput as error:
            raise self.refuse(f"{drawer}, reason", error.message) from None
        return FileCount(key, cash, check_count, check_cents, card_cents, reason)

    def cash(self, drawer: str, value: object) -> dict[int, int]:
        from frontdesk.money import InvalidAmount, parse_cents

        if not isinstance(value, dict):
            raise self.refuse(f"{drawer}, cash", 'expected an object like {"20": 5, "0.25": 4}')
        counted: dict[int, int] = {}
        for key, pieces in value.items():
            where = f'{drawer}, cash "{key}"'
            try:
                cents = parse_cents(str(key))
            except InvalidAmount as error:
                raise self.refuse(where, f"not a denomination ({error})") from None
            if cents not in self.denominations:
                listed = ", ".join(dollars(d) for d in self.denominations)
                raise self.refuse(where, f"not one of this clinic's denominations ({listed})")
            if cents in counted:
                raise self.refuse(where, "the same denomination is listed twice")
            counted[cents] = self.whole(where, pieces)
        return counted

    def whole(self, where: str, value: object) -> int:
        from frontdesk.data.counts import parse_count
        from frontdesk.data.errors import InvalidInput

        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.refuse(where, f"{json.dumps(value)} is not a whole number, like 3")
        try:
            return parse_count(value, field="count", label="count")
        except InvalidInput as error:
            raise self.refuse(where, error.message.removeprefix("count: ")) from None

    def money(self, where: str, value: object) -> int:
        from frontdesk.money import InvalidAmount, parse_cents

        if not isinstance(value, str):
            raise self.refuse(
                where, f'give the amount as text, like "85.00" (not {json.dumps(value)})'
            )
        if not value.strip():
            return 0
        try:
            return parse_cents(value, allow_zero=True)
        except InvalidAmount as error:
            raise self.refuse(where, str(error)) from None


def read_counts(path: Path, denominations: tuple[int, ...]) -> dict[str, FileCount]:
    """The counts file, checked against the clinic's denominations (exit 2 if wrong)."""
    return _CountsReader(path.expanduser(), denominations).read()


def plan_counts(
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
            raise fail(
                f'Counts file: drawer "{key}": {to_count[0].clerk} has drawers {ids} to count; '
                "name each by its number."
            )
        if not to_count:
            if matches:
                say(
                    f"Drawer {matches[0].id} ({matches[0].clerk}) is already counted; "
                    "its entry in the counts file is skipped."
                )
                continue
            listed = ", ".join(f"{d.id} ({d.clerk})" for d in open_drawers) or "none"
            raise fail(
                f'Counts file: drawer "{key}": no such drawer to count on {day} '
                f"(drawers to count: {listed})."
            )
        drawer = to_count[0]
        if drawer.id in plan:
            raise fail(
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
    say(f"{f'Drawer {drawer.id} ({drawer.clerk})':<24}{'expected':>12}{'counted':>12}   over/short")
    for label, want, got in rows:
        say(
            f"  {label:<22}{format_cents(want):>12}{format_cents(got):>12}   "
            f"{variance_word(got - want)}"
        )
    if result.check_count != exp.check_count:
        say(f"  {result.check_count} checks counted, {exp.check_count} expected")


def count_from_file(
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
            say(f"  reason: {entry.reason}")
    except (InvalidInput, NotFound, PermissionDenied) as error:
        raise fail(f"Drawer {drawer.id} ({drawer.clerk}): {error.message}") from None
    if not result.accepted:
        say(
            f"  The difference is past the clinic's tolerance of "
            f"{format_cents(clinic.variance_tolerance_cents)} (or the checks differ): recount, "
            'or give a "reason" for this drawer in the counts file.'
        )


def _ask_value(text: str, parse: Any) -> int:
    """Ask until the answer parses (Enter alone is 0)."""
    from frontdesk.data.errors import InvalidInput
    from frontdesk.money import InvalidAmount

    while True:
        answer = ask(text, default="0")
        try:
            return int(parse(answer))
        except (InvalidInput, InvalidAmount) as error:
            say(str(error))


def count_interactively(engine: Engine, drawer: Drawer, by: StaffMember, clinic: Clinic) -> None:
    """Blind count at the keyboard: every figure typed before any expected one is shown."""
    from frontdesk.data.counts import denomination_label, parse_count
    from frontdesk.data.drawer import BlindCount, count_drawer
    from frontdesk.data.errors import InvalidInput
    from frontdesk.money import format_cents, parse_cents

    opened = drawer.opened_at.astimezone(clinic.zone)
    say(
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
        say(f"Drawer {drawer.id} is counted.")
        return
    say(
        f"The difference is past the clinic's tolerance of "
        f"{format_cents(clinic.variance_tolerance_cents)} (or the checks differ)."
    )
    while True:
        reason = ask(
            "Reason for the difference (Enter alone leaves the drawer for a recount)", default=""
        )
        if not reason.strip():
            say(f"Drawer {drawer.id} is not settled; it keeps the day open until recounted.")
            return
        try:
            count_drawer(engine, drawer.id, replace(blind, reason=reason), by=by)
        except InvalidInput as error:
            say(error.message)
            continue
        say(f"Drawer {drawer.id} is counted, with the reason.")
        return
