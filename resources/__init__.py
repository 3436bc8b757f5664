"""Data files shipped with charting; installed as the ``charting_resources`` package."""
