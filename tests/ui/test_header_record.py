"""The chairside window says exactly what is recorded: the deviation that lets follow-the-pain past a cap, the
diagnosis code, the saline per vial, and header fields that show their whole text at 1366x768."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox
from pytestqt.qtbot import QtBot

from charting.domain.billing import concentration_units_per_ml
from charting.domain.protocol import Protocol
from charting.domain.rules import BEYOND_CAP, CAP_CODES, Level, signing_blockers
from charting.domain.session import Kind
from charting.ui.header_panel import CHOOSE_DIAGNOSIS
from charting.ui.window import MainWindow
from tests.ui.conftest import draft_of, record_reason, save_screenshot
from tests.ui.test_charting_window import click_diagram, free_point

REASON = "Left temporal pain predominant, discussed with the patient"


def ftp_sites(window: MainWindow) -> list[str]:
    return [inj.site_id for inj in draft_of(window).injections if inj.kind is Kind.FTP]


def choose(combo: QComboBox, index: int) -> None:
    """Pick an item the way a user does: the combo shows it and says it was activated."""
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_a_deviation_reason_lets_a_third_temporalis_site_be_charted(
    charting: MainWindow, protocol: Protocol, qtbot: QtBot
) -> None:
    region = next(r for r in protocol.regions if r.muscle == "temporalis" and r.side == "left")
    cap = protocol.ftp_cap("temporalis")
    assert cap is not None
    charting.act_apply.trigger()
    qtbot.keyClick(charting.view, Qt.Key.Key_F)
    assert charting.model.ftp_mode
    taken: list[tuple[float, float]] = []
    for _ in range(cap.extra_sites):
        taken.append(free_point(protocol, region, taken))
        click_diagram(qtbot, charting, region.view, *taken[-1])
    assert len(ftp_sites(charting)) == cap.extra_sites
    third = free_point(protocol, region, taken)
    click_diagram(qtbot, charting, region.view, *third)
    assert len(ftp_sites(charting)) == cap.extra_sites
    assert "Temporalis" in charting.notice.text() and BEYOND_CAP in charting.notice.text()

    record_reason(charting, qtbot, REASON)
    assert charting.model.ftp_mode

    click_diagram(qtbot, charting, region.view, *third)
    assert len(ftp_sites(charting)) == cap.extra_sites + 1
    assert not charting.notice.isVisible(), "the refusal no longer applies"
    warnings = {f.code: f for f in charting.model.findings if f.level is Level.WARNING}
    assert {"ftp_extra_sites", "muscle_cap"} <= set(warnings)
    assert f"off-protocol deviation recorded ({REASON})" in warnings["ftp_extra_sites"].message
    assert not [f for f in signing_blockers(charting.model.findings) if f.code in CAP_CODES]
    assert "off-protocol deviation recorded" in charting.totals_panel.findings.text()
    save_screenshot(charting, "ftp-deviation")


def test_a_new_session_shows_the_clinics_default_diagnosis(charting: MainWindow) -> None:
    combo = charting.header_panel.diagnosis
    code = charting.settings.default_diagnosis
    assert draft_of(charting).diagnosis_code == code
    assert combo.currentData() == code
    assert combo.currentText().startswith(code)
    listed = charting.protocol.diagnosis(code)
    assert listed is not None and charting.header_panel.diagnosis_words.text() == listed.text


def test_no_diagnosis_recorded_shows_the_placeholder_and_writes_nothing(charting: MainWindow) -> None:
    header = charting.header_panel
    charting.model.update_header(diagnosis_code="")
    assert (header.diagnosis.currentText(), header.diagnosis.currentData()) == (CHOOSE_DIAGNOSIS, "")
    assert header.diagnosis_words.isHidden()
    assert "diagnosis_missing" in {f.code for f in signing_blockers(charting.model.findings)}
    header.lot.setText("C1234A")
    header.lot.editingFinished.emit()
    assert draft_of(charting).lot_number == "C1234A"
    assert draft_of(charting).diagnosis_code == ""
    choose(header.diagnosis, 2)
    chosen = charting.protocol.diagnoses[1].code
    assert draft_of(charting).diagnosis_code == chosen
    choose(header.diagnosis, 0)
    assert draft_of(charting).diagnosis_code == ""


def test_an_unlisted_code_shows_as_itself_until_another_is_chosen(charting: MainWindow) -> None:
    header = charting.header_panel
    listed = header.diagnosis.count()
    charting.model.update_header(diagnosis_code="G43.009")
    assert header.diagnosis.currentData() == "G43.009"
    assert header.diagnosis.currentText().startswith("G43.009")
    assert "not in the protocol's list" in header.diagnosis_words.text()
    assert header.diagnosis.count() == listed + 1
    charting.model.update_header(needle="27G 1 in")
    assert draft_of(charting).diagnosis_code == "G43.009"
    assert header.diagnosis.currentData() == "G43.009"
    choose(header.diagnosis, 1)
    assert draft_of(charting).diagnosis_code == charting.protocol.diagnoses[0].code
    assert header.diagnosis.count() == listed
    assert header.diagnosis.findData("G43.009") == -1


def test_the_saline_is_per_vial(charting: MainWindow, protocol: Protocol) -> None:
    header = charting.header_panel
    assert header.saline_label.text() == "Saline per vial"
    assert "one vial" in header.saline.toolTip()
    assert "2 mL for a 100 U vial" in header.saline.toolTip() and "4 mL for a 200 U vial" in header.saline.toolTip()
    choose(header.product, header.product.findData("botox_100"))
    header.vials.setValue(2)
    header.saline.setValue(2.0)
    session = draft_of(charting)
    assert (session.vial_units, session.vials_opened, session.saline_ml) == (100, 2, 2.0)
    assert concentration_units_per_ml(session.vial_units, session.saline_ml) == 50
    assert header.concentration.text() == "Each vial: 100 U in 2 mL = 50 U/mL, 5 U per 0.1 mL"
    assert "dilution_non_standard" not in {f.code for f in charting.model.findings}
    header.saline.setValue(4.0)
    assert header.concentration.text() == "Each vial: 100 U in 4 mL = 25 U/mL, 2.5 U per 0.1 mL"
    assert "dilution_non_standard" in {f.code for f in charting.model.findings}


def test_the_header_fits_its_column_at_1366x768_and_shows_whole_texts(charting: MainWindow, protocol: Protocol) -> None:
    header = charting.header_panel
    charting.model.update_header(product_id="botox_200", vial_units=200, needle=protocol.needle, injector="X" * 3)
    viewport = charting.header_scroll.viewport()
    assert charting.header_scroll.verticalScrollBar().maximum() == 0
    for editor in header.editors:
        right = editor.mapTo(header, editor.rect().topRight()).x()
        assert right < viewport.width(), editor
    for product in protocol.products:
        choose(header.product, header.product.findData(product.id))
        option = QStyleOptionComboBox()
        header.product.initStyleOption(option)
        field = header.product.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, header.product
        )
        if not product.cosmetic:  # the cosmetic product's longer name is cut, and shown whole under it
            assert header.product.fontMetrics().horizontalAdvance(product.name) <= field.width(), product.name
        assert header.product.toolTip() == product.name
    assert header.needle.toPlainText() == protocol.needle and header.needle.shows_all()
    assert header.diagnosis.toolTip() == header.diagnosis.currentText()
    assert header.diagnosis.currentText().endswith(header.diagnosis_words.text())
    save_screenshot(charting, "header")


def test_the_totals_say_what_the_max_column_means(charting: MainWindow, protocol: Protocol) -> None:
    cap = protocol.ftp_cap("temporalis")
    assert cap is not None
    _units, _sites, max_units, max_sites = charting.totals_panel.muscle_labels["temporalis"]
    sites = protocol.muscle("temporalis").sites + cap.extra_sites
    tip = f"Temporalis with follow-the-pain: at most {cap.max_units:g} U in {sites} sites"
    assert max_units.toolTip() == max_sites.toolTip() == tip
    assert charting.totals_panel.muscle_labels["frontalis"][2].toolTip() == ""


def test_a_change_that_goes_through_clears_the_refusal_shown_before_it(charting: MainWindow, qtbot: QtBot) -> None:
    charting.model.step_units(1)
    refusal = "Mark a site first, then change its units."
    assert charting.notice.isVisible() and charting.notice.text() == refusal
    assert charting.statusBar().currentMessage() == refusal
    qtbot.keyClick(charting.view, Qt.Key.Key_Space)
    assert draft_of(charting).injections
    assert not charting.notice.isVisible()
    assert charting.statusBar().currentMessage() == ""
