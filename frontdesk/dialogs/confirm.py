"""A yes/no question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk.widgets.keybar import KeyBar


class ConfirmDialog(ModalScreen[bool]):
    """Dismisses with ``True`` for y, ``False`` for n or Esc."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 50; height: auto; border: round $primary;
                               background: $surface; padding: 0 1; }
    ConfirmDialog KeyBar { dock: none; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            yield KeyBar(list(self.BINDINGS))  # type: ignore[arg-type]

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
