"""The desk's walkthrough: the live sequence diagram, the scenario player and the opt-out lab.

Three tabs over one desk: the diagram draws every journal entry of the session as it happens
(click an arrow to open its exchange), the player plays the scenarios ``uid2-desk run`` plays,
and the opt-out lab walks an opt-out through to the refresh that reports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.journal import JournalEntry
from uid2_desk.publisher.model import UserSnapshot
from uid2_desk.publisher.scenario.model import Scenario
from uid2_desk.ui.common.look import set_colours
from uid2_desk.ui.common.theme import HINT_TEXT
from uid2_desk.ui.walkthrough.optout_lab import OptOutLab
from uid2_desk.ui.walkthrough.scenario_player_panel import ScenarioPlayerPanel
from uid2_desk.ui.walkthrough.sequence_view import SequenceFeed, SequenceView

if TYPE_CHECKING:
    from uid2_desk.services import DeskServices

#: In a dock, fit-width never shrinks the labels below this (the view scrolls instead).
DOCK_MIN_ZOOM = 0.8


class WalkthroughPanel(QWidget):
    """Diagram, player and opt-out lab in tabs.

    Signals:
        entry_clicked(int): an arrow or note of journal entry ``seq`` was clicked.

    Attributes:
        feed: lays the session's entries out.
        view: the sequence diagram.
        player: the scenario player.
        lab: the opt-out lab.
        tabs: the three tabs.
    """

    entry_clicked = Signal(int)

    def __init__(self, scenarios: Sequence[Scenario], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("walkthrough_panel")
        self.tabs = QTabWidget(self)
        diagram_tab = QWidget(self.tabs)
        self.feed = SequenceFeed(parent=self)
        self.view = SequenceView(parent=diagram_tab)
        self.view.min_fit_zoom = DOCK_MIN_ZOOM
        self.view.set_fit_width(True)
        self.zoom_in = _tool("+", "Zoom in (Ctrl+wheel)", diagram_tab)
        self.zoom_out = _tool("−", "Zoom out (Ctrl+wheel)", diagram_tab)
        self.fit = _tool("Fit", "Zoom to fit the whole diagram", diagram_tab)
        self.fit_width = _tool("Width", "Fit the diagram's width", diagram_tab)
        self.follow = QCheckBox("Follow newest", diagram_tab)
        self.follow.setChecked(True)
        self.count = QLabel("", diagram_tab)
        self.count.setObjectName("panel_hint")
        set_colours(self.count, text=HINT_TEXT)
        bar = QHBoxLayout()
        for button in (self.zoom_out, self.zoom_in, self.fit, self.fit_width):
            bar.addWidget(button)
        bar.addWidget(self.follow)
        bar.addStretch(1)
        bar.addWidget(self.count)
        column = QVBoxLayout(diagram_tab)
        column.setContentsMargins(2, 2, 2, 2)
        column.addLayout(bar)
        column.addWidget(self.view, 1)
        self.player = ScenarioPlayerPanel(scenarios, self.tabs)
        self.lab = OptOutLab(self.tabs)
        self.tabs.addTab(diagram_tab, "Sequence diagram")
        self.tabs.addTab(_scrolling(self.player, self.tabs), "Scenario player")
        self.tabs.addTab(_scrolling(self.lab, self.tabs), "Opt-out lab")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.feed.diagram_changed.connect(self.view.set_diagram)
        self.feed.diagram_changed.connect(self._show_count)
        self.view.entry_clicked.connect(self.entry_clicked)
        self.view.following_changed.connect(self.follow.setChecked)
        self.follow.toggled.connect(self.view.set_following)
        self.zoom_in.clicked.connect(self.view.zoom_in)
        self.zoom_out.clicked.connect(self.view.zoom_out)
        self.fit.clicked.connect(self.view.zoom_to_fit)
        self.fit_width.clicked.connect(lambda: self.view.set_fit_width(True))

    def attach(self, services: DeskServices) -> None:
        """The services are up: play and experiment on them."""
        self.player.attach(services.stage, services.clock)
        self.lab.attach(services.stage())

    def detach(self) -> None:
        """The services are going away: stop what runs and clear the diagram."""
        self.player.runner.cancel_all()
        self.lab.runner.cancel_all()
        self.lab.detach()
        self.feed.reset()

    def add_entries(self, entries: Sequence[JournalEntry]) -> None:
        """Journal entries of the session, in order (from the bridge)."""
        self.feed.extend(entries)

    def show_user(self, snapshot: UserSnapshot) -> None:
        """A user changed (from the bridge)."""
        self.lab.show_user(snapshot)

    def _show_count(self, _diagram: object) -> None:
        self.count.setText(f"{self.feed.count:,} entries")


def _scrolling(widget: QWidget, parent: QWidget) -> QScrollArea:
    """``widget`` in a scroll area: a narrow dock scrolls instead of widening the window."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


def _tool(text: str, tip: str, parent: QWidget) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    return button
