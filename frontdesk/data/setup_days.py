"""The dated part of a set-up plan: holidays and blockouts.

Days before today and blockouts that are over are history: the database's
are never touched, and the file's are left out (with a note). From today on,
the file's holidays and blockouts replace the database's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from frontdesk.data.models_booking import Blockout, Holiday
from frontdesk.data.setup_file import SetupInvalid, name_key, problem_at

if TYPE_CHECKING:
    from frontdesk.data.setup_plan import Plan

# (provider key or None for the whole clinic, start UTC, end UTC, reason)
Item = tuple[str | None, datetime, datetime, str]


def plan_holidays(plan: Plan) -> None:
    """Holidays from today on become the file's."""
    today = plan.now.astimezone(plan.zone).date()
    stored = {h.day: h for h in plan.session.exec(select(Holiday).where(col(Holiday.day) >= today))}
    wanted = {h.day: h for h in plan.setup.holidays if h.day >= today}
    past = sum(1 for h in plan.setup.holidays if h.day < today)
    if past:
        plan.notes.append(f"{_count(past, 'holiday')} before today in the file left as they are.")
    for day in sorted(stored.keys() | wanted.keys()):
        old, new = stored.get(day), wanted.get(day)
        if old is None and new is not None:
            row = Holiday(day=day, name=new.name)
            plan.add(
                "+", "holiday", f"holiday {day} {new.name}".rstrip(), partial(_insert, plan, row)
            )
        elif new is None and old is not None:
            text = f"holiday {day} {old.name}".rstrip()
            plan.add("-", "holiday", text, partial(_delete, plan, old))
        elif old is not None and new is not None and old.name != new.name:
            text = f'holiday {day}: name "{old.name}" -> "{new.name}"'
            plan.add("~", "holiday", text, partial(plan.set, old, "name", new.name))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _insert(plan: Plan, row: Holiday | Blockout) -> None:
    plan.session.add(row)


def _delete(plan: Plan, row: Holiday | Blockout) -> None:
    plan.session.delete(row)


def local_moment(value: datetime, zone: ZoneInfo) -> datetime | None:
    """A clinic-local time as UTC; ``None`` if the clocks skip it (spring forward)."""
    aware = value.replace(tzinfo=zone)
    moment = aware.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != value:
        return None
    return moment


def _wanted(plan: Plan) -> list[Item]:
    """The file's blockouts that are not over, in UTC; problems if a time does not exist."""
    out: list[Item] = []
    problems: list[str] = []
    over = 0
    for number, spec in enumerate(plan.setup.blockouts, start=1):
        start = local_moment(spec.start, plan.zone)
        end = local_moment(spec.end, plan.zone)
        if start is None or end is None:
            missing = spec.start if start is None else spec.end
            problems.append(
                problem_at(
                    plan.setup.source,
                    spec.line,
                    f"blockout #{number}",
                    f"{missing:%Y-%m-%d %H:%M} does not exist in {plan.zone.key} "
                    "(the clocks skip it)",
                )
            )
            continue
        if end <= plan.now:
            over += 1
            continue
        key = name_key(spec.provider) if spec.provider is not None else None
        out.append((key, start, end, spec.reason))
    if problems:
        raise SetupInvalid(problems)
    if over:
        plan.notes.append(f"{_count(over, 'blockout')} in the file already over, left out.")
    return out


def _describe(plan: Plan, item: Item, short: dict[str, str]) -> str:
    key, start, end, reason = item
    first, last = start.astimezone(plan.zone), end.astimezone(plan.zone)
    if first.date() == last.date():
        when = f"{first:%Y-%m-%d %H:%M}-{last:%H:%M}"
    else:
        when = f"{first:%Y-%m-%d %H:%M} - {last:%Y-%m-%d %H:%M}"
    who = short.get(key, key) if key is not None else "whole clinic"
    return f"blockout {who} {when} {reason}".rstrip()


def plan_blockouts(plan: Plan) -> None:
    """Blockouts not over yet become the file's; each is matched as a whole."""
    rows = plan.session.exec(
        select(Blockout).where(col(Blockout.end_at) > plan.now).order_by(col(Blockout.start_at))
    ).all()
    short = {name_key(p.short_name): p.short_name for p in plan.provider_rows}
    short |= {name_key(p.short_name): p.short_name for p in plan.setup.providers}
    stored: list[tuple[Item, Blockout]] = []
    for row in rows:
        key = plan.provider_key.get(row.provider_id) if row.provider_id is not None else None
        item = (key, row.start_at.astimezone(UTC), row.end_at.astimezone(UTC), row.reason)
        stored.append((item, row))
    wanted = _wanted(plan)
    kept: set[int] = set()
    adding: list[Item] = []
    for item in wanted:
        match = next(
            (i for i, (old, _) in enumerate(stored) if old == item and i not in kept), None
        )
        if match is None:
            adding.append(item)
        else:
            kept.add(match)
    for i, (item, row) in enumerate(stored):
        if i not in kept:
            plan.add("-", "blockout", _describe(plan, item, short), partial(_delete, plan, row))
    for item in sorted(adding, key=lambda x: (x[1], x[2], x[0] or "", x[3])):
        plan.add("+", "blockout", _describe(plan, item, short), partial(_new_blockout, plan, item))


def _new_blockout(plan: Plan, item: Item) -> None:
    key, start, end, reason = item
    provider_id = plan.provider_id[key] if key is not None else None
    plan.session.add(Blockout(provider_id=provider_id, start_at=start, end_at=end, reason=reason))
