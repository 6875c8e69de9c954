"""The client-side site dialog: what the desk's device needs, and what the operator allows.

On the embedded operator it shows the site's subscription id and server public key (the
operator's own key pair, read-only) and edits the allowed domain names and app names, as the
``--cstg-domain`` / ``--cstg-app-name`` options do (``operator.cstg.set_names``). On a remote
environment it takes the subscription id and server public key the UID2 team issued (neither
is a secret; kept with the environment's settings, not in the keychain).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.client.cstg_site import SiteView


def _names(text: str) -> tuple[str, ...]:
    """Names typed with commas or spaces between them."""
    return tuple(n for n in text.replace(",", " ").split() if n)


class CstgSiteDialog(QDialog):
    """Edits one :class:`SiteView`; :meth:`edited` is the result once accepted.

    Attributes:
        subscription: the subscription id field.
        public_key: the server public key field.
        domains: the allowed domain names (embedded operator only).
        apps: the allowed app names (embedded operator only).
    """

    def __init__(self, view: SiteView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cstg_site_dialog")
        self.setWindowTitle("Client-side site")
        self._local = view.local
        self.subscription = QLineEdit(view.subscription_id, self)
        self.subscription.setObjectName("cstg_subscription")
        self.public_key = QLineEdit(view.server_public_key, self)
        self.public_key.setObjectName("cstg_public_key")
        self.public_key.setPlaceholderText("UID2-X-I-MFkw… (from the UID2 team)")
        self.domains = QLineEdit(" ".join(view.domain_names), self)
        self.domains.setObjectName("cstg_domains")
        self.apps = QLineEdit(" ".join(view.app_names), self)
        self.apps.setObjectName("cstg_apps")
        intro = QLabel(self)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Subscription id:", self.subscription)
        form.addRow("Server public key:", self.public_key)
        if view.local:
            intro.setText(
                "The desk's operator issued this key pair. Pages on these domains and apps with "
                "these names may generate tokens client-side (separate names with spaces)."
            )
            for field in (self.subscription, self.public_key):
                field.setReadOnly(True)
            form.addRow("Domain names:", self.domains)
            form.addRow("App names:", self.apps)
        else:
            intro.setText(
                "Enter the subscription id and server public key the UID2 team gave for this "
                "environment's site. Neither is a secret."
            )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def edited(self) -> SiteView:
        """The site as edited."""
        return SiteView(
            self._local,
            self.subscription.text().strip(),
            self.public_key.text().strip(),
            _names(self.domains.text()) if self._local else (),
            _names(self.apps.text()) if self._local else (),
        )
