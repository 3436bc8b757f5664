"""Benchmarks that print JSON; never part of ``make test``."""
