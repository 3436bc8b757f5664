"""The lot to confirm against the vial in hand, offered under the header's lot field: the lot in use today (that of
the day's latest session of the same product: the clinic's vials usually come from one box), else the lot of the
patient's last session.

A copied session does not carry the old lot: the vial in hand may be another. The offer fills the lot and expiry
in one click once the user has checked them against the vial; an expired lot is never offered, and says so.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from charting.domain.session import Session
from charting.ui import style
from charting.ui.session_model import SessionModel


def offered_lot(previous: Session | None, draft: Session) -> tuple[str, date] | None:
    """The previous session's lot and expiry when they may be used on the draft's date, else None."""
    if previous is None or not previous.lot_number.strip() or previous.lot_expiry is None:
        return None
    if previous.lot_expiry < draft.performed_on:
        return None
    return previous.lot_number.strip(), previous.lot_expiry


class LotOffer(QWidget):
    """ "Last used: C3034C3, exp 2027-05-23" and a "Use this lot" button, shown while the draft has no lot."""

    def __init__(self, model: SessionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.lot: tuple[str, date] | None = None
        """The lot and expiry offered, or None."""
        self.expired_text = ""
        """Said instead of an offer when the patient's last lot has expired."""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setStyleSheet(f"color: {style.MUTED.name()}")
        self.button = QPushButton("Use this lot")
        self.button.setToolTip("Fill the lot and expiry with these, once checked against the vial in hand")
        self.button.clicked.connect(self.use)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        model.session_changed.connect(self.on_session_changed)
        self.on_session_changed()

    def offer(self, previous: Session | None, open_vial: tuple[str, date] | None = None) -> None:
        """Offer the lot in use today, else the lot of the patient's previous session; an expired last lot is named
        as expired, with nothing to click."""
        last = offered_lot(previous, self.model.session)
        self.lot = open_vial or last
        self.expired_text = ""
        if open_vial is not None:
            self.label.setText(f"Lot in use today: {open_vial[0]}, exp {open_vial[1].isoformat()}")
        elif last is not None and previous is not None:
            self.label.setText(f"Last used {previous.performed_on.isoformat()}: {last[0]}, exp {last[1].isoformat()}")
        elif previous is not None and previous.lot_number.strip() and previous.lot_expiry is not None:
            self.expired_text = (
                f"This patient's last lot {previous.lot_number.strip()} expired on {previous.lot_expiry.isoformat()}; "
                "take the lot from the new vial."
            )
            self.label.setText(self.expired_text)
        self.button.setVisible(self.lot is not None)
        self.on_session_changed()

    def use(self) -> bool:
        """Fill the draft's lot and expiry with the offered ones (one undo step)."""
        if self.lot is None:
            return False
        lot_number, expiry = self.lot
        return self.model.update_header(lot_number=lot_number, lot_expiry=expiry)

    def on_session_changed(self) -> None:
        """Shown only while a draft has no lot recorded and there is a lot to offer (or an expired one to name)."""
        session = self.model.session
        something = self.lot is not None or bool(self.expired_text)
        self.setVisible(something and not self.model.read_only and not session.lot_number.strip())
