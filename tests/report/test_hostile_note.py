"""Hostile input on the note, by hypothesis: markup, control characters, lone surrogates, many scripts and 10,000
characters in free text render, and the extracted text contains what the user typed (what can print of it)."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charting.domain.protocol import Protocol
from charting.report.render import render_note
from charting.report.text import printable
from tests.report.notes import note_of, pages_text, session

SCRIPTS = "".join(
    (
        "abcxyzABCXYZ0123456789",
        "éèüßøåçñ",  # Latin with accents
        "αβγΔΩ",  # Greek
        "жзийЖЗ",  # Cyrillic
        "中文字頭痛",  # Han
        "<>&\"'/\\;=%#{}[]",  # markup and quoting
        "\x00\x07\x1b\x7f",  # control characters
        "\ud800\udfff",  # lone surrogates
        "     ",
    )
)
"""What the fuzzed text is made of: the scripts the note's fonts draw, markup, control characters and halves of
characters (right-to-left and Hangul are checked by example below)."""


def without_space(text: str) -> str:
    """Text without white space: line breaks may fall anywhere inside a long word."""
    return re.sub(r"\s+", "", text)


def note_text(protocol: Protocol, text: str) -> str:
    chart = replace(session(protocol), comments=text, deviation_reason=text)
    return without_space(" ".join(pages_text(render_note(note_of(protocol, chart)))))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=SCRIPTS, min_size=1, max_size=300))
def test_free_text_prints_as_typed(protocol: Protocol, text: str) -> None:
    expected = without_space(printable(text))
    assert expected in note_text(protocol, text)


def test_ten_thousand_characters_print_in_full(protocol: Protocol) -> None:
    text = "headache " * 1100  # 9,900 characters and more
    assert len(text) >= 9900
    assert note_text(protocol, text).count("headache") >= 2 * 1100  # in the comments and in the deviation reason


def test_right_to_left_text_prints_in_reading_order(protocol: Protocol) -> None:
    """Hebrew and Arabic are drawn right to left: the extracted text has them in visual order."""
    printed = note_text(protocol, "evil \u202e שלום مرحبا end")
    assert "evil" in printed and "end" in printed
    assert "שלום"[::-1] in printed or "שלום" in printed
