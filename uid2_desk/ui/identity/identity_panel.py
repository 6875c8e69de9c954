"""The identity panel: the selected user's state, tokens, countdowns, skew and chain.

It renders a ``UserSnapshot`` and an instant; it never asks the publisher anything. The
window feeds it the snapshot whenever the bridge reports a change and the instant on every
tick of the one :class:`~uid2_desk.ui.common.ticker.SecondTicker`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.ui.common.live_text import LiveText
from uid2_desk.ui.common.look import Badge, Card, set_colours, set_font, style_header
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.common.theme import ERROR_TEXT, WARNING_TEXT, state_swatch
from uid2_desk.ui.common.timefmt import format_remaining, format_skew
from uid2_desk.ui.identity.chain_model import SEQ_ROLE, ChainColumn, ChainModel
from uid2_desk.ui.identity.countdown import CountdownWidget
from uid2_desk.ui.identity.token_field import TokenField
from uid2_desk.ui.identity.token_inspector import TokenInspector

if TYPE_CHECKING:
    from uid2_desk.protocol.tokens import AdvertisingTokenContents
    from uid2_desk.publisher.model import UserSnapshot

_POLICY_WORDS = {
    "manual": "manual (Refresh now only)",
    "automatic": "automatic, like the SDKs",
    "on_return": "when the user returns",
    "interval": "on a fixed interval",
}


class IdentityPanel(QWidget):
    """Shows one user's identity as it stands now.

    Signals:
        chain_entry_activated(int): the journal seq of a chain row the user activated.
        token_copied(str): the name of a token copied to the clipboard.

    Attributes:
        snapshot: the snapshot shown, or ``None``.
        countdowns: the three countdown widgets (refresh_from, identity, refresh).
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
        self._explanation = QLabel("Sign a test user in, or pick one from the list.", self)
        self._explanation.setObjectName("state_explanation")
        self._explanation.setWordWrap(True)
        self._policy = LiveText("Refresh policy: automatic", self, expanding=True)
        self._policy.setObjectName("policy_line")
        self._policy.setAccessibleName("Refresh policy")
        # One line, elided: the banner carries the whole message; the tooltip too.
        self._error = QLabel(self)
        self._error.setObjectName("identity_error")
        set_colours(self._error, text=ERROR_TEXT)
        set_enum_properties(self._error, textFormat="PlainText")
        self._error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._error_full = ""
        self.advertising = TokenField("Advertising token", self)
        self.refresh = TokenField("Refresh token", self)
        self.countdowns = (
            CountdownWidget("Refresh from", "From then on the identity should be refreshed"),
            CountdownWidget("Identity expires", "The advertising token stops being valid"),
            CountdownWidget("Refresh expires", "The refresh token stops working: sign in again"),
        )
        self._skew = QLabel("Clock skew to the operator: not measured yet", self)
        self._skew.setObjectName("skew_label")
        self._skew.setWordWrap(True)
        self._skew.setProperty("level", "ok")
        self._skew_plain = self._skew.palette()
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
        return self._error_full

    def _set_error(self, message: str) -> None:
        self._error_full = message
        self._error.setVisible(bool(message))
        self._error.setToolTip(message)
        self._elide_error()

    def _elide_error(self) -> None:
        if not self._error_full:
            self._error.setText("")
            return
        from PySide6.QtCore import Qt

        text = f"Last error: {self._error_full}"
        width = max(self._error.width(), 200)
        metrics = self._error.fontMetrics()
        self._error.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Re-elide the error line to the new width."""
        super().resizeEvent(event)
        self._elide_error()

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
        if snapshot is None:
            self._title.setText("No user selected")
            self._explanation.setText("Sign a test user in, or pick one from the list.")
            self._set_error("")
            self._policy.setText("")
        else:
            self._title.setText(snapshot.user.label)
            self._explanation.setText(swatch.explanation)
            self._set_error(snapshot.last_error or "")
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
            self._policy.setText(self._policy_line(None))

    def render_at(self, now_ms: int) -> None:
        """Move the countdowns and the policy line to ``now_ms``."""
        self._now_ms = now_ms
        for countdown in self.countdowns:
            countdown.render_at(now_ms)
        self._policy.setText(self._policy_line(now_ms))

    def _policy_line(self, now_ms: int | None) -> str:
        snapshot = self.snapshot
        if snapshot is None:
            return ""
        policy = str(snapshot.policy)
        words = [f"Refresh policy: {_POLICY_WORDS.get(policy, policy)}"]
        if snapshot.next_refresh_ms is not None and now_ms is not None:
            words.append(f"next refresh {format_remaining(snapshot.next_refresh_ms, now_ms)}")
        if snapshot.attempts:
            words.append(f"{snapshot.attempts} failed attempt(s)")
        return " · ".join(words)

    def set_skew(self, skew_ms: int | None) -> None:
        """Show the latest measured clock skew (operator minus desk), warning near 60 s."""
        if skew_ms is None:
            self._skew.setText("Clock skew to the operator: not measured yet")
            level = "ok"
        else:
            # The client layer owns the thresholds (45 s warning, 60 s documented limit).
            from uid2_desk.client.skew import SkewLevel, assess_skew

            assessment = assess_skew(skew_ms)
            level = {SkewLevel.OK: "ok", SkewLevel.WARNING: "warning"}.get(
                assessment.level, "error"
            )
            text = f"Clock skew to the operator: {format_skew(skew_ms)}"
            if assessment.message:
                text += f" — {assessment.message}"
            self._skew.setText(text)
        self._show_skew_level(level)

    def _show_skew_level(self, level: str) -> None:
        """Amber and bold for a warning, red and bold beyond; plain when fine."""
        if level == self._skew.property("level"):
            return
        self._skew.setProperty("level", level)
        colour = {"warning": WARNING_TEXT, "error": ERROR_TEXT}.get(level)
        self._skew.setPalette(self._skew_plain)
        if colour is not None:
            set_colours(self._skew, text=colour)
        font = self._skew.font()
        font.setBold(colour is not None)
        self._skew.setFont(font)

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
