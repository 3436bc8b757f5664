"""The documents made from the records: the procedure note of a session and the continuation-of-therapy summary of
a patient, as data and as PDF, and the due list as CSV.

Shared by the window and the command line, so both print exactly the same documents.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from charting.domain.clock import local_now
from charting.domain.interval import due_status
from charting.domain.session import Session
from charting.domain.settings import ClinicalSettings
from charting.storage.errors import StorageError
from charting.storage.repository import DueEntry, Repository

if TYPE_CHECKING:
    from charting.report.note import ProcedureNote
    from charting.report.summary import ContinuationSummary

OWNER_ONLY = 0o600
DUE_CSV_COLUMNS = ("name", "mrn", "last_session", "next_due", "due_by", "days_until", "status")
"""The columns of the due list's CSV: ``next_due`` is the earliest eligible date, ``days_until`` the days from today to
it (negative once it has passed, which is "due" until ``due_by`` and "overdue" after), ``status`` the state of
``interval.due_status``: "not yet eligible", "due" or "overdue"."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula."""


class DocumentError(Exception):
    """A note that cannot be made or written; the message says what happened and what to do."""


def file_stem(text: str) -> str:
    """Text made safe as part of a file name: each run of other than letters, digits, ".", "_" and "-" becomes "_"."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)


def procedure_note(repository: Repository, session: Session, *, now: datetime | None = None) -> ProcedureNote:
    """The note of a session with everything it needs from the records.

    A signed session prints the patient, clinic, injector, baseline, thresholds and protocol frozen when it was
    signed, so a reprint matches the original whatever has changed since; only its addenda are read as they stand.
    """
    # The note's model loads with the first note, not with the window or every command (``cli`` imports this module).
    from charting.report.note import build_note

    try:
        context = repository.note_context(session)
        return build_note(
            session,
            context.patient,
            repository.note_protocol(session),
            context.clinic,
            context.injector,
            repository.addenda(session.id) if session.signed and session.id is not None else [],
            settings=context.settings or repository.settings,
            baseline=context.baseline,
            previous_session_date=context.previous_session_date,
            earlier_visits=context.earlier_visits,
            printed_at=None if session.signed else (now or local_now()),
            audit_sha256=repository.audit_head_at_signing(session.id) if session.id is not None else "",
        )
    except StorageError as error:
        raise DocumentError(str(error)) from error


def procedure_note_pdf(
    repository: Repository, session: Session, *, paper: str | None = None, now: datetime | None = None
) -> bytes:
    """The note as PDF bytes, on the clinic's paper size unless one is given."""
    # reportlab loads with the first note, not when the window or a command that prints nothing starts.
    from charting.report.render import render_note

    return render_note(procedure_note(repository, session, now=now), paper=paper or repository.settings.paper_size)


def continuation_summary(repository: Repository, patient_id: int, *, now: datetime) -> ContinuationSummary:
    """The continuation-of-therapy summary of a patient's signed sessions, with the records as they stand now.

    The thresholds are the clinic's current settings; the injector is the one who charted the latest signed session.
    DocumentError for an unknown patient or one with no signed session.
    """
    # reportlab loads with the first summary, as with the first note.
    from charting.report.summary import SummaryError, build_summary

    try:
        patient = repository.get_patient(patient_id)
        sessions = [session for session in repository.sessions_for_patient(patient_id) if session.signed]
        latest = sessions[-1] if sessions else None
        return build_summary(
            patient,
            sessions,
            repository.note_protocol(latest) if latest is not None else repository.protocol,
            repository.settings,
            clinic=repository.clinic(),
            injector=repository.injector_named(latest.injector) if latest is not None else None,
            baseline=repository.baseline(patient_id),
            now=now,
        )
    except (StorageError, SummaryError) as error:
        raise DocumentError(str(error)) from error


def continuation_summary_pdf(repository: Repository, patient_id: int, *, now: datetime) -> bytes:
    """The continuation-of-therapy summary as PDF bytes, on the clinic's paper size."""
    from charting.report.summary import render_summary

    return render_summary(continuation_summary(repository, patient_id, now=now), paper=repository.settings.paper_size)


def write_private_file(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write a file readable by its owner only, atomically: a reader never sees half a note.

    With ``replace=False`` an existing file is never replaced, even one made while this one was being written.
    """
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise DocumentError(
            f"Could not write {path} ({error.strerror or error}); check that the folder exists and you may write to it."
        ) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, OWNER_ONLY)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if the name is taken, unlike a rename
            os.unlink(temporary)
    except FileExistsError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise DocumentError(f"{path} already exists; choose another file name.") from error
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise DocumentError(
            f"Could not write {path} ({error.strerror or error}); free some disk space or choose another folder."
        ) from error


def spreadsheet_text(text: str) -> str:
    """Typed text as a CSV cell a spreadsheet shows as text, never runs as a formula (a quote goes in front)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def due_list_csv(entries: list[DueEntry], today: date, settings: ClinicalSettings) -> str:
    """The due list as CSV (``DUE_CSV_COLUMNS``): ISO dates, the days until the earliest eligible date as a number,
    and the status by ``interval.due_status``; the one CSV of ``charting due --csv`` and the due list dialog."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DUE_CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            (
                spreadsheet_text(entry.patient.display_name),
                spreadsheet_text(entry.patient.mrn),
                entry.last_session.isoformat(),
                entry.next_due.isoformat(),
                entry.due_until.isoformat(),
                entry.days_until(today),
                due_status(entry.last_session, today, settings).state.value,
            )
        )
    return out.getvalue()
