"""The kiosk's TV: a painted bezel and stand around what the streaming app shows.

It paints a :class:`~uid2_desk.ui.kiosk.screen_state.DeviceState` (computed from the run's
user snapshot and the last bid) and nothing else: who is signed in, the identity's state
badge, and the ad slot with the UID2 token the ad was bought with.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from uid2_desk.ui.kiosk.screen_state import APP_NAME, DeviceState, device_state

BEZEL = "#0b1220"
SCREEN = "#111827"
TEXT = "#f8fafc"
MUTED = "#cbd5e1"


def _font(px: int, *, bold: bool = False, mono: bool = False) -> QFont:
    font = QFont("DejaVu Sans Mono" if mono else "DejaVu Sans")
    font.setPixelSize(px)
    font.setBold(bold)
    return font


class DeviceFrame(QWidget):
    """A TV set showing the publisher's app for the run's viewer.

    Attributes:
        state: what the screen shows.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk_device")
        self.setAccessibleName("Device: the viewer's TV")
        self.setMinimumSize(420, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.state: DeviceState = device_state(None, None)

    def show_state(self, state: DeviceState) -> None:
        """Paint ``state`` from now on."""
        if state != self.state:
            self.state = state
            self.setAccessibleDescription(f"{state.who}. {state.ad_title}: {state.ad_text}")
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Bezel, stand, then the app's screen."""
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        w, h = float(self.width()), float(self.height())
        stand_h = h * 0.08
        tv = QRectF(4, 4, w - 8, h - stand_h - 8)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(BEZEL))
        p.drawRoundedRect(tv, 18, 18)
        neck = QRectF(w / 2 - w * 0.05, tv.bottom(), w * 0.1, stand_h * 0.6)
        foot = QRectF(w / 2 - w * 0.18, neck.bottom(), w * 0.36, stand_h * 0.35)
        p.drawRect(neck)
        p.drawRoundedRect(foot, 6, 6)
        screen = tv.adjusted(18, 18, -18, -18)
        p.setBrush(QColor(SCREEN))
        p.drawRoundedRect(screen, 6, 6)
        self._paint_screen(p, screen)
        p.end()

    def _paint_screen(self, p: QPainter, screen: QRectF) -> None:
        s = self.state
        pad = 18.0
        # The tighter side decides: a 1280×720 screen leaves the TV short rather than narrow.
        scale = max(0.5, min(1.4, screen.width() / 560, screen.height() / 330))
        title_px, line_px, badge_px = round(26 * scale), round(24 * scale), round(22 * scale)
        y = screen.top() + pad
        p.setPen(QColor("#38bdf8"))
        p.setFont(_font(title_px, bold=True))
        p.drawText(QRectF(screen.left() + pad, y, screen.width(), title_px * 1.4), APP_NAME)
        y += title_px * 1.6
        p.setPen(QColor(TEXT))
        p.setFont(_font(line_px, bold=True))
        who = QFontMetricsF(p.font()).elidedText(
            s.who, Qt.TextElideMode.ElideMiddle, screen.width() - 2 * pad
        )
        p.drawText(QRectF(screen.left() + pad, y, screen.width() - 2 * pad, line_px * 1.4), who)
        y += line_px * 1.6
        badge_font = _font(badge_px, bold=True)
        badge_w = QFontMetricsF(badge_font).horizontalAdvance(s.state) + 28
        badge = QRectF(screen.left() + pad, y, badge_w, badge_px * 1.6)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(s.state_fill))
        p.drawRoundedRect(badge, 8, 8)
        p.setPen(QColor("#ffffff"))
        p.setFont(badge_font)
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, s.state)
        y = badge.bottom() + pad
        ad = QRectF(screen.left() + pad, y, screen.width() - 2 * pad, screen.bottom() - pad - y)
        if ad.height() < line_px * 3:
            return
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(s.ad_fill))
        p.drawRoundedRect(ad, 10, 10)
        p.setPen(QColor(MUTED))
        p.setFont(_font(badge_px))
        inner = ad.adjusted(16, 12, -16, -12)
        p.drawText(inner, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, s.ad_title)
        p.setPen(QColor(TEXT))
        mono = s.ad_title.startswith("Ad bought")
        p.setFont(_font(line_px, bold=True, mono=mono))
        body = inner.adjusted(0, badge_px * 1.6, 0, 0)
        p.drawText(
            body,
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
            | int(Qt.TextFlag.TextWordWrap),
            s.ad_text,
        )
