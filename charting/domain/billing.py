"""Dilution, volume, waste and the billing lines of a session."""

from __future__ import annotations

import math
from dataclasses import dataclass

from charting.domain.protocol import BillingCodes


def concentration_units_per_ml(vial_units: float, saline_ml: float | None) -> float | None:
    """Units per mL after reconstitution; None when the saline volume is missing or not positive."""
    if saline_ml is None or not math.isfinite(saline_ml) or saline_ml <= 0 or vial_units <= 0:
        return None
    return vial_units / saline_ml


def volume_ml(units: float, concentration: float | None) -> float | None:
    """The volume that carries these units at this concentration."""
    if concentration is None or concentration <= 0:
        return None
    return units / concentration


def units_opened(vial_units: float, vials_opened: int) -> float:
    """The units in all the vials opened for the session."""
    return vial_units * max(vials_opened, 0)


def units_wasted(vial_units: float, vials_opened: int, administered: float) -> float:
    """Units opened minus units administered, never below zero (an excess is a rule finding, not waste)."""
    return max(0.0, units_opened(vial_units, vials_opened) - administered)


@dataclass(frozen=True)
class BillingLine:
    """One claim line: code, modifier, billing units and what it is."""

    code: str
    modifier: str
    units: float
    description: str

    @property
    def label(self) -> str:
        """The code with its modifier, as a claim shows it (J0585-JW)."""
        return f"{self.code}-{self.modifier}" if self.modifier else self.code


def billing_lines(codes: BillingCodes, administered: float, wasted: float) -> tuple[BillingLine, ...]:
    """CPT once per session; the drug code for units administered; waste on a JW line, or JZ when none."""
    per_unit = codes.units_per_billing_unit
    lines = [BillingLine(codes.procedure_code, "", 1, codes.procedure_description)]
    if administered <= 0:
        return tuple(lines)
    if wasted > 0:
        lines.append(
            BillingLine(codes.drug_code, "", administered / per_unit, f"{codes.drug_description}, administered")
        )
        lines.append(
            BillingLine(
                codes.drug_code,
                codes.waste_modifier,
                wasted / per_unit,
                f"{codes.drug_description}, discarded",
            )
        )
    else:
        lines.append(
            BillingLine(
                codes.drug_code,
                codes.no_waste_modifier,
                administered / per_unit,
                f"{codes.drug_description}, administered, no waste",
            )
        )
    return tuple(lines)
