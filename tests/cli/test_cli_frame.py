"""The command-line frame: --help, --version, errors, the database path, and `charting protocol`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from charting import __version__, cli
from charting.app import main
from charting.paths import DB_ENV, default_database_path, resolve_database_path


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.parse(argv)
    code = cli.run_command(args, resolve_database_path(args.db), out, err)
    return code, out.getvalue(), err.getvalue()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    names = sorted(subparsers.choices)  # type: ignore[arg-type]
    assert "protocol" in names
    for name in names:
        with pytest.raises(SystemExit) as exited:
            main([name, "--help"])
        assert exited.value.code == 0
        assert f"usage: charting {name}" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["frobnicate"])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_protocol_table() -> None:
    code, out, _ = run(["protocol"])
    assert code == 0
    assert "COR_L_1" in out
    assert "TRA_R_3" in out
    assert "Label dose 155 U in 31 sites" in out
    assert "at most 195 U in 39 sites" in out
    lines = [line for line in out.splitlines() if line.startswith("Temporalis ")]
    assert lines[-1].split() == ["Temporalis", "8", "40", "10", "50"]


def test_protocol_json() -> None:
    code, out, _ = run(["protocol", "--json"])
    data = json.loads(out)
    assert code == 0
    assert len(data["sites"]) == 31
    assert data["follow_the_pain"]["trapezius"] == {"extra_sites": 4, "max_units": 50}


def test_bad_protocol_file_is_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    code, out, err = run(["--protocol", str(bad), "protocol"])
    assert code == 1
    assert out == ""
    assert err.startswith("charting: Protocol file ")
    assert "bad.json" in err
    assert "Traceback" not in err


def test_database_path_precedence(tmp_path: Path) -> None:
    assert resolve_database_path(str(tmp_path / "a.db"), {DB_ENV: "/x/b.db"}) == tmp_path / "a.db"
    assert resolve_database_path(None, {DB_ENV: str(tmp_path / "b.db")}) == tmp_path / "b.db"
    assert resolve_database_path(None, {}) == default_database_path()
    assert default_database_path().name == "charting.db"


def test_default_database_is_in_the_user_data_folder(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME into tmp_path; the default follows it
    assert str(default_database_path()).startswith(str(tmp_path))


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    proc = subprocess.run(
        f"{sys.executable} -m charting protocol | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith("PREEMPT")


def test_an_unforeseen_error_is_one_line_and_logged(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(ctx: cli.Context) -> int:
        raise RuntimeError("DOE, Jane broke it")

    monkeypatch.setattr(cli, "cmd_protocol", explode)
    assert main(["protocol"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("charting: something unexpected went wrong (RuntimeError)")
    assert "Traceback" not in err
    from charting.paths import log_file_path

    logged = log_file_path().read_text(encoding="utf-8")
    assert "RuntimeError" in logged and "explode" in logged
    assert "DOE" not in logged
