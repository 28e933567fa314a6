"""How a callback item reads on screen: short cells for the queue, words for the details.

Every state is a word or a mark (``!`` overdue, ``VM`` voicemail), never colour
alone; what callers and clerks typed is shown as plain text.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual.widgets import DataTable

from frontdesk.data.callback_queue import QueueItem
from frontdesk.data.callbacks import ATTEMPTS, PRIORITIES
from frontdesk.widgets.safe import safe

COLUMNS = (
    ("due", "Due", 7),
    ("pri", "Pri", 3),
    ("reason", "Reason", 10),
    ("who", "Who", 19),
    ("owner", "Owner", 6),
    ("tries", "Tries", 5),
    ("note", "Note", 13),
)
SHORT_REASONS = {
    "scheduling": "Scheduling",
    "billing": "Billing",
    "records": "Records",
    "clinical": "Clinical",
    "prior_auth": "Prior auth",
    "referral": "Referral",
    "complaint": "Complaint",
    "other": "Other",
    "rebook": "Rebook",
    "long_wait": "Long wait",
}
SHORT_ATTEMPTS = {"reached": "OK", "voicemail": "VM", "no_answer": "NA", "wrong_number": "WN"}
SHORT_OWNERS = {"supervisor": "super"}


def owner_text(item: QueueItem) -> str:
    """A queue by name ("super" for short); a person as "@username", never like a queue."""
    if item.owner_queue:
        return SHORT_OWNERS.get(item.owner_queue, item.owner_queue)
    return f"@{item.owner}"


def when(moment: datetime, today: date) -> str:
    """``14:30`` today, ``Wed 25 Nov 14:30`` another day."""
    if moment.date() == today:
        return f"{moment:%H:%M} today"
    return f"{moment:%a %d %b %H:%M}"


def due_text(item: QueueItem, today: date) -> str:
    """``09:30`` today or ``26 Nov``; ``!`` marks overdue."""
    text = f"{item.due_at:%H:%M}" if item.due_at.date() == today else f"{item.due_at:%d %b}"
    return text + ("!" if item.overdue else "")


def tries_text(item: QueueItem) -> str:
    """``0``, or the count and the last result: ``2 VM``."""
    if not item.attempts:
        return "0"
    return f"{item.attempts} {SHORT_ATTEMPTS.get(item.last_attempt, '?')}"


def who_text(item: QueueItem) -> str:
    """The patient (or caller) and the reference, if any."""
    return f"{item.who}  {item.reference}" if item.reference else item.who


def item_cells(item: QueueItem, today: date) -> tuple[Text, ...]:
    """One queue row; user text as plain ``Text``."""
    first_line = item.notes.splitlines()[0] if item.notes.strip() else ""
    return (
        Text(due_text(item, today), style="bold" if item.overdue else ""),
        Text(str(item.priority), style="bold" if item.priority == 1 else ""),
        Text(SHORT_REASONS.get(item.reason, item.reason_label), no_wrap=True, overflow="ellipsis"),
        safe(who_text(item)),
        safe(owner_text(item)),
        Text(tries_text(item)),
        safe(first_line),
    )


def detail_text(item: QueueItem | None, today: date, width: int) -> Text:
    """Three lines about the selected item: who and how to call, when, the note."""
    if item is None:
        return Text("Nothing open here. a adds a callback; 1-6 shows another list.")
    lines = []
    first = [item.who]
    if item.mrn:
        first.append(f"MRN {item.mrn}")
    first.append(item.phone or "no phone")
    first.append(item.reason_label)
    if item.reference:
        first.append(f"ref {item.reference}")
    lines.append(safe("   ".join(first), "bold"))
    second = f"Due {when(item.due_at, today)}" + (" OVERDUE" if item.overdue else "")
    if item.attempts:
        tries = "1 try" if item.attempts == 1 else f"{item.attempts} tries"
        last = ATTEMPTS.get(item.last_attempt, item.last_attempt).lower()
        second += f" · {tries}, last: {last}"
        if item.next_try_at is not None:
            second += f" · next try {when(item.next_try_at, today)}"
    else:
        second += f" · not tried yet · priority {item.priority} ({PRIORITIES.get(item.priority)})"
    lines.append(safe(second))
    lines.append(safe(f"Note: {' '.join(item.notes.split())}" if item.notes.strip() else ""))
    for line in lines:
        line.truncate(max(width - 2, 20), overflow="ellipsis")
    return Text("\n").join(lines)


class CallbackTable(DataTable[Text]):
    """The queue's rows; ← → belong to the screen (the lists), Enter closes the item.

    Keeps the items it shows (``items``, in row order) and redraws only the cells
    that changed when the same items are shown again.
    """

    BINDINGS = [b for b in DataTable.BINDINGS if getattr(b, "key", "") not in ("left", "right")]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.items: list[QueueItem] = []

    def selected(self) -> QueueItem | None:
        """The cursor row's item."""
        if not self.items or not self.row_count or self.cursor_row >= len(self.items):
            return None
        return self.items[self.cursor_row]

    def show(self, items: list[QueueItem], today: date, *, select: int | None = None) -> None:
        """Show ``items``; the cursor stays on the same item (or ``select``) if listed."""
        if not self.columns:  # with the first rows, in one handler (steady snapshots)
            for key, label, width in COLUMNS:
                self.add_column(label, key=key, width=width)
        current = self.selected()
        wanted = select if select is not None else (current.id if current else None)
        if [i.id for i in items] == [i.id for i in self.items]:
            self.refresh_items(items, today)
            return
        index = self.cursor_row
        self.clear()
        for item in items:
            self.add_row(*item_cells(item, today), key=str(item.id))
        self.items = list(items)
        ids = [i.id for i in items]
        if wanted in ids:
            self.move_cursor(row=ids.index(wanted), animate=False)
        elif items:
            self.move_cursor(row=min(index, len(items) - 1), animate=False)

    def refresh_items(self, items: list[QueueItem], today: date) -> None:
        """Update the rows shown in place from ``items``; rows whose item is gone leave.

        Items not shown yet are not added: an item passed to another owner stays
        where it is until the list is read again, so Tab can pass it further.
        """
        fresh = {item.id: item for item in items}
        kept = []
        for item in self.items:
            new = fresh.get(item.id)
            if new is None:
                self.remove_row(str(item.id))
                continue
            if new != item:
                key = str(item.id)
                for (column, _, _), cell in zip(COLUMNS, item_cells(new, today), strict=True):
                    old = self.get_cell(key, column)
                    if old != cell or old.style != cell.style:
                        self.update_cell(key, column, cell)
            kept.append(new)
        self.items = kept
