"""Totals of a session: by muscle, by side and overall, with sites counted and volume injected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from charting.domain.billing import concentration_units_per_ml, units_wasted, volume_ml
from charting.domain.protocol import Protocol
from charting.domain.session import Injection, Kind, Session


@dataclass(frozen=True)
class MuscleTotal:
    """One muscle's units and sites by side, against its protocol dose and cap."""

    muscle: str
    label: str
    left_units: float
    right_units: float
    midline_units: float
    left_sites: int
    right_sites: int
    midline_sites: int
    ftp_sites: int
    protocol_units: float
    protocol_sites: int
    cap_units: float
    cap_sites: int

    @property
    def units(self) -> float:
        """All units injected in the muscle."""
        return self.left_units + self.right_units + self.midline_units

    @property
    def sites(self) -> int:
        """All sites injected in the muscle."""
        return self.left_sites + self.right_sites + self.midline_sites


@dataclass(frozen=True)
class SessionTotals:
    """Everything the totals panel and the note show."""

    muscles: tuple[MuscleTotal, ...]
    left_units: float
    right_units: float
    midline_units: float
    total_units: float
    total_sites: int
    ftp_sites: int
    skipped_sites: int
    concentration: float | None
    volume_ml: float | None
    units_wasted: float

    def muscle(self, muscle_id: str) -> MuscleTotal:
        """The totals of one muscle."""
        for total in self.muscles:
            if total.muscle == muscle_id:
                return total
        raise KeyError(muscle_id)


def _units(injections: Sequence[Injection], side: str) -> float:
    return sum(inj.units for inj in injections if inj.side == side)


def _count(injections: Sequence[Injection], side: str) -> int:
    return sum(1 for inj in injections if inj.side == side)


def compute_totals(session: Session, protocol: Protocol) -> SessionTotals:
    """Sum the session's injections by muscle and side; derive volume and waste from the header."""
    muscles = []
    for muscle in protocol.muscles:
        mine = [inj for inj in session.injections if inj.muscle == muscle.id and not inj.skipped]
        muscles.append(
            MuscleTotal(
                muscle=muscle.id,
                label=muscle.label,
                left_units=_units(mine, "left"),
                right_units=_units(mine, "right"),
                midline_units=_units(mine, "midline"),
                left_sites=_count(mine, "left"),
                right_sites=_count(mine, "right"),
                midline_sites=_count(mine, "midline"),
                ftp_sites=sum(1 for inj in mine if inj.kind is Kind.FTP),
                protocol_units=muscle.units,
                protocol_sites=muscle.sites,
                cap_units=protocol.muscle_cap_units(muscle.id),
                cap_sites=protocol.muscle_cap_sites(muscle.id),
            )
        )
    injected = [inj for inj in session.injections if not inj.skipped]
    total_units = sum(inj.units for inj in injected)
    concentration = concentration_units_per_ml(session.vial_units, session.saline_ml)
    return SessionTotals(
        muscles=tuple(muscles),
        left_units=_units(injected, "left"),
        right_units=_units(injected, "right"),
        midline_units=_units(injected, "midline"),
        total_units=total_units,
        total_sites=len(injected),
        ftp_sites=sum(1 for inj in injected if inj.kind is Kind.FTP),
        skipped_sites=sum(1 for inj in session.injections if inj.skipped),
        concentration=concentration,
        volume_ml=volume_ml(total_units, concentration),
        units_wasted=units_wasted(session.vial_units, session.vials_opened, total_units),
    )
