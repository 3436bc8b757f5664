"""The documents made from the records: the procedure note of a session, as data and as PDF.

Shared by the window and the command line, so both print exactly the same note.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

from charting.domain.clock import local_now
from charting.domain.session import Session
from charting.report.note import ProcedureNote, build_note
from charting.report.render import render_note
from charting.storage.errors import StorageError
from charting.storage.repository import Repository

OWNER_ONLY = 0o600


class DocumentError(Exception):
    """A note that cannot be made or written; the message says what happened and what to do."""


def file_stem(text: str) -> str:
    """Text made safe as part of a file name: each run of other than letters, digits, ".", "_" and "-" becomes "_"."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)


def procedure_note(repository: Repository, session: Session, *, now: datetime | None = None) -> ProcedureNote:
    """The note of a session with everything it needs from the records (patient, clinic, injector, addenda)."""
    if session.patient_id is None:
        raise DocumentError(f"Session {session.id} belongs to no patient; open it in the window and choose one.")
    try:
        patient = repository.get_patient(session.patient_id)
        injector = next((i for i in repository.injectors() if session.injector in (i.name, i.display_name)), None)
        previous = repository.last_signed_session(session.patient_id, before=session.performed_on)
        return build_note(
            session,
            patient,
            repository.protocol,
            repository.clinic(),
            injector,
            repository.addenda(session.id) if session.id is not None else [],
            settings=repository.settings,
            baseline=repository.baseline(session.patient_id),
            previous_session_date=previous.performed_on if previous is not None else None,
            printed_at=None if session.signed else (now or local_now()),
        )
    except StorageError as error:
        raise DocumentError(str(error)) from error


def procedure_note_pdf(
    repository: Repository, session: Session, *, paper: str | None = None, now: datetime | None = None
) -> bytes:
    """The note as PDF bytes, on the clinic's paper size unless one is given."""
    return render_note(procedure_note(repository, session, now=now), paper=paper or repository.settings.paper_size)


def write_private_file(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, atomically: a reader never sees half a note."""
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
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise DocumentError(
            f"Could not write {path} ({error.strerror or error}); free some disk space or choose another folder."
        ) from error
