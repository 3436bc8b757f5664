"""The clinical core in plain Python: protocol, session, rules, billing, interval, eligibility and outcomes.

Nothing here imports Qt, SQLite or reportlab; import-linter keeps it so.
"""
