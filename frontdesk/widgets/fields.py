"""Compact one-line inputs: no border, no blinking cursor (no idle output)."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input, Static


class TextField(Input):
    """An ``Input`` that costs little on a slow link: compact, steady cursor."""

    DEFAULT_CSS = """
    TextField { width: 1fr; }
    TextField.-invalid { text-style: underline; }
    """

    def __init__(self, value: str = "", *, next_on_enter: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value, **kwargs)
        self.cursor_blink = False
        self.next_on_enter = next_on_enter

    async def _on_key(self, event: events.Key) -> None:
        """Keep type-ahead in order.

        Keys are handled in the order they were typed, however fast they come.
        The app hands each key to the widget focused when the key arrived, so keys
        typed quickly after Enter may already wait here when Enter moves focus on.
        Such keys are handed back to the app, which gives them to the field that
        has focus now. With ``next_on_enter``, Enter moves focus at once (before
        the keys behind it are handled) and then posts ``Submitted``.
        """
        if self.app.focused is not self:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        if event.key in ("tab", "shift+tab"):
            # Moving between fields at once keeps the keys behind it for the next field.
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        if event.key == "enter" and self.next_on_enter:
            event.stop()
            event.prevent_default()
            self.screen.focus_next()
            self.post_message(self.Submitted(self, self.value))
            return
        own = self._bindings.key_to_bindings.get(event.key)
        if own and own[0].action.startswith("scroll_"):
            # A one-line field does not scroll: ↑ ↓ PgUp PgDn belong to the screen
            # (↓ into a list of results, say), through the usual bindings.
            own = None
        if own and not event.is_printable:
            # Editing keys (Backspace, ^u, arrows, Enter...) are bindings, which
            # Textual runs only after the key has bubbled up to the app, while the
            # printable keys behind it are typed at once: in a burst, "Smiht",
            # Backspace x2, "th" would come out wrong. Run them here, in order.
            event.stop()
            event.prevent_default()
            await self.run_action(own[0].action)
        # Otherwise Textual goes on to Input._on_key (handlers run along the MRO
        # until one prevents the default), which types the character.


class FieldMessage(Static):
    """The message shown beside a field: empty, or what is wrong and how to fix it."""

    DEFAULT_CSS = """
    FieldMessage { width: 1fr; height: auto; color: $text-error; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)

    def show(self, message: str) -> None:
        """Show ``message`` (plain text, never markup); empty clears it."""
        self.update(f"! {message}" if message else "")
