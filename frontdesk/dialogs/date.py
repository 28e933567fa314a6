"""Go to a date typed the way people type dates."""

from __future__ import annotations

from datetime import date, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontdesk.data.clinic import Clinic
from frontdesk.data.errors import InvalidInput
from frontdesk.data.validation import parse_date
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keybar import KeyBar


class DateDialog(ModalScreen[date | None]):
    """Dismisses with the chosen day, or ``None`` on Esc."""

    DEFAULT_CSS = """
    DateDialog { align: center middle; }
    DateDialog > Vertical { width: 60; height: auto; border: round $primary;
                            background: $surface; padding: 0 1; }
    DateDialog TextField { background: $boost; }
    DateDialog KeyBar { dock: none; }
    """
    BINDINGS = [
        Binding("enter", "go", "Go", id="date.go"),
        Binding("escape", "back", "Back", id="date.back"),
    ]

    def __init__(self, clinic: Clinic) -> None:
        super().__init__()
        self.clinic = clinic

    def compose(self) -> ComposeResult:
        example = "11/30/2026" if self.clinic.date_order == "MDY" else "30/11/2026"
        with Vertical():
            yield Static(f"Go to date ({example}, 2026-11-30, +7 for a week ahead)", markup=False)
            yield TextField(id="date-input", max_length=40)
            yield FieldMessage(id="date-message")
            yield KeyBar(list(self.BINDINGS))  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """Ready to type."""
        self.query_one(TextField).focus()

    @on(Input.Submitted)
    def action_go(self) -> None:
        """Parse and go; a bad date stays typed with a message under it."""
        text = self.query_one(TextField).value.strip()
        today = self.clinic.today()
        if text.startswith(("+", "-")) and text[1:].isdigit():
            self.dismiss(today + timedelta(days=int(text)))
            return
        try:
            day = parse_date(
                text, field="date", label="Date", today=today, order=self.clinic.date_order
            )
        except InvalidInput as error:
            self.query_one(FieldMessage).show(error.message)
            return
        self.dismiss(day)

    def action_back(self) -> None:
        """Back without moving."""
        self.dismiss(None)
