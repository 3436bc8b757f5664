"""charting: chairside charting and procedure notes for onabotulinumtoxinA in chronic migraine."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("charting")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
