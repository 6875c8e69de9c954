"""How the operator reads fields of a request's JSON: Vert.x ``JsonObject`` semantics.

``getString`` returns any non-null value's ``toString()`` (a number 42 reads as ``"42"``,
so it is an invalid identifier rather than an error); ``getJsonArray`` throws
``ClassCastException`` for anything but an array or null. Python's ``json`` gives us the
same values Jackson gives Vert.x (objects, lists, str, int, float, bool, None).
"""

from __future__ import annotations

from typing import Any


class NotAnArrayError(Exception):
    """A field that ``getJsonArray`` cannot read (Java's ``ClassCastException``)."""


def java_string(value: Any) -> str:
    """``value.toString()`` of a decoded JSON value, as Java prints it (``{k=v}``, ``[a, b]``).

    Floats use Python's ``repr``, close to ``Double.toString``; no float is a valid
    identifier either way, only the echoed text could differ.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={java_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java_string(v) for v in value) + "]"
    return repr(value) if isinstance(value, float) else str(value)


def get_string(obj: dict[str, Any] | None, key: str) -> str | None:
    """``JsonObject.getString(key)``: ``None`` when absent or null, else the value's text."""
    value = (obj or {}).get(key)
    return None if value is None else java_string(value)


def get_array(obj: dict[str, Any], key: str) -> list[Any] | None:
    """``JsonObject.getJsonArray(key)``; raises :class:`NotAnArrayError` for a non-array value."""
    value = obj.get(key)
    if value is None or isinstance(value, list):
        return value
    raise NotAnArrayError(key)
