"""Reads scenario files (TOML) and checks them against the schema before anything plays.

A scenario file, ``resources/scenarios/<name>.toml``::

    name = "server-only"                # must equal the file stem
    title = "Sign in, validate, refresh, log out"
    summary = "A paragraph for the player and the report."

    [[step]]
    id = "sign-in"                      # unique within the file
    do = "sign_in"                      # an Action value
    dii = "email"                       # the action's parameters (see PARAMS)
    value = "validate@example.com"
    [step.caption]
    title = "Jane signs in on the TV"   # required: one line
    user = "..."                        # optional: what the person does
    publisher = "..."                   # optional: what the publisher server sends
    operator = "..."                    # optional: what the operator answers
    why = "..."                         # optional: why it matters
    [step.expect]                       # required: at least one check, see Expectation
    state = "established"
    status = "success"
    http = 200

Every problem raises :class:`ScenarioError` naming the file and the step.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from uid2_desk.protocol.errors import InputError, ScenarioError
from uid2_desk.publisher.guides import Guide
from uid2_desk.publisher.model import UserState
from uid2_desk.publisher.refresh.policy import PolicyKind
from uid2_desk.publisher.scenario.model import (
    Action,
    Caption,
    Expectation,
    Scenario,
    Step,
    WaitUntil,
)
from uid2_desk.resources import resource_path

#: ``server``: the publisher's /v2/token/generate; ``client``: the device's CSTG call.
SIGN_IN_MODES = ("server", "client")
DII_KINDS = ("email", "phone", "email_hash", "phone_hash")
FAULT_KINDS = ("http_500", "http_503", "malformed", "truncated", "drop", "latency")
FAULT_ENDPOINTS = ("generate", "refresh", "validate", "key_bidstream", "any")

#: Per action: parameter name → (type, required, allowed values or None).
PARAMS: dict[Action, dict[str, tuple[type, bool, tuple[str, ...] | None]]] = {
    Action.SIGN_IN: {
        "dii": (str, True, DII_KINDS),
        "value": (str, True, None),
        "send_raw": (bool, False, None),
        "label": (str, False, None),
        "mode": (str, False, SIGN_IN_MODES),
        "app_name": (str, False, None),
        "origin": (str, False, None),
    },
    Action.REFRESH: {},
    Action.VALIDATE: {},
    Action.LOG_OUT: {},
    Action.USER_RETURNS: {},
    Action.SET_POLICY: {
        "policy": (str, True, tuple(p.value for p in PolicyKind)),
        "interval_s": (int, False, None),
    },
    Action.WAIT: {
        "until": (str, False, tuple(w.value for w in WaitUntil)),
        "seconds": (int, False, None),
    },
    Action.OPT_OUT: {},
    Action.FAULT: {
        "fault": (str, True, FAULT_KINDS),
        "endpoint": (str, False, FAULT_ENDPOINTS),
        "count": (int, False, None),
        "latency_ms": (int, False, None),
    },
    Action.CLEAR_FAULTS: {},
    Action.BID: {},
    Action.CHECK: {},
    Action.HAND_OFF: {},
}

_EXPECT_TYPES: dict[str, type] = {
    "state": str,
    "status": str,
    "http": int,
    "error": bool,
    "valid": bool,
    "attempts": int,
    "exchanges": int,
    "identity": bool,
    "decrypt": str,
    "message": str,
}
_CAPTION_KEYS = ("title", "user", "publisher", "operator", "why")
_TOP_KEYS = {"name", "title", "summary", "step", "guide"}
#: The largest value each numeric step parameter may take: a day of waiting, a day between
#: polls, ten thousand repeats, ten minutes of latency. Beyond that a file is a mistake, and
#: it is refused when loaded rather than failing (or hanging) half-way through a run.
PARAMETER_LIMITS = {"seconds": 86_400, "interval_s": 86_400, "count": 10_000, "latency_ms": 600_000}
_STEP_KEYS = {"id", "do", "caption", "expect"}


def scenarios_dir() -> Path:
    """The folder of the scenarios shipped with the desk."""
    return resource_path("scenarios")


def load_scenario(path: Path, *, own_file: bool = False) -> Scenario:
    """Read and validate one scenario file (``own_file``: a team's, named as it likes)."""
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"{where}: cannot read the scenario file ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where}: not valid TOML: {exc}. Fix the file and retry.") from None
    return parse_scenario(data, source=where, expected_name=None if own_file else path.stem)


def load_all(directory: Path | None = None) -> list[Scenario]:
    """Load every ``*.toml`` scenario in ``directory`` (the shipped ones by default), by name."""
    folder = directory if directory is not None else scenarios_dir()
    return sorted((load_scenario(path) for path in folder.glob("*.toml")), key=lambda s: s.name)


def find_scenario(name: str, directory: Path | None = None) -> Scenario:
    """Load the scenario called ``name`` (or a team's own ``*.toml`` file), or say which exist.

    A name ending in ``.toml`` is a path: the file is validated exactly as the shipped ones,
    except that its ``name`` need not match the file name.
    """
    if name.endswith(".toml"):
        path = Path(name).expanduser()
        if not path.is_file():
            raise ScenarioError(f"There is no scenario file {name!r} (not found, or not a file).")
        return load_scenario(path, own_file=True)
    folder = directory if directory is not None else scenarios_dir()
    path = folder / f"{name}.toml"
    if "/" in name or "\\" in name or not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.toml")))
        raise ScenarioError(f"There is no scenario called {name!r}. Known scenarios: {known}.")
    return load_scenario(path)


def parse_scenario(
    data: Mapping[str, Any], *, source: str = "<scenario>", expected_name: str | None = None
) -> Scenario:
    """Validate a parsed TOML document and build the :class:`Scenario`."""
    _no_unknown(data, _TOP_KEYS, source)
    name = _text(data, "name", source)
    if expected_name is not None and name != expected_name:
        raise ScenarioError(f"{source}: name is {name!r} but the file is {expected_name}.toml.")
    title = _text(data, "title", source)
    summary = _text(data, "summary", source, required=False)
    guide_name = _text(data, "guide", source, required=False) or Guide.SERVER_ONLY.value
    try:
        guide = Guide.named(guide_name)
    except InputError as exc:
        raise ScenarioError(f"{source}: {exc}") from None
    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ScenarioError(f"{source}: a scenario needs at least one [[step]].")
    steps: list[Step] = []
    for index, raw in enumerate(raw_steps, start=1):
        step = _parse_step(raw, f"{source}, step {index}")
        if any(s.id == step.id for s in steps):
            raise ScenarioError(f"{source}, step {index}: the id {step.id!r} is used twice.")
        steps.append(step)
    return Scenario(
        name=name, title=title, summary=summary, steps=tuple(steps), source=source, guide=guide
    )


def _parse_step(raw: object, where: str) -> Step:
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{where}: a step must be a table.")
    step_id = _text(raw, "id", where)
    where = f"{where} ({step_id})"
    action_name = _text(raw, "do", where)
    try:
        action = Action(action_name)
    except ValueError:
        allowed = ", ".join(a.value for a in Action)
        raise ScenarioError(
            f"{where}: unknown action {action_name!r}; use one of {allowed}."
        ) from None
    spec = PARAMS[action]
    _no_unknown(raw, _STEP_KEYS | spec.keys(), where)
    params: list[tuple[str, str | int | bool]] = []
    for key, (kind, required, allowed_values) in spec.items():
        if key not in raw:
            if required:
                raise ScenarioError(f"{where}: {action.value} needs {key!r}.")
            continue
        value = raw[key]
        _check_type(value, kind, f"{where}: {key}")
        if allowed_values is not None and value not in allowed_values:
            raise ScenarioError(
                f"{where}: {key} = {value!r} is not one of {', '.join(allowed_values)}."
            )
        params.append((key, value))
    if (
        action is Action.SIGN_IN
        and raw.get("mode") != "client"
        and ("app_name" in raw or "origin" in raw)
    ):
        raise ScenarioError(f"{where}: app_name and origin go with mode = 'client', and only it.")
    if action is Action.WAIT and (("until" in raw) == ("seconds" in raw)):
        raise ScenarioError(f"{where}: a wait needs exactly one of 'until' or 'seconds'.")
    if action is Action.FAULT and (raw["fault"] == "latency") != ("latency_ms" in raw):
        raise ScenarioError(f"{where}: latency_ms goes with fault = 'latency', and only with it.")
    for key in ("seconds", "interval_s", "count", "latency_ms"):
        if key in raw and raw[key] <= 0:
            raise ScenarioError(f"{where}: {key} must be a positive number.")
        if key in raw and raw[key] > PARAMETER_LIMITS[key]:
            raise ScenarioError(
                f"{where}: {key} = {raw[key]} is more than {PARAMETER_LIMITS[key]}, the most a "
                "scenario may ask for."
            )
    return Step(
        id=step_id,
        action=action,
        caption=_parse_caption(raw.get("caption"), where),
        expect=_parse_expect(raw.get("expect"), where),
        params=tuple(params),
    )


def _parse_caption(raw: object, where: str) -> Caption:
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{where}: every step needs a [step.caption] with a title.")
    _no_unknown(raw, set(_CAPTION_KEYS), f"{where} caption")
    values = {
        key: _text(raw, key, f"{where} caption", required=key == "title") for key in _CAPTION_KEYS
    }
    return Caption(**values)


def _parse_expect(raw: object, where: str) -> Expectation:
    # A step without an expectation would always show ✓ and prove nothing.
    if raw is None or (isinstance(raw, Mapping) and not raw):
        raise ScenarioError(
            f"{where}: every step must say what it expects: add a [step.expect] table with at "
            f"least one of {', '.join(_EXPECT_TYPES)}."
        )
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{where}: expect must be a table.")
    _no_unknown(raw, set(_EXPECT_TYPES), f"{where} expect")
    for key, value in raw.items():
        _check_type(value, _EXPECT_TYPES[key], f"{where}: expect.{key}")
    state = raw.get("state")
    if state is not None and state not in {s.value for s in UserState}:
        allowed = ", ".join(s.value for s in UserState)
        raise ScenarioError(f"{where}: expect.state {state!r} is not one of {allowed}.")
    return Expectation(**dict(raw))


def _check_type(value: object, kind: type, where: str) -> None:
    # bool is an int subclass in Python; a TOML `true` must not pass as a number.
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        raise ScenarioError(f"{where} must be {_TYPE_NAMES[kind]}, not {value!r}.")


_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false"}


def _text(data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise ScenarioError(f"{where}: {key!r} is missing.")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ScenarioError(f"{where}: {key!r} must be non-empty text.")
    return value.strip()


def _no_unknown(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ScenarioError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}."
        )
