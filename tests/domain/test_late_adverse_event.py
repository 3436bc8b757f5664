"""An adverse event reported after signing is worded as one sentence, in the note's words for an adverse event."""

from __future__ import annotations

from charting.domain.marking import LATE_ADVERSE_EVENT, adverse_event_text, late_adverse_event_text
from charting.domain.session import AdverseEvent

NECK_WEAKNESS = AdverseEvent("Neck weakness or stiffness", onset="days later", severity="mild", action="none")


def test_the_sentence_is_the_notes_wording_after_its_heading() -> None:
    assert late_adverse_event_text(NECK_WEAKNESS) == (
        "Adverse event reported after signing: Neck weakness or stiffness; onset days later; severity mild; "
        "action: none."
    )
    assert late_adverse_event_text(NECK_WEAKNESS) == f"{LATE_ADVERSE_EVENT}: {adverse_event_text(NECK_WEAKNESS)}."


def test_typed_spaces_and_a_final_full_stop_are_not_doubled() -> None:
    typed = AdverseEvent(" Other ", onset=" 2 weeks later ", severity="moderate ", action=" observed", detail="Ptosis.")
    assert late_adverse_event_text(typed) == (
        "Adverse event reported after signing: Other; onset 2 weeks later; severity moderate; action: observed; Ptosis."
    )
