"""FrontDeskApp: sign-in, then the day schedule and the screens reached from it.

Start-up stays light: this module imports only Textual and the sign-in screen.
The database layer (SQLModel, SQLAlchemy, Alembic) loads in a thread after the
first frame is on screen, so the clerk sees the sign-in form at once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding

from frontdesk.screens.signin import SignInScreen

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from frontdesk.data.clinic import Clinic
    from frontdesk.data.staff import StaffMember

log = logging.getLogger(__name__)


class FrontDeskApp(App[None]):
    """The counter terminal."""

    CSS_PATH = "app.tcss"
    TITLE = "frontdesk"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", show=False, priority=True),
    ]

    def __init__(self, target: str, *, notice: str = "", engine: Engine | None = None) -> None:
        super().__init__()
        self.target = target
        self.notice = notice
        self.engine: Engine | None = engine
        self.clinic: Clinic | None = None
        self.staff: StaffMember | None = None
        self.backend_error = ""

    def on_mount(self) -> None:
        """Show sign-in first; open the database behind it."""
        self.push_screen(SignInScreen())
        self.run_worker(self._open_backend, thread=True, group="backend", exit_on_error=False)

    def _open_backend(self) -> None:
        from frontdesk.data.clinic import load_clinic
        from frontdesk.data.db import integrity_ok, make_engine

        try:
            if self.engine is None:
                self.engine = make_engine(self.target)
            if not integrity_ok(self.engine):
                raise RuntimeError("the database failed its integrity check")
            clinic = load_clinic(self.engine)
        except Exception as error:  # shown on the sign-in screen, not a traceback
            log.exception("could not open the database")
            self.backend_error = f"Cannot open the clinic database: {error}"
            self.call_from_thread(self._backend_ready)
            return
        self.clinic = clinic
        # Warm the modules the first screens need while the clerk types.
        import frontdesk.screens.schedule  # noqa: F401

        self.call_from_thread(self._backend_ready)

    def _backend_ready(self) -> None:
        screen = self.screen
        if isinstance(screen, SignInScreen):
            screen.backend_ready()

    @property
    def ready(self) -> bool:
        """The database is open and the clinic is known."""
        return self.engine is not None and self.clinic is not None

    def signed_in(self, staff: StaffMember) -> None:
        """Open the day schedule for ``staff``."""
        from frontdesk.screens.schedule import ScheduleScreen

        self.staff = staff
        self.switch_screen(ScheduleScreen())

    def lock(self) -> None:
        """Sign out: drop every screen (and the patient data on it), back to sign-in."""
        self.staff = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(SignInScreen())

    def require(self) -> tuple[Engine, Clinic, StaffMember]:
        """The engine, clinic and signed-in staff member, for screens past sign-in."""
        if self.engine is None or self.clinic is None or self.staff is None:
            raise RuntimeError("not signed in")
        return self.engine, self.clinic, self.staff


def run(target: str, *, notice: str = "", **kwargs: Any) -> None:
    """Run the app full-screen with mouse tracking off."""
    FrontDeskApp(target, notice=notice, **kwargs).run(mouse=False)
