"""No-show review: booked patients past the no-show time, marked by the clerk, confirmed at once.

Nothing is marked at first. ``Space`` marks (or unmarks) the row, ``a`` marks
every row (again: none); ``Enter`` or ``n`` makes the marked ones NO-SHOW in
one save, each with its "rebook" callback. A row that changed meanwhile (the
patient arrived at another terminal, say) is left as it is and named on the
message line.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from frontdesk import clock
from frontdesk.data.errors import FrontDeskError
from frontdesk.data.no_shows import Confirmed, Suggestion, confirm_no_shows, suggestions
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.line import Line
from frontdesk.widgets.safe import safe

COLUMNS = (
    ("mark", "", 3),
    ("time", "Time", 5),
    ("late", "Late", 4),
    ("patient", "Patient", 24),
    ("provider", "Provider", 12),
    ("type", "Type", 14),
)
MARKED, UNMARKED = "[x]", "[ ]"
EMPTY = "No one is past the no-show time"


def suggestion_cells(item: Suggestion, marked: bool) -> tuple[Text, ...]:
    """One row: the mark, booked time, minutes late, patient, provider (and delay), type."""
    provider = f"{item.provider} +{item.delay}m" if item.delay else item.provider
    return (
        Text(MARKED if marked else UNMARKED, style="bold" if marked else ""),
        Text(f"{item.start:%H:%M}"),
        Text(f"{item.minutes_late}m"),
        safe(item.patient),
        safe(provider),
        safe(item.type_name),
    )


def outcome_text(result: Confirmed, names: dict[int, str]) -> str:
    """``2 marked NO-SHOW, rebook calls made · not marked: Lee, Min (Now ARRIVED)``."""
    parts = []
    if result.marked:
        who = "1 marked NO-SHOW" if result.count == 1 else f"{result.count} marked NO-SHOW"
        parts.append(f"{who}, rebook calls made")
    if result.skipped:
        left = "; ".join(
            f"{s.patient or names.get(s.appointment_id, '?')} ({s.why})" for s in result.skipped
        )
        parts.append(f"not marked: {left}")
    return " · ".join(parts)


class NoShowTable(DataTable[Text]):
    """The suggestions; Enter confirms (through the screen)."""


class NoShowReviewScreen(DeskScreen):
    """Dismisses with the last outcome (for the schedule's message line), or None."""

    CSS_PATH = "no_show_review.tcss"
    BINDINGS = [
        Binding("space", "mark", "Mark", id="no_show_review.mark"),
        Binding("a", "mark_all", "Mark all", id="no_show_review.mark_all"),
        Binding("enter,n", "confirm", "No-show the marked", id="no_show_review.confirm"),
        Binding("f5,ctrl+r", "refresh", "Refresh", id="no_show_review.refresh", key_display="F5"),
        Binding("escape", "back", "Back", id="no_show_review.back"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Suggestion] = []
        self.marked: set[int] = set()
        self._drawn: set[int] = set()  # the rows whose mark shows on screen
        self._busy = False
        self._outcome = ""

    def compose(self) -> ComposeResult:
        yield Line("", id="ns-title")
        yield NoShowTable(id="ns-table", cursor_type="row", zebra_stripes=False)
        yield Line("", id="ns-summary")
        yield MessageLine(id="message")
        yield KeyBar([b for b in self.BINDINGS if isinstance(b, Binding)])

    @property
    def table(self) -> NoShowTable:
        """The suggestions shown."""
        return self.query_one(NoShowTable)

    def on_mount(self) -> None:
        """Read the suggestions (in a thread)."""
        self.table.focus()
        self.load()

    # --- reading and showing ------------------------------------------------------------

    def load(self, message: str = "", *, error: bool = False) -> None:
        """Read who is past the no-show time now (a newer read supersedes this one)."""
        engine = self.engine

        def done(found: list[Suggestion]) -> None:
            self.show(found)
            if message:
                self.say(message, error=error)

        self.db(lambda: suggestions(engine), done, exclusive=True)

    def show(self, found: list[Suggestion]) -> None:
        """Rows for ``found``; marks kept for rows still listed; only changed cells redrawn."""
        table = self.table
        self.marked &= {s.appointment_id for s in found}
        ids = [s.appointment_id for s in found]
        if table.columns and ids == [s.appointment_id for s in self.items]:
            for old, new in zip(self.items, found, strict=True):
                key = str(new.appointment_id)
                cells = suggestion_cells(new, new.appointment_id in self.marked)
                before = suggestion_cells(old, old.appointment_id in self._drawn)
                for (column, _, _), cell, was in zip(COLUMNS, cells, before, strict=True):
                    if cell != was or cell.style != was.style:
                        table.update_cell(key, column, cell)
        else:
            if not table.columns:  # with the first rows, in one handler (steady snapshots)
                for key, label, width in COLUMNS:
                    table.add_column(label, key=key, width=width)
            current = self.selected()
            index = table.cursor_row
            table.clear()
            for item in found:
                marked = item.appointment_id in self.marked
                table.add_row(*suggestion_cells(item, marked), key=str(item.appointment_id))
            if current is not None and current.appointment_id in ids:
                table.move_cursor(row=ids.index(current.appointment_id), animate=False)
            elif found:
                table.move_cursor(row=min(index, len(found) - 1), animate=False)
        self.items = list(found)
        self._drawn = set(self.marked)
        self._show_title()
        self._show_summary()

    def _show_title(self) -> None:
        now = clock.now().astimezone(self.clinic.zone)
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("No-show review", style="bold")
        title.append(f"   {now:%a %d %b %H:%M}")
        grace = self.clinic.no_show_grace_minutes
        title.append(f"   booked, not here {grace} min after the start")
        self.query_one("#ns-title", Line).show(title)

    def _show_summary(self) -> None:
        if not self.items:
            text = EMPTY
        else:
            text = f"{len(self.items)} past the no-show time · {len(self.marked)} marked"
            if not self.marked:
                text += " · Space marks a row, a marks all"
            else:
                text += " · Enter makes them NO-SHOW"
        self.query_one("#ns-summary", Line).show(text)

    def _redraw_mark(self, item: Suggestion) -> None:
        marked = item.appointment_id in self.marked
        if marked == (item.appointment_id in self._drawn):
            return
        self._drawn ^= {item.appointment_id}
        self.table.update_cell(str(item.appointment_id), "mark", suggestion_cells(item, marked)[0])

    def selected(self) -> Suggestion | None:
        """The cursor row's suggestion."""
        table = self.table
        if not self.items or not table.row_count or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def data_changed(self) -> None:
        """Another terminal changed something (a patient arrived?): read again."""
        if not self._busy:
            self.load()

    # --- actions ------------------------------------------------------------------------

    def action_mark(self) -> None:
        """Mark or unmark the cursor row, and move down to the next."""
        item = self.selected()
        if item is None or self._busy:
            return
        self.marked ^= {item.appointment_id}
        self._redraw_mark(item)
        self._show_summary()
        if self.table.cursor_row < len(self.items) - 1:
            self.table.move_cursor(row=self.table.cursor_row + 1, animate=False)

    def action_mark_all(self) -> None:
        """Mark every row; when all are marked already, unmark them all."""
        if not self.items or self._busy:
            return
        everyone = {s.appointment_id for s in self.items}
        self.marked = set() if self.marked == everyone else everyone
        for item in self.items:
            self._redraw_mark(item)
        self._show_summary()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on the table: confirm the marked rows."""
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        """The marked rows become NO-SHOW in one save (rows changed meanwhile are skipped)."""
        if self._busy:
            return
        chosen = [s for s in self.items if s.appointment_id in self.marked]
        if not chosen:
            if self.items:
                self.say("Mark someone first: Space marks the row, a marks all", error=True)
            else:
                self.say(EMPTY)
            return
        engine, staff = self.engine, self.staff
        ids = [s.appointment_id for s in chosen]
        versions = {s.appointment_id: s.version for s in chosen}
        names = {s.appointment_id: s.patient for s in chosen}
        self._busy = True

        def done(result: Confirmed) -> None:
            self._busy = False
            self.marked = set()
            self._outcome = outcome_text(result, names)
            self.load(self._outcome, error=bool(result.skipped))

        def failed(error: FrontDeskError) -> None:
            self._busy = False
            self.show_error(error)
            self.load()

        self.db(
            lambda: confirm_no_shows(engine, ids, staff=staff, versions=versions),
            done,
            failed=failed,
        )

    def action_refresh(self) -> None:
        """Read again now."""
        self.load("Refreshed")

    def action_back(self) -> None:
        """Back to the schedule, handing it what was done here."""
        self.dismiss(self._outcome or None)
