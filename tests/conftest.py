"""Shared fixtures: the shipped protocol, and isolation from the user's real data and settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from charting.domain.protocol import Protocol, load_protocol
from charting.resources import protocol_path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's data folder, settings or CHARTING_DB."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("CHARTING_DB", raising=False)


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    """The shipped PREEMPT protocol."""
    return load_protocol(protocol_path())


@pytest.fixture(scope="session", autouse=True)
def _qt_test_mode() -> None:
    """QStandardPaths in test mode, when Qt is importable, so settings never touch the user's."""
    try:
        from PySide6.QtCore import QStandardPaths
    except ImportError:  # pragma: no cover - Qt is a runtime dependency
        return
    QStandardPaths.setTestModeEnabled(True)
