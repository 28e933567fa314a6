"""A slot just freed: the waiting patients it suits, oldest request first.

Enter books the one under the cursor into the freed slot (the wait-list entry
closes in the same transaction) and shows the slip; Esc leaves the slot open.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from frontdesk.data.booking import Booked, BookingRequest, Freed, book
from frontdesk.data.errors import FrontDeskError
from frontdesk.data.waitlist import WaitItem
from frontdesk.screens.base import DeskScreen, run_db
from frontdesk.widgets.fields import FieldMessage
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe


def wait_cells(item: WaitItem) -> tuple[Text, ...]:
    """One waiting patient as table cells (user text plain)."""
    return (
        safe(item.patient),
        safe(f"{item.type_name} {item.minutes}m"),
        safe(item.provider),
        safe(item.wants),
        Text(item.phone),
    )


WAIT_COLUMNS = (  # 78 columns with the cell padding: fits 80
    ("patient", "Patient", 18),
    ("type", "Visit", 14),
    ("with", "With", 8),
    ("wants", "Suits", 14),
    ("phone", "Phone", 14),
)


class WaitlistOffer(ModalScreen[str | None]):
    """Dismisses with what was booked (to say on the schedule), or ``None``."""

    DEFAULT_CSS = """
    WaitlistOffer { align: center middle; }
    WaitlistOffer > Vertical { width: 80; height: auto; max-height: 20; border: round $primary;
                               background: $surface; padding: 0 0; }
    WaitlistOffer DataTable { height: auto; max-height: 10; }
    WaitlistOffer KeyBar { dock: none; }
    """
    BINDINGS = [
        Binding("enter", "book", "Book this patient", id="offer.book"),
        Binding("escape", "skip", "Not now", id="offer.skip"),
    ]

    def __init__(self, freed: Freed, items: list[WaitItem]) -> None:
        super().__init__()
        self.freed = freed
        self.items = items
        self._busy = False

    def compose(self) -> ComposeResult:
        freed = self.freed
        with Vertical():
            yield Static(
                Text.assemble(
                    ("Slot free", "bold"),
                    f"  {freed.start:%a %d %b %H:%M}, {freed.minutes} min.  "
                    f"Waiting patients it suits: {len(self.items)}",
                )
            )
            yield DataTable(id="offer-table", cursor_type="row", zebra_stripes=False)
            yield FieldMessage(id="offer-message")
            yield KeyBar(list(self.BINDINGS))  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """The rows; the oldest request under the cursor."""
        table: DataTable[Text] = self.query_one(DataTable)
        for key, label, width in WAIT_COLUMNS:
            table.add_column(label, key=key, width=width)
        for item in self.items:
            table.add_row(*wait_cells(item), key=str(item.id))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row books it."""
        event.stop()
        self.action_book()

    def action_book(self) -> None:
        """Book the patient under the cursor into the freed slot."""
        table: DataTable[Text] = self.query_one(DataTable)
        if self._busy or not self.items:
            return
        item = self.items[table.cursor_row]
        beneath = self.app.screen_stack[-2]
        assert isinstance(beneath, DeskScreen)
        engine, staff = beneath.engine, beneath.staff
        request = BookingRequest(
            patient_id=item.patient_id,
            provider_id=self.freed.provider_id,
            type_id=item.type_id,
            start=self.freed.start,
            waitlist_entry_id=item.id,
        )
        self._busy = True
        run_db(self, lambda: book(engine, request, staff=staff), self._booked, self._refused)

    def _booked(self, booked: Booked) -> None:
        from frontdesk.dialogs.booked import BookedDialog

        beneath = self.app.screen_stack[-2]
        assert isinstance(beneath, DeskScreen)
        clinic = beneath.clinic
        message = f"Booked from the wait list: {booked.patient} {booked.start:%a %d %b %H:%M}"
        self.app.push_screen(
            BookedDialog(booked, clinic.name, clinic.print_command),
            lambda _: self.dismiss(message),
        )

    def _refused(self, error: FrontDeskError) -> None:
        self._busy = False
        self.query_one(FieldMessage).show(error.message)

    def action_skip(self) -> None:
        """Leave the slot open."""
        if not self._busy:
            self.dismiss(None)
