"""Rules (units, caps, product, lot, dilution) and billing (waste, JW/JZ) against the reference, sections 1-3, 6."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charting.domain import marking, rules
from charting.domain.billing import billing_lines, concentration_units_per_ml, units_wasted, volume_ml
from charting.domain.protocol import Protocol
from charting.domain.rules import Finding, Level, evaluate, ftp_addition_refusal, signing_blockers
from charting.domain.session import Session
from charting.domain.settings import ClinicalSettings
from charting.domain.totals import compute_totals
from tests.sessions import ready_session


def codes(findings: tuple[rules.Finding, ...] | list[rules.Finding]) -> dict[str, Level]:
    return {f.code: f.level for f in findings}


def with_ftp(session: Session, protocol: Protocol, muscle: str, count: int) -> Session:
    region = next(r for r in protocol.regions if r.muscle == muscle)
    x, y = region.polygon[0]
    for _ in range(count):
        session, _ = marking.add_ftp(session, protocol, muscle, side=region.side, view=region.view, x=x, y=y)
    return session


# --- dilution, waste, billing ------------------------------------------------------------------------------


def test_concentration_and_volume() -> None:
    assert concentration_units_per_ml(200, 4) == 50
    assert concentration_units_per_ml(100, 2) == 50
    assert volume_ml(5, 50) == pytest.approx(0.1)
    assert volume_ml(155, 50) == pytest.approx(3.1)
    assert concentration_units_per_ml(200, None) is None
    assert concentration_units_per_ml(200, 0) is None
    assert volume_ml(5, None) is None


@pytest.mark.parametrize(
    ("vial", "vials", "given_units", "wasted"),
    [(200, 1, 155, 45), (100, 2, 155, 45), (200, 1, 195, 5), (100, 2, 200, 0), (200, 1, 250, 0)],
)
def test_waste(vial: int, vials: int, given_units: float, wasted: float) -> None:
    assert units_wasted(vial, vials, given_units) == wasted


def test_billing_155_from_200(protocol: Protocol) -> None:
    lines = billing_lines(protocol.billing, 155, 45)
    assert [(line.label, line.units) for line in lines] == [("64615", 1), ("J0585", 155), ("J0585-JW", 45)]


def test_billing_195_from_200(protocol: Protocol) -> None:
    lines = billing_lines(protocol.billing, 195, 5)
    assert [(line.label, line.units) for line in lines] == [("64615", 1), ("J0585", 195), ("J0585-JW", 5)]


def test_billing_no_waste_uses_jz(protocol: Protocol) -> None:
    lines = billing_lines(protocol.billing, 200, 0)
    assert [(line.label, line.units) for line in lines] == [("64615", 1), ("J0585-JZ", 200)]


def test_cpt_once_never_modifier_50(protocol: Protocol) -> None:
    for administered, wasted in ((155, 45), (195, 5), (200, 0)):
        lines = billing_lines(protocol.billing, administered, wasted)
        cpt = [line for line in lines if line.code == "64615"]
        assert len(cpt) == 1
        assert cpt[0].modifier == ""


@settings(max_examples=200)
@given(
    vial=st.sampled_from([100, 200]),
    vials=st.integers(0, 4),
    administered=st.floats(0, 1000, allow_nan=False),
)
def test_waste_never_negative_and_billing_adds_up(
    protocol: Protocol, vial: int, vials: int, administered: float
) -> None:
    wasted = units_wasted(vial, vials, administered)
    assert wasted >= 0
    if administered <= vial * vials:
        assert administered + wasted == pytest.approx(vial * vials)
    lines = billing_lines(protocol.billing, administered, wasted)
    drug = [line for line in lines if line.code == "J0585"]
    if administered > 0:
        billed = sum(line.units for line in drug)  # whole claim units covering the dose and the waste
        assert all(isinstance(line.units, int) for line in drug)
        assert administered <= billed <= administered + wasted + 1
        assert any(line.modifier in ("JW", "JZ") for line in drug)


# --- rules ------------------------------------------------------------------------------------------------


def test_standard_session_has_no_blockers(protocol: Protocol) -> None:
    findings = evaluate(ready_session(protocol), protocol)
    assert signing_blockers(findings) == []
    assert "above_label_dose" not in codes(findings)


def test_units_not_in_half_steps_refused(protocol: Protocol) -> None:
    s = marking.set_units(ready_session(protocol), "COR_L_1", 5.25)
    assert codes(evaluate(s, protocol))["units_step"] is Level.REFUSAL


def test_non_default_dose_flagged(protocol: Protocol) -> None:
    s = marking.set_units(ready_session(protocol), "COR_L_1", 2.5)
    findings = evaluate(s, protocol)
    assert codes(findings)["units_non_default"] is Level.INFO
    assert any("Left corrugator: 2.5 U instead of the protocol's 5 U" in f.message for f in findings)


def test_nan_units_answer_with_a_finding(protocol: Protocol) -> None:
    s = ready_session(protocol)
    bad = replace(s.injections[0], units=float("nan"))
    s = replace(s, injections=(bad, *s.injections[1:]))
    assert codes(evaluate(s, protocol))["units_invalid"] is Level.REFUSAL


def test_above_label_dose_is_a_notice(protocol: Protocol) -> None:
    s = with_ftp(ready_session(protocol), protocol, "temporalis", 1)
    findings = evaluate(s, protocol)
    assert codes(findings)["above_label_dose"] is Level.INFO
    assert any("exceeds the US label dose" in f.message for f in findings)
    assert signing_blockers(findings) == []


def test_195_units_39_sites_accepted(protocol: Protocol) -> None:
    s = ready_session(protocol)
    s = with_ftp(s, protocol, "temporalis", 2)
    s = with_ftp(s, protocol, "occipitalis", 2)
    s = with_ftp(s, protocol, "trapezius", 4)
    totals = compute_totals(s, protocol)
    assert (totals.total_units, totals.total_sites) == (195, 39)
    assert signing_blockers(evaluate(s, protocol)) == []


def test_muscle_cap_refused_then_deviation(protocol: Protocol) -> None:
    s = with_ftp(ready_session(protocol), protocol, "temporalis", 3)
    found = codes(evaluate(s, protocol))
    assert found["ftp_extra_sites"] is Level.REFUSAL
    assert found["muscle_cap"] is Level.REFUSAL
    deviated = replace(s, deviation_reason="Bitemporal pain predominant; discussed with patient")
    findings = evaluate(deviated, protocol)
    assert codes(findings)["muscle_cap"] is Level.WARNING
    assert signing_blockers(findings) == []
    assert any("off-protocol deviation recorded (Bitemporal" in f.message for f in findings)


def test_above_195_refused(protocol: Protocol) -> None:
    s = ready_session(protocol)
    s = with_ftp(s, protocol, "temporalis", 2)
    s = with_ftp(s, protocol, "occipitalis", 2)
    s = with_ftp(s, protocol, "trapezius", 4)
    s = marking.set_units(s, "FRO_L_1", 10)
    found = codes(evaluate(s, protocol))
    assert found["max_units"] is Level.REFUSAL


def test_above_39_sites_refused(protocol: Protocol) -> None:
    s = ready_session(protocol, deviation_reason="")
    s = with_ftp(s, protocol, "trapezius", 4)
    s = with_ftp(s, protocol, "temporalis", 2)
    s = with_ftp(s, protocol, "occipitalis", 3)
    found = codes(evaluate(s, protocol))
    assert found["max_sites"] is Level.REFUSAL


def test_ftp_addition_refusal_names_the_cap(protocol: Protocol) -> None:
    s = ready_session(protocol)
    assert ftp_addition_refusal(s, protocol, "temporalis") is None
    s = with_ftp(s, protocol, "temporalis", 2)
    refusal = ftp_addition_refusal(s, protocol, "temporalis")
    assert refusal is not None
    assert refusal.code == "ftp_extra_sites"
    assert "Temporalis" in refusal.message
    frontalis = ftp_addition_refusal(s, protocol, "frontalis")
    assert frontalis is not None
    assert frontalis.code == "ftp_not_allowed"


def test_ftp_addition_refusal_on_units_cap(protocol: Protocol) -> None:
    s = marking.set_units(ready_session(protocol), "TRA_L_1", 25)
    refusal = ftp_addition_refusal(s, protocol, "trapezius")
    assert refusal is not None
    assert refusal.code == "muscle_cap"


def test_expired_lot_refused(protocol: Protocol) -> None:
    s = ready_session(protocol, lot_expiry=date(2026, 11, 24))
    findings = evaluate(s, protocol)
    assert codes(findings)["lot_expired"] is Level.REFUSAL
    assert any("expired on 2026-11-24" in f.message for f in findings)
    assert "lot_expired" not in codes(evaluate(ready_session(protocol, lot_expiry=date(2026, 11, 25)), protocol))


def test_lot_and_expiry_required(protocol: Protocol) -> None:
    found = codes(evaluate(ready_session(protocol, lot_number="", lot_expiry=None), protocol))
    assert found["lot_missing"] is Level.REFUSAL
    assert found["expiry_missing"] is Level.REFUSAL


def test_cosmetic_warns(protocol: Protocol) -> None:
    s = ready_session(protocol, product_id="botox_cosmetic_100", vial_units=100, vials_opened=2, saline_ml=2.0)
    findings = evaluate(s, protocol)
    assert codes(findings)["product_cosmetic"] is Level.WARNING
    assert any("insurers do not pay" in f.message for f in findings)


def test_dilution(protocol: Protocol) -> None:
    assert codes(evaluate(ready_session(protocol, saline_ml=None), protocol))["dilution_missing"] is Level.REFUSAL
    odd = evaluate(ready_session(protocol, saline_ml=2.0), protocol)
    assert codes(odd)["dilution_non_standard"] is Level.WARNING
    assert "dilution_non_standard" not in codes(
        evaluate(
            ready_session(protocol, product_id="botox_100", vial_units=100, vials_opened=2, saline_ml=2.0), protocol
        )
    )


def test_reconstitution_age(protocol: Protocol) -> None:
    made = datetime(2026, 11, 24, 8, 0)
    s = ready_session(protocol, reconstituted_at=made)
    fresh = evaluate(s, protocol, now=made + timedelta(hours=24))
    assert "reconstitution_old" not in codes(fresh)
    old = evaluate(s, protocol, now=made + timedelta(hours=24, minutes=1))
    assert codes(old)["reconstitution_old"] is Level.WARNING
    older_label = evaluate(s, protocol, ClinicalSettings(reconstitution_hours=4), now=made + timedelta(hours=5))
    assert "reconstitution_old" in codes(older_label)


def test_vials_short(protocol: Protocol) -> None:
    s = ready_session(protocol, product_id="botox_100", vial_units=100, vials_opened=1, saline_ml=2.0)
    assert codes(evaluate(s, protocol))["vials_short"] is Level.REFUSAL


def test_consent_timeout_and_injections_required(protocol: Protocol) -> None:
    s = ready_session(protocol, consent=False, time_out=False, injections=())
    found = codes(evaluate(s, protocol))
    assert found["consent_missing"] is Level.REFUSAL
    assert found["time_out_missing"] is Level.REFUSAL
    assert found["no_injections"] is Level.REFUSAL


def test_refusals_come_first(protocol: Protocol) -> None:
    s = ready_session(protocol, consent=False, product_id="botox_cosmetic_100")
    levels = [f.level for f in evaluate(s, protocol)]
    assert levels == sorted(levels, key=[Level.REFUSAL, Level.WARNING, Level.INFO].index)


ftp_plan = st.lists(st.sampled_from(["temporalis", "occipitalis", "trapezius"]), max_size=14)


@settings(max_examples=80, deadline=None)
@given(plan=ftp_plan, extra_units=st.lists(st.integers(0, 6), min_size=31, max_size=31))
def test_no_accepted_session_above_a_cap_without_deviation(
    protocol: Protocol, plan: list[str], extra_units: list[int]
) -> None:
    s = ready_session(protocol)
    for site, extra in zip(protocol.sites, extra_units, strict=True):
        if extra:
            s = marking.set_units(s, site.id, site.units + extra * protocol.dose_step_units)
    for muscle in plan:
        s = with_ftp(s, protocol, muscle, 1)
    if signing_blockers(evaluate(s, protocol)):
        return
    totals = compute_totals(s, protocol)
    assert totals.total_units <= protocol.max_units
    assert totals.total_sites <= protocol.max_sites
    for muscle in totals.muscles:
        assert muscle.units <= muscle.cap_units
        assert muscle.sites <= muscle.cap_sites


def test_reconstitution_age_across_naive_and_aware_times(protocol: Protocol) -> None:
    made = datetime(2026, 11, 24, 8, 0).astimezone()
    s = ready_session(protocol, reconstituted_at=made)
    later_naive = made.replace(tzinfo=None) + timedelta(hours=25)
    assert "reconstitution_old" in codes(evaluate(s, protocol, now=later_naive))
    naive_made = ready_session(protocol, reconstituted_at=made.replace(tzinfo=None))
    assert "reconstitution_old" not in codes(evaluate(naive_made, protocol, now=made + timedelta(hours=1)))


def test_diagnosis_code(protocol: Protocol) -> None:
    assert codes(evaluate(ready_session(protocol, diagnosis_code=""), protocol))["diagnosis_missing"] is Level.REFUSAL
    episodic = evaluate(ready_session(protocol, diagnosis_code="G43.009"), protocol)
    assert codes(episodic)["diagnosis_unlisted"] is Level.WARNING
    assert any("G43.009 is not a code this protocol is indicated for" in f.message for f in episodic)
    for listed in protocol.diagnoses:
        found = codes(evaluate(ready_session(protocol, diagnosis_code=listed.code), protocol))
        assert "diagnosis_missing" not in found and "diagnosis_unlisted" not in found


def test_a_session_dated_after_today_is_refused(protocol: Protocol) -> None:
    s = ready_session(protocol)  # dated 2026-11-25
    on_the_day = datetime(2026, 11, 25, 9, 0).astimezone()
    assert "service_date_future" not in codes(evaluate(s, protocol, now=on_the_day))
    the_day_before = codes(evaluate(s, protocol, now=on_the_day - timedelta(days=1)))
    assert the_day_before["service_date_future"] is Level.REFUSAL
    assert "service_date_future" not in codes(evaluate(s, protocol)), "without a clock, no date is judged"


def test_a_finding_states_its_fact_without_the_instruction() -> None:
    """The printed note carries findings as facts: the part of the message before "; what to do"."""
    finding = Finding(
        Level.WARNING, "dilution", "4 mL for a 100 U vial gives 25 U/mL, not 50 U/mL; check the dilution."
    )
    assert finding.statement == "4 mL for a 100 U vial gives 25 U/mL, not 50 U/mL."
    assert Finding(Level.INFO, "plain", "Total 165 U exceeds the US label dose.").statement == (
        "Total 165 U exceeds the US label dose."
    )
