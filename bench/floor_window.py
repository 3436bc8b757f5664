"""The start-up floor: a window with what issue 3 asks the charting window to show, in plain PySide6.

No charting code, no database and no records: menus with shortcuts, the four diagram views drawn from the
project's SVG art with 31 markers, the session header's fields, a totals column and a status bar. Whatever the
charting window costs above this window is ours; what this window costs above a bare one is the stack's.
Run as ``python bench/floor_window.py``; it reports when its first frame is painted, as the other windows do.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

MENUS = ("File", "Edit", "Session", "View", "Patient", "Help")
ACTIONS_PER_MENU = 5
SITES = 31
VIEWS = ("front", "left", "right", "back")
VIEW_SIZE = (400.0, 300.0)
MUSCLE_ROWS = 12


def main() -> None:
    """Show the floor window, paint its first frame, report the time and leave."""
    from PySide6.QtCore import QRectF, QTimer
    from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPen
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import (
        QApplication,
        QCheckBox,
        QComboBox,
        QDateEdit,
        QDoubleSpinBox,
        QFormLayout,
        QGraphicsEllipseItem,
        QGraphicsObject,
        QGraphicsScene,
        QGraphicsView,
        QHBoxLayout,
        QLabel,
        QLineEdit,
        QMainWindow,
        QSpinBox,
        QStyleOptionGraphicsItem,
        QVBoxLayout,
        QWidget,
    )

    class Art(QGraphicsObject):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.renderer = QSvgRenderer(str(path))

        def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
            return QRectF(0, 0, *VIEW_SIZE)

        def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
            self.renderer.render(painter, self.boundingRect())

    def ready() -> None:
        app.processEvents()
        print(time.monotonic(), flush=True)
        os._exit(0)

    app = QApplication([])
    window = QMainWindow()
    for title in MENUS:
        menu = window.menuBar().addMenu(title)
        for number in range(ACTIONS_PER_MENU):
            action = QAction(f"{title} {number}", window)
            action.setShortcut(QKeySequence(f"Ctrl+Shift+{number}"))
            menu.addAction(action)
    scene = QGraphicsScene()
    art_folder = Path(__file__).resolve().parent.parent / "resources" / "diagrams"
    for index, name in enumerate(VIEWS):
        art = Art(art_folder / f"{name}.svg")
        art.setPos((index % 2) * (VIEW_SIZE[0] + 14), (index // 2) * (VIEW_SIZE[1] + 14))
        scene.addItem(art)
    for index in range(SITES):
        marker = QGraphicsEllipseItem(-11, -11, 22, 22)
        marker.setPos(30 + (index % 8) * 100, 40 + (index // 8) * 150)
        marker.setPen(QPen(QColor("blue"), 2.5))
        scene.addItem(marker)
    view = QGraphicsView(scene)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    header = QWidget()
    form = QFormLayout(header)
    for label in ("Injector", "Product", "Diagnosis"):
        form.addRow(label, QComboBox())
    form.addRow("Vials", QSpinBox())
    form.addRow("Expiry", QDateEdit())
    form.addRow("Saline mL", QDoubleSpinBox())
    for label in ("Lot", "Needle", "Deviation", "Comments"):
        form.addRow(label, QLineEdit())
    for label in ("Consent given", "Time-out done", "Contraindications checked"):
        form.addRow(QCheckBox(label))
    totals = QWidget()
    column = QVBoxLayout(totals)
    for row in range(MUSCLE_ROWS):
        column.addWidget(QLabel(f"Muscle {row}: 25 / 25 U, 5 sites"))
    central = QWidget()
    layout = QHBoxLayout(central)
    layout.addWidget(header)
    layout.addWidget(view, 1)
    layout.addWidget(totals)
    window.setCentralWidget(central)
    window.statusBar().showMessage("Saved")
    window.resize(1366, 768)
    window.show()
    QTimer.singleShot(0, ready)
    app.exec()


if __name__ == "__main__":
    main()
