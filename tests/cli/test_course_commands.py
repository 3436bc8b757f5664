"""`charting summary` and `charting due` on real database files."""

from __future__ import annotations

import csv
import io
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from charting import cli
from charting.app import main
from charting.domain.clock import local_now
from charting.domain.interval import due_status
from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Baseline, Outcomes, Patient
from charting.domain.settings import ClinicalSettings
from charting.storage import Repository, open_database
from tests.sessions import ready_session

CSV_HEAD = ["name", "mrn", "last_session", "next_due", "due_by", "days_until", "status"]


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.parse(argv)
    code = cli.run_command(args, Path(args.db), out, err)
    return code, out.getvalue(), err.getvalue()


def text_of(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def today() -> date:
    """The day the commands take as today."""
    return local_now().date()


@pytest.fixture
def clinic_db(tmp_path: Path, protocol: Protocol) -> Path:
    """Patients whose last signed sessions are a known number of days ago, one with only a draft."""
    path = tmp_path / "clinic.db"
    repo = Repository(open_database(path), actor="tester", protocol=protocol, clock=local_now)
    signer = repo.save_injector(Injector(name="Ana Núñez", credentials="MD", npi="1234567893"))
    for mrn, family, days_ago in (
        ("A1", "Due-Soon", (164, 80)),
        ("B2", "Overdue", (100,)),
        ("C3", "Recent", (10,)),
        ("D4", "=Formula", (84,)),
        ("E5", "Draft-Only", ()),
    ):
        patient = repo.add_patient(Patient(mrn=mrn, family_name=family, given_name="Zoë", dob=date(1980, 4, 2)))
        assert patient.id is not None
        repo.save_baseline(patient.id, Baseline(headache_days=20, headache_hours_per_day=6))
        for ago, days in zip(days_ago, (20, 12), strict=False):
            on = today() - timedelta(days=ago)
            stored = repo.create_session(
                ready_session(protocol, patient.id, performed_on=on, outcomes=Outcomes(headache_days=days))
            )
            repo.sign_session(int(stored.id or 0), signer, local_now())
        if not days_ago:
            repo.create_session(ready_session(protocol, patient.id, performed_on=today()))
    return path


def test_summary_writes_the_patients_course_owner_only(clinic_db: Path, tmp_path: Path) -> None:
    output = tmp_path / "summary.pdf"
    code, out, err = run(["--db", str(clinic_db), "summary", "--patient", "A1", "-o", str(output)])
    assert (code, err) == (0, "")
    assert out == f"Wrote the continuation-of-therapy summary of patient A1 to {output}.\n"
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    text = text_of(output)
    first, second = (today() - timedelta(days=ago) for ago in (164, 80))
    assert f"1 {first.isoformat()} 155 U 20 - - - - first treatment" in text
    assert f"2 {second.isoformat()} 155 U 12 - - - 40% yes" in text
    assert "Signature ____" in text


def test_summary_refuses_an_existing_file_unless_told(clinic_db: Path, tmp_path: Path) -> None:
    output = tmp_path / "summary.pdf"
    output.write_bytes(b"keep me")
    code, out, err = run(["--db", str(clinic_db), "summary", "--patient", "A1", "-o", str(output)])
    assert (code, out) == (1, "")
    assert err == f"charting: {output} already exists; choose another file name, or add --overwrite to replace it.\n"
    assert output.read_bytes() == b"keep me"
    code, _, _ = run(["--db", str(clinic_db), "summary", "--patient", "A1", "-o", str(output), "--overwrite"])
    assert code == 0
    assert output.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(output.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("mrn", "message"),
    [
        ("ZZ9", "charting: No patient has record number ZZ9; check the number.\n"),
        ("E5", "charting: Patient E5 has no signed session to summarise; sign a session first.\n"),
    ],
)
def test_summary_refuses_with_one_sentence(clinic_db: Path, tmp_path: Path, mrn: str, message: str) -> None:
    output = tmp_path / "summary.pdf"
    code, out, err = run(["--db", str(clinic_db), "summary", "--patient", mrn, "-o", str(output)])
    assert (code, out, err) == (1, "", message)
    assert not output.exists()


def test_due_lists_the_due_and_the_overdue_soonest_first(clinic_db: Path) -> None:
    code, out, err = run(["--db", str(clinic_db), "due"])
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["Patient", "MRN", "Last", "Next", "due", "Due", "by", "Status"]
    rows = [line.split(maxsplit=6) for line in lines[1:]]
    assert [row[2] for row in rows] == ["B2", "D4", "A1"], "the default looks 14 days ahead; C3 and E5 are not due"
    eligible = today() - timedelta(days=100 - 84)
    assert rows[0][3:] == [
        (today() - timedelta(days=100)).isoformat(),
        eligible.isoformat(),
        (eligible + timedelta(days=7)).isoformat(),
        "overdue (eligible 16 days ago)",
    ], "100 days: past the window's end (91 days), counted from the earliest eligible date as everywhere"
    assert rows[1][-1] == "due today", "84 days: eligible today"
    assert rows[2][-1] == "eligible in 4 days", "80 days: inside the window but payers refuse before 84 days"


def test_due_days_widens_the_window(clinic_db: Path) -> None:
    _, narrow, _ = run(["--db", str(clinic_db), "due", "--days", "3"])
    assert [line.split()[2] for line in narrow.splitlines()[1:]] == ["B2", "D4"]
    _, wide, _ = run(["--db", str(clinic_db), "due", "--days", "74"])
    assert [line.split()[2] for line in wide.splitlines()[1:]] == ["B2", "D4", "A1", "C3"]
    code, out, err = run(["--db", str(clinic_db), "due", "--days", "-1"])
    assert (code, out, err) == (1, "", "charting: --days must be 0 or more.\n")


def test_due_writes_the_same_rows_to_csv(clinic_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "due.csv"
    code, out, _ = run(["--db", str(clinic_db), "due", "--days", "14", "--csv", str(target)])
    assert code == 0
    assert out.endswith(f"Wrote 3 patient(s) to {target}.\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = list(csv.reader(target.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == CSV_HEAD
    assert [row[1] for row in rows[1:]] == ["B2", "D4", "A1"]
    assert rows[1] == [
        "OVERDUE, Zoë",
        "B2",
        (today() - timedelta(days=100)).isoformat(),
        (today() - timedelta(days=16)).isoformat(),
        (today() - timedelta(days=9)).isoformat(),
        "-16",
        "overdue",
    ]
    assert [(row[5], row[6]) for row in rows[2:]] == [("0", "due"), ("4", "not yet eligible")], "84 and 80 days"
    assert rows[2][0] == "'=FORMULA, Zoë", "a name a spreadsheet would run as a formula is kept as text"


def test_due_says_when_nobody_is_due(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    open_database(path).close()
    code, out, _ = run(["--db", str(path), "due"])
    assert (code, out) == (0, "No patient is due in the next 14 days or overdue.\n")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    code, _, err = run(["--db", str(path), "demo", "--patients", "12", "--seed", "5"])
    assert code == 0, err
    return path


@pytest.mark.parametrize("days", [0, 14, 60])
def test_due_on_the_demo_matches_the_due_list(demo_db: Path, tmp_path: Path, days: int) -> None:
    """Every patient the records find due, in their order and with their dates, and nobody else."""
    target = tmp_path / "due.csv"
    code, out, _ = run(["--db", str(demo_db), "due", "--days", str(days), "--csv", str(target)])
    assert code == 0
    connection = open_database(demo_db)
    try:
        expected = Repository(connection).due_list(today(), days)
    finally:
        connection.close()
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert [(row["mrn"], row["last_session"], row["next_due"], row["due_by"], row["days_until"]) for row in rows] == [
        (
            entry.patient.mrn,
            entry.last_session.isoformat(),
            entry.next_due.isoformat(),
            entry.due_until.isoformat(),
            f"{entry.days_until(today())}",
        )
        for entry in expected
    ]
    assert all(int(row["days_until"]) <= days for row in rows)
    settings = ClinicalSettings()
    statuses = [due_status(entry.last_session, today(), settings) for entry in expected]
    assert [line.split("  ")[-1] for line in out.splitlines()[1 : len(expected) + 1]] == [s.short for s in statuses]
    assert [row["status"] for row in rows] == [s.state.value for s in statuses]
    assert [entry.days_until(today()) for entry in expected] == [-s.days_past_eligible for s in statuses], (
        "the CSV's days and the words count from the same date"
    )
    assert len(out.splitlines()) == (len(rows) + 2 if rows else 2), "a heading, a line a patient, the CSV line"


def test_every_signed_patient_is_due_sooner_or_later(demo_db: Path, tmp_path: Path) -> None:
    """Over a long enough window the due list holds every patient with a signed session, and no one else."""
    connection = open_database(demo_db)
    try:
        repository = Repository(connection)
        expected = {
            patient.mrn
            for patient in repository.search_patients("", limit=1000)
            if patient.id is not None and any(s.signed for s in repository.sessions_for_patient(patient.id))
        }
    finally:
        connection.close()
    target = tmp_path / "due.csv"
    run(["--db", str(demo_db), "due", "--days", "400", "--csv", str(target)])
    listed = {row["mrn"] for row in csv.DictReader(target.read_text(encoding="utf-8").splitlines())}
    assert listed == expected
    assert expected


@pytest.mark.parametrize("command", ["summary", "due"])
def test_each_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert "usage: charting" in capsys.readouterr().out
