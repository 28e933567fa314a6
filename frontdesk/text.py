"""What may reach the terminal or the database: no control or bidi-override characters.

Kept free of any dependency so the UI can use it before the data layer loads.
"""

from __future__ import annotations

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def is_unsafe_char(ch: str) -> bool:
    """C0/C1 controls (tab and newline included), DEL, and bidi overrides."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or ch in BIDI_CONTROLS


def strip_unsafe(text: str) -> str:
    """Remove anything that could steer a terminal; used again at render time."""
    return "".join(ch for ch in text if not is_unsafe_char(ch))
