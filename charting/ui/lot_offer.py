"""The lot the patient's last session used, offered under the header's lot field for the user to confirm.

A copied session does not carry the old lot: the vial in hand may be another. The offer fills the lot and expiry
in one click once the user has checked them against the vial; an expired lot is never offered.
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

    def offer(self, previous: Session | None) -> None:
        """Offer the lot of the patient's previous session (nothing when it is missing or expired on the draft's date)."""
        self.lot = offered_lot(previous, self.model.session)
        if self.lot is not None:
            lot_number, expiry = self.lot
            self.label.setText(f"Last used: {lot_number}, exp {expiry.isoformat()}")
        self.on_session_changed()

    def use(self) -> bool:
        """Fill the draft's lot and expiry with the offered ones (one undo step)."""
        if self.lot is None:
            return False
        lot_number, expiry = self.lot
        return self.model.update_header(lot_number=lot_number, lot_expiry=expiry)

    def on_session_changed(self) -> None:
        """Shown only while a draft has no lot recorded and there is a lot to offer."""
        session = self.model.session
        self.setVisible(self.lot is not None and not self.model.read_only and not session.lot_number.strip())
