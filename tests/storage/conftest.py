"""Fixtures of the records tests: a real SQLite file in tmp_path, a repository on it, a patient and a signer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from charting.domain.people import Injector
from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.storage import Repository, open_database
from tests.storage.helpers import NOW


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test database lives (not created yet)."""
    return tmp_path / "clinic" / "charting.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A freshly created database: the connection ``open_database`` returns."""
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def repo(db: sqlite3.Connection, protocol: Protocol) -> Repository:
    """A repository on the fresh database with a fixed clock."""
    return Repository(db, actor="tester", protocol=protocol, clock=lambda: NOW)


@pytest.fixture
def patient(repo: Repository) -> Patient:
    """A stored patient."""
    return repo.add_patient(Patient(mrn="MRN001", family_name="Núñez", given_name="Zoë", dob=date(1980, 4, 2)))


@pytest.fixture
def signer(repo: Repository) -> Injector:
    """A stored injector who may sign."""
    return repo.save_injector(Injector(name="Dr. Amara Okafor", credentials="MD", npi="1234567893"))
