"""The one entry point: parse arguments, then run a headless command or open the charting window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from charting import cli
from charting.paths import resolve_database_path

log = logging.getLogger("charting")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``charting``: a command when one is given, else the window on the clinic's database."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = cli.parse(sys.argv[1:] if argv is None else list(argv))
    db_path = resolve_database_path(args.db)
    if args.command:
        try:
            return cli.run_command(args, db_path)
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return cli.EXIT_FAILURE
    from charting.ui.window import run_window

    return run_window(args, db_path)
