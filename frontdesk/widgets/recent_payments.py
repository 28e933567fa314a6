"""The drawer's newest money rows, with VOID / REFUND as words; keys act on the selected row."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import DataTable

from frontdesk.data.balances import PaymentLine
from frontdesk.data.models import Entry
from frontdesk.data.receipts import TENDER_LABELS, receipt_label
from frontdesk.money import format_cents
from frontdesk.widgets.keys import hand_back, run_now
from frontdesk.widgets.safe import safe

COLUMNS = (
    ("receipt", "Receipt", 9),  # R-000318; R-1000000 in a clinic with a million
    ("time", "Time", 5),
    ("patient", "Patient", 17),
    ("tender", "Tender", 6),
    ("amount", "Amount", 10),
    ("note", "", 19),
)


def line_cells(line: PaymentLine) -> tuple[Text, ...]:
    """One row; the patient's name as typed, never markup."""
    sign = "" if line.entry is Entry.PAYMENT else "-"
    notes: list[str] = []
    if line.entry is Entry.VOID:
        notes.append("VOID")
    elif line.entry is Entry.REFUND:
        notes.append("REFUND")
    elif line.voided:
        notes.append("VOIDED")
    elif line.refunded_cents >= line.amount_cents:
        notes.append("REFUNDED")
    elif line.refunded_cents:
        notes.append(f"REFUNDED {format_cents(line.refunded_cents)}")
    if line.reference:
        notes.append(f"({line.reference})")
    return (
        Text(receipt_label(line.receipt_no)),
        Text(f"{line.at:%H:%M}"),
        safe(line.patient_name),
        Text(TENDER_LABELS[line.tender]),
        Text(f"{sign}{format_cents(line.amount_cents)}", justify="right"),
        safe(" ".join(notes)),
    )


LIST_KEYS = frozenset({"r", "v", "f", "b", "escape", "ctrl+f", "ctrl+b"})


class RecentPayments(DataTable[Text]):
    """Up/down choose a row; r, v, f act on it (run by the screen)."""

    BINDINGS = [
        Binding("r", "screen.reprint", "Reprint (COPY)", id="drawer.reprint"),
        Binding("v", "screen.void", "Void", id="drawer.void"),
        Binding("f", "screen.refund", "Refund", id="drawer.refund"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.lines: tuple[PaymentLine, ...] = ()

    async def _on_key(self, event: events.Key) -> None:
        """r, v, f (and Esc, b) at once: the keys behind them belong to the dialog or form."""
        if hand_back(self, event):
            return
        await run_now(self, event, LIST_KEYS)

    def on_mount(self) -> None:
        """The columns, once; the cursor shows only while the clerk is in the list."""
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)
        self.show_cursor = False

    def on_focus(self) -> None:
        """In the list: show which row the keys act on."""
        self.show_cursor = True

    def on_blur(self) -> None:
        """Back in the form: no row looks chosen."""
        self.show_cursor = False

    def show(self, lines: tuple[PaymentLine, ...]) -> None:
        """Replace the rows, keeping the cursor on the same receipt if it is still listed."""
        if lines == self.lines:
            return
        selected = self.selected()
        self.lines = lines
        self.clear()
        for line in lines:
            self.add_row(*line_cells(line), key=str(line.receipt_no))
        if selected is not None:
            numbers = [line.receipt_no for line in lines]
            if selected.receipt_no in numbers:
                self.move_cursor(row=numbers.index(selected.receipt_no), animate=False)

    def selected(self) -> PaymentLine | None:
        """The cursor row's payment."""
        if not self.lines or self.cursor_row >= len(self.lines):
            return None
        return self.lines[self.cursor_row]
