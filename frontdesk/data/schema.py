"""Create and upgrade the schema by running the Alembic migrations.

Alembic, with Mako and Pygments behind it, is loaded only when a function here
needs it (about 11 MiB of memory): importing this module is cheap, so paths
that never migrate may import it (the demo's sign-in hints do, through
``frontdesk.data.demo``). The app checks the revision with plain SQL against
``frontdesk.data.revision.HEAD`` (``frontdesk.launch``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import Script

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision this version of frontdesk knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; ``None`` for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        rev = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
    return rev


def has_schema(engine: Engine) -> bool:
    """Whether the database has been set up at all."""
    return inspect(engine).has_table("alembic_version")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run every migration up to ``revision`` in one transaction."""
    from alembic import command

    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def needs_upgrade(engine: Engine) -> bool:
    """True when the database is at an older revision than this code."""
    return current_revision(engine) != head_revision()


def all_revisions() -> list[Script]:
    """Every revision this code knows, newest first."""
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory.from_config(_config()).walk_revisions())
