"""`charting export-pdf`: one session's note to a file, or a patient's signed notes into a folder."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from charting import cli
from charting.domain.eligibility import Baseline
from charting.domain.people import Clinic, Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.storage import Repository, open_database
from tests.sessions import ready_session
from tests.storage.helpers import EDITED_DRUG_CODE, edited_protocol_data

SIGNED_AT = datetime(2026, 1, 12, 10, 30, tzinfo=UTC)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.parse(argv)
    code = cli.run_command(args, Path(args.db), out, err)
    return code, out.getvalue(), err.getvalue()


def text_of(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


@pytest.fixture
def clinic_db(tmp_path: Path, protocol: Protocol) -> tuple[Path, dict[str, int]]:
    """A real database: a clinic, an injector, a patient with a baseline, two signed sessions and a draft."""
    path = tmp_path / "charting.db"
    db = open_database(path)
    repo = Repository(db, actor="tester", protocol=protocol, clock=lambda: SIGNED_AT)
    repo.save_clinic(Clinic("Lakeside Headache Clinic", "12 Harbour Road"))
    signer = repo.save_injector(Injector(name="Ana Núñez", credentials="MD", npi="1234567893"))
    patient = repo.add_patient(Patient(mrn="MRN/001", family_name="Ωmega", given_name="Zoë", dob=date(1980, 4, 2)))
    assert patient.id is not None
    repo.save_baseline(patient.id, Baseline(headache_days=20, headache_hours_per_day=6))
    ids: dict[str, int] = {}
    for name, day in (("first", date(2025, 10, 15)), ("second", date(2026, 1, 12)), ("draft", date(2026, 4, 10))):
        stored = repo.create_session(ready_session(protocol, patient.id, performed_on=day, injector=signer.name))
        assert stored.id is not None
        if name != "draft":
            repo.sign_session(stored.id, signer, datetime.combine(day, SIGNED_AT.timetz()))
        ids[name] = stored.id
    repo.add_addendum(ids["second"], "Called on day 3: no side effects.", signer.display_name, SIGNED_AT)
    db.close()
    return path, ids


def test_export_one_signed_session(clinic_db: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    db, ids = clinic_db
    output = tmp_path / "note.pdf"
    code, out, err = run(["--db", str(db), "export-pdf", "--session", str(ids["second"]), "-o", str(output)])
    assert (code, err) == (0, "")
    assert f"Wrote the note of session {ids['second']} to {output}." in out
    text = text_of(output)
    for item in (
        "Lakeside Headache Clinic",
        "ΩMEGA, Zoë",
        "MRN/001",
        "Ana Núñez, MD (NPI 1234567893)",
        "J0585 155 units administered",
        "J0585-JW 45 units discarded (waste)",
        "89 days since the previous session on 2025-10-15",
        "20 a month (baseline)",
        "Electronically signed by Ana Núñez, MD",
        "Called on day 3: no side effects.",
    ):
        assert item in text, item
    assert "DRAFT" not in text
    again = tmp_path / "again.pdf"
    run(["--db", str(db), "export-pdf", "--session", str(ids["second"]), "-o", str(again)])
    assert again.read_bytes() == output.read_bytes(), "a reprint of a signed note is identical"


def test_export_a_draft_prints_the_draft_mark(clinic_db: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    db, ids = clinic_db
    output = tmp_path / "draft.pdf"
    code, out, _ = run(
        ["--db", str(db), "export-pdf", "--session", str(ids["draft"]), "-o", str(output), "--paper", "a4"]
    )
    assert code == 0
    assert "a draft, marked DRAFT - not signed" in out
    assert "DRAFT - not signed" in text_of(output)
    assert round(float(PdfReader(output).pages[0].mediabox.height)) == 842


def test_export_all_signed_sessions_of_a_patient(clinic_db: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    db, ids = clinic_db
    folder = tmp_path / "notes" / "out"
    code, out, err = run(["--db", str(db), "export-pdf", "--patient", "MRN/001", "--out-dir", str(folder)])
    assert (code, err) == (0, "")
    files = sorted(p.name for p in folder.iterdir())
    assert files == [
        f"MRN_001_2025-10-15_session{ids['first']}.pdf",
        f"MRN_001_2026-01-12_session{ids['second']}.pdf",
    ]
    assert "Wrote 2 signed note(s) of patient MRN/001" in out
    assert "Date of service 2025-10-15" in text_of(folder / files[0])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--session", "1"], "Say where to write the note"),
        (["--patient", "MRN/001"], "Say which folder"),
        (["--session", "999", "-o", "x.pdf"], "There is no session with id 999"),
        (["--patient", "NOPE", "--out-dir", "d"], "No patient has record number NOPE"),
    ],
)
def test_errors_are_one_sentence(clinic_db: tuple[Path, dict[str, int]], argv: list[str], message: str) -> None:
    db, _ = clinic_db
    code, out, err = run(["--db", str(db), "export-pdf", *argv])
    assert code == cli.EXIT_FAILURE
    assert out == ""
    assert err.startswith(f"charting: {message}")
    assert "Traceback" not in err


def test_unwritable_output_says_what_to_do(clinic_db: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    db, ids = clinic_db
    output = tmp_path / "missing-folder" / "note.pdf"
    code, _, err = run(["--db", str(db), "export-pdf", "--session", str(ids["first"]), "-o", str(output)])
    assert code == cli.EXIT_FAILURE
    assert f"Could not write {output}" in err
    assert "check that the folder exists" in err


def test_patient_without_signed_sessions(tmp_path: Path, protocol: Protocol) -> None:
    path = tmp_path / "charting.db"
    db = open_database(path)
    Repository(db, protocol=protocol).add_patient(
        Patient(mrn="M2", family_name="Doe", given_name="Jo", dob=date(1990, 1, 1))
    )
    db.close()
    code, _, err = run(["--db", str(path), "export-pdf", "--patient", "M2", "--out-dir", str(tmp_path / "o")])
    assert code == cli.EXIT_FAILURE
    assert "has no signed session to export" in err


def test_session_and_patient_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.parse(["export-pdf", "--session", "1", "--patient", "M"])
    assert exited.value.code == cli.EXIT_USAGE
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_signed_note_prints_the_protocol_it_was_signed_under(
    clinic_db: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    """The review's reproduction: export again with ``--protocol`` naming an edited copy of the protocol file."""
    db, ids = clinic_db
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(edited_protocol_data()), encoding="utf-8")
    original, reprint, draft = tmp_path / "original.pdf", tmp_path / "reprint.pdf", tmp_path / "draft.pdf"
    run(["--db", str(db), "export-pdf", "--session", str(ids["second"]), "-o", str(original)])
    code, _, err = run(
        ["--db", str(db), "--protocol", str(edited), "export-pdf", "--session", str(ids["second"]), "-o", str(reprint)]
    )
    assert (code, err) == (0, "")
    assert reprint.read_bytes() == original.read_bytes()
    run(["--db", str(db), "--protocol", str(edited), "export-pdf", "--session", str(ids["draft"]), "-o", str(draft)])
    assert EDITED_DRUG_CODE in text_of(draft), "a draft prints with the protocol given"
    code, out, _ = run(["--db", str(db), "--protocol", str(edited), "check"])
    assert code == 0 and "Protocols signed under: ok" in out


def test_check_reports_a_tampered_protocol(clinic_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = clinic_db
    connection = sqlite3.connect(db)
    connection.execute("DROP TRIGGER signed_protocols_no_update")
    connection.execute("UPDATE signed_protocols SET protocol_json = replace(protocol_json, 'J0585', 'J9999')")
    connection.commit()
    connection.close()
    code, out, err = run(["--db", str(db), "check"])
    assert code == cli.EXIT_FAILURE
    assert "Protocols signed under: 2 session(s) affected" in out
    assert f"session {ids['second']}: the protocol it was signed under no longer matches its hash" in out
    assert "restore from a backup" in err
    code, _, err = run(["--db", str(db), "export-pdf", "--session", str(ids["second"]), "-o", "x.pdf"])
    assert code == cli.EXIT_FAILURE and "charting check" in err and "Traceback" not in err


def test_export_refuses_to_replace_an_existing_file(clinic_db: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    """A slip of the keyboard must not write one patient's note over another's: the file stays as it was."""
    db, ids = clinic_db
    output = tmp_path / "note.pdf"
    assert run(["--db", str(db), "export-pdf", "--session", str(ids["first"]), "-o", str(output)])[0] == 0
    before = output.read_bytes()
    code, out, err = run(["--db", str(db), "export-pdf", "--session", str(ids["second"]), "-o", str(output)])
    assert (code, out) == (cli.EXIT_FAILURE, "")
    assert err == (f"charting: {output} already exists; choose another file name, or add --overwrite to replace it.\n")
    assert output.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "note" in p.name] == ["note.pdf"], "no file is left half-made"


def test_overwrite_replaces_the_file_owner_only(clinic_db: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    db, ids = clinic_db
    output = tmp_path / "note.pdf"
    output.write_bytes(b"another patient's note")
    output.chmod(0o644)
    argv = ["--db", str(db), "export-pdf", "--session", str(ids["second"]), "-o", str(output), "--overwrite"]
    code, out, err = run(argv)
    assert (code, err) == (0, "")
    assert f"to {output}." in out
    assert "Date of service 2026-01-12" in text_of(output)
    assert output.stat().st_mode & 0o777 == 0o600


def test_export_to_a_folder_refuses_to_replace_any_note(clinic_db: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    """One note already in the folder: nothing is written, not even the notes that are new."""
    db, ids = clinic_db
    folder = tmp_path / "notes"
    folder.mkdir()
    existing = folder / f"MRN_001_2026-01-12_session{ids['second']}.pdf"
    existing.write_bytes(b"kept as it was")
    argv = ["--db", str(db), "export-pdf", "--patient", "MRN/001", "--out-dir", str(folder)]
    code, out, err = run(argv)
    assert (code, out) == (cli.EXIT_FAILURE, "")
    assert err == (
        f"charting: {existing} already exists; choose another folder, or add --overwrite to replace the notes in it.\n"
    )
    assert existing.read_bytes() == b"kept as it was"
    assert [p.name for p in folder.iterdir()] == [existing.name]

    code, out, err = run([*argv, "--overwrite"])
    assert (code, err) == (0, "")
    assert "Wrote 2 signed note(s)" in out
    assert "Date of service 2026-01-12" in text_of(existing)
    assert len(list(folder.iterdir())) == 2


def test_overwrite_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.parse(["export-pdf", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--overwrite replace a PDF file that already exists" in help_text
    assert "must not exist unless --overwrite" in help_text
