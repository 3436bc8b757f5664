"""The frozen note data, field by field: what the printed note says comes from here."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from charting.domain import marking
from charting.domain.people import Addendum
from charting.domain.protocol import Protocol
from charting.domain.settings import ClinicalSettings
from charting.report.note import DRAFT_MARK, MuscleRow, NoteBillingLine, ProcedureNote
from tests.report.notes import (
    PREVIOUS,
    PRINTED_AT,
    SIGNED_AT,
    adverse_event,
    note_of,
    session,
    signed,
    with_ftp,
)


def billing(note: ProcedureNote) -> list[tuple[str, str]]:
    return [(line.code, line.units) for line in note.billing]


def test_standard_155_units_from_one_200_unit_vial(protocol: Protocol) -> None:
    note = note_of(protocol, signed(session(protocol)))
    assert billing(note) == [("64615", "1"), ("J0585", "155"), ("J0585-JW", "45")]
    assert note.billing[0] == NoteBillingLine("64615", "1", protocol.billing.procedure_description, "procedure")
    assert note.billing[2].meaning == "units discarded (waste)"
    assert note.units_administered == "155 U"
    assert note.units_wasted == "45 U"
    assert note.units_opened == "200 U"
    assert note.sites_injected == "31"
    assert note.volume == "3.10 mL"
    assert note.ftp_sites == ()
    assert note.skipped_sites == ()
    assert note.deviations == ()
    assert note.deviation_reason == ""


def test_muscle_table_by_side_against_the_protocol(protocol: Protocol) -> None:
    note = note_of(protocol, signed(session(protocol)))
    rows = {row.muscle: row for row in note.muscle_rows}
    assert [row.muscle for row in note.muscle_rows] == [m.label for m in protocol.muscles]
    assert rows["Corrugator"] == MuscleRow("Corrugator", "5 U (1)", "5 U (1)", "-", "10 U (2)", "10 U (2)", 0)
    assert rows["Procerus"] == MuscleRow("Procerus", "-", "-", "5 U (1)", "5 U (1)", "5 U (1)", 0)
    assert rows["Temporalis"].total == "40 U (8)"
    assert note.total_row == MuscleRow("Total", "75 U (15)", "75 U (15)", "5 U (1)", "155 U (31)", "155 U (31)", 0)


def test_195_units_with_eight_follow_the_pain_sites(protocol: Protocol) -> None:
    note = note_of(protocol, signed(with_ftp(protocol, session(protocol))))
    assert billing(note) == [("64615", "1"), ("J0585", "195"), ("J0585-JW", "5")]
    assert note.sites_injected == "39"
    assert note.ftp_sites == (
        "Temporalis: 1 left (5 U), 1 right (5 U)",
        "Occipitalis: 1 left (5 U), 1 right (5 U)",
        "Trapezius: 2 left (10 U), 2 right (10 U)",
    )
    rows = {row.muscle: row for row in note.muscle_rows}
    assert rows["Trapezius"].ftp_sites == 4
    assert rows["Trapezius"].total == "50 U (10)"
    assert note.total_row.total == "195 U (39)"
    assert note.deviations == (), "155-195 U is within PREEMPT: a notice, not a deviation"
    assert note.notices == ("Total 195 U exceeds the US label dose of 155 U (within the 195 U follow-the-pain range).",)
    ftp_marks = [mark for mark in note.marks if mark.state == "ftp"]
    assert [(m.site_id, m.view, m.x, m.y, m.label) for m in ftp_marks][:1] == [("OCC_L_FTP1", "back", 128.0, 60.0, "5")]
    assert len(ftp_marks) == 8


def test_200_units_from_two_100_unit_vials_bills_jz_and_prints_the_deviation(protocol: Protocol) -> None:
    chart = with_ftp(protocol, session(protocol, vial_units=100, vials_opened=2))
    chart = marking.set_units(chart, "PRO_M_1", 10)
    chart = replace(chart, deviation_reason="Severe glabellar pain, discussed with the patient")
    note = note_of(protocol, signed(chart))
    assert billing(note) == [("64615", "1"), ("J0585-JZ", "200")]
    assert note.billing[1].meaning == "units administered, no waste"
    assert note.units_wasted == "0 U"
    assert note.deviation_reason == "Severe glabellar pain, discussed with the patient"
    assert "Total 200 U is above the maximum of 195 U." in note.deviations
    assert not any("Severe glabellar pain" in line for line in note.deviations), "the reason prints once, beside them"
    assert "Procerus: 10 U instead of the protocol's 5 U." in note.notices
    assert len(note.deviations) == 2, "the procerus cap and the 195 U maximum"
    assert ("Vials opened", "2 x 100 U vials") in note.product
    assert ("NDC", "00023-1145-01") in note.product


def test_skipped_sites_with_their_reasons(protocol: Protocol) -> None:
    chart = marking.skip(session(protocol), protocol, "CPS_L_2", "Infection at the site")
    note = note_of(protocol, signed(chart))
    assert note.skipped_sites == ("Left cervical paraspinal, site 2: Infection at the site",)
    assert note.units_administered == "150 U"
    assert billing(note)[2] == ("J0585-JW", "50")
    mark = next(m for m in note.marks if m.site_id == "CPS_L_2")
    assert (mark.state, mark.label) == ("skipped", "")


def test_marks_cover_every_protocol_site_at_its_coordinates(protocol: Protocol) -> None:
    chart = marking.unmark(session(protocol), "TRA_R_3")
    note = note_of(protocol, chart)
    by_id = {mark.site_id: mark for mark in note.marks}
    assert set(by_id) == {site.id for site in protocol.sites}
    for site in protocol.sites:
        assert (by_id[site.id].view, by_id[site.id].x, by_id[site.id].y) == (site.view, site.x, site.y)
    assert by_id["TRA_R_3"].state == "not_given"
    assert (by_id["COR_L_1"].state, by_id["COR_L_1"].label) == ("injected", "5")


def test_header_patient_and_visit(protocol: Protocol) -> None:
    note = note_of(protocol, signed(session(protocol)))
    assert note.clinic_name == "Lakeside Headache Clinic"
    assert note.clinic_address == "12 Harbour Road, Springfield IL 62701"
    assert note.clinic_phone == "(217) 555-0100"
    assert (note.patient_name, note.patient_dob, note.patient_age, note.patient_mrn) == (
        "DOE, Jane",
        "1980-04-02",
        "45 y",
        "10023",
    )
    assert note.patient_allergies == "penicillin"
    assert note.date_of_service == "2026-01-12"
    assert (note.injector, note.injector_npi) == ("Ana Núñez, MD", "1234567890")
    assert note.diagnosis == "G43.709 Chronic migraine without aura, not intractable, without status migrainosus"


def test_indication_checks_and_product(protocol: Protocol) -> None:
    note = note_of(protocol, signed(session(protocol)))
    assert note.indication == (
        ("Headache days", "22 a month (baseline)"),
        ("Hours a day", "8"),
        ("Failed preventives", "2: topiramate, amitriptyline"),
        (
            "Medication overuse",
            "assessed, no overuse (triptan/ergot/opioid/combination 8 d, simple analgesic 6 d a month)",
        ),
    )
    assert note.procedure_checks == (
        ("Consent obtained", "Yes"),
        ("Time-out performed", "Yes"),
        (
            "Contraindications",
            "checked: hypersensitivity to any botulinum toxin product; infection at a proposed injection site",
        ),
    )
    assert note.product == (
        ("Product", "BOTOX (onabotulinumtoxinA) 200 U"),
        ("NDC", "00023-3921-02"),
        ("Vials opened", "1 x 200 U vial"),
        ("Lot / expiry", "C1234A / 2027-03-31"),
        ("Reconstitution", "4 mL per vial of preservative-free 0.9% saline: 50 U/mL (5 U per 0.1 mL)"),
        ("Reconstituted at", "2026-01-12 09:05 +00:00"),
        ("Needle", "30 G 0.5 inch"),
    )


def test_unchecked_items_and_missing_figures_say_so(protocol: Protocol) -> None:
    chart = session(protocol, consent=False, contraindications_checked=False, saline_ml=None, lot_expiry=None)
    note = note_of(protocol, chart, baseline=None, previous=None)
    assert ("Consent obtained", "No") in note.procedure_checks
    assert ("Contraindications", "NOT checked") in note.procedure_checks
    assert ("Reconstitution", "not recorded") in note.product
    assert ("Lot / expiry", "C1234A / not recorded") in note.product
    assert note.volume == "not recorded"
    assert note.indication == (("Baseline", "not recorded"),)
    assert note.response == (
        "First treatment: no response to assess yet (baseline 9 headache days a month, from the first treatment visit)."
    ), "without a baseline record, the first treatment's figures are the baseline month"
    assert note.interval == "First session recorded (no previous session)."
    later = note_of(protocol, chart, baseline=None)
    assert later.response == "Response not assessed: no baseline headache days recorded."


def test_overuse_not_managed_is_flagged(protocol: Protocol) -> None:
    from tests.report.notes import BASELINE

    note = note_of(protocol, session(protocol), baseline=replace(BASELINE, specific_acute_days=12))
    assert dict(note.indication)["Medication overuse"].startswith("assessed, overuse NOT recorded as managed")


def test_outcomes_response_interval_and_next_due(protocol: Protocol) -> None:
    note = note_of(protocol, signed(session(protocol)))
    assert note.outcomes == (
        ("Headache days", "9"),
        ("Migraine days", "6"),
        ("Mod./severe days", "4"),
        ("Acute med. days", "5"),
        ("MIDAS", "14 (grade III, moderate disability)"),
        ("HIT-6", "58 (substantial impact)"),
    )
    assert note.response == ("9 headache days against a baseline of 22: 59% reduction, responder (threshold 30%).")
    assert note.interval == f"89 days since the previous session on {PREVIOUS.isoformat()}."
    assert note.next_due == "2026-04-06 (84 days after this session), due by 2026-04-13"
    strict = note_of(protocol, signed(session(protocol)), settings=ClinicalSettings(responder_threshold_pct=60))
    assert strict.response.endswith("not a responder (threshold 60%).")


def test_early_session_prints_its_reason(protocol: Protocol) -> None:
    chart = session(protocol, interval_reason="Travelling abroad for three months")
    note = note_of(protocol, signed(chart), previous=date(2025, 11, 1))
    assert note.interval == "72 days since the previous session on 2025-11-01.", "the reason prints once, in the notice"
    assert note.deviations == ()
    assert note.notices == (
        "Only 72 days since the previous session on 2025-11-01, before the 84-day interval payers generally require; "
        "reason recorded: Travelling abroad for three months.",
    )
    silent = note_of(protocol, signed(session(protocol)), previous=date(2025, 11, 1))
    assert silent.notices[0].endswith("; no reason recorded.")


def test_adverse_events_instructions_and_comments(protocol: Protocol) -> None:
    chart = session(protocol, adverse_events=(adverse_event(),), comments="  Tolerated well.  ")
    note = note_of(protocol, chart)
    assert note.adverse_events == ("Neck pain; onset day 2; severity mild; action: none",)
    assert note.instructions == protocol.post_procedure_instructions
    assert note.comments == "Tolerated well."


def test_signed_note_signature_and_dates(protocol: Protocol) -> None:
    chart = signed(session(protocol))
    note = note_of(protocol, chart)
    assert not note.is_draft
    assert note.signature == "Electronically signed by Ana Núñez, MD on 2026-01-12 10:32 +00:00"
    assert note.content_sha256 == chart.content_sha256
    assert len(note.content_sha256) == 64
    assert note.created_at == SIGNED_AT
    assert note.printed_at == ""
    assert note.document_id == f"session 42, content {chart.content_sha256[:12]}"


def test_draft_note_is_marked_and_dated_by_printing(protocol: Protocol) -> None:
    note = note_of(protocol, session(protocol))
    assert note.is_draft
    assert note.signature == DRAFT_MARK == "DRAFT - not signed"
    assert note.content_sha256 == ""
    assert note.created_at == PRINTED_AT
    assert note.printed_at == "2026-01-12 10:00 +00:00"


def test_addenda_oldest_first(protocol: Protocol) -> None:
    later = Addendum(42, "Second", "Ana Núñez, MD", datetime(2026, 1, 20, 9, 0, tzinfo=UTC))
    earlier = Addendum(42, "First", "Ana Núñez, MD", datetime(2026, 1, 15, 14, 0, tzinfo=UTC))
    note = note_of(protocol, signed(session(protocol)), addenda=(later, earlier))
    assert [(a.text, a.written_at) for a in note.addenda] == [
        ("First", "2026-01-15 14:00 +00:00"),
        ("Second", "2026-01-20 09:00 +00:00"),
    ]


def test_views_know_which_side_is_which(protocol: Protocol) -> None:
    views = {view.id: view for view in note_of(protocol, session(protocol)).views}
    assert (views["front"].viewer_left, views["front"].viewer_right) == ("R", "L")
    assert (views["back"].viewer_left, views["back"].viewer_right) == ("L", "R")
    assert (views["left"].viewer_left, views["left"].viewer_right) == ("", "")
    assert views["front"].diagram == "front.svg"


def test_the_note_is_frozen_and_holds_tuples(protocol: Protocol) -> None:
    note = note_of(protocol, signed(with_ftp(protocol, session(protocol))))
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.units_administered = "1 U"  # type: ignore[misc]
    for field in dataclasses.fields(note):
        assert not isinstance(getattr(note, field.name), list | dict | set), field.name
    hash(note)


def test_reconstitution_age_is_judged_at_signing(protocol: Protocol) -> None:
    old = session(protocol, reconstituted_at=datetime(2026, 1, 10, 8, 0, tzinfo=UTC))
    note = note_of(protocol, signed(old))
    assert note.notices == ("Reconstituted 51 hours before signing, more than the 24 hours allowed.",)
    # A reconstitution time without a time zone is compared on the wall clock, never a crash.
    naive = session(protocol, reconstituted_at=datetime(2026, 1, 10, 8, 0))
    assert note_of(protocol, signed(naive)).notices == note.notices


def test_half_unit_doses_bill_whole_units_and_print_the_exact_figures(protocol: Protocol) -> None:
    chart = marking.set_units(session(protocol), "PRO_M_1", 2.5)
    note = note_of(protocol, signed(chart))
    assert billing(note) == [("64615", "1"), ("J0585", "153"), ("J0585-JW", "47")]
    assert (note.units_administered, note.units_wasted) == ("152.5 U", "47.5 U")
