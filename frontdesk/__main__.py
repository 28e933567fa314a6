"""Entry point. ``frontdesk`` alone (or with ``--db``) opens the app without loading the
command-line machinery, so the first frame comes sooner; anything else goes to the CLI."""

from __future__ import annotations

import sys


def _plain_open(argv: list[str]) -> str | None:
    """The ``--db`` value (or ``""``) when argv only opens the app; ``None`` otherwise."""
    if not argv:
        return ""
    if len(argv) == 2 and argv[0] == "--db":
        return argv[1]
    if len(argv) == 1 and argv[0].startswith("--db="):
        return argv[0].removeprefix("--db=")
    return None


def main() -> None:
    """Run frontdesk."""
    argv = sys.argv[1:]
    option = _plain_open(argv)
    if option is not None:
        from frontdesk.config import resolve_db
        from frontdesk.launch import open_app

        raise SystemExit(open_app(resolve_db(option or None)))
    from frontdesk.cli import app

    app(prog_name="frontdesk")


if __name__ == "__main__":
    main()
