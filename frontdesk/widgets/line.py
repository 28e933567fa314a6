"""A line of plain text that is redrawn only when what it shows changes.

``Static.update`` repaints even when given the same text again; on a slow link
every repaint is bytes. Screens that read again when another terminal changed
something (or on F5) show their titles and counts through :class:`Line`, so a
read that finds nothing new sends nothing.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static


def _identity(content: Text | str) -> tuple[object, ...]:
    if isinstance(content, Text):
        return (content.plain, tuple(content.spans), str(content.style), content.overflow)
    return (content,)


class Line(Static):
    """Plain text (never markup); :meth:`show` skips the repaint when nothing changed."""

    def __init__(self, content: Text | str = "", **kwargs: Any) -> None:
        super().__init__(content, markup=False, **kwargs)
        self._shown = _identity(content)

    def show(self, content: Text | str) -> None:
        """Show ``content`` unless it is already shown."""
        identity = _identity(content)
        if identity != self._shown:
            self._shown = identity
            self.update(content)
