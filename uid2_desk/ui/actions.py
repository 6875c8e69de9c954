"""The desk's actions (menu, toolbar, shortcuts) and when each is available.

:func:`action_states` is a pure function of what the window knows (services ready, an action
in flight, the selected user's state, the environment), so the rules are tested without a
window and the window only applies the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence

from uid2_desk.ui.theme import icon_path

#: States whose identity carries a refresh token that may still work.
_REFRESHABLE = frozenset({"established", "refreshed", "refresh_due", "expired", "invalid"})
#: States whose advertising token may go into the bidstream.
_USABLE = frozenset({"established", "refreshed", "refresh_due"})


@dataclass(frozen=True)
class ActionContext:
    """What the availability of actions depends on.

    Attributes:
        ready: the services (operator, journal, publisher) are up.
        busy: a user action is in flight.
        state: the selected user's state value, or ``None`` when nobody is selected.
        has_identity: the selected user holds an identity.
        local: the environment is the embedded local operator.
    """

    ready: bool
    busy: bool
    state: str | None
    has_identity: bool
    local: bool


@dataclass(frozen=True)
class ActionStates:
    """Which actions are enabled."""

    sign_in: bool
    refresh: bool
    validate: bool
    log_out: bool
    remove_user: bool
    policy: bool
    opt_out: bool
    send_to_ssp: bool
    lifetimes: bool
    exports: bool
    environments: bool


def action_states(ctx: ActionContext) -> ActionStates:
    """Decide which actions make sense now."""
    free = ctx.ready and not ctx.busy
    selected = free and ctx.state is not None
    state = ctx.state or ""
    return ActionStates(
        sign_in=free,
        refresh=selected and ctx.has_identity and state in _REFRESHABLE,
        validate=selected and ctx.has_identity,
        log_out=selected and state != "no_identity",
        remove_user=selected,
        policy=selected,
        opt_out=selected and ctx.local and state != "opted_out",
        send_to_ssp=selected and ctx.has_identity and state in _USABLE,
        lifetimes=free and ctx.local,
        exports=ctx.ready,
        environments=not ctx.busy,
    )


class DeskActions(QObject):
    """Every action of the window, with text, icon, shortcut and status tip.

    Attributes: one ``QAction`` per action (``sign_in``, ``refresh``, ``validate``,
    ``log_out``, ``user_returns``, ``remove_user``, ``auto_refresh``, ``opt_out``, ``send_to_ssp``,
    ``mask_tokens``, ``export_har``, ``export_jsonl``, ``export_markdown``, ``environments``,
    ``find``, ``dismiss``, ``quit``).
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
        self.mask_tokens = self._make("mask_tokens", "&Mask tokens", "mask", "Ctrl+M")
        self.mask_tokens.setIconText("Mask")
        self.mask_tokens.setCheckable(True)
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
        self._tips()

    def _make(self, name: str, text: str, icon: str | None, shortcut: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{name}")
        if icon is not None:
            path = icon_path(icon)
            if path.exists():
                action.setIcon(QIcon(str(path)))
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        return action

    def _tips(self) -> None:
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
            (self.mask_tokens, "Hide token values on screen, for demos"),
            (self.environments, "Pick the environment and enter credentials"),
        )
        for action, tip in tips:
            action.setStatusTip(tip)
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)

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
        for action in (self.export_har, self.export_jsonl, self.export_markdown):
            action.setEnabled(states.exports)
        self.environments.setEnabled(states.environments)
