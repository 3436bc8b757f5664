"""The demo places follow-the-pain sites at free spots: no marker hides another in the window."""

from __future__ import annotations

import math
import random
from datetime import date
from pathlib import Path

from charting.domain import marking
from charting.domain.protocol import Protocol
from charting.domain.session import Kind, Session
from charting.storage import Repository, open_database
from charting.storage.demo import DEMO_SEED, add_follow_the_pain, fill_demo


def crowded_pairs(session: Session, protocol: Protocol) -> list[tuple[str, str]]:
    """Each follow-the-pain site closer than the marker clearance to another marker of its view."""
    pairs = []
    for inj in session.injections:
        if inj.kind is not Kind.FTP:
            continue
        near = marking.crowding_site(
            session, protocol, inj.view, inj.x, inj.y, clearance=marking.MARKER_CLEARANCE_UNITS, ignore=inj.site_id
        )
        if near:
            pairs.append((inj.site_id, near))
    return pairs


def test_the_demo_clinic_has_follow_the_pain_sites_and_none_covers_a_marker(tmp_path: Path, protocol: Protocol) -> None:
    repo = Repository(open_database(tmp_path / "demo.db"), protocol=protocol)
    fill_demo(repo, patients=40, seed=DEMO_SEED, today=date(2026, 11, 25))
    sessions = [s for summary in repo.session_summaries() for s in [repo.load_session(summary.id)]]
    with_ftp = [s for s in sessions if any(inj.kind is Kind.FTP for inj in s.injections)]
    assert with_ftp, "the demo shows follow-the-pain"
    assert [crowded_pairs(s, protocol) for s in with_ftp] == [[] for _ in with_ftp]


def cut_by_the_edge(session: Session, protocol: Protocol) -> list[str]:
    """Each follow-the-pain site nearer its view's edge than a whole marker reaches (the marker would be cut)."""
    margin = marking.MARKER_EDGE_UNITS
    return [
        inj.site_id
        for inj in session.injections
        if inj.kind is Kind.FTP
        and not (
            margin <= inj.x <= protocol.view(inj.view).width - margin
            and margin <= inj.y <= protocol.view(inj.view).height - margin
        )
    ]


def test_many_draws_never_place_a_site_on_another_or_at_an_edge(protocol: Protocol) -> None:
    session = marking.apply_protocol(Session(performed_on=date(2026, 11, 25)), protocol)
    placed = 0
    for seed in range(200):
        drawn = add_follow_the_pain(session, protocol, random.Random(seed))
        assert crowded_pairs(drawn, protocol) == [], seed
        assert cut_by_the_edge(drawn, protocol) == [], seed
        placed += len(drawn.injections) - len(session.injections)
    assert placed > 200, "free spots are found, not given up on"


def test_the_clearance_separates_every_fixed_site_pair_of_a_view(protocol: Protocol) -> None:
    """The fixed sites themselves keep the clearance, so it can be applied to them without refusing the protocol."""
    for a in protocol.sites:
        for b in protocol.sites:
            if a.id < b.id and a.view == b.view:
                assert math.dist((a.x, a.y), (b.x, b.y)) >= marking.MARKER_CLEARANCE_UNITS, (a.id, b.id)
