"""The one entry point: parse arguments, then run a headless command or open the charting window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from charting import cli
from charting.errorlog import append_private, error_record
from charting.paths import log_file_path, resolve_database_path

log = logging.getLogger("charting")


def report_unexpected(error: Exception) -> int:
    """One line on stderr for an error nobody foresaw; its type and place go to the owner-only log."""
    where = log_file_path()
    try:
        append_private(where, error_record(type(error), error.__traceback__))
        details = f" The details are in {where}."
    except OSError:
        details = ""
    sys.stderr.write(
        f"charting: something unexpected went wrong ({type(error).__name__}); nothing was changed after the last "
        f"completed step. If it happens again, tell your support contact.{details}\n"
    )
    return cli.EXIT_FAILURE


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
        except Exception as error:  # the last line of defence: a sentence, never a traceback
            return report_unexpected(error)
    from charting.ui.window import run_window

    return run_window(args, db_path)
