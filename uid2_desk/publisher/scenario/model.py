"""What a scenario is: an ordered list of steps, each with an action, a caption and expectations.

Scenarios are data (TOML files under ``resources/scenarios/``, see :mod:`.loader`); these
frozen dataclasses are what a loaded one looks like. The player (:mod:`.player`) executes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from uid2_desk.publisher.guides import Guide


class Action(StrEnum):
    """What a step does. Each maps to one publisher, operator-admin or buyer operation."""

    SIGN_IN = "sign_in"
    REFRESH = "refresh"
    VALIDATE = "validate"
    LOG_OUT = "log_out"
    USER_RETURNS = "user_returns"
    SET_POLICY = "set_policy"
    WAIT = "wait"
    OPT_OUT = "opt_out"
    FAULT = "fault"
    CLEAR_FAULTS = "clear_faults"
    BID = "bid"
    CHECK = "check"
    HAND_OFF = "hand_off"
    """The publisher server hands the identity to the web page (client-server guide, 1-f)."""


class WaitUntil(StrEnum):
    """The identity's own moments a ``wait`` step can jump to."""

    REFRESH_DUE = "refresh_due"
    IDENTITY_EXPIRES = "identity_expires"
    REFRESH_EXPIRES = "refresh_expires"


class LocalFeature(StrEnum):
    """Things only the embedded local operator can do; remote runs skip scenarios needing them."""

    ADMIN_OPT_OUT = "admin opt-out"
    FAULTS = "fault injection"
    TIME_WARP = "time warp"
    BUYER_KEYS = "buyer (DSP) credentials"


#: Which local feature each action needs (actions absent here work on any environment).
ACTION_NEEDS: dict[Action, LocalFeature] = {
    Action.OPT_OUT: LocalFeature.ADMIN_OPT_OUT,
    Action.FAULT: LocalFeature.FAULTS,
    Action.CLEAR_FAULTS: LocalFeature.FAULTS,
    Action.BID: LocalFeature.BUYER_KEYS,
}


@dataclass(frozen=True)
class Caption:
    """A step in plain words, for the in-window player, the kiosk and the CLI.

    Attributes:
        title: one line: what happens in this step.
        user: what the person (or their device) does; empty when nobody acts.
        publisher: what the publisher server sends or decides.
        operator: what the UID2 operator answers.
        why: why the step matters to an integration.
    """

    title: str
    user: str = ""
    publisher: str = ""
    operator: str = ""
    why: str = ""


@dataclass(frozen=True)
class Expectation:
    """What must be true after a step; ``None`` fields are not checked.

    Attributes:
        state: the user's :class:`~uid2_desk.publisher.model.UserState` value.
        status: the operator ``status`` of the step's last exchange (``success``, ``optout``...).
        http: the HTTP status of the step's last exchange.
        error: whether the operation must fail (``True``) or must not (``False``).
        valid: for ``validate``: the operator's answer.
        attempts: consecutive failed refresh attempts after the step.
        exchanges: how many operator exchanges the step made in total.
        identity: whether the user holds an identity after the step.
        decrypt: for ``bid``: ``success`` when the buyer could decrypt the token.
        message: text that must appear in the error message or notices (case-insensitive).
    """

    state: str | None = None
    status: str | None = None
    http: int | None = None
    error: bool | None = None
    valid: bool | None = None
    attempts: int | None = None
    exchanges: int | None = None
    identity: bool | None = None
    decrypt: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Step:
    """One step of a scenario.

    Attributes:
        id: unique within the scenario, e.g. ``sign-in``; shown by the CLI.
        action: what the step does.
        caption: the step in plain words.
        expect: what must hold afterwards.
        params: the action's parameters, already validated by the loader (e.g. ``dii``,
            ``value``, ``policy``, ``until``, ``seconds``, ``endpoint``, ``count``).
    """

    id: str
    action: Action
    caption: Caption
    expect: Expectation = field(default_factory=Expectation)
    params: tuple[tuple[str, str | int | bool], ...] = ()

    def param(self, name: str, default: str | int | bool | None = None) -> str | int | bool | None:
        """Return a parameter by name, or ``default``."""
        for key, value in self.params:
            if key == name:
                return value
        return default

    @property
    def needs(self) -> LocalFeature | None:
        """The local-only feature this step needs, if any."""
        if self.action is Action.WAIT:
            return LocalFeature.TIME_WARP
        return ACTION_NEEDS.get(self.action)


@dataclass(frozen=True)
class Scenario:
    """A named, ordered walk through a flow.

    Attributes:
        name: the file stem and CLI name, e.g. ``server-only``.
        title: one line for lists.
        summary: a paragraph for the player and the report.
        steps: the steps, in order.
        source: the file it came from (for messages).
        guide: the integration guide it plays; a v1 guide needs a desk playing that guide
            (``uid2-desk run`` opens one).
    """

    name: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    source: str = ""
    guide: Guide = Guide.SERVER_ONLY

    @property
    def needs(self) -> tuple[LocalFeature, ...]:
        """Every local-only feature some step needs, in first-use order, without repeats."""
        seen: list[LocalFeature] = []
        for step in self.steps:
            if step.needs is not None and step.needs not in seen:
                seen.append(step.needs)
        return tuple(seen)
