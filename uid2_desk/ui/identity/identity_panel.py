"""The identity panel: the selected user's state, tokens, countdowns, skew and chain.

It renders a ``UserSnapshot`` and an instant; it never asks the publisher anything. The
window feeds it the snapshot whenever the bridge reports a change and the instant on every
tick of the one :class:`~uid2_desk.ui.common.ticker.SecondTicker`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.ui.common.live_text import LiveText
from uid2_desk.ui.common.look import Badge, Card, set_font, style_header
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.common.theme import (
    BROWSER_HELD,
    BROWSER_HELD_LABEL,
    BROWSER_HELD_TEXT,
    state_swatch,
)
from uid2_desk.ui.identity.chain_model import SEQ_ROLE, ChainColumn, ChainModel
from uid2_desk.ui.identity.countdown import CountdownWidget
from uid2_desk.ui.identity.error_line import ErrorLine
from uid2_desk.ui.identity.policy_line import policy_line
from uid2_desk.ui.identity.skew_line import SkewLine
from uid2_desk.ui.identity.token_field import TokenField
from uid2_desk.ui.identity.token_inspector import TokenInspector

if TYPE_CHECKING:
    from uid2_desk.protocol.tokens import AdvertisingTokenContents
    from uid2_desk.publisher.model import UserSnapshot


class IdentityPanel(QWidget):
    """Shows one user's identity as it stands now.

    Signals:
        chain_entry_activated(int): the journal seq of a chain row the user activated.
        token_copied(str): the name of a token copied to the clipboard.

    Attributes:
        snapshot: the snapshot shown, or ``None``.
        countdowns: the three countdown widgets (refresh_from, identity, refresh).
        held_badge: "Held by the browser", shown while a web page's client holds the identity.
        inspector: the token inspector.
        chain_model: the refresh chain rows.
    """

    chain_entry_activated = Signal(int)
    token_copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshot: UserSnapshot | None = None
        self._now_ms = 0
        self._title = QLabel("No user selected", self)
        self._title.setObjectName("identity_title")
        set_enum_properties(self._title, textFormat="PlainText")
        set_font(self._title, bold=True, pixel_size=15)
        self._badge = Badge(self, padding=(10, 3))
        self._badge.setObjectName("state_badge")
        self._badge.setAccessibleName("Identity state")
        self.held_badge = Badge(self, padding=(10, 3))  # shown while a web page holds it
        self.held_badge.setObjectName("browser_held_badge")
        self.held_badge.set_badge(BROWSER_HELD_LABEL, BROWSER_HELD, BROWSER_HELD_TEXT)
        self.held_badge.setAccessibleName(BROWSER_HELD_LABEL)
        self._explanation = QLabel("Sign a test user in, or pick one from the list.", self)
        self._explanation.setObjectName("state_explanation")
        self._explanation.setWordWrap(True)
        # Two lines of room whatever the state says: a longer explanation does not push the
        # tokens and countdowns down under the mouse.
        self._explanation.setMinimumHeight(self._explanation.fontMetrics().lineSpacing() * 2 + 2)
        set_enum_properties(self._explanation, alignment="AlignTop|AlignLeft")
        self._policy = LiveText("Refresh policy: automatic", self, expanding=True)
        self._policy.setObjectName("policy_line")
        self._policy.setAccessibleName("Refresh policy")
        self._error = ErrorLine(self)
        self.advertising = TokenField("Advertising token", self)
        self.refresh = TokenField("Refresh token", self)
        self.countdowns = (
            CountdownWidget("Refresh from", "From then on the identity should be refreshed"),
            CountdownWidget("Identity expires", "The advertising token stops being valid"),
            CountdownWidget("Refresh expires", "The refresh token stops working: sign in again"),
        )
        self._skew = SkewLine(self)
        self.inspector = TokenInspector(self)
        self.chain_model = ChainModel(self)
        # The chain's table is built when its tab is first shown (not while the window starts).
        self._chain: QTableView | None = None
        self._build_layout()
        self._connect_signals()
        self.show_snapshot(None)

    def _build_layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(self._title, 1)
        head.addWidget(self.held_badge)
        head.addWidget(self._badge)
        tokens = Card("Tokens", self)
        token_form = QFormLayout()
        token_form.addRow("Advertising:", self.advertising)
        token_form.addRow("Refresh:", self.refresh)
        tokens.body.addLayout(token_form)
        times = Card("Countdowns", self)
        for countdown in self.countdowns:
            countdown.setParent(times)
            times.add(countdown)
        times.add(self._skew)
        left = QVBoxLayout()
        left.addLayout(head)
        left.addWidget(self._explanation)
        left.addWidget(self._policy)
        left.addWidget(self._error)
        left.addWidget(tokens)
        left.addWidget(times)
        left.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.inspector)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("identity_tabs")
        self.tabs.addTab(scroll, "Token inspector")
        self._chain_page = QWidget(self.tabs)
        QVBoxLayout(self._chain_page).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self._chain_page, "Refresh chain")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 3)
        layout.addWidget(self.tabs, 2)

    def _connect_signals(self) -> None:
        self.advertising.copied.connect(self.token_copied)
        self.refresh.copied.connect(self.token_copied)
        self.tabs.currentChanged.connect(self._on_tab_shown)

    def _on_tab_shown(self, index: int) -> None:
        if index == 1:
            self.chain_table()

    def chain_table(self) -> QTableView:
        """The refresh chain's table, built on first use."""
        if self._chain is None:
            table = QTableView(self._chain_page)
            table.setObjectName("chain_table")
            table.setAccessibleName("Refresh chain")
            table.setModel(self.chain_model)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.verticalHeader().hide()
            style_header(table.horizontalHeader())
            table.horizontalHeader().setSectionResizeMode(
                ChainColumn.TOKEN, QHeaderView.ResizeMode.Stretch
            )
            table.activated.connect(self._on_chain_activated)
            layout = self._chain_page.layout()
            if layout is not None:
                layout.addWidget(table)
            self._chain = table
        return self._chain

    # --- reading, for tests and accessibility ------------------------------------------------
    @property
    def badge_text(self) -> str:
        """The state badge's words."""
        return self._badge.text()

    @property
    def explanation_text(self) -> str:
        """The state in a sentence."""
        return self._explanation.text()

    @property
    def skew_text(self) -> str:
        """The skew line."""
        return self._skew.text()

    @property
    def policy_text(self) -> str:
        """The policy line."""
        return self._policy.text()

    @property
    def error_text(self) -> str:
        """The last error shown for this user (in full)."""
        return self._error.message

    @property
    def badge(self) -> Badge:
        """The state badge widget (screenshot tests read its colour)."""
        return self._badge

    # --- rendering ---------------------------------------------------------------------------
    def show_snapshot(self, snapshot: UserSnapshot | None) -> None:
        """Render ``snapshot`` (``None``: nobody selected)."""
        self.snapshot = snapshot
        state = "no_identity" if snapshot is None else str(snapshot.state)
        swatch = state_swatch(state)
        self._badge.set_badge(swatch.label, swatch.background, swatch.foreground)
        self._badge.setAccessibleDescription(swatch.explanation)
        self.held_badge.setVisible(snapshot is not None and snapshot.browser_held)
        if snapshot is None:
            self._title.setText("No user selected")
            self._explanation.setText("Sign a test user in, or pick one from the list.")
            self._error.set_message("")
            self._policy.setText("")
        else:
            self._title.setText(snapshot.user.label)
            self._explanation.setText(swatch.explanation + self._held_note(snapshot))
            self._error.set_message(snapshot.last_error or "")
        identity = None if snapshot is None else snapshot.identity
        self.advertising.set_token(None if identity is None else identity.advertising_token)
        self.refresh.set_token(None if identity is None else identity.refresh_token)
        self.inspector.set_token(None if identity is None else identity.advertising_token)
        if identity is None or snapshot is None:
            for countdown in self.countdowns:
                countdown.set_interval(None)
        else:
            start = snapshot.identity_set_ms
            if start is None:
                start = snapshot.chain[-1].at_ms if snapshot.chain else self._now_ms
            targets = (
                identity.refresh_from_ms,
                identity.identity_expires_ms,
                identity.refresh_expires_ms,
            )
            for countdown, target in zip(self.countdowns, targets, strict=True):
                countdown.set_interval((start, target))
        self.chain_model.set_chain(
            None if snapshot is None else snapshot.user.id,
            () if snapshot is None else snapshot.chain,
        )
        if self._now_ms:
            self.render_at(self._now_ms)
        else:
            self._policy.setText(policy_line(self.snapshot, None))

    def _held_note(self, snapshot: UserSnapshot) -> str:
        if not snapshot.browser_held or snapshot.identity is None:
            return ""
        return (
            "\nHeld by the browser: the web page's UID2 client refreshes this identity; the "
            "desk follows its refreshes (display only, no refresh_response_key) and sends none."
        )

    def render_at(self, now_ms: int) -> None:
        """Move the countdowns and the policy line to ``now_ms``."""
        self._now_ms = now_ms
        for countdown in self.countdowns:
            countdown.render_at(now_ms)
        self._policy.setText(policy_line(self.snapshot, now_ms))

    def set_skew(self, skew_ms: int | None, uncertainty_ms: int | None = None) -> None:
        """Show the latest measured clock skew (operator minus desk), warning near 60 s."""
        self._skew.set_skew(skew_ms, uncertainty_ms)

    def set_contents(self, contents: AdvertisingTokenContents | None, note: str = "") -> None:
        """Show the decrypted contents of the current advertising token."""
        self.inspector.set_contents(contents, note)

    def set_masked(self, masked: bool) -> None:
        """Hide or show token values (for demos)."""
        self.advertising.set_masked(masked)
        self.refresh.set_masked(masked)
        self.inspector.set_masked(masked)
        self.chain_model.set_masked(masked)

    def _on_chain_activated(self, index: QModelIndex) -> None:
        seq = index.data(SEQ_ROLE)
        if isinstance(seq, int):
            self.chain_entry_activated.emit(seq)
