"""The storage layer's errors: each message is one sentence saying what happened and what to do."""

from __future__ import annotations


class StorageError(Exception):
    """A failure of the records layer; ``str(error)`` is one sentence for the user."""


class SignedSessionError(StorageError):
    """A change to a signed session was refused: corrections are addenda."""


class DuplicatePatientError(StorageError):
    """The record number is taken by another patient (or the patient looks like a duplicate)."""
