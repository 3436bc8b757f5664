"""charting: chairside charting and procedure notes for onabotulinumtoxinA in chronic migraine."""

__version__ = "0.1.0"
