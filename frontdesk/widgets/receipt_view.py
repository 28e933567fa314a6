"""A committed receipt on screen, with what to hand back in big figures."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from frontdesk.money import format_cents
from frontdesk.text import strip_unsafe


def receipt_text(stored: str) -> Text:
    """A stored receipt as plain text, line by line (never markup, no controls)."""
    return Text("\n".join(strip_unsafe(line) for line in stored.splitlines()), no_wrap=True)


class ReceiptView(Horizontal, can_focus=True):
    """Receipt text on the left; heading, the amount to hand back and the print result."""

    DEFAULT_CSS = """
    ReceiptView { height: 1fr; padding: 0 1; }
    ReceiptView:focus { background-tint: transparent; }
    ReceiptView #receipt-text { width: 42; height: 1fr; border-right: vkey $foreground 30%; }
    ReceiptView #receipt-side { width: 1fr; height: auto; padding-left: 2; }
    ReceiptView #receipt-heading { text-style: bold; }
    ReceiptView #big-label { margin-top: 1; text-style: bold; }
    ReceiptView Digits { width: auto; }
    ReceiptView #receipt-status { margin-top: 1; }
    ReceiptView #receipt-hint { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="receipt-text", markup=False)
        with Vertical(id="receipt-side"):
            yield Static("", id="receipt-heading", markup=False)
            yield Static("", id="big-label", markup=False)
            yield Digits("", id="big-amount")
            yield Static("", id="receipt-status", markup=False)
            yield Static("", id="receipt-hint", markup=False)

    def show(
        self,
        stored: str,
        *,
        heading: str,
        big_label: str = "",
        big_cents: int | None = None,
        status: str = "",
        hint: str = "",
    ) -> None:
        """Put a receipt up; ``big_label`` and ``big_cents`` say what to hand over."""
        self.query_one("#receipt-text", Static).update(receipt_text(stored))
        self.query_one("#receipt-heading", Static).update(heading)
        label = self.query_one("#big-label", Static)
        digits = self.query_one("#big-amount", Digits)
        if big_cents is None:
            label.display = False
            digits.display = False
        else:
            words = f"{big_label}  {format_cents(big_cents)}"
            label.update(words)  # the words too: the figures are a picture
            label.display = True
            digits.update(format_cents(big_cents).replace(",", ""))
            digits.display = True
        self.query_one("#receipt-status", Static).update(status)
        self.query_one("#receipt-hint", Static).update(hint)
