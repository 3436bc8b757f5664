"""Injectors sign with their own PIN, kept only as a salted scrypt hash; an assistant charts but never signs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.storage import Repository, StorageError
from charting.storage.credentials import hash_pin, pin_matches
from tests.sessions import ready_session
from tests.storage.helpers import SIGNED_AT

PIN = "4711"


def draft_id(repo: Repository, protocol: Protocol, patient: Patient) -> int:
    return int(repo.create_session(ready_session(protocol, patient.id)).id or 0)


def test_a_pin_is_stored_only_as_a_salted_hash(repo: Repository, signer: Injector, db_path: Path) -> None:
    repo.set_pin(int(signer.id or 0), PIN)
    stored = repo.db.execute("SELECT pin_hash FROM injectors WHERE id = ?", [signer.id]).fetchone()[0]
    assert stored.startswith("scrypt$") and PIN not in stored
    assert hash_pin(PIN) != hash_pin(PIN)  # salted
    assert pin_matches(PIN, stored) and not pin_matches("4712", stored) and not pin_matches(PIN, "garbage")
    assert PIN.encode() not in db_path.read_bytes()
    assert "pin" in repo.audit_entries("injector", signer.id)[-1]["detail"]


def test_a_signer_with_a_pin_signs_only_with_it(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> None:
    repo.set_pin(int(signer.id or 0), PIN)
    session_id = draft_id(repo, protocol, patient)
    for wrong in (None, "", "0000"):
        with pytest.raises(StorageError, match=r"not Dr\. Amara Okafor, MD's PIN.*Nothing was signed"):
            repo.sign_session(session_id, signer, SIGNED_AT, pin=wrong)
    assert not repo.load_session(session_id).signed
    assert repo.audit_entries("injector", signer.id)[-1]["action"] == "sign refused: wrong PIN"
    signed = repo.sign_session(session_id, signer, SIGNED_AT, pin=PIN)
    assert signed.signed and signed.signed_by == signer.display_name


def test_another_injectors_pin_does_not_sign(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> None:
    other = repo.save_injector(Injector(name="Dr. Other", credentials="DO"))
    repo.set_pin(int(signer.id or 0), PIN)
    repo.set_pin(int(other.id or 0), "9999")
    with pytest.raises(StorageError, match="PIN"):
        repo.sign_session(draft_id(repo, protocol, patient), signer, SIGNED_AT, pin="9999")


def test_changing_a_pin_needs_the_current_one(repo: Repository, signer: Injector) -> None:
    injector_id = int(signer.id or 0)
    with pytest.raises(StorageError, match="at least 4"):
        repo.set_pin(injector_id, "123")
    repo.set_pin(injector_id, PIN)
    with pytest.raises(StorageError, match=r"not .*MD.s PIN; type it again\. The PIN was not changed"):
        repo.set_pin(injector_id, "2468", current="0000")
    repo.set_pin(injector_id, "2468", current=PIN)
    repo.check_pin(injector_id, "2468", "unlock")
    with pytest.raises(StorageError, match=r"not .*MD.s PIN; type it again\. The window stays locked\.$"):
        repo.check_pin(injector_id, PIN, "unlock")


def test_an_assistant_cannot_sign_even_with_a_pin(repo: Repository, protocol: Protocol, patient: Patient) -> None:
    assistant = repo.save_injector(Injector(name="Sam Rivera", credentials="MA", can_sign=False))
    repo.set_pin(int(assistant.id or 0), PIN)
    with pytest.raises(StorageError, match="may chart but not sign"):
        repo.sign_session(draft_id(repo, protocol, patient), assistant, SIGNED_AT, pin=PIN)


def test_an_addendum_is_signed_with_its_authors_pin(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> None:
    repo.set_pin(int(signer.id or 0), PIN)
    session_id = repo.sign_session(draft_id(repo, protocol, patient), signer, SIGNED_AT, pin=PIN).id or 0
    with pytest.raises(StorageError, match="Nothing was added"):
        repo.add_addendum(session_id, "Corrected lot.", signer.display_name, SIGNED_AT, pin="0000")
    assert repo.addenda(session_id) == []
    repo.add_addendum(session_id, "Corrected lot.", signer.display_name, SIGNED_AT, pin=PIN)
    assistant = repo.save_injector(Injector(name="Sam Rivera", credentials="MA", can_sign=False))
    with pytest.raises(StorageError, match="may chart but not sign an addendum"):
        repo.add_addendum(session_id, "Called the patient.", assistant.display_name, SIGNED_AT)
    assert [a.author for a in repo.addenda(session_id)] == [signer.display_name]


def test_once_pins_are_in_use_a_new_signer_needs_an_injectors_approval(repo: Repository, signer: Injector) -> None:
    assert not repo.pins_in_use()
    repo.set_pin(int(signer.id or 0), PIN)
    assert repo.pins_in_use()
    impostor = Injector(name="Dr. Amara Okafor", credentials="MD")
    with pytest.raises(StorageError, match="exists already"):
        repo.save_injector(impostor)
    newcomer = Injector(name="Dr. New Colleague", credentials="DO")
    with pytest.raises(StorageError, match="needs the PIN of an injector who signs"):
        repo.save_injector(newcomer)
    with pytest.raises(StorageError, match=r"not Dr\. Amara Okafor, MD's PIN.*Nothing was changed"):
        repo.save_injector(newcomer, approved_by=(int(signer.id or 0), "0000"))
    assert repo.audit_entries("injector", signer.id)[-1]["action"] == "approval refused: wrong PIN"
    assistant = repo.save_injector(Injector(name="Sam Rivera", credentials="MA", can_sign=False))
    with pytest.raises(StorageError, match="needs the PIN"):
        repo.save_injector(replace(assistant, can_sign=True))
    promoted = repo.save_injector(replace(assistant, can_sign=True), approved_by=(int(signer.id or 0), PIN))
    assert promoted.can_sign
    assert repo.save_injector(newcomer, approved_by=(int(signer.id or 0), PIN)).id is not None
    assert repo.save_injector(replace(signer, npi="1234567893")).npi == "1234567893", "a signer's NPI needs no approval"
