"""Terminal output for slow links: a model of the screen that sends only changed cells.

See docs/LEAN-OUTPUT.md. :mod:`frontdesk.terminal.model` holds the screen model,
:mod:`frontdesk.terminal.lean_driver` the Textual driver that uses it.
"""

from frontdesk.terminal.model import ScreenModel

__all__ = ["ScreenModel"]
