"""Reading a ``/v2/token/client-generate`` body as the operator does (OP ``CstgRequest``).

The operator parses the body as a JSON object (Vert.x), then maps it onto ``CstgRequest``
with Jackson's defaults: an unknown field, or a value of the wrong shape, makes the mapping
throw, which the handler answers with 500 ``unknown``. Strings accept any JSON scalar
(Jackson writes numbers and booleans as text); ``timestamp`` is a primitive ``long``:
missing or ``null`` is 0, a float is truncated, a string must hold an integer.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

_STRING_FIELDS = ("payload", "iv", "subscription_id", "public_key", "app_name")
_FIELDS = frozenset({*_STRING_FIELDS, "timestamp"})
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_INTEGER_TEXT = re.compile(r"[+-]?\d+")


class BodyProblem(Enum):
    """Why a body is not a JSON object (each has its own 400 message)."""

    NOT_JSON = "json payload is not valid"
    MISSING = "json payload expected but not found"


class NotAnObjectError(Exception):
    """Valid JSON that is not an object: Vert.x's ``(JsonObject)`` cast throws (a 500)."""


class MappingError(Exception):
    """The body is a JSON object that Jackson cannot map onto ``CstgRequest``."""


@dataclass(frozen=True)
class CstgFields:
    """The request's fields after mapping (``None`` where absent or ``null``)."""

    payload: str | None
    iv: str | None
    subscription_id: str | None
    public_key: str | None
    timestamp: int
    app_name: str | None


def _reject_constant(name: str) -> Any:
    # Jackson refuses NaN and Infinity unless told otherwise; Python would accept them.
    raise ValueError(name)


def parse_body(body: bytes) -> dict[str, Any] | BodyProblem:
    """The body as a JSON object, or why it is not one.

    ``RequestBody.asJsonObject`` decodes any JSON value, then casts it to ``JsonObject``:
    only undecodable bytes are "not valid"; an array or a scalar raises
    :class:`NotAnObjectError`, which the operator's catch-all answers with 500.
    """
    if not body:
        return BodyProblem.MISSING
    try:
        document = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        return BodyProblem.NOT_JSON
    if document is None:
        return BodyProblem.MISSING
    if not isinstance(document, dict):
        raise NotAnObjectError(type(document).__name__)
    return document


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    raise MappingError("a string field holds an object or array")


def _long(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        raise MappingError("timestamp is a boolean")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise MappingError("timestamp is not finite")
        value = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        if not _INTEGER_TEXT.fullmatch(text):
            raise MappingError("timestamp is not an integer")
        value = int(text)
    if not isinstance(value, int) or not _LONG_MIN <= value <= _LONG_MAX:
        raise MappingError("timestamp is not a long")
    return value


def map_fields(document: dict[str, Any]) -> CstgFields:
    """The ``CstgRequest`` Jackson would make of ``document``; :class:`MappingError` if none."""
    unknown = set(document) - _FIELDS
    if unknown:
        raise MappingError(f"unknown field {sorted(unknown)[0]!r}")
    texts = {name: _text(document.get(name)) for name in _STRING_FIELDS}
    return CstgFields(
        payload=texts["payload"],
        iv=texts["iv"],
        subscription_id=texts["subscription_id"],
        public_key=texts["public_key"],
        timestamp=_long(document.get("timestamp")),
        app_name=texts["app_name"],
    )
