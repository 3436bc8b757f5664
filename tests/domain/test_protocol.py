"""The shipped protocol carries every number of the clinical reference, sections 1-2, and loading validates."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from charting.domain.protocol import Protocol, ProtocolError, load_protocol, parse_protocol
from charting.resources import protocol_path

REFERENCE_MUSCLES = {
    # muscle: (sites, units, left sites, right sites, midline sites, views)
    "corrugator": (2, 10, 1, 1, 0, {"front"}),
    "procerus": (1, 5, 0, 0, 1, {"front"}),
    "frontalis": (4, 20, 2, 2, 0, {"front"}),
    "temporalis": (8, 40, 4, 4, 0, {"left", "right"}),
    "occipitalis": (6, 30, 3, 3, 0, {"back"}),
    "cervical_paraspinal": (4, 20, 2, 2, 0, {"back"}),
    "trapezius": (6, 30, 3, 3, 0, {"back"}),
}

REFERENCE_IDS = {
    "COR_L_1", "COR_R_1", "PRO_M_1", "FRO_L_1", "FRO_L_2", "FRO_R_1", "FRO_R_2",
    *(f"TEM_{s}_{i}" for s in "LR" for i in range(1, 5)),
    *(f"OCC_{s}_{i}" for s in "LR" for i in range(1, 4)),
    *(f"CPS_{s}_{i}" for s in "LR" for i in range(1, 3)),
    *(f"TRA_{s}_{i}" for s in "LR" for i in range(1, 4)),
}  # fmt: skip


def raw_protocol() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(protocol_path().read_text(encoding="utf-8"))
    return data


def test_paradigm_totals(protocol: Protocol) -> None:
    assert len(protocol.sites) == 31
    assert sum(site.units for site in protocol.sites) == 155
    assert protocol.label_dose_units == 155
    assert protocol.max_units == 195
    assert protocol.max_sites == 39
    assert protocol.units_per_site == 5
    assert protocol.volume_per_site_ml == 0.1
    assert protocol.dose_step_units == 0.5
    assert protocol.adjust_step_units == 2.5
    assert protocol.common_doses_units == (2.5, 5, 7.5, 10)
    assert all(site.units == 5 for site in protocol.sites)


def test_site_ids_are_the_reference_ids(protocol: Protocol) -> None:
    assert {site.id for site in protocol.sites} == REFERENCE_IDS


@pytest.mark.parametrize("muscle", sorted(REFERENCE_MUSCLES))
def test_each_muscle_matches_the_reference(protocol: Protocol, muscle: str) -> None:
    sites, units, left, right, midline, views = REFERENCE_MUSCLES[muscle]
    mine = [site for site in protocol.sites if site.muscle == muscle]
    assert len(mine) == sites
    assert sum(site.units for site in mine) == units
    assert sum(site.side == "left" for site in mine) == left
    assert sum(site.side == "right" for site in mine) == right
    assert sum(site.side == "midline" for site in mine) == midline
    assert {site.view for site in mine} == views


def test_per_side_totals(protocol: Protocol) -> None:
    for side, expected_sites, expected_units in (("left", 15, 75), ("right", 15, 75), ("midline", 1, 5)):
        mine = [site for site in protocol.sites if site.side == side]
        assert len(mine) == expected_sites
        assert sum(site.units for site in mine) == expected_units


def test_side_letter_in_the_id_matches_the_side(protocol: Protocol) -> None:
    letters = {"left": "_L_", "right": "_R_", "midline": "_M_"}
    for site in protocol.sites:
        assert letters[site.side] in site.id


def test_follow_the_pain_caps(protocol: Protocol) -> None:
    caps = {cap.muscle: (cap.extra_sites, cap.max_units) for cap in protocol.follow_the_pain}
    assert caps == {"temporalis": (2, 50), "occipitalis": (2, 40), "trapezius": (4, 50)}
    assert protocol.muscle_cap_sites("temporalis") == 10
    assert protocol.muscle_cap_sites("occipitalis") == 8
    assert protocol.muscle_cap_sites("trapezius") == 10
    assert protocol.muscle_cap_units("frontalis") == 20
    assert sum(cap.extra_sites for cap in protocol.follow_the_pain) == 8


def test_products_and_ndc(protocol: Protocol) -> None:
    assert protocol.product("botox_100").ndc == "00023-1145-01"
    assert protocol.product("botox_100").vial_units == 100
    assert protocol.product("botox_200").ndc == "00023-3921-02"
    assert protocol.product("botox_200").vial_units == 200
    assert protocol.product("botox_cosmetic_100").cosmetic


def test_codes(protocol: Protocol) -> None:
    assert protocol.billing.procedure_code == "64615"
    assert protocol.billing.drug_code == "J0585"
    assert protocol.billing.units_per_billing_unit == 1
    assert protocol.billing.waste_modifier == "JW"
    assert protocol.billing.no_waste_modifier == "JZ"
    codes = {d.code for d in protocol.diagnoses}
    assert codes == {"G43.709", "G43.701", "G43.719", "G43.711", "G43.E09", "G43.E01", "G43.E19", "G43.E11"}
    assert protocol.default_diagnosis == "G43.709"
    assert not any(code.startswith(("G43.0", "G43.1")) for code in codes)


def test_every_site_lies_in_its_view(protocol: Protocol) -> None:
    for site in protocol.sites:
        view = protocol.view(site.view)
        assert 0 <= site.x <= view.width
        assert 0 <= site.y <= view.height


def test_sites_of_a_view_are_well_apart(protocol: Protocol) -> None:
    """Markers 28-32 px across at about 1:1 must not overlap: at least 36 diagram units between centres."""
    for view in protocol.views:
        sites = protocol.sites_in_view(view.id)
        for i, a in enumerate(sites):
            for b in sites[i + 1 :]:
                assert math.dist((a.x, a.y), (b.x, b.y)) >= 36, (a.id, b.id)


def test_ftp_muscle_sites_lie_in_their_regions(protocol: Protocol) -> None:
    for site in protocol.sites:
        if protocol.ftp_cap(site.muscle) is None:
            continue
        region = protocol.region_at(site.view, site.x, site.y)
        assert region is not None, site.id
        assert (region.muscle, region.side) == (site.muscle, site.side)


def test_region_at_outside_every_region(protocol: Protocol) -> None:
    assert protocol.region_at("front", 200, 150) is None
    assert protocol.region_at("back", 1, 1) is None


def test_landmarks_are_text(protocol: Protocol) -> None:
    assert all(len(site.landmark) > 20 for site in protocol.sites)
    assert "1 cm above the rim" in protocol.site("COR_L_1").landmark


def test_lists_for_the_note(protocol: Protocol) -> None:
    assert "Breathing difficulty (urgent)" in protocol.adverse_events
    assert len(protocol.adverse_events) == 18
    assert any("1-2 weeks" in line for line in protocol.post_procedure_instructions)
    assert any("4 hours" in line for line in protocol.post_procedure_instructions)


# --- validation -------------------------------------------------------------------------------------------


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw_protocol())
    change(data)
    return data


def expect_error(data: Any, *fragments: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(data, "clinic.json")
    message = str(caught.value)
    assert "clinic.json" in message
    for fragment in fragments:
        assert fragment in message


def test_shipped_file_is_valid() -> None:
    assert parse_protocol(raw_protocol(), "x").id == "preempt"


def test_duplicate_site_id_refused() -> None:
    def dup(d: dict[str, Any]) -> None:
        d["sites"][1]["id"] = d["sites"][0]["id"]

    expect_error(broken(dup), "'sites'", "more than once")


def test_missing_key_named() -> None:
    expect_error(broken(lambda d: d.pop("max_units")), "'max_units'", "missing")


def test_unknown_muscle_named() -> None:
    def bad(d: dict[str, Any]) -> None:
        d["sites"][0]["muscle"] = "masseter"

    expect_error(broken(bad), "muscle", "masseter")


def test_asymmetric_muscle_refused() -> None:
    def asym(d: dict[str, Any]) -> None:
        site = next(s for s in d["sites"] if s["id"] == "TEM_R_4")
        site["side"] = "left"

    expect_error(broken(asym), "temporalis", "symmetric")


def test_site_count_mismatch_refused() -> None:
    def drop(d: dict[str, Any]) -> None:
        d["sites"] = [s for s in d["sites"] if s["id"] not in ("OCC_L_3", "OCC_R_3")]

    expect_error(broken(drop), "occipitalis", "declares 6 sites")


def test_sum_mismatch_refused() -> None:
    def units(d: dict[str, Any]) -> None:
        d["label_dose_units"] = 150

    expect_error(broken(units), "label_dose_units", "155")


def test_ftp_cap_inconsistent_refused() -> None:
    def cap(d: dict[str, Any]) -> None:
        d["follow_the_pain"]["trapezius"]["max_units"] = 60

    expect_error(broken(cap), "follow_the_pain.trapezius.max_units")


def test_adjust_step_must_be_whole_dose_steps() -> None:
    def bad(d: dict[str, Any]) -> None:
        d["adjust_step_units"] = 1.25

    expect_error(broken(bad), "adjust_step_units", "whole number of dose steps")


def test_adjust_step_defaults_to_the_dose_step() -> None:
    data = broken(lambda d: d.pop("adjust_step_units"))
    assert parse_protocol(data, "x").adjust_step_units == 0.5


def test_bad_number_refused() -> None:
    def bad(d: dict[str, Any]) -> None:
        d["sites"][0]["units"] = "five"

    expect_error(broken(bad), "units", "'five'")


def test_site_outside_its_view_refused() -> None:
    def bad(d: dict[str, Any]) -> None:
        d["sites"][0]["x"] = 9000

    expect_error(broken(bad), "outside")


def test_not_an_object_refused() -> None:
    expect_error([1, 2, 3], "expected an object")


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text('{"name": "x",\n  oops}', encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"mine\.json.*not valid JSON \(line 2"):
        load_protocol(path)


def test_missing_file_named(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match=r"nothere\.json cannot be read"):
        load_protocol(tmp_path / "nothere.json")


def test_another_protocol_needs_no_code_change(tmp_path: Path) -> None:
    """A clinic's own layout: two muscles, other doses; nothing assumes PREEMPT."""
    data = raw_protocol()
    data["id"] = "small"
    data["muscles"] = [
        {"id": "frontalis", "label": "Frontalis", "sites": 2, "units": 5, "layout": "bilateral"},
        {"id": "temporalis", "label": "Temporalis", "sites": 2, "units": 10, "layout": "bilateral"},
    ]
    data["sites"] = [s for s in data["sites"] if s["id"] in ("FRO_L_1", "FRO_R_1", "TEM_L_1", "TEM_R_1")]
    for s in data["sites"]:
        s["units"] = 2.5 if s["muscle"] == "frontalis" else 5
    data["label_dose_units"] = 15
    data["follow_the_pain"] = {"temporalis": {"extra_sites": 1, "max_units": 15}}
    data["follow_the_pain_regions"] = [r for r in data["follow_the_pain_regions"] if r["muscle"] == "temporalis"]
    data["max_sites"] = 5
    data["max_units"] = 20
    path = tmp_path / "small.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    small = load_protocol(path)
    assert small.label_dose_units == 15
    assert small.muscle_cap_sites("temporalis") == 3


def test_the_standard_saline_is_the_references_dilution(protocol: Protocol) -> None:
    """200 U in 4 mL or 100 U in 2 mL gives 5 U per 0.1 mL (clinical reference section 3), as the file lists."""
    assert protocol.standard_saline_ml(200) == 4.0 and protocol.standard_saline_ml(100) == 2.0
    listed = raw_protocol()["reconstitution"]["standard_saline_ml"]
    assert {int(units): ml for units, ml in listed.items()} == {
        units: protocol.standard_saline_ml(units) for units in (100, 200)
    }
