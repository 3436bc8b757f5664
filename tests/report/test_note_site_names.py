"""The printed note names sites in words an injector and an insurer read: no database id reaches the page, and the
follow-the-pain sites are counted by muscle and side (read back from the PDF with pypdf)."""

from __future__ import annotations

import re

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.report.render import render_note
from tests.report.notes import flat, note_of, pages_text, session, signed, with_ftp, worst_note

SITE_ID = re.compile(r"[A-Z]{3}_[LRM]_")


def test_the_longest_note_prints_no_site_id_and_stays_one_page(protocol: Protocol) -> None:
    """39 sites, non-default doses at fixed and follow-the-pain sites, deviations, notices."""
    pages = pages_text(render_note(worst_note(protocol)))
    assert len(pages) == 1
    text = flat(pages[0])
    assert SITE_ID.findall(text) == []
    assert "Left temporalis, follow-the-pain 1: 10 U instead of the protocol's 5 U." in text
    assert "Left occipitalis, site 1: 7.5 U instead of the protocol's 5 U." in text


def test_skipped_sites_and_follow_the_pain_in_words(protocol: Protocol) -> None:
    chart = marking.skip(with_ftp(protocol, session(protocol)), protocol, "OCC_R_3", "Scalp abrasion")
    chart = marking.skip(chart, protocol, "PRO_M_1", "Patient declined")
    note = note_of(protocol, signed(chart))
    assert note.skipped_sites == ("Right occipitalis, site 3: Scalp abrasion", "Procerus: Patient declined")
    assert note.ftp_sites == (
        "Temporalis: 1 left (5 U), 1 right (5 U)",
        "Occipitalis: 1 left (5 U), 1 right (5 U)",
        "Trapezius: 2 left (10 U), 2 right (10 U)",
    )
    text = flat(" ".join(pages_text(render_note(note))))
    assert "Follow-the-pain sites: Temporalis: 1 left (5 U), 1 right (5 U); Occipitalis:" in text
    assert "Skipped sites: Right occipitalis, site 3: Scalp abrasion; Procerus: Patient declined" in text
    assert SITE_ID.findall(text) == []


def test_follow_the_pain_of_one_side_only(protocol: Protocol) -> None:
    chart = with_ftp(protocol, session(protocol), count=6)
    note = note_of(protocol, signed(chart))
    assert note.ftp_sites[-1] == "Trapezius: 2 left (10 U)"
