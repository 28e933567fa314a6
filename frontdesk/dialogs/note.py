"""One line of text (a note for billing, say), saved by the dialog itself.

The dialog runs the save in a thread so a refusal shows at the field and the
note typed so far stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontdesk.data.errors import FrontDeskError
from frontdesk.screens.base import run_db
from frontdesk.widgets.fields import FieldMessage, TextField
from frontdesk.widgets.keybar import KeyBar
from frontdesk.widgets.safe import safe

T = TypeVar("T")


class NoteDialog(ModalScreen[T | None]):
    """Dismisses with what ``save`` returned, or ``None`` on Esc (nothing saved)."""

    DEFAULT_CSS = """
    NoteDialog { align: center middle; }
    NoteDialog > Vertical { width: 72; height: auto; border: round $primary;
                            background: $surface; padding: 0 1; }
    NoteDialog TextField { background: $boost; }
    NoteDialog KeyBar { dock: none; }
    """
    BINDINGS = [
        Binding("enter", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, title: str, prompt: str, save: Callable[[str], T]) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.save = save
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self.title_text, "bold"))
            yield Static(self.prompt, markup=False)
            yield TextField(id="note-input", max_length=1000)
            yield FieldMessage(id="note-message")
            yield KeyBar(list(self.BINDINGS))  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """Ready to type."""
        self.query_one(TextField).focus()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Save the note (in a thread)."""
        if self._busy:
            return
        self._busy = True
        note, save = self.query_one(TextField).value, self.save
        run_db(self, lambda: save(note), self._saved, self._refused)

    def _saved(self, result: T) -> None:
        self._busy = False
        self.dismiss(result)

    def _refused(self, error: FrontDeskError) -> None:
        self._busy = False
        self.query_one(FieldMessage).show(error.message)

    def action_cancel(self) -> None:
        """Close without saving."""
        if not self._busy:
            self.dismiss(None)
