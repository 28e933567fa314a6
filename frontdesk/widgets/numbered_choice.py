"""A numbered list of options on as many lines as they need; a digit picks one.

Unlike :class:`~frontdesk.widgets.choice_row.ChoiceRow` nothing need be chosen
at first (a reason the clerk must pick, not a default they might miss). The
chosen option is marked ``▸`` and shown in reverse, so it reads without colour.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.widget import Widget

from frontdesk.widgets.keys import hand_back, run_now


class NumberedChoice(Widget, can_focus=True):
    """Options ``1 Label  2 Label ...`` wrapped to the width; ``value`` is "" until chosen."""

    DEFAULT_CSS = """
    NumberedChoice { height: auto; width: 1fr; }
    """

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        *,
        value: str = "",
        on_change: Callable[[str], None] | None = None,
        screen_keys: Collection[str] = (),
        **kwargs: Any,
    ) -> None:
        """``on_change`` runs at once, before the next key is handled (as in ChoiceRow)."""
        super().__init__(**kwargs)
        self.options = list(options)[:9]  # one digit each
        values = [v for v, _ in self.options]
        self.index = values.index(value) if value in values else -1
        self.on_change = on_change
        self.screen_keys = screen_keys
        self._typed_ahead = ""  # a digit pressed before the options arrived

    def set_options(self, options: Sequence[tuple[str, str]]) -> None:
        """Options loaded later; a digit typed before they came is applied now."""
        value = self.value
        self.options = list(options)[:9]
        values = [v for v, _ in self.options]
        self.index = values.index(value) if value in values else -1
        self.refresh(layout=True)
        typed, self._typed_ahead = self._typed_ahead, ""
        if typed and int(typed) <= len(self.options):
            self._move_to(int(typed) - 1)

    @property
    def value(self) -> str:
        """The chosen option's value, or "" when none is chosen yet."""
        return self.options[self.index][0] if self.index >= 0 else ""

    def _move_to(self, index: int) -> None:
        if index != self.index:
            self.index = index
            self.refresh()
            if self.on_change is not None:
                self.on_change(self.value)

    async def _on_key(self, event: events.Key) -> None:
        """Digits and arrows at once, in the order typed; Tab moves on at once."""
        if hand_back(self, event) or await run_now(self, event, self.screen_keys):
            return
        character = event.character or ""
        if event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        index: int | None = None
        if not self.options:
            if character.isdigit():
                self._typed_ahead = character
                event.stop()
                event.prevent_default()
            return
        if event.key in ("left", "right"):
            step = -1 if event.key == "left" else 1
            start = self.index if self.index >= 0 else (-1 if step > 0 else 0)
            index = (start + step) % len(self.options)
        elif character.isdigit() and 0 < int(character) <= len(self.options):
            index = int(character) - 1
        if index is not None:
            event.stop()
            event.prevent_default()
            self._move_to(index)

    def _lines(self, width: int) -> list[Text]:
        lines = [Text(no_wrap=True, overflow="ellipsis")]
        for position, (_, label) in enumerate(self.options):
            piece = Text(no_wrap=True)
            chosen = position == self.index
            piece.append("▸" if chosen else " ")
            piece.append(f"{position + 1} {label}", style="reverse bold" if chosen else "")
            if lines[-1].cell_len and lines[-1].cell_len + 1 + piece.cell_len > width:
                lines.append(Text(no_wrap=True, overflow="ellipsis"))
            if lines[-1].cell_len:
                lines[-1].append(" ")
            lines[-1].append_text(piece)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the options need at this width."""
        del container, viewport
        return len(self._lines(max(width, 20)))

    def render(self) -> Text:
        """The options, wrapped; the chosen one ``▸`` and reversed."""
        return Text("\n").join(self._lines(max(self.size.width, 20)))
