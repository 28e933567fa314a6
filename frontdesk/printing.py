"""Send a receipt to the configured print command (for example ``lp -d receipt``).

The command comes from ``FRONTDESK_PRINT_COMMAND`` (set per terminal, so a
remote site prints on its own printer) or else the clinic's setting. It is run
without a shell, with the receipt on its standard input. Printing happens only
after the payment is committed; a failure never undoes the payment, it only
says so (the receipt can be reprinted).
"""

from __future__ import annotations

import os
import shlex
import subprocess

TIMEOUT_SECONDS = 15


def print_command(clinic_setting: str) -> str:
    """The command in force for this terminal ("" means do not print)."""
    return os.environ.get("FRONTDESK_PRINT_COMMAND", clinic_setting).strip()


def send(receipt: str, command: str) -> str | None:
    """Print ``receipt``; ``None`` on success, else a short message for the clerk."""
    if not command:
        return None
    try:
        argv = shlex.split(command)
    except ValueError:
        return "Print command is not valid; ask IT to fix it"
    if not argv:
        return None
    try:
        done = subprocess.run(  # noqa: S603 (argv from the clinic's own setting)
            argv,
            input=receipt.encode(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        return f"Printer command {argv[0]} was not found"
    except (OSError, subprocess.TimeoutExpired):
        return "The printer did not answer"
    if done.returncode != 0:
        return f"The printer refused the receipt (exit {done.returncode})"
    return None
