"""Claim lines in whole billing units: half-unit doses round up on the administered line, JW takes the rest."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charting.domain.billing import billed_units, billing_lines, dilution_figure, units_opened, units_wasted
from charting.domain.protocol import Protocol


def claim(protocol: Protocol, administered: float, vial: int, vials: int = 1) -> list[tuple[str, int]]:
    wasted = units_wasted(vial, vials, administered)
    return [(line.label, line.units) for line in billing_lines(protocol.billing, administered, wasted)]


@pytest.mark.parametrize(
    ("administered", "vial", "vials", "expected"),
    [
        (152.5, 200, 1, [("64615", 1), ("J0585", 153), ("J0585-JW", 47)]),
        (155, 200, 1, [("64615", 1), ("J0585", 155), ("J0585-JW", 45)]),
        (155.5, 100, 2, [("64615", 1), ("J0585", 156), ("J0585-JW", 44)]),
        (199.5, 200, 1, [("64615", 1), ("J0585-JZ", 200)]),
        (200, 100, 2, [("64615", 1), ("J0585-JZ", 200)]),
        (0.5, 100, 1, [("64615", 1), ("J0585", 1), ("J0585-JW", 99)]),
    ],
)
def test_claim_units_are_whole(
    protocol: Protocol, administered: float, vial: int, vials: int, expected: list[tuple[str, int]]
) -> None:
    lines = claim(protocol, administered, vial, vials)
    assert lines == expected
    assert all(isinstance(units, int) for _, units in lines)


def test_a_float_sum_a_hair_above_a_whole_unit_is_that_unit() -> None:
    assert billed_units(sum([0.1] * 10) * 155, 1) == 155  # 155.00000000000003
    assert billed_units(152.5, 1) == 153
    assert billed_units(0, 1) == 0


@settings(max_examples=300)
@given(
    vial=st.sampled_from([100, 200]),
    vials=st.integers(1, 3),
    half_units=st.integers(1, 1200),
)
def test_billed_and_discarded_add_up_to_the_vials_opened_whenever_there_is_waste(
    protocol: Protocol, vial: int, vials: int, half_units: int
) -> None:
    administered = half_units / 2
    wasted = units_wasted(vial, vials, administered)
    drug = {
        line.modifier: line.units
        for line in billing_lines(protocol.billing, administered, wasted)
        if line.code == protocol.billing.drug_code
    }
    billed = drug.get("", drug.get("JZ", 0))
    assert billed == math.ceil(administered)
    assert all(units > 0 for units in drug.values())
    assert ("JW" in drug) != ("JZ" in drug)
    if wasted > 0:
        assert billed + drug.get("JW", 0) == units_opened(vial, vials)


def test_dilution_figures_read_to_two_decimals() -> None:
    assert [dilution_figure(v) for v in (50.0, 200 / 6, 100 / 30, 2000.0, 12.5)] == [
        "50",
        "33.33",
        "3.33",
        "2000",
        "12.5",
    ]
