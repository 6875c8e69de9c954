"""The note under the sign-in value when the person types an original guide's test address.

The custom publisher, v1 SDK and v1 server-only guides use ``validate@email.com`` and
``optout@email.com``; operators moved their test identities to ``@example.com`` in October
2023, so to any operator today the old addresses are ordinary ones. Someone following an old
guide types them and expects the special behaviour: the note says what happened and which
address to use instead (:func:`~uid2_desk.protocol.guide_addresses.renamed_test_address`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from uid2_desk.ui.common.look import set_colours
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.common.theme import WARNING_TEXT


class GuideAddressNote(QLabel):
    """A word-wrapped note, shown only while the value is one of the old guide addresses.

    Attributes:
        current: the address to use instead, while the note is shown (else ``None``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sign_in_guide_address")
        self.setWordWrap(True)
        set_colours(self, text=WARNING_TEXT)
        set_enum_properties(
            self, textFormat="PlainText", textInteractionFlags="TextSelectableByMouse"
        )
        self.current: str | None = None
        self.setVisible(False)

    def show_for(self, kind: str, text: str) -> None:
        """Explain ``text`` if it is an old guide address typed as an email, else hide."""
        renamed = None
        if kind == "email" and "@email.com" in text.lower():
            # Imported on demand, like the normaliser: not before the window's first paint.
            from uid2_desk.protocol.guide_addresses import renamed_test_address

            renamed = renamed_test_address(text)
        self.current = None if renamed is None else renamed.current
        self.setText("" if renamed is None else renamed.explanation())
        self.setVisible(renamed is not None)
