"""Copy last session carries the injector (while their profile exists) and never the old lot."""

from __future__ import annotations

from datetime import timedelta

from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.rules import evaluate, signing_blockers
from charting.domain.session import Patient
from charting.storage import Repository
from tests.sessions import SERVICE_DATE, ready_session
from tests.storage.helpers import SIGNED_AT

NEXT_VISIT = SERVICE_DATE + timedelta(days=84)


def sign(repo: Repository, protocol: Protocol, patient: Patient, signer: Injector, injector: str) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id, injector=injector))
    repo.sign_session(int(draft.id or 0), signer, SIGNED_AT)


def test_the_injector_is_copied_while_their_profile_exists(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    other = repo.save_injector(Injector(name="Chloé Dubois", credentials="NP"))
    sign(repo, protocol, patient, signer, other.display_name)
    copy = repo.copy_last_session(int(patient.id or 0), NEXT_VISIT)
    assert copy.injector == "Chloé Dubois, NP"
    assert repo.load_session(int(copy.id or 0)).injector == "Chloé Dubois, NP", "stored, not only returned"


def test_an_injector_whose_profile_is_gone_becomes_the_default_signer(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    repo.save_injector(Injector(name="Aaron Assistant", credentials="MA", can_sign=False))  # first by name, no signer
    sign(repo, protocol, patient, signer, "Dr. Left Long Ago, MD")
    copy = repo.copy_last_session(int(patient.id or 0), NEXT_VISIT)
    assert copy.injector == signer.display_name == repo.default_injector()


def test_without_any_signer_the_copy_names_nobody_and_signing_asks_for_the_injector(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    sign(repo, protocol, patient, signer, "Dr. Left Long Ago, MD")
    repo.save_injector(Injector(id=signer.id, name=signer.name, credentials=signer.credentials, can_sign=False))
    copy = repo.copy_last_session(int(patient.id or 0), NEXT_VISIT)
    assert copy.injector == "" and repo.default_injector() == ""
    codes = {finding.code for finding in signing_blockers(evaluate(copy, protocol))}
    assert "injector_missing" in codes


def test_the_lot_is_never_copied_even_while_unexpired(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    sign(repo, protocol, patient, signer, signer.display_name)
    copy = repo.copy_last_session(int(patient.id or 0), NEXT_VISIT)
    last = repo.last_signed_session(int(patient.id or 0))
    assert last is not None and last.lot_expiry is not None and last.lot_expiry >= NEXT_VISIT
    assert (copy.lot_number, copy.lot_expiry) == ("", None)
    codes = {finding.code for finding in signing_blockers(evaluate(copy, protocol))}
    assert {"lot_missing", "expiry_missing"} <= codes, "signing still refuses without a lot"
