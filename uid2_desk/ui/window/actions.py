"""The desk's actions (menu, toolbar, shortcuts).

When each is available is decided by :func:`uid2_desk.ui.window.action_rules.action_states`, a pure
function tested without a window; :meth:`DeskActions.apply` applies its answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon

from uid2_desk.ui.common.theme import icon_path

if TYPE_CHECKING:
    from uid2_desk.ui.window.action_rules import ActionStates


class DeskActions(QObject):
    """Every action of the window, with text, icon, shortcut and status tip.

    Attributes: one ``QAction`` per action (``sign_in``, ``refresh``, ``validate``,
    ``log_out``, ``user_returns``, ``remove_user``, ``auto_refresh``, ``opt_out``, ``send_to_ssp``,
    ``hand_off``, ``take_back``, ``mask_tokens``, ``inspect_token``, ``export_har``,
    ``export_jsonl``,
    ``export_markdown``, ``environments``, ``find``, ``dismiss``, ``quit``).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sign_in = self._make("sign_in", "&Sign in", "sign-in", "Ctrl+Return")
        self.refresh = self._make("refresh", "&Refresh now", "refresh", "F5")
        self.validate = self._make("validate", "&Validate", "validate", "F6")
        self.log_out = self._make("log_out", "&Log out", "log-out", "Ctrl+Shift+L")
        self.user_returns = self._make("user_returns", "User &returns to the site", None, "Ctrl+U")
        self.remove_user = self._make("remove_user", "Re&move user", "remove-user", "Ctrl+Del")
        self.auto_refresh = self._make("auto_refresh", "&Auto-refresh", "auto-refresh", "Ctrl+T")
        self.auto_refresh.setCheckable(True)
        self.opt_out = self._make("opt_out", "&Opt this user out now", "opt-out", "Ctrl+Shift+O")
        self.opt_out.setIconText("Opt out")
        self.send_to_ssp = self._make("send_to_ssp", "Send to &SSP", "send-ssp", "Ctrl+B")
        self.hand_off = self._make("hand_off", "&Hand off to a web page…", None, "Ctrl+Shift+H")
        self.take_back = self._make("take_back", "&Take back from the browser", None, "")
        self.mask_tokens = self._make("mask_tokens", "&Mask tokens", "mask", "Ctrl+M")
        self.mask_tokens.setIconText("Mask")
        self.mask_tokens.setCheckable(True)
        self.inspect_token = self._make("inspect_token", "&Inspect a token…", None, "Ctrl+I")
        self.export_har = self._make("export_har", "Export session as &HAR…", "export", "")
        self.export_jsonl = self._make("export_jsonl", "Export session as &JSONL…", "export", "")
        self.export_markdown = self._make(
            "export_markdown", "Export session as &Markdown report…", "export", "Ctrl+S"
        )
        self.environments = self._make(
            "environments", "&Environments and credentials…", "environment", "Ctrl+E"
        )
        self.find = self._make("find", "&Filter the log", None, "Ctrl+F")
        self.dismiss = self._make("dismiss", "&Dismiss message", None, "Esc")
        self.quit = self._make("quit", "&Quit", None, "Ctrl+Q")
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)

    def _make(self, name: str, text: str, icon: str | None, shortcut: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{name}")
        if icon is not None:
            path = icon_path(icon)
            if path.exists():
                action.setIcon(QIcon(str(path)))
        if shortcut:
            # Through the property: setShortcut()'s overloads take a Qt.Key, and resolving
            # them creates every ``Qt`` enum (see ``qt_values``). The context stays Qt's
            # default, the window.
            action.setProperty("shortcut", shortcut)
        return action

    def describe(self) -> None:
        """Give the actions their status and tool tips (shortcuts as the platform writes them).

        Not needed for the window's first paint, and naming the platform's format creates
        QKeySequence's enums (~2 ms): the window calls this once it has painted.
        """
        from PySide6.QtGui import QKeySequence

        tips = (
            (self.sign_in, "Generate an identity for the identifier in the sign-in panel"),
            (self.refresh, "Refresh the selected user's identity now"),
            (self.validate, "Ask the operator whether the token belongs to this identifier"),
            (self.log_out, "Forget the selected user's identity"),
            (self.remove_user, "Remove the selected user from the desk"),
            (self.user_returns, "The user comes back (the on-return policy refreshes if due)"),
            (self.auto_refresh, "Refresh automatically as the SDKs do"),
            (self.opt_out, "Local operator: record an opt-out for this user now"),
            (self.send_to_ssp, "Show the OpenRTB snippet the token travels in, and the buyer"),
            (self.hand_off, "Give this identity to a web page whose UID2 client refreshes it"),
            (self.take_back, "The desk owns this identity again and stops following the browser"),
            (self.mask_tokens, "Hide token values on screen, for demos"),
            (self.inspect_token, "Paste any advertising token: what it is and what it holds"),
            (self.environments, "Pick the environment and enter credentials"),
        )
        for action, tip in tips:
            action.setStatusTip(tip)
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)

    def disable_until_ready(self) -> None:
        """Grey what needs the services, as the rules do while they are not up yet."""
        for action in (
            self.sign_in,
            self.refresh,
            self.validate,
            self.log_out,
            self.remove_user,
            self.user_returns,
            self.auto_refresh,
            self.opt_out,
            self.send_to_ssp,
            self.hand_off,
            self.take_back,
            self.export_har,
            self.export_jsonl,
            self.export_markdown,
        ):
            action.setEnabled(False)

    def apply(self, states: ActionStates) -> None:
        """Enable and disable actions as ``states`` says."""
        self.sign_in.setEnabled(states.sign_in)
        self.refresh.setEnabled(states.refresh)
        self.validate.setEnabled(states.validate)
        self.log_out.setEnabled(states.log_out)
        self.remove_user.setEnabled(states.remove_user)
        self.user_returns.setEnabled(states.log_out)
        self.auto_refresh.setEnabled(states.policy)
        self.opt_out.setEnabled(states.opt_out)
        self.send_to_ssp.setEnabled(states.send_to_ssp)
        self.hand_off.setEnabled(states.hand_off)
        self.take_back.setEnabled(states.take_back)
        for action in (self.export_har, self.export_jsonl, self.export_markdown):
            action.setEnabled(states.exports)
        self.environments.setEnabled(states.environments)
