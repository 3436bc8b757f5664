"""What the window's start loads: the libraries only some commands need stay out until they are used."""

from __future__ import annotations

import subprocess
import sys

WINDOW_START = """
import sys
from charting.app import main
from charting.ui.window import start_window
loaded = [name for name in ("reportlab", "sqlite_utils") if name in sys.modules]
print(",".join(loaded))
"""


def test_the_window_start_does_not_load_reportlab_or_sqlite_utils() -> None:
    """reportlab loads with the first note; sqlite-utils only when the schema needs a migration."""
    done = subprocess.run([sys.executable, "-c", WINDOW_START], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
