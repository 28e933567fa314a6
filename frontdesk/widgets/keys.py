"""Keys acted on at once, in the order typed.

Textual runs a binding only after its key has travelled up to the app, while
the keys typed behind it are already being handed to the focused widget. In a
burst (a fast typist, a slow link delivering a packet of keys) ``↓ v`` would
type ``v`` into a field before ``↓`` moved to the list, and ``v`` then the
reason text would run ``r`` (reprint) in the list before the void dialog is
up. Widgets that move the focus or open a dialog therefore run those keys
themselves, at once, and hand keys meant for a widget focused since then back
to the app, which gives them to the right one.
"""

from __future__ import annotations

from collections.abc import Collection

from textual import events
from textual.widget import Widget


def hand_back(widget: Widget, event: events.Key) -> bool:
    """A key that reached ``widget`` after the focus moved on: give it back to the app."""
    if widget.app.focused is widget:
        return False
    event.stop()
    event.prevent_default()
    widget.app.post_message(events.Key(event.key, event.character))
    return True


async def run_now(widget: Widget, event: events.Key, keys: Collection[str]) -> bool:
    """Run the binding of ``event`` (the widget's own, else an ancestor's) now."""
    if event.key not in keys:
        return False
    node: Widget | None = widget
    while node is not None:
        bindings = [
            binding
            for binding in node._bindings.key_to_bindings.get(event.key, ())
            if not binding.action.startswith("scroll_")  # one-line fields do not scroll
        ]
        if bindings:
            event.stop()
            event.prevent_default()
            await node.run_action(bindings[0].action)
            return True
        parent = node.parent
        node = parent if isinstance(parent, Widget) else None
    return False
