"""One of a few options on one line, changed by ←→ or the option's number.

The chosen option is marked ``▸`` and shown in reverse, so it reads without colour.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from frontdesk.widgets.keys import hand_back, run_now


class ChoiceRow(Widget, can_focus=True):
    """Options as words; posts :class:`ChoiceRow.Changed` when the choice moves."""

    DEFAULT_CSS = """
    ChoiceRow { height: 1; width: 1fr; }
    """

    @dataclass
    class Changed(Message):
        """The chosen option changed."""

        row: ChoiceRow
        value: str

        @property
        def control(self) -> ChoiceRow:
            """The row that changed (for ``@on(..., "#id")``)."""
            return self.row

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        *,
        value: str,
        on_change: Callable[[str], None] | None = None,
        tab_to: Callable[[], Widget] | None = None,
        screen_keys: Collection[str] = (),
        **kwargs: Any,
    ) -> None:
        """``on_change`` runs at once, before the next key (a message would come later).

        ``tab_to`` names where Tab goes when the change shows other fields: the
        screen orders focus by position, and a field just shown has none until
        the next layout, which keys typed in a burst do not wait for.
        """
        super().__init__(**kwargs)
        self.options = list(options)
        self.index = [v for v, _ in self.options].index(value)
        self.on_change = on_change
        self.tab_to = tab_to
        self.screen_keys = screen_keys  # the screen's keys to run at once (see widgets.keys)

    @property
    def value(self) -> str:
        """The chosen option's value."""
        return self.options[self.index][0]

    def choose(self, value: str) -> None:
        """Select ``value`` from code (no ``Changed`` message: the code knows)."""
        values = [v for v, _ in self.options]
        if value in values:
            self._move_to(values.index(value), announce=False)

    def _move_to(self, index: int, *, announce: bool = True) -> None:
        if index != self.index:
            self.index = index
            self.refresh()
            if announce:
                if self.on_change is not None:
                    self.on_change(self.value)
                self.post_message(self.Changed(self, self.value))

    async def _on_key(self, event: events.Key) -> None:
        """Keys act at once, in the order typed (as in :class:`TextField`).

        A binding would run only after the key reached the app, behind keys typed
        after it: ``→`` Tab ``1042`` in one burst would change the tender after
        the focus had moved on, and type the digits here.
        """
        if hand_back(self, event) or await run_now(self, event, self.screen_keys):
            return
        character = event.character or ""
        index: int | None = None
        if event.key in ("left", "right", "space"):
            step = -1 if event.key == "left" else 1
            index = (self.index + step) % len(self.options)
        elif character.isdigit() and 0 < int(character) <= len(self.options):
            index = int(character) - 1
        elif event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            if event.key == "tab" and self.tab_to is not None:
                self.screen.set_focus(self.tab_to())  # at once, not after the keys behind
            elif event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        if index is not None:
            event.stop()
            event.prevent_default()
            self._move_to(index)

    def on_focus(self) -> None:
        """Focused rows show their keys (the row gets wider)."""
        self.refresh(layout=True)

    def on_blur(self) -> None:
        """Hide the key hint again."""
        self.refresh(layout=True)

    def render(self) -> Text:
        """``▸Cash  Check  Card`` (and the keys while focused)."""
        line = Text(no_wrap=True, overflow="ellipsis")
        for position, (_, label) in enumerate(self.options):
            if position:
                line.append("  ")
            if position == self.index:
                line.append(f"▸{label}", style="reverse bold" if self.has_focus else "bold")
            else:
                line.append(f" {label}")
        if self.has_focus:
            line.append(f"    ←→ or 1-{len(self.options)}", style="dim")
        return line
