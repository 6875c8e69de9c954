"""When each of the desk's actions is available: a pure function of what the window knows.

:func:`action_states` decides from the services being ready, an action in flight, the
selected user's state and the environment, so the rules are tested without a window and the
window only applies the result (:meth:`uid2_desk.ui.window.actions.DeskActions.apply`). Qt-free,
and imported once the window has painted: before that nothing is ready, and
:meth:`~uid2_desk.ui.window.actions.DeskActions.disable_until_ready` says so.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        browser_held: a web page's client holds the selected user's identity.
    """

    ready: bool
    busy: bool
    state: str | None
    has_identity: bool
    local: bool
    browser_held: bool = False


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
    hand_off: bool
    take_back: bool
    lifetimes: bool
    exports: bool
    environments: bool


def action_states(ctx: ActionContext) -> ActionStates:
    """Decide which actions make sense now."""
    free = ctx.ready and not ctx.busy
    selected = free and ctx.state is not None
    state = ctx.state or ""
    usable = selected and ctx.has_identity and state in _USABLE
    return ActionStates(
        sign_in=free,
        refresh=selected and ctx.has_identity and state in _REFRESHABLE,
        validate=selected and ctx.has_identity,
        log_out=selected and state != "no_identity",
        remove_user=selected,
        policy=selected and not ctx.browser_held,  # the browser refreshes, not the desk
        opt_out=selected and ctx.local and state != "opted_out",
        send_to_ssp=usable,
        hand_off=usable and not ctx.browser_held,
        take_back=selected and ctx.browser_held,
        lifetimes=free and ctx.local,
        exports=ctx.ready,
        environments=not ctx.busy,
    )
