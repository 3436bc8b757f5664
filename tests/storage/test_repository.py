"""The repository on a real SQLite file: patients, sessions, signing, triggers, addenda, audit, copy and recall."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from charting.domain import marking
from charting.domain.eligibility import Baseline
from charting.domain.people import Clinic, Injector
from charting.domain.protocol import Protocol
from charting.domain.session import AdverseEvent, Kind, Outcomes, Patient, Session, Status, content_hash
from charting.storage import DuplicatePatientError, Repository, SignedSessionError, StorageError, open_database
from tests.sessions import SERVICE_DATE, ready_session
from tests.storage.helpers import NOW, SAME_DAY_REASON, SIGNED_AT

# -- clinic, injectors, settings -------------------------------------------------------------------------------------


def test_clinic_is_none_until_saved_then_replaced(repo: Repository) -> None:
    assert repo.clinic() is None
    repo.save_clinic(Clinic(name="Riverside", address="1 Road"))
    repo.save_clinic(Clinic(name="Riverside Clinic", address="1 Road", phone="555"))
    assert repo.clinic() == Clinic(name="Riverside Clinic", address="1 Road", phone="555")
    assert [e["action"] for e in repo.audit_entries("clinic", 1)] == ["create", "change"]
    assert repo.audit_entries("clinic", 1)[1]["detail"] == "name, phone"


def test_injectors_get_ids_and_can_be_updated(repo: Repository) -> None:
    assistant = repo.save_injector(Injector(name="Sam Rivera", credentials="MA", can_sign=False))
    doctor = repo.save_injector(Injector(name="Dr. Amara Okafor", credentials="MD", npi="1234567893"))
    assert assistant.id is not None and doctor.id is not None
    repo.save_injector(replace(doctor, credentials="MD, PhD"))
    assert repo.injectors() == [replace(doctor, credentials="MD, PhD"), assistant]


def test_an_unnamed_clinic_or_injector_is_refused(repo: Repository) -> None:
    with pytest.raises(StorageError, match="name"):
        repo.save_clinic(Clinic(name=" "))
    with pytest.raises(StorageError, match="name"):
        repo.save_injector(Injector(name=""))


def test_settings_are_key_values(repo: Repository) -> None:
    assert repo.setting("theme") is None
    repo.save_setting("theme", "dark")
    repo.save_setting("theme", "light")
    assert repo.setting("theme") == "light"


def test_clinical_settings_are_stored_and_used(repo: Repository, db: sqlite3.Connection) -> None:
    settings = replace(repo.settings, interval_days=90)
    repo.save_clinical_settings(settings)
    assert Repository(db).settings.interval_days == 90


# -- patients ---------------------------------------------------------------------------------------------------------


def test_add_and_get_a_patient(repo: Repository, patient: Patient) -> None:
    assert patient.id is not None
    assert repo.get_patient(patient.id) == patient
    assert repo.patient_by_mrn("mrn001") == patient
    assert repo.patient_by_mrn("nope") is None


def test_a_taken_record_number_is_refused(repo: Repository, patient: Patient) -> None:
    with pytest.raises(DuplicatePatientError, match="MRN001"):
        repo.add_patient(replace(patient, id=None, family_name="Other"))
    with pytest.raises(DuplicatePatientError):
        repo.add_patient(replace(patient, id=None, mrn="mrn001"))
    other = repo.add_patient(Patient(mrn="MRN002", family_name="X", given_name="Y", dob=date(1990, 1, 1)))
    with pytest.raises(DuplicatePatientError):
        repo.update_patient(replace(other, mrn="MRN001"))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"dob": NOW.date() + timedelta(days=1)}, "future"),
        ({"mrn": "  "}, "record number"),
        ({"family_name": ""}, "names"),
    ],
)
def test_invalid_patients_are_refused(repo: Repository, change: dict[str, object], words: str) -> None:
    base = Patient(mrn="M9", family_name="A", given_name="B", dob=date(1970, 1, 1))
    with pytest.raises(StorageError, match=words):
        repo.add_patient(replace(base, **change))  # type: ignore[arg-type]


def test_update_patient_audits_field_names_only(repo: Repository, patient: Patient) -> None:
    assert patient.id is not None
    updated = repo.update_patient(replace(patient, allergies="Latex", given_name="Zoé"))
    assert updated.allergies == "Latex"
    entries = repo.audit_entries("patient", patient.id)
    assert [e["action"] for e in entries] == ["create", "change"]
    assert entries[1]["detail"] == "given_name, allergies"


def test_likely_duplicates_match_name_and_birth_date(repo: Repository, patient: Patient) -> None:
    same = Patient(mrn="OTHER", family_name="NÚÑEZ", given_name=" zoë ", dob=patient.dob)
    assert repo.likely_duplicates(same) == [patient]
    assert repo.likely_duplicates(patient) == []  # a patient is not its own duplicate
    assert repo.likely_duplicates(replace(same, dob=date(1981, 1, 1))) == []
    assert repo.likely_duplicates(replace(same, given_name="Zoe")) == [patient]  # accents typed or not
    assert repo.likely_duplicates(replace(same, given_name="Zoey")) == []


def test_search_by_name_record_number_or_birth_date(repo: Repository, patient: Patient) -> None:
    other = repo.add_patient(Patient(mrn="ZZ42", family_name="Smith", given_name="John", dob=date(1975, 12, 1)))
    assert repo.search_patients("Nú") == [patient]
    assert repo.search_patients("NUNEZ") == [patient]
    assert repo.search_patients("zoe") == [patient]
    assert repo.search_patients("zoë núñ") == [patient]
    assert repo.search_patients("Núñez, Zo") == [patient]
    assert repo.search_patients("zz4") == [other]
    assert repo.search_patients("1980-04") == [patient]
    assert repo.search_patients("1975") == [other]
    assert repo.search_patients("mith") == []  # prefix, not substring
    assert repo.search_patients("%") == []
    assert repo.search_patients("_") == []
    assert repo.search_patients("") == [patient, other]
    assert repo.search_patients("", limit=1) == [patient]


def test_baseline_round_trip(repo: Repository, patient: Patient) -> None:
    assert patient.id is not None
    assert repo.baseline(patient.id) is None
    baseline = Baseline(
        headache_days=22,
        headache_hours_per_day=6.5,
        failed_preventives=("topiramate", "propranolol"),
        specific_acute_days=8,
        simple_analgesic_days=None,
        overuse_managed=True,
    )
    repo.save_baseline(patient.id, baseline)
    assert repo.baseline(patient.id) == baseline
    repo.save_baseline(patient.id, replace(baseline, headache_days=18))
    assert repo.baseline(patient.id) == replace(baseline, headache_days=18)
    with pytest.raises(StorageError):
        repo.save_baseline(999, baseline)


# -- sessions ---------------------------------------------------------------------------------------------------------


def full_session(protocol: Protocol, patient_id: int) -> Session:
    """A session using every kind of value: FTP, a skipped site, odd units, adverse events, outcomes, times."""
    session = ready_session(protocol, patient_id, reconstituted_at=datetime(2026, 11, 25, 9, 5, tzinfo=UTC))
    session, _ = marking.add_ftp(session, protocol, "temporalis", side="left", view="left", x=123.4, y=88.25)
    session = marking.set_units(session, "FRO_L_1", 2.5)
    session = marking.skip(session, protocol, "PRO_M_1", "Infection at the site")
    return replace(
        session,
        injector="Dr. Amara Okafor, MD",
        comments="Tolerated well. ünïcödé ✓",
        adverse_events=(AdverseEvent("Neck pain", onset="day 2", severity="mild"), AdverseEvent("Bruising")),
        outcomes=Outcomes(headache_days=12, migraine_days=8, headache_hours_per_day=5.5, midas=14, hit6=58),
        deviation_reason="",
    )


def test_a_session_round_trips_exactly(repo: Repository, patient: Patient, protocol: Protocol) -> None:
    assert patient.id is not None
    session = full_session(protocol, patient.id)
    created = repo.create_session(session)
    assert created.id is not None and created.status is Status.DRAFT
    assert created == replace(session, id=created.id)
    assert repo.load_session(created.id) == created
    assert content_hash(repo.load_session(created.id)) == content_hash(created)


def test_save_session_writes_all_parts_in_one_call(repo: Repository, patient: Patient, protocol: Protocol) -> None:
    assert patient.id is not None
    draft = repo.create_session(Session(performed_on=SERVICE_DATE, patient_id=patient.id))
    assert draft.id is not None
    changed = replace(full_session(protocol, patient.id), id=draft.id)
    assert repo.save_session(changed) == changed
    assert repo.load_session(draft.id) == changed
    fewer = marking.unmark(changed, "TEM_L_FTP1")
    assert repo.save_session(fewer) == fewer
    assert repo.load_session(draft.id) == fewer
    assert repo.load_session(draft.id).injection("TEM_L_FTP1") is None


def test_saving_against_the_stored_version_reads_nothing(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, db: sqlite3.Connection
) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id))
    assert draft.id is not None
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    try:
        marked = repo.save_session(marking.unmark(draft, "PRO_M_1"), stored=draft)
    finally:
        db.set_trace_callback(None)
    assert statements and not [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert repo.load_session(draft.id) == marked
    assert repo.audit_entries("session", draft.id)[-1]["detail"] == "unmarked: PRO_M_1"
    repo.sign_session(draft.id, signer, SIGNED_AT)
    with pytest.raises(SignedSessionError):
        repo.save_session(replace(marked, comments="after signing"), stored=marked)


def test_saving_an_unchanged_draft_writes_nothing(repo: Repository, patient: Patient, protocol: Protocol) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id))
    entries = len(repo.audit_entries())
    assert repo.save_session(draft) == draft
    assert len(repo.audit_entries()) == entries


def test_units_totals_are_stored_for_other_tools(
    repo: Repository, patient: Patient, protocol: Protocol, db: sqlite3.Connection
) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id))
    row = db.execute(
        "SELECT units_administered, units_wasted, sites_injected, product FROM sessions WHERE id = ?", [draft.id]
    ).fetchone()
    assert row == (155.0, 45.0, 31, "botox_200")


def test_a_session_needs_a_known_patient(repo: Repository) -> None:
    with pytest.raises(StorageError, match="patient"):
        repo.create_session(Session(performed_on=SERVICE_DATE))
    with pytest.raises(StorageError, match="no patient"):
        repo.create_session(Session(performed_on=SERVICE_DATE, patient_id=404))


def test_sessions_for_patient_oldest_first_and_drafts(repo: Repository, patient: Patient, protocol: Protocol) -> None:
    assert patient.id is not None
    later = repo.create_session(ready_session(protocol, patient.id, performed_on=SERVICE_DATE))
    earlier = repo.create_session(ready_session(protocol, patient.id, performed_on=SERVICE_DATE - timedelta(days=90)))
    assert [s.id for s in repo.sessions_for_patient(patient.id)] == [earlier.id, later.id]
    assert [s.id for s in repo.open_drafts()] == [earlier.id, later.id]


def test_discard_draft(repo: Repository, patient: Patient, protocol: Protocol) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id))
    assert draft.id is not None
    repo.discard_draft(draft.id)
    assert repo.open_drafts() == []
    with pytest.raises(StorageError):
        repo.load_session(draft.id)


# -- signing ----------------------------------------------------------------------------------------------------------


def signed_session(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector, **header: object
) -> Session:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id, **header))
    assert draft.id is not None
    return repo.sign_session(draft.id, signer, SIGNED_AT)


def test_signing_stores_signer_time_and_hash(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, db: sqlite3.Connection
) -> None:
    signed = signed_session(repo, protocol, patient, signer)
    assert signed.status is Status.SIGNED
    assert signed.signed_by == "Dr. Amara Okafor, MD"
    assert signed.signed_at == SIGNED_AT
    assert signed.content_sha256 == content_hash(signed)
    assert repo.verify_signature(signed)
    assert repo.open_drafts() == []
    row = db.execute("SELECT signed_by_injector_id FROM sessions WHERE id = ?", [signed.id]).fetchone()
    assert row == (signer.id,)
    assert [e["action"] for e in repo.audit_entries("session", signed.id)] == ["create", "sign"]


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ({"lot_number": ""}, "lot"),
        ({"lot_expiry": date(2026, 1, 1)}, "expired"),
        ({"saline_ml": None}, "saline"),
        ({"consent": False}, "consent"),
        ({"injections": ()}, "No site"),
    ],
)
def test_signing_is_refused_while_rules_refuse(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, *, header: dict[str, object], words: str
) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id, **header))
    assert draft.id is not None
    with pytest.raises(StorageError, match=words):
        repo.sign_session(draft.id, signer, SIGNED_AT)
    assert repo.load_session(draft.id).status is Status.DRAFT


def test_an_assistant_cannot_sign(repo: Repository, patient: Patient, protocol: Protocol) -> None:
    assistant = repo.save_injector(Injector(name="Sam Rivera", credentials="MA", can_sign=False))
    with pytest.raises(StorageError, match="not sign"):
        signed_session(repo, protocol, patient, assistant)


def test_a_signed_session_cannot_be_saved_or_signed_again(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    signed = signed_session(repo, protocol, patient, signer)
    assert signed.id is not None
    with pytest.raises(SignedSessionError):
        repo.save_session(replace(signed, comments="changed"))
    with pytest.raises(SignedSessionError):
        repo.save_session(replace(signed, status=Status.DRAFT, comments="sneaky"))
    with pytest.raises(SignedSessionError):
        repo.sign_session(signed.id, signer, SIGNED_AT)
    with pytest.raises(SignedSessionError):
        repo.discard_draft(signed.id)
    assert repo.load_session(signed.id) == signed


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE sessions SET comments = 'x' WHERE id = :id",
        "UPDATE sessions SET status = 'draft' WHERE id = :id",
        "DELETE FROM sessions WHERE id = :id",
        "UPDATE injections SET units = 1 WHERE session_id = :id",
        "DELETE FROM injections WHERE session_id = :id",
        "INSERT INTO injections (session_id, position, site_id, muscle, side, view, x, y, units, kind) "
        "VALUES (:id, 99, 'X', 'temporalis', 'left', 'left', 1, 1, 5, 'ftp')",
        "INSERT INTO adverse_events (session_id, position, event) VALUES (:id, 0, 'Neck pain')",
        "UPDATE adverse_events SET event = 'x' WHERE session_id = :id",
        "DELETE FROM adverse_events WHERE session_id = :id",
        "UPDATE injections SET session_id = :id WHERE session_id = :draft",
    ],
)
def test_triggers_refuse_any_change_to_a_signed_session(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, *, db: sqlite3.Connection, sql: str
) -> None:
    assert patient.id is not None
    signed = signed_session(
        repo, protocol, patient, signer, adverse_events=(AdverseEvent("Neck pain"),), comments="original"
    )
    draft = repo.create_session(ready_session(protocol, patient.id))
    before = repo.load_session(int(signed.id or 0))
    with pytest.raises(sqlite3.IntegrityError, match="signed session"):
        db.execute(sql, {"id": signed.id, "draft": draft.id})
    assert repo.load_session(int(signed.id or 0)) == before


def test_a_session_cannot_be_inserted_already_signed(
    repo: Repository, patient: Patient, db: sqlite3.Connection
) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO sessions (patient_id, performed_on, status, signed_at, signed_by, content_sha256, created_at, "
            "updated_at) VALUES (?, '2026-01-01', 'signed', 'x', 'y', ?, 'x', 'x')",
            [patient.id, "0" * 64],
        )


def test_signing_requires_a_full_signature_in_the_row(
    repo: Repository, patient: Patient, protocol: Protocol, db: sqlite3.Connection
) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute("UPDATE sessions SET status = 'signed' WHERE id = ?", [draft.id])


# -- addenda and audit ------------------------------------------------------------------------------------------------


def test_addenda_are_added_to_signed_sessions_only(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    assert patient.id is not None
    signed = signed_session(repo, protocol, patient, signer)
    assert signed.id is not None
    first = repo.add_addendum(signed.id, "Neck pain on day 3, resolved.", signer.display_name, SIGNED_AT)
    second = repo.add_addendum(signed.id, "Corrected outcomes.", signer.display_name, SIGNED_AT + timedelta(days=1))
    assert repo.addenda(signed.id) == [first, second]
    assert first.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id))
    with pytest.raises(StorageError, match="signed session"):
        repo.add_addendum(int(draft.id or 0), "text", signer.display_name, SIGNED_AT)
    with pytest.raises(StorageError, match="empty"):
        repo.add_addendum(signed.id, "  ", signer.display_name, SIGNED_AT)
    with pytest.raises(StorageError, match="is not an injector profile"):
        repo.add_addendum(signed.id, "A note.", "Someone, MD", SIGNED_AT)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE addenda SET text = 'changed'",
        "DELETE FROM addenda",
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
    ],
)
def test_addenda_and_audit_are_insert_only(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, *, db: sqlite3.Connection, sql: str
) -> None:
    signed = signed_session(repo, protocol, patient, signer)
    repo.add_addendum(int(signed.id or 0), "Note.", signer.display_name, SIGNED_AT)
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        db.execute(sql)


def test_a_naive_signing_or_addendum_time_is_stored_as_local_aware_time(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id))
    assert draft.id is not None
    naive = datetime(2026, 11, 25, 10, 30)
    signed = repo.sign_session(draft.id, signer, naive)
    assert signed.signed_at == naive.astimezone() and signed.signed_at.tzinfo is not None
    assert repo.verify_signature(repo.load_session(draft.id))
    repo.add_addendum(draft.id, "Called back.", signer.display_name, naive + timedelta(days=1))
    assert [a.created_at for a in repo.addenda(draft.id)] == [(naive + timedelta(days=1)).astimezone()]


def test_the_audit_log_names_ids_and_fields_never_patients(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id, comments=""))
    assert draft.id is not None
    edited = repo.save_session(marking.unmark(replace(draft, lot_number="X1"), "PRO_M_1"))
    repo.save_session(replace(edited, lot_number="C1234A", comments="Patient Zoë Núñez felt fine"))
    repo.save_session(marking.mark(repo.load_session(draft.id), protocol, "PRO_M_1"))
    repo.sign_session(draft.id, signer, SIGNED_AT)
    repo.add_addendum(draft.id, "Núñez called.", signer.display_name, SIGNED_AT)
    entries = repo.audit_entries()
    assert all(e["actor"] == "tester" and e["at"] == NOW.isoformat() for e in entries)
    session_entries = [(e["action"], e["detail"]) for e in repo.audit_entries("session", draft.id)]
    assert session_entries[0] == ("create", f"patient {patient.id}")
    assert session_entries[1] == ("change", "fields: lot_number; unmarked: PRO_M_1")
    assert session_entries[2] == ("change", "fields: lot_number, comments")
    assert session_entries[3] == ("change", "marked: PRO_M_1")
    assert session_entries[4][0] == "sign" and session_entries[5][0] == "addendum"
    for entry in entries:
        for word in ("Núñez", "Zoë", "MRN001"):
            assert word not in entry["detail"]


# -- copy and recall --------------------------------------------------------------------------------------------------


def test_copy_last_session_prefills_sites_and_the_injector_but_not_the_lot(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    assert patient.id is not None
    source = full_session(protocol, patient.id)
    last = repo.create_session(replace(source, deviation_reason="", comments="x"))
    signed = repo.sign_session(int(last.id or 0), signer, SIGNED_AT)
    on = SERVICE_DATE + timedelta(days=86)
    copy = repo.copy_last_session(patient.id, on)
    assert copy.id is not None and copy.id != signed.id and copy.status is Status.DRAFT
    assert copy.performed_on == on and copy.patient_id == patient.id
    injected = tuple(inj for inj in signed.injections if not inj.skipped)
    assert copy.injections == injected
    assert copy.injection("TEM_L_FTP1") is not None and copy.injection("TEM_L_FTP1").kind is Kind.FTP  # type: ignore[union-attr]
    assert copy.injection("FRO_L_1").units == 2.5  # type: ignore[union-attr]
    assert (copy.product_id, copy.vial_units, copy.vials_opened, copy.saline_ml, copy.needle) == (
        "botox_200",
        200,
        1,
        4.0,
        "30G 0.5 in",
    )
    assert copy.injector == signed.injector == signer.display_name
    assert (copy.lot_number, copy.lot_expiry) == ("", None), "the lot is confirmed against the vial in hand"
    assert not copy.consent and not copy.time_out and not copy.contraindications_checked
    assert copy.comments == "" and copy.adverse_events == () and copy.outcomes == Outcomes()
    assert copy.signed_at is None and copy.content_sha256 == "" and copy.reconstituted_at is None


def test_copy_does_not_carry_an_expired_lot(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    assert patient.id is not None
    signed_session(repo, protocol, patient, signer, lot_expiry=SERVICE_DATE + timedelta(days=30))
    copy = repo.copy_last_session(patient.id, SERVICE_DATE + timedelta(days=84))
    assert copy.lot_number == "" and copy.lot_expiry is None
    assert len(copy.injections) == len(protocol.sites)


def test_copy_without_a_signed_session_is_refused(repo: Repository, patient: Patient, protocol: Protocol) -> None:
    assert patient.id is not None
    repo.create_session(ready_session(protocol, patient.id))
    with pytest.raises(StorageError, match="no signed session"):
        repo.copy_last_session(patient.id, SERVICE_DATE)


def test_last_signed_session_before_a_date(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    assert patient.id is not None
    old = signed_session(repo, protocol, patient, signer, performed_on=SERVICE_DATE - timedelta(days=200))
    new = signed_session(repo, protocol, patient, signer, performed_on=SERVICE_DATE - timedelta(days=100))
    repo.create_session(ready_session(protocol, patient.id))  # a draft is never "last signed"
    assert repo.last_signed_session(patient.id) == new
    assert repo.last_signed_session(patient.id, before=SERVICE_DATE - timedelta(days=100)) == old
    assert repo.last_signed_session(patient.id, before=SERVICE_DATE - timedelta(days=300)) is None


def test_sessions_with_lot_finds_every_patient_regardless_of_case(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    other = repo.add_patient(Patient(mrn="MRN002", family_name="Smith", given_name="Jo", dob=date(1970, 1, 1)))
    first = signed_session(repo, protocol, patient, signer, lot_number="C5555B2", performed_on=SERVICE_DATE)
    second = signed_session(repo, protocol, other, signer, lot_number="c5555b2", performed_on=SERVICE_DATE)
    signed_session(
        repo, protocol, other, signer, lot_number="OTHER", performed_on=SERVICE_DATE, interval_reason=SAME_DAY_REASON
    )
    found = repo.sessions_with_lot(" C5555B2 ")
    assert [(p.mrn, s.id) for p, s in found] == [("MRN001", first.id), ("MRN002", second.id)]
    summaries = repo.session_summaries(lot_number="c5555b2")
    assert [s.id for s in summaries] == [first.id, second.id]
    assert repo.sessions_with_lot("NONE") == []


# -- errors -----------------------------------------------------------------------------------------------------------


def test_a_locked_database_is_a_clear_error(db_path: object, repo: Repository, patient: Patient) -> None:
    from pathlib import Path

    other = open_database(Path(str(db_path)))
    other.execute("PRAGMA busy_timeout = 0")
    other.execute("BEGIN IMMEDIATE")
    try:
        repo.db.execute("PRAGMA busy_timeout = 0")
        with pytest.raises(StorageError, match="in use"):
            repo.update_patient(replace(patient, allergies="Latex"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert repo.update_patient(replace(patient, allergies="Latex")).allergies == "Latex"


REPLACING_SQL = [
    "INSERT OR REPLACE INTO sessions (id, patient_id, performed_on, status, lot_number, created_at, updated_at) "
    "SELECT id, patient_id, performed_on, 'draft', 'TAMPERED', created_at, updated_at FROM sessions WHERE id = :id",
    "INSERT OR REPLACE INTO injections (id, session_id, position, site_id, muscle, side, view, x, y, units, kind) "
    "SELECT id, :draft, 99, 'ZZ', muscle, side, view, x, y, units, kind FROM injections WHERE session_id = :id LIMIT 1",
    "INSERT OR REPLACE INTO adverse_events (id, session_id, position, event) "
    "SELECT id, :draft, 0, 'x' FROM adverse_events WHERE session_id = :id LIMIT 1",
    "INSERT OR REPLACE INTO addenda (id, session_id, text, author, created_at) "
    "SELECT id, session_id, 'REWRITTEN', author, created_at FROM addenda WHERE session_id = :id",
    "INSERT OR REPLACE INTO audit_log (id, at, actor, action, entity, detail) "
    "SELECT id, at, 'someone', action, entity, 'rewritten' FROM audit_log ORDER BY id LIMIT 1",
]


UPDATE_REPLACING_SQL = [
    "UPDATE OR REPLACE sessions SET id = :id WHERE id = :draft",
    "UPDATE OR REPLACE injections SET id = (SELECT min(id) FROM injections WHERE session_id = :id) "
    "WHERE id = (SELECT min(id) FROM injections WHERE session_id = :draft)",
    "UPDATE OR REPLACE adverse_events SET id = (SELECT min(id) FROM adverse_events WHERE session_id = :id) "
    "WHERE id = (SELECT min(id) FROM adverse_events WHERE session_id = :draft)",
]
"""Moving a draft's row onto a signed row's id would delete the signed row: ids never change (0004_id_guards)."""


def signed_with_addendum_and_draft(
    repo: Repository, protocol: Protocol, patient: Patient, signer: Injector
) -> tuple[int, int]:
    """A signed session with an adverse event and an addendum, and a draft with one; their ids."""
    assert patient.id is not None
    signed = signed_session(repo, protocol, patient, signer, adverse_events=(AdverseEvent("Neck pain"),))
    assert signed.id is not None
    repo.add_addendum(signed.id, "Checked on day 2.", signer.display_name, datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    draft = repo.create_session(ready_session(protocol, patient.id, adverse_events=(AdverseEvent("Bruising"),)))
    assert draft.id is not None
    return signed.id, draft.id


@pytest.mark.parametrize("sql", REPLACING_SQL + UPDATE_REPLACING_SQL)
def test_another_tool_cannot_replace_signed_rows(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, db_path: Path, *, sql: str
) -> None:
    """The sqlite3 shell and Python's sqlite3 leave recursive_triggers off: REPLACE must still be refused."""
    signed_id, draft_id = signed_with_addendum_and_draft(repo, protocol, patient, signer)
    before = (repo.load_session(signed_id), repo.addenda(signed_id), repo.audit_entries())
    other_tool = sqlite3.connect(db_path)
    try:
        assert other_tool.execute("PRAGMA recursive_triggers").fetchone()[0] == 0
        with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
            other_tool.execute(sql, {"id": signed_id, "draft": draft_id})
    finally:
        other_tool.close()
    assert (repo.load_session(signed_id), repo.addenda(signed_id), repo.audit_entries()) == before


@pytest.mark.parametrize("sql", REPLACING_SQL + UPDATE_REPLACING_SQL)
def test_the_repository_connection_cannot_replace_signed_rows(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, db_path: Path, *, sql: str
) -> None:
    """The app's own connection turns recursive triggers on, so a REPLACE fires the replaced row's DELETE guard.

    The file is reopened up to date (no migration runs), as the window opens it every day.
    """
    signed_id, draft_id = signed_with_addendum_and_draft(repo, protocol, patient, signer)
    before = (repo.load_session(signed_id), repo.addenda(signed_id), repo.audit_entries())
    reopened = Repository(open_database(db_path, create=False), protocol=protocol)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
            reopened.db.execute(sql, {"id": signed_id, "draft": draft_id})
        assert not reopened.db.in_transaction
    finally:
        reopened.db.close()
    assert (repo.load_session(signed_id), repo.addenda(signed_id), repo.audit_entries()) == before


def test_signing_freezes_what_the_note_prints_beside_the_session(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol
) -> None:
    assert patient.id is not None
    repo.save_clinic(Clinic("Lakeside Headache Clinic", "12 Harbour Road"))
    repo.save_baseline(patient.id, Baseline(headache_days=20, failed_preventives=("topiramate", "amitriptyline")))
    signed = signed_session(repo, protocol, patient, signer, injector=signer.display_name)
    context = signed.signed_context
    assert context is not None
    assert context.patient == patient
    assert context.clinic == Clinic("Lakeside Headache Clinic", "12 Harbour Road")
    assert context.injector == signer
    assert context.baseline == Baseline(headache_days=20, failed_preventives=("topiramate", "amitriptyline"))
    assert context.settings == repo.settings
    assert repo.verify_signature(signed)
    repo.update_patient(replace(patient, family_name="Renamed"))
    repo.save_baseline(patient.id, Baseline(headache_days=30))
    reloaded = repo.load_session(int(signed.id or 0))
    assert reloaded.signed_context == context
    assert repo.note_context(reloaded) == context


def test_the_signature_covers_the_frozen_context(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, db: sqlite3.Connection
) -> None:
    signed = signed_session(repo, protocol, patient, signer)
    db.execute("DROP TRIGGER sessions_signed_no_update")
    db.execute(
        "UPDATE sessions SET signed_context = replace(signed_context, ?, 'Someone Else') WHERE id = ?",
        [patient.family_name, signed.id],
    )
    assert not repo.verify_signature(repo.load_session(int(signed.id or 0)))


def test_a_session_signed_before_the_context_was_kept_still_verifies(
    repo: Repository, patient: Patient, signer: Injector, protocol: Protocol, db: sqlite3.Connection
) -> None:
    signed = signed_session(repo, protocol, patient, signer)
    legacy = replace(signed, signed_context=None)
    db.execute("DROP TRIGGER sessions_signed_no_update")
    db.execute(
        "UPDATE sessions SET signed_context = '', content_sha256 = ? WHERE id = ?", [content_hash(legacy), signed.id]
    )
    stored = repo.load_session(int(signed.id or 0))
    assert stored.signed_context is None
    assert repo.verify_signature(stored)
    assert repo.note_context(stored).patient == patient
