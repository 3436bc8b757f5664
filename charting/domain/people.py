"""The clinic, its injectors, and the addenda written after signing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Clinic:
    """The clinic printed at the top of every note."""

    name: str
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Injector:
    """A clinician who injects and signs (an assistant profile can chart but not sign)."""

    name: str
    credentials: str = ""
    npi: str = ""
    id: int | None = None
    can_sign: bool = True

    @property
    def display_name(self) -> str:
        """Name with credentials, as the note's signature line shows it."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


@dataclass(frozen=True)
class Addendum:
    """A correction or note added to a signed session, signed and timestamped."""

    session_id: int
    text: str
    author: str
    created_at: datetime
    id: int | None = None
