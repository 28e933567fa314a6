"""A Textual driver that sends only the cells that changed (for slow links).

:class:`LeanDriver` is Textual's own Linux driver with one difference: everything
the app writes goes through a :class:`~frontdesk.terminal.model.ScreenModel`, and
the terminal receives the model's difference instead of the whole repaint. Input,
signals, suspend/resume and start-up are Textual's. ``FRONTDESK_OUTPUT=plain``
turns it off (:func:`driver_class` then returns ``None``: Textual's stock driver).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Any

from textual.drivers.linux_driver import LinuxDriver

from frontdesk.terminal.model import ScreenModel

if TYPE_CHECKING:
    from textual.app import App
    from textual.driver import Driver

ENV = "FRONTDESK_OUTPUT"
log = logging.getLogger(__name__)


class LeanDriver(LinuxDriver):
    """Textual's Linux driver, writing only what changed on the screen."""

    def __init__(
        self,
        app: App[Any],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        width, height = self._get_terminal_size()
        term = os.environ.get("TERM", "")
        self.screen_model = ScreenModel(
            width, height, erase=erases_in_colour(term), scroll=scrolls_bands(term)
        )
        # Writes come from the app's thread and, for a few mode switches, the input thread.
        self._model_lock = threading.Lock()
        self.bytes_in = 0  # characters the app wrote, for the record
        self.bytes_out = 0  # characters the terminal received

    def write(self, data: str) -> None:
        """Feed ``data`` to the screen model and write the difference it returns."""
        with self._model_lock:
            model = self.screen_model
            size = self._get_terminal_size()
            if size != (model.width, model.height):
                model.resize(*size)
            out = model.feed(data)
            self.bytes_in += len(data)
            if out:
                self.bytes_out += len(out)
                super().write(out)

    def repaint(self) -> None:
        """Send the whole screen again, e.g. after something else wrote to the terminal.

        The model's picture of the screen is sent at once; then the app is asked to
        refresh everything, which fills in any part the model did not know.
        """
        with self._model_lock:
            out = self.screen_model.repaint()
            if out:
                self.bytes_out += len(out)
                super().write(out)
        self._app.refresh(repaint=True, layout=True)


def erases_in_colour(term: str) -> bool:
    """Whether terminal type ``term`` erases in the current background colour (terminfo bce).

    Then runs of blanks go as erase sequences instead of spaces. Read once per
    process (curses loads one terminal description); False when unknown.
    """
    found = _description(term)
    return found is not None and found.tigetflag("bce") > 0


def scrolls_bands(term: str) -> bool:
    """Whether ``term`` has scroll margins and line delete/insert (terminfo csr, dl, il).

    Then a band of rows that moved whole (a table scrolled) is moved on the
    terminal, as curses does, instead of drawn again.
    """
    found = _description(term)
    return found is not None and all(found.tigetstr(cap) for cap in ("csr", "dl", "il"))


def _description(term: str) -> Any:
    """The curses module set up for ``term``, or None when there is no description."""
    try:
        import curses
    except ImportError:
        return None
    try:
        with open(os.devnull, "w") as null:
            curses.setupterm(term or "dumb", null.fileno())
    except (curses.error, OSError) as error:
        log.debug("no terminal description for %r: %s", term, error)
        return None
    return curses


def driver_class(environ: dict[str, str] | None = None) -> type[Driver] | None:
    """The driver to run the app with: ``None`` (Textual's own) when ``FRONTDESK_OUTPUT=plain``.

    Only a Linux/macOS terminal gets the lean driver; Windows keeps Textual's.
    """
    env = os.environ if environ is None else environ
    if env.get(ENV, "").strip().lower() == "plain" or os.name != "posix":
        return None
    return LeanDriver
