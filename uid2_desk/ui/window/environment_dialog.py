"""Environments and credentials: pick where the desk talks, enter and test an API key.

The secret field is a password field and is never filled back in: stored credentials are
shown as a masked key and where they are kept. With no OS keychain the dialog says so and
offers to keep the credentials for this session only. A production environment asks before
its first call (here: the connection test), as the desk does before any call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.ui.common.look import Badge
from uid2_desk.ui.common.tasks import TaskRunner
from uid2_desk.ui.common.theme import environment_swatch
from uid2_desk.ui.window.production_confirm import confirm_production

if TYPE_CHECKING:
    from uid2_desk.client.credentials import Credentials
    from uid2_desk.client.environments import Environment
    from uid2_desk.ui.window.credentials_flow import CredentialsFlow, StoredCredentials

_CUSTOM = "__custom__"


class EnvironmentDialog(QDialog):
    """Pick an environment, enter credentials, test, save, switch.

    Signals:
        switch_requested(str): switch the desk to this ``--env`` value.

    Attributes:
        flow: the credential stores and the connection test.
        runner: runs the dialog's async calls; their failures are shown in the dialog.
        confirmed_production: environment ids whose calls were confirmed this session.
        keychain_problem: why there is no keychain, or ``None``.
    """

    switch_requested = Signal(str)

    def __init__(
        self,
        flow: CredentialsFlow,
        current_env: str,
        confirmed_production: set[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from uid2_desk.client.environments import KNOWN_ENVIRONMENTS

        self.setObjectName("environment_dialog")
        self.setWindowTitle("Environments and credentials")
        self.flow = flow
        # Its own runner: a failed test belongs in this dialog, not on the window's banner.
        self.runner = TaskRunner(self)
        self.confirmed_production = confirmed_production
        self.keychain_problem: str | None = None
        self.environment = QComboBox(self)
        self.environment.setObjectName("env_choice")
        self.environment.setAccessibleName("Environment")
        self.environment.addItem("Local operator (embedded)", "local")
        for env in KNOWN_ENVIRONMENTS:
            self.environment.addItem(env.display_name, env.id)
        self.environment.addItem("Custom URL…", _CUSTOM)
        self._chip = Badge(self)
        self._chip.setObjectName("env_dialog_chip")
        self.url = QLineEdit(self)
        self.url.setObjectName("env_url")
        self.url.setAccessibleName("Operator base URL")
        self.url.setPlaceholderText("https://operator.example.com")
        self.api_key = QLineEdit(self)
        self.api_key.setObjectName("env_api_key")
        self.api_key.setAccessibleName("API key")
        self.api_key.setPlaceholderText("UID2-C-…")
        self.secret = QLineEdit(self)
        self.secret.setObjectName("env_secret")
        self.secret.setAccessibleName("Client secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("44 characters of base64")
        self.session_only = QCheckBox("Keep for this session only (not saved)", self)
        self.session_only.setObjectName("env_session_only")
        self._stored = QLabel(self)
        self._stored.setObjectName("env_stored")
        self._stored.setWordWrap(True)
        self._result = QLabel(self)
        self._result.setObjectName("env_result")
        self._result.setWordWrap(True)
        self._result.setTextFormat(Qt.TextFormat.PlainText)
        self._result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_button = QPushButton("&Test connection", self)
        self.test_button.setObjectName("env_test")
        self.save_button = QPushButton("&Save credentials", self)
        self.save_button.setObjectName("env_save")
        self.switch_button = QPushButton("&Use this environment", self)
        self.switch_button.setObjectName("env_switch")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.switch_button, QDialogButtonBox.ButtonRole.AcceptRole)
        form = QFormLayout()
        form.addRow("&Environment:", self.environment)
        form.addRow("", self._chip)
        form.addRow("Base &URL:", self.url)
        form.addRow("API &key:", self.api_key)
        form.addRow("&Secret:", self.secret)
        form.addRow("", self.session_only)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._stored)
        layout.addWidget(self._result)
        layout.addWidget(buttons)
        self.resize(560, 360)
        self.environment.currentIndexChanged.connect(self._on_environment)
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.save)
        self.switch_button.clicked.connect(self._switch)
        buttons.rejected.connect(self.reject)
        self.runner.failed.connect(lambda _what, message: self._result.setText(message))
        index = self.environment.findData(current_env)
        if index < 0:
            self.environment.setCurrentIndex(self.environment.findData(_CUSTOM))
            self.url.setText(current_env)
        else:
            self.environment.setCurrentIndex(index)
        self._on_environment()
        self.runner.run("Check the keychain", self.flow.keychain_problem(), self._show_keychain)

    # --- reading, for tests ------------------------------------------------------------------
    @property
    def result_text(self) -> str:
        """The last result or error shown."""
        return self._result.text()

    @property
    def stored_text(self) -> str:
        """What is stored for the environment, and where."""
        return self._stored.text()

    def chosen_env(self) -> str:
        """The ``--env`` value chosen (a name, or the URL for a custom environment)."""
        value = self.environment.currentData()
        return self.url.text().strip() if value == _CUSTOM else str(value)

    def chosen_environment(self) -> Environment:
        """The chosen environment, resolved (raises ``InputError`` for a bad URL)."""
        from uid2_desk.client.environments import Environment

        return Environment.from_cli(self.chosen_env())

    # --- behaviour ---------------------------------------------------------------------------
    def _on_environment(self) -> None:
        value = self.environment.currentData()
        custom = value == _CUSTOM
        local = value == "local"
        self.url.setEnabled(custom)
        for field in (self.api_key, self.secret, self.session_only):
            field.setEnabled(not local)
        self.test_button.setEnabled(not local)
        self.save_button.setEnabled(not local)
        kind = "local" if local else "custom" if custom else self._kind_of(str(value))
        swatch = environment_swatch(kind)
        self._chip.set_badge(swatch.label, swatch.background, swatch.foreground)
        self._chip.setToolTip(swatch.explanation)
        self._result.setText("")
        if local:
            self._stored.setText("The local operator needs no credentials: the desk has them.")
            return
        if custom and not self.url.text().strip():
            self._stored.setText("")
            return
        self.runner.run("Read credentials", self.flow.stored(self.chosen_env()), self._show_stored)

    @staticmethod
    def _kind_of(env_id: str) -> str:
        from uid2_desk.client.environments import KNOWN_ENVIRONMENTS

        found = next((e for e in KNOWN_ENVIRONMENTS if e.id == env_id), None)
        return "custom" if found is None else found.kind.value

    def _show_keychain(self, problem: str | None) -> None:
        self.keychain_problem = problem
        if problem is not None:
            self.session_only.setChecked(True)
            self.session_only.setEnabled(False)
            self._result.setText(problem)

    def _show_stored(self, stored: StoredCredentials) -> None:
        if stored.masked_key is None:
            self._stored.setText("No credentials stored for this environment yet.")
        else:
            self._stored.setText(
                f"Stored in {stored.where}: API key {stored.masked_key}. Type new values to "
                "replace them."
            )

    def _credentials(self) -> Credentials | None:
        from uid2_desk.client.credentials import Credentials

        try:
            return Credentials(self.api_key.text(), self.secret.text())
        except Uid2DeskError as err:
            self._result.setText(str(err))
            return None

    def _confirm(self, environment: Environment) -> bool:
        if not environment.is_production or environment.id in self.confirmed_production:
            return True
        if not confirm_production(
            self,
            f"{environment.display_name} is PRODUCTION.",
            "The connection test sends one real request (a token for the test identity "
            "validate@example.com).",
        ):
            return False
        self.confirmed_production.add(environment.id)
        return True

    def test_connection(self) -> None:
        """Generate for the test identity with the typed credentials."""
        credentials = self._credentials()
        if credentials is None:
            return
        try:
            environment = self.chosen_environment()
        except Uid2DeskError as err:
            self._result.setText(str(err))
            return
        if not self._confirm(environment):
            self._result.setText("Not tested: production calls were not confirmed.")
            return
        self._result.setText(f"Testing {environment.display_name}…")
        self.runner.run(
            "Test connection", self.flow.test(environment, credentials), self._result.setText
        )

    def save(self) -> None:
        """Store the typed credentials (keychain, or session only)."""
        credentials = self._credentials()
        if credentials is None:
            return
        env_id = self.chosen_env()
        session_only = self.session_only.isChecked()

        def saved(where: str) -> None:
            self.secret.clear()
            self.api_key.clear()
            self._result.setText(f"Saved in {where}: API key {credentials.masked_key}.")
            self.runner.run("Read credentials", self.flow.stored(env_id), self._show_stored)

        self.runner.run(
            "Save credentials",
            self.flow.save(env_id, credentials, session_only=session_only),
            saved,
        )

    def _switch(self) -> None:
        try:
            environment = self.chosen_environment()
        except Uid2DeskError as err:
            self._result.setText(str(err))
            return
        self.switch_requested.emit(self.chosen_env())
        self._result.setText(f"Switching the desk to {environment.display_name}…")
        self.accept()

    def done(self, result: int) -> None:
        """Closing cancels what is still running (its results would have nowhere to go)."""
        self.runner.cancel_all()
        super().done(result)
