"""Chinese and Japanese text prints in the fallback font; text DejaVu covers never touches it."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.colors import black
from reportlab.pdfbase.pdfmetrics import stringWidth

from charting.domain.people import Addendum
from charting.domain.protocol import Protocol
from charting.domain.session import Patient
from charting.report import fonts
from charting.report.fonts import FALLBACK, font_runs, register_fonts
from charting.report.render import render_note
from charting.report.text import Run, break_lines, text_width
from tests.report.notes import PATIENT, flat, note_of, pages_text, session, signed, with_ftp

SANS, BOLD, _ = register_fonts()
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"
ADDENDUM = "电话随访：头痛明显减轻。患者は頭痛が改善したと報告した。"


def patient(family: str, given: str) -> Patient:
    return Patient(mrn="10023", family_name=family, given_name=given, dob=PATIENT.dob, id=7)


def cjk_pdf(protocol: Protocol, family: str, given: str) -> bytes:
    """A signed 39-site note for the patient, with one addendum in Chinese and Japanese."""
    addendum = Addendum(42, ADDENDUM, "Ana Núñez, MD", datetime(2026, 1, 15, 14, 0, tzinfo=UTC))
    chart = signed(with_ftp(protocol, session(protocol)))
    return render_note(note_of(protocol, chart, patient=patient(family, given), addenda=(addendum,)))


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_covered_text_is_one_run_in_its_own_font() -> None:
    assert font_runs("Παπαδοπούλου Жукова Nguyễn 195 U \u25cf", SANS) == (
        (SANS, "Παπαδοπούλου Жукова Nguyễn 195 U \u25cf"),
    )
    assert text_width("Ødegård 5 U", BOLD, 8.5) == stringWidth("Ødegård 5 U", BOLD, 8.5)


def test_characters_the_font_lacks_go_to_the_fallback_and_count_in_the_width() -> None:
    runs = font_runs("Дмитрий 李, 王 小明", BOLD)
    assert runs == (
        (BOLD, "Дмитрий "),
        (FALLBACK, "李"),
        (BOLD, ", "),
        (FALLBACK, "王"),
        (BOLD, " "),
        (FALLBACK, "小明"),
    )
    expected = sum(stringWidth(text, font, 9) for font, text in runs)
    assert text_width("Дмитрий 李, 王 小明", BOLD, 9) == pytest.approx(expected)
    assert stringWidth("小明", FALLBACK, 9) == pytest.approx(18.0), "the fallback's ideographs are 1 em wide"
    assert font_runs("\U0001f600", SANS) == ((SANS, "\U0001f600"),), "no font has it: stays in the primary font"


def test_a_line_of_ideographs_without_spaces_is_cut_to_the_width() -> None:
    lines = break_lines([Run(ADDENDUM * 3, SANS, black)], 8.5, 120)
    assert len(lines) > 1
    assert "".join(piece.text for line in lines for word in line for piece in word) == ADDENDUM * 3
    assert all(sum(piece.width for word in line for piece in word) <= 120 for line in lines)


def test_a_latin_note_never_uses_the_fallback_and_keeps_its_bytes(protocol: Protocol) -> None:
    latin = note_of(protocol, signed(with_ftp(protocol, session(protocol))))
    before = render_note(latin)
    assert FALLBACK not in font_names(before)
    cjk = cjk_pdf(protocol, "王", "小明")
    assert FALLBACK in font_names(cjk)
    assert render_note(latin) == before, "the fallback font, once registered, changes nothing for Latin text"


def test_a_cjk_name_and_addendum_extract_right_on_one_page(protocol: Protocol) -> None:
    pdf = cjk_pdf(protocol, "王", "小明")
    pages = pages_text(pdf)
    assert len(pages) == 1, "39 sites still fit one page"
    text = flat(pages[0])
    assert text.count("王, 小明") == 1, "in the bold header (the addendum is the regular face)"
    assert ADDENDUM in text
    assert "\x00" not in text
    assert {"DejaVuSans", "DejaVuSans-Bold", FALLBACK} <= font_names(pdf)


def test_a_mixed_latin_cyrillic_cjk_name_extracts_right(protocol: Protocol) -> None:
    text = flat(pages_text(cjk_pdf(protocol, "Li 李", "Дмитрий 小明 Zoë"))[0])
    assert text.count("LI 李, Дмитрий 小明 Zoë") == 1


def test_cjk_notes_are_deterministic_with_reused_subsets(protocol: Protocol) -> None:
    warm = cjk_pdf(protocol, "山田", "さくら")
    fonts.forget_subsets()
    assert cjk_pdf(protocol, "山田", "さくら") == warm


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_cjk_note_renders_for_a_look(protocol: Protocol, tmp_path: Path) -> None:
    """Render to PNG (kept in test-artifacts/report/ to look at: the header and the patient block)."""
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(cjk_pdf(protocol, "王", "小明 Дмитрий 李"))
    result = subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf), str(tmp_path / "note")],
        check=True,
        capture_output=True,
        text=True,
    )
    assert result.stderr == "", "poppler reads the fallback font without complaint"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "note.png", ARTIFACTS / "note-cjk.png")
