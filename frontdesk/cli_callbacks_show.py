"""``frontdesk callbacks list`` and ``frontdesk handoff``: the open callbacks, shown.

As a table (``list``) or grouped by owner for the next shift (``handoff``), each
at most 80 columns wide, or as JSON with ``--json``. Standard output carries only
that; messages go to standard error (:mod:`frontdesk.cli_common`).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from frontdesk.cli_common import USER_ENV, DbOption, console, database, fail
from frontdesk.text import strip_unsafe

if TYPE_CHECKING:
    from frontdesk.data.callback_queue import QueueItem

TIME_FORMAT = "%b %d %H:%M"  # "Nov 24 17:00", clinic-local
OVERDUE = "OVERDUE"


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
    from frontdesk.data.staff import find_active_staff

    chosen = view.strip().lower()
    if chosen not in FILTERS:
        raise fail(f"--view {view}: not a view; use one of {', '.join(FILTERS)}.")
    name = (user or "").strip()
    if chosen == "mine" and not name:
        raise fail(f"--view mine needs --user NAME (or {USER_ENV}).")
    with database(ctx, db) as engine:
        staff_id = 0
        if chosen == "mine":
            found = find_active_staff(engine, name)
            if found is None:
                raise fail(f"--user {name}: no active account has that name.")
            staff_id = found.id
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
