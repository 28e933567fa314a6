"""Turn user data into Rich ``Text``: never parsed as markup, never a control character."""

from __future__ import annotations

from rich.text import Text

from frontdesk.text import strip_unsafe


def safe(value: object, style: str = "") -> Text:
    """User text as a plain ``Text`` (markup shown as typed, controls removed)."""
    return Text(strip_unsafe(str(value)), style=style, no_wrap=True, overflow="ellipsis")


def joined(*parts: tuple[str, str] | str) -> Text:
    """Build a line from ``(text, style)`` pieces and plain strings, all as plain text."""
    out = Text(no_wrap=True, overflow="ellipsis")
    for part in parts:
        if isinstance(part, tuple):
            out.append(strip_unsafe(part[0]), style=part[1])
        else:
            out.append(strip_unsafe(part))
    return out
