"""The desk window's frame: the environment strip, the banner and the five titled cards.

Built first, so the window is on screen at once: only the sign-in panel (the one thing a
person can use while the operator starts) is created inside its card now; the other four
cards stay empty until the window completes (:mod:`~uid2_desk.ui.window.window_panels`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from uid2_desk.ui.common.look import Card
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.identity.sign_in_panel import SignInPanel
from uid2_desk.ui.window.banner import Banner
from uid2_desk.ui.window.environment_view import EnvironmentStrip, EnvironmentView


@dataclass(frozen=True, slots=True)
class DeskFrame:
    """What :func:`build_frame` made.

    Attributes:
        strip: the environment strip, in the environment's colour.
        banner: the message banner.
        body: the widget holding the splitters (hidden while the panels are added).
        sign_in: the sign-in panel, inside its card.
        users_box, identity_box, log_box, inspector_box: the cards the panels go into.
    """

    strip: EnvironmentStrip
    banner: Banner
    body: QWidget
    sign_in: SignInPanel
    users_box: Card
    identity_box: Card
    log_box: Card
    inspector_box: Card


def build_frame(window: QMainWindow, view: EnvironmentView) -> DeskFrame:
    """Give ``window`` its central widget: strip, banner, then the splitters and cards."""
    # Containers first, then each panel created inside its final parent: re-parenting a
    # built panel makes Qt re-apply the style sheet to its whole subtree, which cost a
    # third of the window's construction time.
    central = QWidget(window)
    window.setCentralWidget(central)
    layout = QVBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    strip = EnvironmentStrip(view, central)
    layout.addWidget(strip)
    banner = Banner(central)
    banner.float_under(strip)  # over the panels, not in the layout: nothing jumps
    body = QWidget(central)
    layout.addWidget(body, 1)
    body_layout = QVBoxLayout(body)
    body_layout.setContentsMargins(6, 4, 6, 4)
    main = _splitter("main_splitter", "Vertical", body)
    body_layout.addWidget(main)
    top = _splitter("top_splitter", "Horizontal", main)
    left = _splitter("left_splitter", "Vertical", top)
    sign_in_box = Card("Sign in", left)
    sign_in = SignInPanel(sign_in_box)
    sign_in_box.add(sign_in)
    users_box = Card("Test users", left)
    left.setStretchFactor(1, 1)
    identity_box = Card("Identity", top)
    top.setStretchFactor(1, 1)
    top.setSizes([330, 1000])
    bottom = _splitter("bottom_splitter", "Horizontal", main)
    log_box = Card("Exchange log", bottom)
    inspector_box = Card("Exchange inspector", bottom)
    bottom.setSizes([760, 560])
    main.setStretchFactor(0, 1)
    main.setStretchFactor(1, 1)
    main.setSizes([400, 330])
    return DeskFrame(
        strip=strip,
        banner=banner,
        body=body,
        sign_in=sign_in,
        users_box=users_box,
        identity_box=identity_box,
        log_box=log_box,
        inspector_box=inspector_box,
    )


def _splitter(name: str, orientation: str, parent: QWidget) -> QSplitter:
    """A splitter; ``orientation`` is ``Horizontal`` or ``Vertical`` (see :mod:`qt_values`)."""
    # ``parent`` by keyword: a positional first argument makes PySide weigh the
    # ``QSplitter(Qt.Orientation, ...)`` overload, which creates every ``Qt`` enum.
    splitter = QSplitter(parent=parent)
    splitter.setObjectName(name)
    set_enum_properties(splitter, orientation=orientation)
    return splitter
