"""The sign-in panel: what to send, checked and shown before anything is sent.

As the person types, the panel runs the protocol's own normaliser (the operator's rules) and
shows the normalized value and its base64 SHA-256, or says inline what is wrong. Presets fill
in the operator's test identities, each with what it does; an original guide's old test
address (``validate@email.com``) gets a note saying it was renamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.protocol.errors import InputError
from uid2_desk.ui.common.look import PrimaryButton, set_colours
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.common.theme import ERROR_TEXT, INVALID_FILL
from uid2_desk.ui.identity.guide_address_note import GuideAddressNote
from uid2_desk.ui.identity.sign_in_mode import SignInModeBox

if TYPE_CHECKING:
    from uid2_desk.protocol.normalize import Dii, DiiKind


@dataclass(frozen=True)
class Preset:
    """One of the operator's test identities.

    Attributes:
        kind: ``email`` or ``phone`` (a ``DiiKind`` value).
        value: the identity.
        effect: what the operator does with it, in a few words.
    """

    kind: str
    value: str
    effect: str

    @property
    def caption(self) -> str:
        """The preset's line in the list."""
        return f"{self.value} — {self.effect}"


#: The operator's test identities (uid2-protocol.md §4; the code's phone numbers, not the docs').
PRESETS: tuple[Preset, ...] = (
    Preset("email", "validate@example.com", "validates; tokens as usual"),
    Preset("email", "optout@example.com", "opt-out on generate"),
    Preset("email", "refresh-optout@example.com", "opt-out on refresh"),
    Preset("phone", "+12345678901", "phone: validates"),
    Preset("phone", "+00000000000", "phone: opt-out on generate"),
    Preset("phone", "+00000000002", "phone: opt-out on refresh"),
)

#: (``DiiKind`` value, label, hint). Values, not the enum: the normaliser (and hashlib with
#: it) is imported on the first keystroke, not before the window's first paint.
_KINDS: tuple[tuple[str, str, str], ...] = (
    ("email", "Email", "e.g. jane.doe@example.com"),
    ("phone", "Phone", "E.164: + then 10–15 digits, e.g. +12345678901"),
    ("email_hash", "Email hash", "base64 (44 chars) or hex (64) SHA-256 of an email"),
    ("phone_hash", "Phone hash", "base64 (44 chars) or hex (64) SHA-256 of a phone"),
)


class SignInPanel(QWidget):
    """Kind, value, presets, live preview and the Sign in button.

    Signals:
        sign_in_requested(object, str, bool): ``(DiiKind, raw text, send_raw)``, emitted only
            for input the normaliser accepted, in server-side mode.
        client_sign_in_requested(object, str, str): ``(DiiKind, raw text, app name or
            origin)``, the same in client-side mode (:mod:`.sign_in_mode`).

    Attributes:
        dii: the parsed input, or ``None`` while empty or invalid.
        error: the inline explanation of invalid input, or ``None``.
    """

    sign_in_requested = Signal(object, str, bool)
    client_sign_in_requested = Signal(object, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dii: Dii | None = None
        self.error: str | None = None
        self._enabled_by_owner = False
        self.kind = QComboBox(self)
        self.kind.setObjectName("sign_in_kind")
        self.kind.setAccessibleName("Kind of identifier")
        for kind, title, _ in _KINDS:
            self.kind.addItem(title, kind)
        self.value = QLineEdit(self)
        self.value.setObjectName("sign_in_value")
        self._value_plain = self.value.palette()
        self.value.setAccessibleName("Email, phone or hash to sign in with")
        self.value.setClearButtonEnabled(True)
        self.presets = QComboBox(self)
        self.presets.setObjectName("sign_in_presets")
        self.presets.setAccessibleName("Test identity presets")
        self.presets.addItem("Test identities…", None)
        for preset in PRESETS:
            self.presets.addItem(preset.caption, preset)
        self.send_raw = QCheckBox("Send the normalized value, not its hash", self)
        self.send_raw.setObjectName("sign_in_send_raw")
        self.send_raw.setToolTip(
            "Like the SDKs' do_not_hash(): send 'email' or 'phone' instead of the hash."
        )
        self.mode_box = SignInModeBox(self)
        self._normalized = QLabel(self)
        self._normalized.setObjectName("sign_in_normalized")
        self._hash = QLabel(self)
        self._hash.setObjectName("sign_in_hash")
        self._message = QLabel(self)
        self._message.setObjectName("sign_in_error")
        self._message.setWordWrap(True)
        # Over the preview rows (they read "—" while input is refused), in no layout: the
        # message coming and going as one types moves nothing under the mouse.
        set_colours(self._message, text=ERROR_TEXT, fill=True)
        self._message.hide()
        for label in (self._normalized, self._hash, self._message):
            set_enum_properties(
                label, textFormat="PlainText", textInteractionFlags="TextSelectableByMouse"
            )
        self._hash.setWordWrap(True)
        self.guide_note = GuideAddressNote(self)  # the original guides' @email.com addresses
        self.button = PrimaryButton("Sign in", self)
        self.button.setObjectName("primary_button")
        self.button.setAccessibleName("Sign in with this identifier")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Mode:", self.mode_box)
        form.addRow("&Preset:", self.presets)
        form.addRow("&Kind:", self.kind)
        form.addRow("&Value:", self.value)
        form.addRow("", self.send_raw)
        form.addRow("Normalized:", self._normalized)
        form.addRow("SHA-256:", self._hash)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.guide_note)
        layout.addWidget(self.button)
        self.setTabOrder(self.presets, self.kind)
        self.setTabOrder(self.kind, self.value)
        self.setTabOrder(self.value, self.send_raw)
        self.setTabOrder(self.send_raw, self.button)
        self._connect_signals()
        self._update_preview()

    def _connect_signals(self) -> None:
        self.value.textChanged.connect(self._update_preview)
        self.kind.currentIndexChanged.connect(self._update_preview)
        self.presets.activated.connect(self._apply_preset)
        self.value.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)

    @property
    def current_kind(self) -> DiiKind:
        """The kind chosen."""
        from uid2_desk.protocol.normalize import DiiKind

        return DiiKind(self._kind_value())

    def _kind_value(self) -> str:
        value = self.kind.currentData()
        return value if isinstance(value, str) else "email"

    @property
    def normalized_text(self) -> str:
        """The normalized value as shown."""
        return self._normalized.text()

    @property
    def hash_text(self) -> str:
        """The base64 SHA-256 as shown."""
        return self._hash.text()

    @property
    def message_text(self) -> str:
        """The inline explanation as shown (empty when the input is fine)."""
        return self._message.text()

    def set_input(self, kind: DiiKind | str, value: str) -> None:
        """Fill in ``kind`` and ``value`` as if typed."""
        index = next((i for i in range(self.kind.count()) if self.kind.itemData(i) == kind), 0)
        self.kind.setCurrentIndex(index)
        self.value.setText(value)

    def set_actions_enabled(self, enabled: bool) -> None:
        """Allow or forbid signing in (no service yet, or an action in flight)."""
        self._enabled_by_owner = enabled
        self._update_button()

    def submit(self) -> None:
        """Ask to sign in with the current input, if it is valid."""
        self._update_preview()
        if self.dii is None or not self._enabled_by_owner:
            if self.dii is None and not self.value.text().strip():
                self._show_message("Type an email, a phone number or a hash first.")
            return
        if self.mode_box.client_side:
            device = self.mode_box.device.text()
            self.client_sign_in_requested.emit(self.current_kind, self.value.text(), device)
            return
        self.sign_in_requested.emit(self.current_kind, self.value.text(), self.send_raw.isChecked())

    def _apply_preset(self, index: int) -> None:
        preset = self.presets.itemData(index)
        if isinstance(preset, Preset):
            self.set_input(preset.kind, preset.value)
            self.value.setFocus()

    def _update_preview(self) -> None:
        kind = self._kind_value()
        placeholder = next(hint for k, _, hint in _KINDS if k == kind)
        self.value.setPlaceholderText(placeholder)
        self.send_raw.setEnabled(not kind.endswith("_hash"))
        text = self.value.text()
        self.dii = None
        self.error = None
        if not text.strip():
            self._normalized.setText("—")
            self._hash.setText("—")
            self._show_message("")
        else:
            from uid2_desk.protocol.normalize import parse_dii

            try:
                self.dii = parse_dii(self.current_kind, text)
            except InputError as err:
                self.error = str(err)
                self._normalized.setText("—")
                self._hash.setText("—")
                self._show_message(self.error)
            else:
                self._normalized.setText(self.dii.normalized or _hash_note(self.dii))
                self._hash.setText(self.dii.sent_hash)
                self._show_message("")
        invalid = self.error is not None
        if bool(self.value.property("invalid")) != invalid:
            self.value.setProperty("invalid", invalid)
            self.value.setPalette(self._value_plain)
            if invalid:  # a pale red field while the normaliser refuses the input
                set_colours(self.value, Base=INVALID_FILL)
        self.guide_note.show_for(kind, text)
        self._update_button()

    def _show_message(self, text: str) -> None:
        from uid2_desk.ui.common.sentences import sentence

        text = sentence(text)
        self._message.setText(text)
        self._message.setVisible(bool(text))
        self.value.setAccessibleDescription(text)
        self._place_message()

    def _place_message(self) -> None:
        """Lay the message over the Normalized and SHA-256 rows, the panel's full width."""
        if self._message.isHidden():
            return
        top = self._normalized.geometry().top()
        rows = self._hash.geometry().bottom() + 1 - top
        width = self.width()
        height = max(rows, self._message.heightForWidth(width))
        self._message.setGeometry(0, top, width, height)
        self._message.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Keep the message over the preview rows."""
        super().resizeEvent(event)
        self._place_message()

    def _update_button(self) -> None:
        self.button.setEnabled(self._enabled_by_owner and self.dii is not None)


def _hash_note(dii: Dii) -> str:
    """What happens to a typed hash: sent as typed, or (hex) converted to base64."""
    if dii.sent_hash == dii.entered:
        return "(a hash is sent exactly as typed)"
    return "(64 hex digits: sent as the base64 below)"
