"""The records commands on real database files: sessions, recall, backup, check, demo."""

from __future__ import annotations

import io
import json
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from charting import cli
from charting.app import main
from charting.domain.session import Patient
from charting.paths import resolve_database_path
from charting.storage import Repository, open_database

RECORDS_COMMANDS = ("sessions", "recall", "backup", "check", "restore", "maintain", "demo")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.parse(argv)
    code = cli.run_command(args, resolve_database_path(args.db), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    code, out, err = run(["--db", str(path), "demo", "--patients", "12", "--seed", "3"])
    assert code == 0, err
    assert "12 made-up patients" in out
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the demo database for one test."""
    path = tmp_path / "clinic.db"
    source = sqlite3.connect(demo_template)
    target = sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    return path


@pytest.mark.parametrize("command", RECORDS_COMMANDS)
def test_each_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert "usage: charting" in capsys.readouterr().out


def test_sessions_lists_every_session(demo_db: Path) -> None:
    code, out, _ = run(["--db", str(demo_db), "sessions"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["ID", "MRN", "Patient", "Date"]
    assert any("draft" in line for line in lines) and any("signed" in line for line in lines)


def test_sessions_json_for_one_patient(demo_db: Path) -> None:
    _, out, _ = run(["--db", str(demo_db), "sessions", "--json"])
    rows = json.loads(out)
    mrn = rows[0]["mrn"]
    code, out, _ = run(["--db", str(demo_db), "sessions", "--patient", mrn.lower(), "--json"])
    assert code == 0
    mine = json.loads(out)
    assert mine and {row["mrn"] for row in mine} == {mrn}
    assert set(mine[0]) == {
        "id", "mrn", "name", "dob", "date", "status", "units_administered", "units_wasted", "sites", "lot",
    }  # fmt: skip
    assert [row["date"] for row in mine] == sorted(row["date"] for row in mine)


def test_sessions_for_an_unknown_patient_fails(demo_db: Path) -> None:
    code, out, err = run(["--db", str(demo_db), "sessions", "--patient", "NOPE"])
    assert code == 1 and out == ""
    assert err.startswith("charting: No patient has record number NOPE")


def test_recall_lists_the_lots_sessions(demo_db: Path) -> None:
    _, out, _ = run(["--db", str(demo_db), "sessions", "--json"])
    lot = json.loads(out)[0]["lot"]
    expected = {row["id"] for row in json.loads(out) if row["lot"] == lot}
    code, out, _ = run(["--db", str(demo_db), "recall", "--lot", lot.lower(), "--json"])
    assert code == 0
    assert {row["id"] for row in json.loads(out)} == expected
    code, out, _ = run(["--db", str(demo_db), "recall", "--lot", "NOSUCHLOT"])
    assert code == 0 and "No session used lot NOSUCHLOT." in out


def test_recall_needs_a_lot(demo_db: Path) -> None:
    code, _, err = run(["--db", str(demo_db), "recall", "--lot", " "])
    assert code == 1 and "lot number" in err


def test_backup_writes_an_owner_only_copy(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    code, out, _ = run(["--db", str(demo_db), "backup", "-o", str(target)])
    assert code == 0 and "Backed up" in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, out, _ = run(["--db", str(target), "check"])
    assert code == 0, out
    code, _, err = run(["--db", str(demo_db), "backup", "-o", str(target)])
    assert code == 1 and "already exists" in err


def test_check_reports_a_tampered_signed_session(demo_db: Path) -> None:
    code, out, _ = run(["--db", str(demo_db), "check"])
    assert code == 0 and "The database is sound." in out
    connection = sqlite3.connect(demo_db)
    session_id = connection.execute("SELECT id FROM sessions WHERE status = 'signed' LIMIT 1").fetchone()[0]
    connection.execute("DROP TRIGGER sessions_signed_no_update")
    connection.execute("UPDATE sessions SET lot_number = 'FORGED' WHERE id = ?", [session_id])
    connection.commit()
    connection.close()
    code, out, err = run(["--db", str(demo_db), "check"])
    assert code == 1
    assert f"session {session_id}:" in out and "hash mismatches: 1" in out
    assert "Guarding triggers: MISSING or changed" in out and "sessions_signed_no_update" in out
    assert "found problems" in err


def test_check_reports_an_edited_audit_entry(demo_db: Path) -> None:
    connection = sqlite3.connect(demo_db)
    entry = connection.execute("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 5").fetchone()[0]
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = ?", [entry])
    connection.commit()
    connection.close()
    code, out, _ = run(["--db", str(demo_db), "check"])
    assert code == 1
    assert f"Audit log chain: BROKEN at entry {entry}" in out


def test_restore_puts_a_checked_backup_back_and_keeps_the_replaced_file(demo_db: Path, tmp_path: Path) -> None:
    backup = tmp_path / "monday.db"
    assert run(["--db", str(demo_db), "backup", "-o", str(backup)])[0] == 0
    repository = Repository(open_database(demo_db), actor="test")
    patients_at_backup = len(repository.search_patients("", limit=1000))
    repository.add_patient(Patient(mrn="AFTER", family_name="Later", given_name="Added", dob=date(1990, 1, 1)))
    repository.db.close()
    code, out, err = run(["--db", str(demo_db), "restore", str(backup)])
    assert code == 0, err
    assert "checked" in out and "is kept as" in out
    kept = Path(out.split("is kept as ")[1].strip().rstrip("."))
    assert kept.exists() and kept.parent == demo_db.parent
    restored = Repository(open_database(demo_db), actor="test")
    assert len(restored.search_patients("", limit=1000)) == patients_at_backup
    assert restored.patient_by_mrn("AFTER") is None
    restored.db.close()
    assert run(["--db", str(demo_db), "check"])[0] == 0


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(demo_db: Path, tmp_path: Path) -> None:
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello", encoding="utf-8")
    before = demo_db.read_bytes()
    code, _, err = run(["--db", str(demo_db), "restore", str(not_a_backup)])
    assert code == 1 and "not a charting database" in err
    assert demo_db.read_bytes() == before


@pytest.mark.parametrize("command", [["sessions"], ["recall", "--lot", "X"], ["check"], ["backup", "-o", "out.db"]])
def test_commands_refuse_a_bad_file_and_leave_it_alone(command: list[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not a database\n" * 50)
    before = bad.read_bytes()
    code, out, err = run(["--db", str(bad), *command])
    assert code == 1 and out == ""
    assert err.startswith("charting: ") and "not a charting database" in err and err.count("\n") == 1
    assert bad.read_bytes() == before


@pytest.mark.parametrize("command", [["sessions"], ["check"]])
def test_commands_do_not_create_a_missing_database(command: list[str], tmp_path: Path) -> None:
    code, _, err = run(["--db", str(tmp_path / "missing.db"), *command])
    assert code == 1 and "no database" in err
    assert not (tmp_path / "missing.db").exists()


def test_demo_refuses_a_database_in_use(demo_db: Path) -> None:
    code, _, err = run(["--db", str(demo_db), "demo", "--patients", "2"])
    assert code == 1 and "already holds patients" in err
    code, _, err = run(["--db", str(demo_db), "demo", "--patients", "0"])
    assert code == 1 and "at least 1" in err


@pytest.mark.parametrize("command", [["sessions"], ["sessions", "--patient", "X"], ["recall", "--lot", "C1"]])
def test_a_failure_after_opening_is_one_sentence(command: list[str], demo_db: Path) -> None:
    connection = sqlite3.connect(demo_db)
    connection.execute("ALTER TABLE patients RENAME TO patients_elsewhere")
    connection.commit()
    connection.close()
    code, out, err = run(["--db", str(demo_db), *command])
    assert (code, out) == (cli.EXIT_FAILURE, "")
    assert err.startswith("charting: ") and err.count("\n") == 1
    assert "no such table: patients" in err and "charting check" in err


def test_the_installed_entry_point_runs_a_records_command(demo_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "charting", "--db", str(demo_db), "sessions", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)


def test_maintain_backs_up_once_a_day_and_checks(demo_db: Path) -> None:
    code, out, err = run(["--db", str(demo_db), "maintain"])
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Backup: ") and Path(lines[0].removeprefix("Backup: ")).exists()
    assert lines[1] == "Check: sound"
    connection = sqlite3.connect(demo_db)
    connection.execute("DROP TRIGGER sessions_signed_no_delete")
    connection.commit()
    connection.close()
    code, out, _ = run(["--db", str(demo_db), "maintain"])
    assert code == 0 and out == "Backup: made today already; the records were checked then.\n"
    Path(lines[0].removeprefix("Backup: ")).unlink()  # the next day: no backup of today yet
    code, out, _ = run(["--db", str(demo_db), "maintain"])
    assert code == 1 and "Check: guarding triggers are missing" in out


def test_maintain_keeps_the_good_backups_when_the_check_fails(demo_db: Path) -> None:
    connection = sqlite3.connect(demo_db)
    connection.execute("DROP TRIGGER sessions_signed_no_update")
    connection.commit()
    connection.close()
    code, out, _ = run(["--db", str(demo_db), "maintain"])
    assert code == 1 and "Backup skipped: the earlier good backups are kept." in out
    assert not (demo_db.parent / "backups").exists()
