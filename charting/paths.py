"""Where the clinic's database lives: ``--db``, else ``CHARTING_DB``, else the user's data folder."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "charting"
DB_ENV = "CHARTING_DB"
DB_FILE_NAME = "charting.db"


def default_database_path() -> Path:
    """The database file in the platform's user data folder."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILE_NAME


def log_file_path() -> Path:
    """The app's log of unexpected errors, in the platform's user log folder (no patient data is written)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "charting.log"


def resolve_database_path(cli_value: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """The database to open: the ``--db`` argument, else ``CHARTING_DB``, else the default."""
    env = os.environ if environ is None else environ
    if cli_value:
        return Path(cli_value).expanduser()
    if env.get(DB_ENV):
        return Path(env[DB_ENV]).expanduser()
    return default_database_path()
