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


def dilution_figure(value: float) -> str:
    """A concentration or a dose per volume as a person reads it, to two decimals at most: "50", "33.33", "3.33"."""
    return f"{round(value, 2):g}"


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
    """One claim line: code, modifier, whole billing units and what it is."""

    code: str
    modifier: str
    units: int
    description: str

    @property
    def label(self) -> str:
        """The code with its modifier, as a claim shows it (J0585-JW)."""
        return f"{self.code}-{self.modifier}" if self.modifier else self.code


ROUNDING_TOLERANCE = 1e-9
"""Relative distance at which a float sum counts as the whole unit it misses by rounding (155.00000000000003)."""


def _whole(value: float) -> int | None:
    """The whole number a float sum means, when it is one up to rounding; else None."""
    nearest = round(value)
    return int(nearest) if math.isclose(value, nearest, rel_tol=ROUNDING_TOLERANCE) else None


def billed_units(units: float, per_unit: float) -> int:
    """Whole billing units for a clinical amount, rounded up: 152.5 U of a one-unit-per-U drug bills 153."""
    amount = units / per_unit
    whole = _whole(amount)
    return max(0, whole if whole is not None else math.ceil(amount))


def billing_lines(codes: BillingCodes, administered: float, wasted: float) -> tuple[BillingLine, ...]:
    """CPT once per session; the drug code for units administered; waste on a JW line, or JZ when none.

    Claim units are whole numbers while doses go in half units: the administered line bills the units given
    rounded up to a whole billing unit, and the JW line the rest of the units opened (``administered + wasted``),
    so the two lines add up to the vials opened. When nothing whole is left to discard (199.5 U from a 200 U
    vial bills 200), the administered line carries JZ. The clinical figures stay exact elsewhere on the note.
    """
    per_unit = codes.units_per_billing_unit
    lines = [BillingLine(codes.procedure_code, "", 1, codes.procedure_description)]
    if not math.isfinite(administered) or administered <= 0:  # no dose a claim can carry (the rules refuse it)
        return tuple(lines)
    billed = billed_units(administered, per_unit)
    opened = (administered + wasted) / per_unit
    if not math.isfinite(opened):
        opened = billed
    whole_opened = _whole(opened)
    discarded = max(0, (whole_opened if whole_opened is not None else math.floor(opened)) - billed)
    if discarded > 0:
        lines.append(BillingLine(codes.drug_code, "", billed, f"{codes.drug_description}, administered"))
        lines.append(
            BillingLine(codes.drug_code, codes.waste_modifier, discarded, f"{codes.drug_description}, discarded")
        )
    else:
        lines.append(
            BillingLine(
                codes.drug_code,
                codes.no_waste_modifier,
                billed,
                f"{codes.drug_description}, administered, no waste",
            )
        )
    return tuple(lines)
