"""The protocol a session is signed under: kept once per distinct text, named inside the signature, guarded."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from charting.domain.frozen_protocol import protocol_from_json, protocol_json, protocol_sha256
from charting.domain.people import Injector
from charting.domain.protocol import Protocol, ProtocolError
from charting.domain.session import Patient, SignedContext, Status, content_hash
from charting.storage import Repository, StorageError
from charting.storage.check import check_database
from charting.storage.repository import context_json
from tests.sessions import ready_session
from tests.storage.helpers import SIGNED_AT, edited_protocol, sign_one


def kept_protocols(db_path: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(db_path)
    try:
        return connection.execute("SELECT sha256, protocol_json FROM signed_protocols").fetchall()
    finally:
        connection.close()


def test_the_frozen_protocol_reads_back_as_the_same_value(protocol: Protocol) -> None:
    text = protocol_json(protocol)
    assert protocol_from_json(text) == protocol
    assert protocol_json(edited_protocol()) != text
    with pytest.raises(ProtocolError, match="cannot be read back"):
        protocol_from_json('{"id": "x"}')


def test_signing_keeps_each_distinct_protocol_once_and_names_it_in_the_signature(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, db_path: Path
) -> None:
    first = repo.load_session(sign_one(repo, protocol, patient, signer))
    second = repo.load_session(sign_one(repo, protocol, patient, signer))
    [(digest, text)] = kept_protocols(db_path)
    assert protocol_sha256(text) == digest == protocol_sha256(protocol_json(protocol))
    for session in (first, second):
        assert session.signed_context is not None
        assert session.signed_context.protocol_sha256 == digest
        assert repo.verify_signature(session)
        renamed = replace(session.signed_context, protocol_sha256="0" * 64)
        assert content_hash(replace(session, signed_context=renamed)) != session.content_sha256
    other = Repository(repo.db, actor="tester", protocol=edited_protocol(), clock=repo.clock)
    third = other.load_session(sign_one(other, other.protocol, patient, signer))
    assert len(kept_protocols(db_path)) == 2
    assert repo.note_protocol(third) == other.protocol
    assert other.note_protocol(first) == protocol


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE signed_protocols SET protocol_json = '{}'",
        "DELETE FROM signed_protocols",
        "INSERT OR REPLACE INTO signed_protocols (sha256, protocol_json, stored_at) SELECT sha256, '{}', 'x' "
        "FROM signed_protocols",
    ],
)
def test_a_kept_protocol_cannot_be_changed_or_removed(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, db_path: Path, *, statement: str
) -> None:
    sign_one(repo, protocol, patient, signer)
    before = kept_protocols(db_path)
    connection = sqlite3.connect(db_path)  # recursive_triggers off, as in the sqlite3 shell
    with pytest.raises(sqlite3.IntegrityError, match="signed protocol"):
        connection.execute(statement)
    connection.close()
    assert kept_protocols(db_path) == before


def test_check_finds_a_protocol_altered_or_removed_behind_the_apps_back(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, db_path: Path
) -> None:
    session_id = sign_one(repo, protocol, patient, signer)
    assert check_database(repo).ok
    connection = sqlite3.connect(db_path)
    connection.execute("DROP TRIGGER signed_protocols_no_update")
    connection.execute("UPDATE signed_protocols SET protocol_json = replace(protocol_json, 'J0585', 'J9999')")
    connection.commit()
    report = check_database(repo)
    assert not report.ok
    assert report.protocols_altered == (session_id,) and report.protocols_missing == ()
    assert report.hash_mismatches == ()
    fresh = Repository(repo.db, actor="tester", protocol=protocol)
    with pytest.raises(StorageError, match=r"altered in the database.*charting check"):
        fresh.note_protocol(fresh.load_session(session_id))
    connection.execute("DROP TRIGGER signed_protocols_no_delete")
    connection.execute("DELETE FROM signed_protocols")
    connection.commit()
    connection.close()
    report = check_database(repo)
    assert report.protocols_missing == (session_id,) and report.protocols_altered == ()
    with pytest.raises(StorageError, match="missing in the database"):
        fresh.note_protocol(fresh.load_session(session_id))


def test_a_session_signed_before_protocols_were_kept_keeps_its_hash_and_the_current_protocol(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    """What signing stored before ``0005_signed_protocols``: the plain context, hashed without a protocol."""
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id))
    context = repo.note_context(draft)
    assert type(context) is SignedContext
    signed = replace(draft, status=Status.SIGNED, signed_at=SIGNED_AT, signed_by=signer.display_name)
    signed = replace(signed, signed_context=context)
    repo.db.execute(
        "UPDATE sessions SET status = 'signed', signed_at = ?, signed_by = ?, content_sha256 = ?, signed_context = ? "
        "WHERE id = ?",
        [SIGNED_AT.isoformat(), signed.signed_by, content_hash(signed), context_json(context), draft.id],
    )
    stored = repo.load_session(int(draft.id or 0))
    assert type(stored.signed_context) is SignedContext
    assert repo.verify_signature(stored)
    assert check_database(repo).ok
    other = Repository(repo.db, actor="tester", protocol=edited_protocol())
    assert other.note_protocol(stored) == other.protocol
