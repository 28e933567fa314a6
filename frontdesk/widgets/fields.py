"""Compact one-line inputs: no border, no blinking cursor (no idle output)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual import events
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static


@runtime_checkable
class KeyGate(Protocol):
    """An app that keeps type-ahead in order across a move of focus (FrontDeskApp)."""

    def hold_keys_for(self, field: Widget) -> None: ...
    def hand_back_key(self, field: Widget, event: events.Key) -> None: ...
    def field_drained(self, field: Widget) -> None: ...


class TextField(Input):
    """An ``Input`` that costs little on a slow link: compact, steady cursor."""

    DEFAULT_CSS = """
    TextField { width: 1fr; }
    TextField.-invalid { text-style: underline; }
    """

    class Drained(Message, bubble=False):
        """Every key queued at the field before it moved focus on has been seen."""

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
        has focus now, ahead of any key that arrived meanwhile (the app holds
        those until this field's queue is drained). With ``next_on_enter``, Enter
        moves focus at once (before the keys behind it are handled) and then
        posts ``Submitted``.
        """
        gate = self.app if isinstance(self.app, KeyGate) else None
        if self.app.focused is not self:
            event.stop()
            event.prevent_default()
            if gate is not None:
                gate.hand_back_key(self, event)
            else:
                self.app.post_message(events.Key(event.key, event.character))
            return
        if event.key in ("tab", "shift+tab") or (event.key == "enter" and self.next_on_enter):
            # Moving between fields at once keeps the keys behind it for the next field.
            event.stop()
            event.prevent_default()
            if gate is not None:
                gate.hold_keys_for(self)
            if event.key == "shift+tab":
                self.screen.focus_previous()
            else:
                self.screen.focus_next()
            if event.key == "enter":
                self.post_message(self.Submitted(self, self.value))
            self.post_message(self.Drained())
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

    def on_text_field_drained(self, event: TextField.Drained) -> None:
        """Every key queued here is handed back: the app may replay them now."""
        event.stop()
        if isinstance(self.app, KeyGate):
            self.app.field_drained(self)

    def on_unmount(self) -> None:
        """A field removed before it drained must not hold the keyboard."""
        if isinstance(self.app, KeyGate):
            self.app.field_drained(self)


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
