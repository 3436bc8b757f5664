"""The head diagram: four views in a 2x2 grid, each in its own diagram units, with a marker per site.

Markers keep a fixed size on screen (``ItemIgnoresTransformations``) so their hit targets stay at least 28 px
across at any zoom; their positions are protocol coordinates, so zoom and window size never change what is saved.
Because markers do not scale, a follow-the-pain site is kept a hit target's width (in screen pixels, at the view's
current scale) from every other marker, so that none hides another.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QMenu,
    QStyleOptionGraphicsItem,
    QWidget,
)

from charting.domain.marking import MARKER_EDGE_UNITS, SIGNED_READ_ONLY
from charting.domain.protocol import Protocol, Region, View
from charting.domain.session import Injection, Kind, Session
from charting.resources import diagram_path
from charting.ui import style
from charting.ui.session_model import SessionModel

GAP = 14.0
"""Diagram units between two views in the grid."""
COLUMNS = 2
DRAG_THRESHOLD_PX = 4


def units_text(units: float) -> str:
    """Units as a marker shows them: 5, 2.5, 7.5."""
    return f"{units:g}"


class SiteMarker(QGraphicsItem):
    """One site: hollow (not yet), filled with units (injected), slashed (skipped), diamond (follow-the-pain)."""

    def __init__(self, site_id: str, ftp: bool, tooltip: str, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.site_id = site_id
        self.ftp = ftp
        self.injection: Injection | None = None
        self.focused = False
        self.previous_units: float | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptHoverEvents(True)
        self.setToolTip(tooltip)
        self.setZValue(10 if ftp else 5)
        self._hovered = False

    # state
    @property
    def state(self) -> str:
        """not_injected, injected, skipped or ftp: what the marker shows."""
        if self.injection is None:
            return "not_injected"
        if self.injection.skipped:
            return "skipped"
        return "ftp" if self.ftp else "injected"

    def show_state(self, injection: Injection | None, focused: bool) -> None:
        """Show this injection (None: not yet injected) and whether the focus ring is on it."""
        if injection != self.injection or focused != self.focused:
            self.injection = injection
            self.focused = focused
            self.update()

    # geometry
    DIAMOND_HALF_PX = style.MARKER_DIAMETER_PX / 2 + 2
    """A follow-the-pain diamond's half diagonal, in screen pixels."""
    DRAWN_HALF_PX = DIAMOND_HALF_PX + 1
    """How far a follow-the-pain marker is drawn from its centre, its outline included, in screen pixels."""

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        r = style.HIT_DIAMETER_PX / 2 + style.FOCUS_RING_PX + 2
        return QRectF(-r, -r, 2 * r, 2 * r)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        r = style.HIT_DIAMETER_PX / 2
        path.addEllipse(QPointF(0, 0), r, r)
        return path

    def hoverEnterEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        self._hovered = True
        self.update()

    def hoverLeaveEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        self._hovered = False
        self.update()

    # drawing
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = style.MARKER_DIAMETER_PX / 2
        state = self.state
        outline = QPen(style.INK if self._hovered else style.BLUE, 2.5)
        if state == "not_injected":
            painter.setPen(QPen(style.ORANGE.darker(130) if self.ftp else style.BLUE, 3 if self._hovered else 2.5))
            painter.setBrush(QColor(255, 255, 255, 215))
            painter.drawEllipse(QPointF(0, 0), r - 2, r - 2)
        elif state == "injected":
            painter.setPen(outline)
            painter.setBrush(style.BLUE)
            painter.drawEllipse(QPointF(0, 0), r, r)
            self._draw_units(painter, QColor("white"))
        elif state == "skipped":
            painter.setPen(QPen(style.VERMILLION, 3))
            painter.setBrush(QColor(255, 255, 255, 230))
            painter.drawEllipse(QPointF(0, 0), r - 2, r - 2)
            d = (r - 2) * math.sqrt(0.5)
            painter.drawLine(QPointF(-d, d), QPointF(d, -d))
        else:
            painter.setPen(QPen(style.INK if self._hovered else style.ORANGE.darker(150), 2))
            painter.setBrush(style.ORANGE)
            d = self.DIAMOND_HALF_PX
            diamond = QPolygonF([QPointF(0, -d), QPointF(d, 0), QPointF(0, d), QPointF(-d, 0)])
            painter.drawPolygon(diamond)
            self._draw_units(painter, style.INK)
        if self.focused:
            ring = r + style.FOCUS_RING_PX
            pen = QPen(style.PURPLE, 3.5)
            pen.setDashPattern([3, 1.5])
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(0, 0), ring, ring)

    def _draw_units(self, painter: QPainter, colour: QColor) -> None:
        assert self.injection is not None
        text = units_text(self.injection.units)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(13 if len(text) <= 2 else 11)
        painter.setFont(font)
        painter.setPen(colour)
        r = style.MARKER_DIAMETER_PX / 2
        painter.drawText(QRectF(-r, -r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, text)


class GhostMarker(QGraphicsItem):
    """A faint dot where the previous session injected, for comparison."""

    RADIUS_PX = 5

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        r = self.RADIUS_PX + 1
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(112, 112, 112, 90))
        painter.drawEllipse(QPointF(0, 0), self.RADIUS_PX, self.RADIUS_PX)


class ViewPanel(QGraphicsItem):
    """One view of the head: the art (an SVG) and its label, in its own width x height diagram units."""

    def __init__(self, protocol: Protocol, view: View) -> None:
        super().__init__()
        self.view = view
        self.regions: tuple[Region, ...] = tuple(r for r in protocol.regions if r.view == view.id)
        self.show_regions = False
        self.renderer: QSvgRenderer | None = None
        path = diagram_path(view.diagram)
        if path.is_file():
            renderer = QSvgRenderer(str(path))
            if renderer.isValid():
                self.renderer = renderer
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    @property
    def view_id(self) -> str:
        """The protocol view this panel draws."""
        return self.view.id

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(0, 0, self.view.width, self.view.height)

    def set_show_regions(self, show: bool) -> None:
        """Shade the follow-the-pain regions (in follow-the-pain mode)."""
        if show != self.show_regions:
            self.show_regions = show
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.boundingRect()
        painter.setPen(QPen(QColor("#c8c8c8"), 1))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        if self.renderer is not None:
            self.renderer.render(painter, rect)
        if self.show_regions:
            fill = QColor(style.ORANGE)
            fill.setAlpha(60)
            pen = QPen(style.ORANGE.darker(130), 1.5)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(fill)
            for region in self.regions:
                painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in region.polygon]))
        if self.renderer is None:
            # Without the art, at least name the view (the art carries its own label and L/R marks).
            font = QFont()
            font.setBold(True)
            font.setPixelSize(15)
            painter.setFont(font)
            painter.setPen(style.MUTED)
            painter.drawText(
                rect.adjusted(8, 4, -8, -4), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, self.view.label
            )


def _tooltip(protocol: Protocol, site_id: str, landmark: str = "") -> str:
    """The site in words (the id stays out of sight), then where to find it."""
    name = f"<b>{protocol.site_name(site_id, capital=True)}</b>"
    return f"{name}<br>{landmark}" if landmark else name


class DiagramScene(QGraphicsScene):
    """The four views and a marker for every site of the session, kept in step with the model."""

    def __init__(self, model: SessionModel) -> None:
        super().__init__()
        self.model = model
        protocol = model.protocol
        self.panels: dict[str, ViewPanel] = {}
        for index, view in enumerate(protocol.views):
            panel = ViewPanel(protocol, view)
            column, row = index % COLUMNS, index // COLUMNS
            panel.setPos(column * (view.width + GAP), row * (view.height + GAP))
            self.addItem(panel)
            self.panels[view.id] = panel
        self.markers: dict[str, SiteMarker] = {}
        for site in protocol.sites:
            marker = SiteMarker(
                site.id,
                False,
                _tooltip(protocol, site.id, site.landmark),
                self.panels[site.view],
            )
            marker.setPos(site.x, site.y)
            self.markers[site.id] = marker
        self.ghosts: list[GhostMarker] = []
        margin = 4.0
        self.setSceneRect(self.itemsBoundingRect().adjusted(-margin, -margin, margin, margin))
        model.session_changed.connect(self.on_session_changed)
        model.focus_changed.connect(self.on_focus_changed)
        model.ftp_mode_changed.connect(self.on_ftp_mode_changed)
        self.on_session_changed()

    def marker(self, site_id: str) -> SiteMarker:
        """The marker of a site (KeyError if the session has no such site)."""
        return self.markers[site_id]

    def site_scene_pos(self, site_id: str) -> QPointF:
        """Where a site's centre is in scene coordinates."""
        return self.markers[site_id].scenePos()

    def on_session_changed(self) -> None:
        """Bring every marker to the session's state; add and remove follow-the-pain markers."""
        session = self.model.session
        focus = "" if self.model.read_only else self.model.focus_site
        ftp_now = {inj.site_id: inj for inj in session.injections if inj.kind is Kind.FTP}
        for site_id in [sid for sid, marker in self.markers.items() if marker.ftp and sid not in ftp_now]:
            self.removeItem(self.markers.pop(site_id))
        for site_id, injection in ftp_now.items():
            found = self.markers.get(site_id)
            if found is None:
                panel = self.panels[injection.view]
                tip = _tooltip(self.model.protocol, site_id)
                found = SiteMarker(site_id, True, tip, panel)
                self.markers[site_id] = found
            marker = found
            if marker.pos() != QPointF(injection.x, injection.y):
                marker.setPos(injection.x, injection.y)
        by_site = {inj.site_id: inj for inj in session.injections}
        for site_id, marker in self.markers.items():
            marker.show_state(by_site.get(site_id), site_id == focus)

    def on_focus_changed(self, site_id: str) -> None:
        """Move the focus ring."""
        focus = "" if self.model.read_only else site_id
        for sid, marker in self.markers.items():
            marker.show_state(marker.injection, sid == focus)

    def on_ftp_mode_changed(self, on: bool) -> None:
        """Shade the regions where follow-the-pain sites may go."""
        for panel in self.panels.values():
            panel.set_show_regions(on)

    def show_previous(self, previous: Session | None) -> None:
        """Faint dots where the previous session injected (nothing when there is none)."""
        for ghost in self.ghosts:
            self.removeItem(ghost)
        self.ghosts = []
        if previous is None:
            return
        for injection in previous.injections:
            if injection.skipped or injection.view not in self.panels:
                continue
            ghost = GhostMarker(self.panels[injection.view])
            ghost.setPos(injection.x, injection.y)
            self.ghosts.append(ghost)

    def panel_at(self, scene_pos: QPointF) -> ViewPanel | None:
        """The view under a scene point, if any."""
        for panel in self.panels.values():
            if panel.sceneBoundingRect().contains(scene_pos):
                return panel
        return None


class DiagramView(QGraphicsView):
    """Shows the scene scaled to fit, without scrolling; turns clicks, drags and the wheel into model calls."""

    context_menu_requested = Signal(str, object)
    """A right-click on a site: its id and the global position for the menu."""

    def __init__(self, scene: DiagramScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.diagram = scene
        self.model = scene.model
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundBrush(self.palette().window())  # the cards stay white; around them, the theme's colour
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setMinimumSize(480, 360)
        self._drag: SiteMarker | None = None
        self._drag_start = QPointF()
        self._dragged = False

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow a switch between light and dark themes."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.setBackgroundBrush(self.palette().window())
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def marker_clearance(self) -> float:
        """Diagram units between two markers' centres for their hit targets not to overlap at the current scale."""
        scale = self.transform().m11()
        return style.HIT_DIAMETER_PX / scale if scale > 0 else math.inf

    def marker_margin(self) -> float:
        """Diagram units a follow-the-pain site keeps inside its view's edges so that its whole diamond shows, at
        the current scale and on the note."""
        scale = self.transform().m11()
        return max(MARKER_EDGE_UNITS, SiteMarker.DRAWN_HALF_PX / scale) if scale > 0 else math.inf

    def add_ftp_by_focus(self) -> str:
        """Add a follow-the-pain site to the muscle under the ring, where it has most room (the model's sentence
        says when it cannot)."""
        return self.model.add_ftp_by_focus(self.marker_clearance(), self.marker_margin())

    def marker_at(self, pos: QPointF) -> SiteMarker | None:
        """The topmost site marker under a viewport point."""
        for item in self.items(pos.toPoint()):
            if isinstance(item, SiteMarker):
                return item
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        marker = self.marker_at(event.position())
        if marker is not None and marker.ftp and not self.model.read_only:
            self._drag, self._drag_start, self._dragged = marker, event.position(), False
        elif marker is not None:
            if self.model.read_only:
                self.model.change_refused.emit(SIGNED_READ_ONLY)
            else:
                self.model.toggle(marker.site_id)
        elif self.model.ftp_mode:
            scene_pos = self.mapToScene(event.position().toPoint())
            panel = self.diagram.panel_at(scene_pos)
            if panel is not None:
                local = panel.mapFromScene(scene_pos)
                x, y = round(local.x(), 1), round(local.y(), 1)
                self.model.add_ftp_at(panel.view_id, x, y, self.marker_clearance(), self.marker_margin())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self._drag is None:
            super().mouseMoveEvent(event)
            return
        if (event.position() - self._drag_start).manhattanLength() >= DRAG_THRESHOLD_PX:
            self._dragged = True
        if self._dragged:
            panel = self._drag.parentItem()
            local = panel.mapFromScene(self.mapToScene(event.position().toPoint()))
            margin = self.marker_margin()  # the whole marker stays on its view
            inside = panel.boundingRect().adjusted(margin, margin, -margin, -margin)
            self._drag.setPos(
                min(max(local.x(), inside.left()), inside.right()), min(max(local.y(), inside.top()), inside.bottom())
            )
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        marker, self._drag = self._drag, None
        if marker is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        if self._dragged:
            x, y = round(marker.pos().x(), 1), round(marker.pos().y(), 1)
            self.model.move_ftp(marker.site_id, x, y, self.marker_clearance(), self.marker_margin())
        else:
            self.model.set_focus(marker.site_id)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        # A second quick click is a second click: it toggles again.
        self.mousePressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        marker = self.marker_at(event.position())
        delta = event.angleDelta().y()
        if marker is not None and delta and not self.model.read_only and marker.injection is not None:
            self.model.step_units(1 if delta > 0 else -1, marker.site_id)
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt's name
        marker = self.marker_at(QPointF(event.pos()))
        if marker is not None:
            self.context_menu_requested.emit(marker.site_id, event.globalPos())
        event.accept()

    def viewport_pos(self, site_id: str) -> QPointF:
        """Where a site's centre is on the viewport, for tests and benchmarks."""
        return QPointF(self.mapFromScene(self.diagram.site_scene_pos(site_id)))


def site_menu(
    model: SessionModel, site_id: str, parent: QWidget, ask_reason: Callable[[str], None] | None = None
) -> QMenu:
    """The right-click menu of a site: common doses, skip with a reason, remove (follow-the-pain)."""
    menu = QMenu(parent)
    session = model.session
    injection = session.injection(site_id)
    ftp = injection is not None and injection.kind is Kind.FTP
    title = menu.addAction(model.protocol.site_name(site_id, capital=True))
    title.setEnabled(False)
    for units in model.protocol.common_doses_units:
        action = menu.addAction(f"{units_text(units)} U")
        action.setCheckable(True)
        action.setChecked(injection is not None and not injection.skipped and math.isclose(injection.units, units))
        action.triggered.connect(lambda _=False, u=units: model.set_units(site_id, u))
    menu.addSeparator()
    if ftp:
        menu.addAction("Remove follow-the-pain site", lambda: model.remove(site_id))
    else:
        if injection is not None:
            menu.addAction("Not injected", lambda: model.remove(site_id))
        if ask_reason is not None:
            menu.addAction("Skip with reason\u2026", lambda: ask_reason(site_id))
    for action in menu.actions():
        if action is not title and model.read_only:
            action.setEnabled(False)
    return menu
