"""``frontdesk callbacks list|add|reasons`` and ``frontdesk handoff`` from a shell.

This module is the ``callbacks`` command group; :mod:`frontdesk.cli` registers it
and ``handoff``. The commands are in :mod:`frontdesk.cli_callbacks_show` (list,
handoff) and :mod:`frontdesk.cli_callbacks_add` (add, ``--from-csv``), with the
checking of one item's values in :mod:`frontdesk.cli_callbacks_values`. They call
the same data-layer functions as the desk (:mod:`frontdesk.data.callbacks`,
:mod:`frontdesk.data.callback_queue`). Exit codes as in :mod:`frontdesk.cli_common`:
0 done, 2 bad input (nothing was added), 1 the database was busy.
"""

from __future__ import annotations

import typer

from frontdesk.cli_callback_reasons import reasons_command
from frontdesk.cli_callbacks_add import add_command
from frontdesk.cli_callbacks_show import list_command

callbacks_app = typer.Typer(
    name="callbacks",
    help="List the open callbacks, add new ones, or set up their reasons.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
callbacks_app.command("list")(list_command)
callbacks_app.command("add")(add_command)
callbacks_app.command("reasons")(reasons_command)
