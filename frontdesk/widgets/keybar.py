"""The footer: every binding the screen offers, as ``key Description``, wrapped to width.

Drawn once when the screen mounts (no hover effects, no idle repaints).
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

_KEY_NAMES = {
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "slash": "/",
    "dollar_sign": "$",
    "question_mark": "?",
    "tab": "Tab",
    "pageup": "PgUp",
    "pagedown": "PgDn",
}


def key_label(key: str) -> str:
    """``ctrl+l`` -> ``^l``; ``left`` -> ``←``; first of several alternatives."""
    first = key.split(",")[0].strip()
    if first.startswith("ctrl+"):
        return "^" + first.removeprefix("ctrl+")
    return _KEY_NAMES.get(first, first)


class KeyBar(Static):
    """Shows bindings; the screen passes its own list (only those with ``show=True``)."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: auto; max-height: 2; background: $panel; color: $text; }
    """

    def __init__(self, bindings: list[Binding], **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self._shown = [b for b in bindings if b.show]

    def on_mount(self) -> None:
        """Render once for the width we got."""
        self.set_bindings(self._shown)

    def set_bindings(self, bindings: list[Binding]) -> None:
        """Replace what is shown (for screens whose keys change with their step)."""
        self._shown = [b for b in bindings if b.show]
        width = max(self.size.width, 80) if self.size.width else 80
        lines: list[Text] = [Text()]
        for binding in self._shown:
            label = binding.key_display or key_label(binding.key)
            piece = Text()
            piece.append(label, style="bold reverse")
            piece.append(f" {binding.description}")
            if lines[-1].cell_len and lines[-1].cell_len + 2 + piece.cell_len > width - 1:
                lines.append(Text())
            if lines[-1].cell_len:
                lines[-1].append("  ")
            lines[-1].append_text(piece)
        self.update(Text("\n").join(lines))
