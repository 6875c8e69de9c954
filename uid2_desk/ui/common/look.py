"""The desk's look without style sheets: a palette, fonts, and two small painted widgets.

An application style sheet makes Qt style every widget through ``QStyleSheetStyle``, which
re-polishes each one against every rule: about a twentieth of the window's start-up and
2 MiB. The desk instead sets the Fusion style's palette (:func:`apply_desk_palette`), gives
a few widgets their own colours and fonts (:func:`set_colours`, :func:`set_font`), and paints
the two things Fusion has no look for: the titled white panels (:class:`Card`) and the
coloured chips (:class:`Badge`). Colours come from :mod:`uid2_desk.ui.common.theme`.

Colours reach the painter through the palette, never ``setPen``/``QBrush``: naming a colour
to a painter creates every ``Qt`` enum before the first paint (see ``qt_values``).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.ui.common import theme
from uid2_desk.ui.common.qt_values import ALIGN_HCENTER, ALIGN_VCENTER

_ROLE = QPalette.ColorRole
_DISABLED = QPalette.ColorGroup.Disabled


def apply_desk_palette(app: QApplication) -> None:
    """Give the whole application the desk's colours (on top of the Fusion style)."""
    palette = app.palette()
    for role, colour in (
        (_ROLE.Window, theme.WINDOW),
        (_ROLE.Base, theme.PANEL),
        (_ROLE.AlternateBase, theme.WINDOW),
        (_ROLE.Button, theme.PANEL),
        (_ROLE.Highlight, theme.FOCUS),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)


def set_colours(
    widget: QWidget,
    *,
    text: str | None = None,
    window: str | None = None,
    fill: bool = False,
    **roles: str,
) -> None:
    """Set ``widget``'s words (``text``) and background (``window``) colours, ``#rrggbb``.

    ``fill`` makes Qt paint the background (an opaque widget). Other palette roles are given
    by name: ``set_colours(view, Highlight="#bfdbfe")``.
    """
    palette = widget.palette()
    if text is not None:
        palette.setColor(_ROLE.WindowText, QColor(text))
        palette.setColor(_ROLE.Text, QColor(text))
    if window is not None:
        palette.setColor(_ROLE.Window, QColor(window))
    for name, colour in roles.items():
        palette.setColor(getattr(_ROLE, name), QColor(colour))
    widget.setPalette(palette)
    if fill:
        widget.setAutoFillBackground(True)


def set_font(
    widget: QWidget, *, bold: bool = False, mono: bool = False, pixel_size: int | None = None
) -> None:
    """Make ``widget``'s font bold, monospaced (:data:`theme.MONO_FAMILY`) or sized."""
    font = widget.font()
    if mono:
        font.setFamily(theme.MONO_FAMILY)
        font.setStyleHint(font.StyleHint.Monospace)
    if bold:
        font.setBold(True)
    if pixel_size is not None:
        font.setPixelSize(pixel_size)
    widget.setFont(font)


def style_header(header: QWidget) -> None:
    """A table's column titles: bold, on the header grey."""
    set_font(header, bold=True)
    set_colours(header, Button=theme.HEADER)


def rounded(rect: QRectF, radius: float) -> QPainterPath:
    """A rounded rectangle as a path (filled with a palette brush)."""
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    return path


class Card(QWidget):
    """A titled white panel with a rounded border on the window's background.

    The title sits on the border's top edge, which it interrupts; the content goes into
    :attr:`body`. What the desk's group boxes looked like under the old style sheet.

    Attributes:
        body: the layout of the content, inside the border.
        title_label: the title.
    """

    RADIUS = 6.0

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_colours(self, window=theme.PANEL, Mid=theme.BORDER)
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("card_title")
        set_font(self.title_label, bold=True)
        # On the window's background, so the border stops either side of the words.
        set_colours(self.title_label, text=theme.TITLE_TEXT, window=theme.WINDOW, fill=True)
        self.title_label.setContentsMargins(4, 0, 4, 0)
        self.title_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(14, 6, 14, 12)
        self.body.setSpacing(6)  # nested layouts (a form) inherit it
        # Until the content comes, a stretch holds the title at the top (an empty layout
        # takes no space, and the title would sink to the middle).
        self.body.addStretch(1)
        self._empty = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        indent = QVBoxLayout()
        indent.setContentsMargins(8, 0, 0, 0)
        indent.addWidget(self.title_label)
        layout.addLayout(indent)
        layout.addLayout(self.body, 1)
        self.setAccessibleName(title)

    def title(self) -> str:
        """The card's title."""
        return self.title_label.text()

    def add(self, widget: QWidget) -> None:
        """Put ``widget`` in the card."""
        if self._empty:
            self._empty = False
            self.body.takeAt(0)  # the stretch
        self.body.addWidget(widget)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """The border and the white inside, from the title's middle down."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        top = self.title_label.geometry().center().y()
        outer = QRectF(self.rect()).adjusted(0, top, 0, 0)
        painter.fillPath(rounded(outer, self.RADIUS), palette.mid())
        inner = outer.adjusted(1, 1, -1, -1)
        painter.fillPath(rounded(inner, self.RADIUS - 1), palette.window())
        painter.end()


class PrimaryButton(QPushButton):
    """The panel's main action: bold white words on a flat blue button.

    Painted by hand: Fusion lightens a button's colour into a pale gradient.
    """

    RADIUS = 4.0

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        palette = self.palette()
        palette.setColor(_ROLE.Button, QColor(theme.PRIMARY))
        palette.setColor(_ROLE.Dark, QColor(theme.PRIMARY_BORDER))
        palette.setColor(_ROLE.ButtonText, QColor(theme.PANEL))
        palette.setColor(_DISABLED, _ROLE.Button, QColor(theme.PRIMARY_DISABLED))
        palette.setColor(_DISABLED, _ROLE.Dark, QColor(theme.PRIMARY_DISABLED))
        palette.setColor(_DISABLED, _ROLE.ButtonText, QColor(theme.PRIMARY_DISABLED_TEXT))
        self.setPalette(palette)
        set_font(self, bold=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        """The words with room around them (4 px above and below, 12 px aside)."""
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.text()) + 26, metrics.height() + 10)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """The words must fit."""
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Border, fill (darker while pressed), words; a thicker border while focused."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        outer = QRectF(self.rect())
        border = 2 if self.hasFocus() else 1
        painter.fillPath(rounded(outer, self.RADIUS), palette.dark())
        inner = outer.adjusted(border, border, -border, -border)
        fill = palette.dark() if self.isDown() else palette.button()
        painter.fillPath(rounded(inner, self.RADIUS - border), fill)
        painter.drawText(QRect(self.rect()), ALIGN_HCENTER | ALIGN_VCENTER, self.text())
        painter.end()


class Badge(QWidget):
    """Bold words on a rounded coloured chip: a user's state, the environment.

    Attributes:
        padding: (horizontal, vertical) room around the words, in pixels.
    """

    RADIUS = 4.0

    def __init__(self, parent: QWidget | None = None, *, padding: tuple[int, int] = (8, 2)) -> None:
        super().__init__(parent)
        self.padding = padding
        self._text = ""
        set_font(self, bold=True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        """The words on the chip."""
        return self._text

    @property
    def background(self) -> str:
        """The chip's colour, ``#rrggbb``."""
        return self.palette().color(_ROLE.Window).name()

    def set_badge(self, text: str, background: str, foreground: str) -> None:
        """Show ``text`` in ``foreground`` on ``background`` (``#rrggbb``)."""
        set_colours(self, text=foreground, window=background)
        self._set_text(text)
        self.update()

    def clear(self) -> None:
        """No words, no chip."""
        self._set_text("")
        self.hide()

    def _set_text(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.setAccessibleName(text)
            self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802
        """The words plus the padding."""
        metrics = self.fontMetrics()
        across, down = self.padding
        return QSize(
            metrics.horizontalAdvance(self._text) + 2 * across, metrics.height() + 2 * down
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """The words must fit."""
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """The chip, then the words (the painter's pen is the palette's text colour)."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(rounded(QRectF(self.rect()), self.RADIUS), self.palette().window())
        painter.drawText(QRect(self.rect()), ALIGN_HCENTER | ALIGN_VCENTER, self._text)
        painter.end()
