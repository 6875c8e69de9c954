"""The identity panel: the selected user's state, tokens, countdowns, skew and chain.

It renders a ``UserSnapshot`` and an instant; it never asks the publisher anything. The
window feeds it the snapshot whenever the bridge reports a change and the instant on every
tick of the one :class:`~uid2_desk.ui.ticker.SecondTicker`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
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

from uid2_desk.ui.chain_model import SEQ_ROLE, ChainColumn, ChainModel
from uid2_desk.ui.countdown import CountdownWidget
from uid2_desk.ui.live_text import LiveText
from uid2_desk.ui.theme import badge_style, state_swatch
from uid2_desk.ui.timefmt import format_remaining, format_skew
from uid2_desk.ui.token_field import TokenField
from uid2_desk.ui.token_inspector import TokenInspector

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
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        self._title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self._badge = QLabel(self)
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
        self._error.setStyleSheet("color: #b91c1c;")
        self._error.setTextFormat(Qt.TextFormat.PlainText)
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
        self.inspector = TokenInspector(self)
        self.chain_model = ChainModel(self)
        self._chain = QTableView(self)
        self._chain.setObjectName("chain_table")
        self._chain.setAccessibleName("Refresh chain")
        self._chain.setModel(self.chain_model)
        self._chain.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._chain.verticalHeader().hide()
        self._chain.horizontalHeader().setSectionResizeMode(
            ChainColumn.TOKEN, QHeaderView.ResizeMode.Stretch
        )
        self._build_layout()
        self._connect_signals()
        self.show_snapshot(None)

    def _build_layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(self._title, 1)
        head.addWidget(self._badge)
        tokens = QGroupBox("Tokens", self)
        token_form = QFormLayout(tokens)
        token_form.addRow("Advertising:", self.advertising)
        token_form.addRow("Refresh:", self.refresh)
        times = QGroupBox("Countdowns", self)
        time_layout = QVBoxLayout(times)
        for countdown in self.countdowns:
            countdown.setParent(times)
            time_layout.addWidget(countdown)
        time_layout.addWidget(self._skew)
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
        self.tabs.addTab(self._chain, "Refresh chain")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 3)
        layout.addWidget(self.tabs, 2)

    def _connect_signals(self) -> None:
        self.advertising.copied.connect(self.token_copied)
        self.refresh.copied.connect(self.token_copied)
        self._chain.activated.connect(self._on_chain_activated)

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
        text = f"Last error: {self._error_full}" if self._error_full else ""
        width = max(self._error.width(), 200)
        metrics = self._error.fontMetrics()
        self._error.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Re-elide the error line to the new width."""
        super().resizeEvent(event)
        self._elide_error()

    @property
    def badge(self) -> QLabel:
        """The state badge widget (screenshot tests read its colour)."""
        return self._badge

    # --- rendering ---------------------------------------------------------------------------
    def show_snapshot(self, snapshot: UserSnapshot | None) -> None:
        """Render ``snapshot`` (``None``: nobody selected)."""
        self.snapshot = snapshot
        state = "no_identity" if snapshot is None else str(snapshot.state)
        swatch = state_swatch(state)
        self._badge.setText(swatch.label)
        self._badge.setStyleSheet(badge_style(swatch, padding="3px 10px"))
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
        self._skew.setProperty("level", level)
        self._skew.style().unpolish(self._skew)
        self._skew.style().polish(self._skew)

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
