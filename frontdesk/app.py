"""FrontDeskApp: sign-in, then the day schedule and the screens reached from it.

Start-up stays light: this module imports only Textual and the sign-in screen.
The database layer (SQLModel, SQLAlchemy, Alembic) loads in a thread after the
first frame is on screen, so the clerk sees the sign-in form at once.
"""

from __future__ import annotations

import gc
import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.timer import Timer

from frontdesk.screens.signin import SignInScreen

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from textual.driver import Driver
    from textual.widget import Widget

    from frontdesk.data.clinic import Clinic
    from frontdesk.data.staff import StaffMember
    from frontdesk.data.watch import ChangeWatch

log = logging.getLogger(__name__)

WATCH_SECONDS = 1.0  # how often a terminal asks whether another one changed something


class _ReplayKeys(events.Event, bubble=False):
    """Replay the held keys, in the app's own queue."""


class FrontDeskApp(App[None]):
    """The counter terminal."""

    CSS_PATH = "app.tcss"
    TITLE = "frontdesk"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", show=False, priority=True),
        Binding("ctrl+g", "redraw", "Redraw the screen", id="redraw", show=False, priority=True),
    ]

    def __init__(
        self,
        target: str,
        *,
        notice: str = "",
        engine: Engine | None = None,
        driver_class: type[Driver] | None = None,
    ) -> None:
        super().__init__(driver_class=driver_class)
        self.target = target
        self.notice = notice
        self.engine: Engine | None = engine
        self.clinic: Clinic | None = None
        self.staff: StaffMember | None = None
        self.backend_error = ""
        self._held_keys: list[events.Key] = []
        self._handed_back: list[events.Key] = []
        self._draining: Widget | None = None
        self._idle_timer: Timer | None = None
        self._watch: ChangeWatch | None = None
        self._watch_timer: Timer | None = None

    def on_mount(self) -> None:
        """Show sign-in first; open the database behind it."""
        self.push_screen(SignInScreen())

    def on_ready(self) -> None:
        """The first frame is on screen: now open the database behind it.

        Loading the database layer in a thread while that frame is drawn would
        compete with it for the interpreter and delay it.
        """
        self.run_worker(self._open_backend, thread=True, group="backend", exit_on_error=False)

    def _open_backend(self) -> None:
        from frontdesk.data.clinic import load_clinic
        from frontdesk.data.db import integrity_ok, make_engine

        try:
            if self.engine is None:
                self.engine = make_engine(self.target)
            if not integrity_ok(self.engine, quick=True):
                raise RuntimeError("the database failed its integrity check; call IT")
            clinic = load_clinic(self.engine)
        except Exception as error:  # shown on the sign-in screen, not a traceback
            log.error("could not open the database: %s", type(error).__name__)
            self.backend_error = f"Cannot open the clinic database: {error}"
            self.call_from_thread(self._backend_ready)
            return
        self.clinic = clinic
        self.call_from_thread(self._backend_ready)
        # Warm the modules the first screens need while the clerk types, then move
        # everything loaded so far out of the garbage collector's way (a full
        # collection over it otherwise pauses the app for tens of milliseconds).
        import frontdesk.screens.checkin
        import frontdesk.screens.find
        import frontdesk.screens.schedule  # noqa: F401

        gc.freeze()

    def _backend_ready(self) -> None:
        screen = self.screen
        if isinstance(screen, SignInScreen):
            screen.backend_ready()

    # --- keys typed ahead ------------------------------------------------------------
    #
    # Textual hands each key to the widget focused when the key arrives. A clerk
    # who types `/smi, jo` Enter in one burst (or a slow link that delivers it in
    # one packet) sends the letters before the search screen exists: they would
    # go to the schedule and be lost. So each key is tagged with the screen it
    # was sent to; a key that comes back unhandled after the screen changed, and
    # any key that arrives while the new screen is still being built, is held
    # and replayed, in order, once the new screen is ready.
    #
    # Within one screen the same happens when a field moves focus on Enter or Tab
    # (`desk` Enter `password` Enter pasted at sign-in): keys already queued at the
    # old field are handed back, and keys arriving meanwhile are held behind them
    # until the old field has drained its queue (`TextField`).

    async def on_event(self, event: events.Event) -> None:
        """Hold keys while a screen is built or a field drains; tag the rest."""
        if isinstance(event, _ReplayKeys):
            await self._replay_keys()
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._idle_timer is not None:
                self._idle_timer.reset()
            if self._draining is not None and not self._draining.is_attached:
                self.field_drained(self._draining)  # removed before it drained
            if self._held_keys or self._draining is not None or not self._screen_ready():
                self._hold(event)
                return
            event._frontdesk_screen = self.screen  # type: ignore[attr-defined]
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """An unhandled key meant for a screen that is gone goes to the new one."""
        sent_to = getattr(event, "_frontdesk_screen", None)
        if sent_to is not None and sent_to is not self.screen:
            event.stop()
            event.prevent_default()  # not the bindings of the new screen, not yet
            self._hold(event)

    def _screen_ready(self) -> bool:
        screen = self.screen
        return screen.is_mounted and (screen.focused is not None or not screen.focus_chain)

    def _hold(self, event: events.Key) -> None:
        self._held_keys.append(events.Key(event.key, event.character))
        if self._draining is None:
            self.call_after_refresh(self._release_keys)

    def _release_keys(self) -> None:
        if not self._held_keys or self._draining is not None:
            return
        if not self._screen_ready():
            self.call_after_refresh(self._release_keys)
            return
        # Replayed by the app itself, in its own queue: a key that arrives before
        # this message is taken is held behind the others, one after it waits.
        self.post_message(_ReplayKeys())

    async def _replay_keys(self) -> None:
        while self._held_keys:
            if self._draining is not None or not self._screen_ready():
                self._release_keys()
                return
            key = self._held_keys.pop(0)
            key._frontdesk_screen = self.screen  # type: ignore[attr-defined]
            await super().on_event(key)

    def hold_keys_for(self, field: Widget) -> None:
        """``field`` moves focus on: hold new keys until it hands back its queue."""
        self._draining = field

    def hand_back_key(self, field: Widget, event: events.Key) -> None:
        """A key that reached ``field`` after focus left it: give it to the focus."""
        key = events.Key(event.key, event.character)
        if self._draining is field:
            self._handed_back.append(key)
        else:
            self._hold(key)

    def field_drained(self, field: Widget) -> None:
        """``field`` has handed back every key queued at it: replay them, in order."""
        if self._draining is not field:
            return
        self._draining = None
        self._held_keys[:0] = self._handed_back
        self._handed_back = []
        self._release_keys()

    @property
    def ready(self) -> bool:
        """The database is open and the clinic is known."""
        return self.engine is not None and self.clinic is not None

    def signed_in(self, staff: StaffMember) -> None:
        """Open the day schedule for ``staff``."""
        from frontdesk.screens.schedule import ScheduleScreen

        self.staff = staff
        self.notice = ""
        self.switch_screen(ScheduleScreen())
        minutes = self.clinic.idle_lock_minutes if self.clinic else 0
        if minutes > 0:
            self._idle_timer = self.set_timer(minutes * 60, self.idle_lock, name="idle-lock")
        self._start_watch()

    # --- other terminals' changes ----------------------------------------------------

    def _start_watch(self) -> None:
        """Ask every second whether another terminal changed something (see data/watch)."""
        from frontdesk.data.watch import ChangeWatch

        if self.engine is None:
            return
        self._stop_watch()
        self._watch = ChangeWatch(self.engine)
        self._watch_timer = self.set_interval(WATCH_SECONDS, self.check_changes, name="watch")

    def _stop_watch(self) -> None:
        if self._watch_timer is not None:
            self._watch_timer.stop()
            self._watch_timer = None
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def check_changes(self) -> None:
        """Something was committed since the last look: the screen on top reads again.

        Screens beneath read again when they come back to the top. When nothing
        changed, nothing is read and nothing is drawn.
        """
        from textual.css.query import NoMatches

        from frontdesk.screens.base import DeskScreen

        if self._watch is None or not self._watch.changed():
            return
        screen = self.screen
        if not isinstance(screen, DeskScreen) or not screen.is_current or self._closed:
            return
        try:
            screen.data_changed()
        except NoMatches:  # the screen is being taken down (quitting, locking): nothing to show
            log.debug("change seen while a screen was being taken down")

    def action_redraw(self) -> None:
        """Send the whole screen again (something else wrote on the terminal)."""
        from frontdesk.terminal.lean_driver import LeanDriver

        if isinstance(self._driver, LeanDriver):
            self._driver.repaint()
        else:
            self.refresh(repaint=True, layout=True)

    def on_unmount(self) -> None:
        """Give the watch's connection back."""
        self._stop_watch()

    def idle_lock(self) -> None:
        """Nobody pressed a key for the clinic's idle time: clear every screen, ask to sign in.

        A half-filled form is discarded, never saved. One repaint when it fires; the
        waiting itself sends nothing to the terminal.
        """
        if self.staff is None:
            return
        minutes = self.clinic.idle_lock_minutes if self.clinic else 0
        self.notice = f"Locked after {minutes} minutes without a key press. Sign in to go on."
        self.lock()

    def lock(self) -> None:
        """Sign out: drop every screen (and the patient data on it), back to sign-in."""
        self.staff = None
        self._stop_watch()
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(SignInScreen())

    def require(self) -> tuple[Engine, Clinic, StaffMember]:
        """The engine, clinic and signed-in staff member, for screens past sign-in."""
        if self.engine is None or self.clinic is None or self.staff is None:
            raise RuntimeError("not signed in")
        return self.engine, self.clinic, self.staff


NO_TERMINAL = (
    "frontdesk is a full-screen program and needs a terminal: run it from a terminal "
    "window or over `ssh -t`, not with its input or output redirected."
)


def run(target: str, *, notice: str = "", **kwargs: Any) -> int:
    """Run the app full-screen with mouse tracking off; 1 if there is no terminal.

    Without a terminal (input from a pipe or /dev/null, output to a file) the
    app could never be used, and would sit busy-waiting on input.
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(NO_TERMINAL, file=sys.stderr)  # noqa: T201
        return 1
    if hasattr(signal, "SIGHUP"):
        # A hang-up must end the app even when it was started with SIGHUP ignored:
        # on a dead terminal Textual's input thread would spin forever.
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    from frontdesk.terminal.lean_driver import driver_class

    FrontDeskApp(target, notice=notice, driver_class=driver_class(), **kwargs).run(mouse=False)
    return 0
