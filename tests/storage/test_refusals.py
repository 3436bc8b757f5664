"""A change the database refuses is one sentence in the user's terms, never SQLite's own text."""

from __future__ import annotations

from dataclasses import replace

import pytest

from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.storage import Repository, StorageError
from charting.storage.errors import SignedSessionError
from charting.storage.repository import UNSAVED, refusal_error
from tests.sessions import ready_session
from tests.storage.helpers import SIGNED_AT

SQLITE_WORDS = ("constraint", "UNIQUE", "FOREIGN KEY", "NOT NULL", "CHECK", "RAISE", "injections.", "sqlite")


def assert_plain(message: str) -> None:
    assert not [word for word in SQLITE_WORDS if word in message], message
    assert message.count(";") == 1 and message.endswith("."), "what happened; what to do"


def test_a_site_marked_twice_is_a_sentence(repo: Repository, patient: Patient, protocol: Protocol) -> None:
    draft = ready_session(protocol, patient.id)
    twice = replace(draft, injections=(*draft.injections, draft.injections[0]))
    with pytest.raises(StorageError) as refused:
        repo.create_session(twice)
    assert str(refused.value) == "A site is marked twice in this session; reopen the session and mark the site once."
    assert repo.session_summaries() == [], "nothing of the refused session was kept"


@pytest.mark.parametrize(
    ("statement", "sentence"),
    [
        ("INSERT INTO baselines (patient_id, updated_at) VALUES (999, 'x')", "no longer exists; refresh the list"),
        ("INSERT INTO clinic (id, name) VALUES (2, 'Second')", "A value entered is not allowed here"),
        ("INSERT INTO injectors (name) VALUES (NULL)", "A required value is missing"),
        ("UPDATE audit_log SET actor = 'x'", "The audit log is never changed"),
    ],
)
def test_known_refusals_say_what_happened_and_what_to_do(
    repo: Repository, patient: Patient, statement: str, sentence: str
) -> None:
    with pytest.raises(StorageError) as refused, repo.batch():
        repo.db.execute(statement)
    assert sentence in str(refused.value)
    assert_plain(str(refused.value))


def test_an_unknown_refusal_never_shows_sqlite_text(repo: Repository, caplog: pytest.LogCaptureFixture) -> None:
    repo.db.execute(
        "CREATE TEMP TRIGGER settings_refused BEFORE INSERT ON settings BEGIN SELECT RAISE(ABORT, 'odd refusal'); END"
    )
    with pytest.raises(StorageError) as refused:
        repo.save_setting("paper", "a4")
    assert str(refused.value) == UNSAVED
    assert_plain(UNSAVED)
    assert "odd refusal" in caplog.text, "the detail goes to the log"


def test_a_change_to_a_signed_session_stays_a_signed_session_error(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    draft = repo.create_session(ready_session(protocol, patient.id))
    repo.sign_session(int(draft.id or 0), signer, SIGNED_AT)
    with pytest.raises(SignedSessionError), repo.batch():
        repo.db.execute("DELETE FROM injections WHERE session_id = ?", [draft.id])
    assert isinstance(refusal_error("signed session: sessions cannot be changed"), SignedSessionError)
    assert_plain(str(refusal_error("signed protocol: protocols cannot be changed")))
    assert_plain(str(refusal_error("UNIQUE constraint failed: patients.mrn")))
