"""Every key of the screen underneath (``?``): the footer shows only the common ones."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk.widgets.keybar import KeyBar


def keys_text(bindings: list[tuple[str, str]], width: int = 74) -> Text:
    """``key  what it does`` pairs in two columns."""
    half = width // 2
    lines = Text()
    for index in range(0, len(bindings), 2):
        pair = bindings[index : index + 2]
        for column, (key, description) in enumerate(pair):
            cell = Text.assemble((f"{key:>5} ", "bold"), description)
            cell.truncate(half - 1, overflow="ellipsis")
            if column == 0 and len(pair) == 2:
                cell.pad_right(half - cell.cell_len)
            lines.append_text(cell)
        lines.append("\n")
    lines.rstrip()
    return lines


class KeysDialog(ModalScreen[None]):
    """A list of keys and what they do; any of Esc, Enter or ? closes it."""

    DEFAULT_CSS = """
    KeysDialog { align: center middle; }
    KeysDialog > Vertical { width: 78; height: auto; max-height: 22; border: round $primary;
                            background: $surface; padding: 0 1; }
    KeysDialog KeyBar { dock: none; }
    """
    BINDINGS = [
        Binding("escape,enter,question_mark", "close", "Close", id="keys.close", key_display="Esc"),
    ]

    def __init__(self, title: str, bindings: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Static(keys_text(self.bindings))
            yield KeyBar(list(self.BINDINGS))  # type: ignore[arg-type]

    def action_close(self) -> None:
        """Back to the screen."""
        self.dismiss(None)
