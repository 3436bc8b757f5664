"""A follow-the-pain site held for the deviation question says where it was placed once it is made."""

from __future__ import annotations

import math

from pytestqt.qtbot import QtBot

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.domain.session import Kind
from charting.ui.session_model import ExcessQuestion, SessionModel
from tests.sessions import ready_session

CLEARANCE = marking.MARKER_CLEARANCE_UNITS


def test_a_held_crowded_addition_says_where_it_was_placed_once_made(protocol: Protocol, qtbot: QtBot) -> None:
    model = SessionModel(protocol, ready_session(protocol, deviation_reason="Bitemporal pain predominant"))
    asked: list[ExcessQuestion] = []
    notes: list[str] = []
    model.ask_excess = asked.append
    model.change_noted.connect(notes.append)
    model.set_ftp_mode(True)
    area = marking.ftp_region(protocol, "temporalis", "left")
    assert area is not None
    for _ in range(2):  # the temporalis's two follow-the-pain sites: within its cap, no question
        model.set_focus("TEM_L_1")
        assert model.add_ftp_by_focus(CLEARANCE)
    assert asked == []
    notes.clear()
    site = protocol.site("TEM_L_2")
    click = (site.x + 4, site.y + 3)  # crowded: beside the marker
    assert model.add_ftp_at(area.view, *click, CLEARANCE) == "", "held for the question"
    assert len(asked) == 1 and notes == []
    assert model.keep_reason_for_held()
    (third,) = [i for i in model.session.injections if i.kind is Kind.FTP][2:]
    assert (third.x, third.y) != click and math.dist((third.x, third.y), click) <= CLEARANCE
    assert notes == ["Placed at the nearest free spot in the left temporalis."]
