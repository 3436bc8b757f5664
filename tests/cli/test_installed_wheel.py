"""Resources ship inside the wheel: `pip install .` into a fresh venv outside the repo, then run a command."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHIPPED = ("pyproject.toml", "README.md", "charting", "resources")


@pytest.mark.slow
def test_installed_wheel_runs_outside_the_repo(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in SHIPPED:
        item = REPO / name
        if item.is_dir():
            shutil.copytree(item, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(item, source / name)
    wheels = tmp_path / "wheels"
    # Build the wheel offline with this environment's setuptools, then install it alone into a fresh venv;
    # its dependencies are lent from this test's own environment below.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", wheels, source],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("charting-*.whl")
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies (platformdirs, ...) come from this environment, appended after the fresh site-packages.
    (Path(site) / "lent_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    shutil.rmtree(source)  # nothing may be read from a source tree

    run_dir = tmp_path / "elsewhere"
    run_dir.mkdir()
    where = subprocess.run(
        [python, "-c", "import charting.resources as r; print(r.resource_root())"],
        check=True,
        capture_output=True,
        text=True,
        cwd=run_dir,
    ).stdout.strip()
    assert where.startswith(str(target))
    result = subprocess.run(
        [target / "bin" / "charting", "protocol", "--json"],
        capture_output=True,
        text=True,
        cwd=run_dir,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"COR_L_1"' in result.stdout
