"""Everyone on the wait list (``W`` on the schedule): book one now, or take one off."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from frontdesk.data.waitlist import WaitItem, remove_entry, waiting
from frontdesk.screens.base import DeskScreen, MessageLine
from frontdesk.screens.waitlist_offer import WAIT_COLUMNS, wait_cells
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.line import Line


class WaitlistScreen(DeskScreen):
    """The waiting patients, oldest first."""

    DEFAULT_CSS = """
    #wl-title { height: 1; padding: 0 1; background: $panel; }
    #wl-table { height: 1fr; }
    """
    BINDINGS = [
        Binding("enter", "book", "Book", id="waitlist.book"),
        Binding("d", "remove", "Take off list", id="waitlist.remove"),
        Binding("escape", "back", "Back", id="waitlist.back"),
        Binding("ctrl+l", "lock", "Lock", id="lock"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[WaitItem] = []

    def compose(self) -> ComposeResult:
        yield Line("Wait list", id="wl-title")
        yield DataTable(id="wl-table", cursor_type="row", zebra_stripes=False)
        yield MessageLine(id="message")
        yield KeyBar([b for b in self.BINDINGS if isinstance(b, Binding)])

    def on_mount(self) -> None:
        """Columns once, then the list."""
        table: DataTable[Text] = self.query_one(DataTable)
        for key, label, width in WAIT_COLUMNS:
            table.add_column(label, key=key, width=width)
        table.focus()
        self.load()

    def load(self, message: str = "") -> None:
        """Read the list (in a thread)."""
        engine = self.engine

        def show(items: list[WaitItem]) -> None:
            self.items = items
            table: DataTable[Text] = self.query_one(DataTable)
            row = table.cursor_row
            table.clear()
            for item in items:
                table.add_row(*wait_cells(item), key=str(item.id))
            if items:
                table.move_cursor(row=min(row, len(items) - 1), animate=False)
            title = Text.assemble(("Wait list", "bold"), f"   {len(items)} waiting, oldest first")
            self.query_one("#wl-title", Line).show(title)
            if message:
                self.say(message)
            elif not items:
                self.say("Nobody is waiting for an earlier slot")

        self.db(lambda: waiting(engine), show, exclusive=True)

    def selected(self) -> WaitItem | None:
        """The entry under the cursor."""
        table: DataTable[Text] = self.query_one(DataTable)
        if not self.items or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: book it."""
        event.stop()
        self.action_book()

    def action_book(self) -> None:
        """Find this patient an opening now; booking it closes the entry."""
        item = self.selected()
        if item is None:
            return
        from frontdesk.screens.booking import BookingDone, BookingScreen

        def done(result: BookingDone | None) -> None:
            self.load(result.message if result else "")

        screen = BookingScreen(item.patient_id, type_id=item.type_id, waitlist_entry_id=item.id)
        self.app.push_screen(screen, done)

    def action_remove(self) -> None:
        """Take the entry off the list (it stays on record)."""
        item = self.selected()
        if item is None:
            return
        engine, staff = self.engine, self.staff
        self.db(
            lambda: remove_entry(engine, item.id, staff=staff, version=item.version),
            lambda _: self.load(f"Taken off the wait list: {item.patient}"),
        )

    def data_changed(self) -> None:
        """Another terminal changed the list: read it again."""
        self.load()

    def action_back(self) -> None:
        """Back to the schedule."""
        self.dismiss(None)
