"""A structural validator for HAR 1.2 (Jan Odvarko's spec, the one browsers implement).

``jsonschema`` is not installed, and HAR's rules are few: for each object, the required
fields with their types, the optional ones, and "custom fields must start with ``_``".
:func:`har_problems` returns every violation as a readable path, so a failing test says what
is wrong.
"""

from __future__ import annotations

import re
from typing import Any

_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
_NUM = (int, float)

# object kind -> {field: (types, required)}
_SPEC: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    "log": {
        "version": ((str,), True),
        "creator": ((dict,), True),
        "browser": ((dict,), False),
        "pages": ((list,), False),
        "entries": ((list,), True),
        "comment": ((str,), False),
    },
    "creator": {"name": ((str,), True), "version": ((str,), True), "comment": ((str,), False)},
    "page": {
        "startedDateTime": ((str,), True),
        "id": ((str,), True),
        "title": ((str,), True),
        "pageTimings": ((dict,), True),
        "comment": ((str,), False),
    },
    "pageTimings": {
        "onContentLoad": (_NUM, False),
        "onLoad": (_NUM, False),
        "comment": ((str,), False),
    },
    "entry": {
        "pageref": ((str,), False),
        "startedDateTime": ((str,), True),
        "time": (_NUM, True),
        "request": ((dict,), True),
        "response": ((dict,), True),
        "cache": ((dict,), True),
        "timings": ((dict,), True),
        "serverIPAddress": ((str,), False),
        "connection": ((str,), False),
        "comment": ((str,), False),
    },
    "request": {
        "method": ((str,), True),
        "url": ((str,), True),
        "httpVersion": ((str,), True),
        "cookies": ((list,), True),
        "headers": ((list,), True),
        "queryString": ((list,), True),
        "postData": ((dict,), False),
        "headersSize": ((int,), True),
        "bodySize": ((int,), True),
        "comment": ((str,), False),
    },
    "response": {
        "status": ((int,), True),
        "statusText": ((str,), True),
        "httpVersion": ((str,), True),
        "cookies": ((list,), True),
        "headers": ((list,), True),
        "content": ((dict,), True),
        "redirectURL": ((str,), True),
        "headersSize": ((int,), True),
        "bodySize": ((int,), True),
        "comment": ((str,), False),
    },
    "nameValue": {"name": ((str,), True), "value": ((str,), True), "comment": ((str,), False)},
    "postData": {
        "mimeType": ((str,), True),
        "params": ((list,), False),
        "text": ((str,), False),
        "comment": ((str,), False),
    },
    "content": {
        "size": ((int,), True),
        "compression": ((int,), False),
        "mimeType": ((str,), True),
        "text": ((str,), False),
        "encoding": ((str,), False),
        "comment": ((str,), False),
    },
    "cache": {
        "beforeRequest": ((dict, type(None)), False),
        "afterRequest": ((dict, type(None)), False),
        "comment": ((str,), False),
    },
    "timings": {
        "blocked": (_NUM, False),
        "dns": (_NUM, False),
        "connect": (_NUM, False),
        "send": (_NUM, True),
        "wait": (_NUM, True),
        "receive": (_NUM, True),
        "ssl": (_NUM, False),
        "comment": ((str,), False),
    },
}


def _check(obj: Any, kind: str, path: str, out: list[str]) -> None:
    if not isinstance(obj, dict):
        out.append(f"{path}: a {kind} must be an object")
        return
    spec = _SPEC[kind]
    for name, (types, required) in spec.items():
        if name not in obj:
            if required:
                out.append(f"{path}.{name}: required")
            continue
        value = obj[name]
        if isinstance(value, bool) or not isinstance(value, types):
            out.append(f"{path}.{name}: {type(value).__name__} is not {types}")
    for name in obj:
        if name not in spec and not name.startswith("_"):
            out.append(f"{path}.{name}: not a HAR field and not a custom _field")


def _check_list(items: Any, kind: str, path: str, out: list[str]) -> None:
    for i, item in enumerate(items if isinstance(items, list) else []):
        _check(item, kind, f"{path}[{i}]", out)


def _check_timings(entry: dict[str, Any], path: str, out: list[str]) -> None:
    t = entry.get("timings", {})
    for name in ("send", "wait", "receive"):
        if isinstance(t.get(name), _NUM) and t[name] < 0:
            out.append(f"{path}.timings.{name}: must be >= 0")
    for name in ("blocked", "dns", "connect", "ssl"):
        if isinstance(t.get(name), _NUM) and t[name] < -1:
            out.append(f"{path}.timings.{name}: must be -1 or >= 0")
    phases = ("blocked", "dns", "connect", "send", "wait", "receive")
    total = sum(t[p] for p in phases if isinstance(t.get(p), _NUM) and t[p] >= 0)
    if isinstance(entry.get("time"), _NUM) and abs(entry["time"] - total) > 1e-6:
        out.append(f"{path}.time: {entry['time']} is not the sum of the timings ({total})")


def har_problems(doc: Any) -> list[str]:
    """Every way ``doc`` departs from HAR 1.2's structure (empty when it conforms)."""
    out: list[str] = []
    if not isinstance(doc, dict) or set(doc) - {"log"} or "log" not in doc:
        return ["the top level must be an object with exactly one field, log"]
    log = doc["log"]
    _check(log, "log", "log", out)
    if not isinstance(log, dict):
        return out
    if log.get("version") != "1.2":
        out.append("log.version: must be 1.2")
    _check(log.get("creator"), "creator", "log.creator", out)
    page_ids = set()
    for i, page in enumerate(log.get("pages", [])):
        _check(page, "page", f"log.pages[{i}]", out)
        _check(page.get("pageTimings"), "pageTimings", f"log.pages[{i}].pageTimings", out)
        page_ids.add(page.get("id"))
        if not _ISO.match(str(page.get("startedDateTime"))):
            out.append(f"log.pages[{i}].startedDateTime: not ISO 8601")
    for i, entry in enumerate(log.get("entries", [])):
        path = f"log.entries[{i}]"
        _check(entry, "entry", path, out)
        if not isinstance(entry, dict):
            continue
        if not _ISO.match(str(entry.get("startedDateTime"))):
            out.append(f"{path}.startedDateTime: not ISO 8601")
        if "pageref" in entry and entry["pageref"] not in page_ids:
            out.append(f"{path}.pageref: no page has id {entry['pageref']!r}")
        req, resp = entry.get("request", {}), entry.get("response", {})
        _check(req, "request", f"{path}.request", out)
        _check(resp, "response", f"{path}.response", out)
        for side, obj in (("request", req), ("response", resp)):
            _check_list(obj.get("headers"), "nameValue", f"{path}.{side}.headers", out)
            _check_list(obj.get("cookies"), "nameValue", f"{path}.{side}.cookies", out)
        _check_list(req.get("queryString"), "nameValue", f"{path}.request.queryString", out)
        if "postData" in req:
            _check(req["postData"], "postData", f"{path}.request.postData", out)
        _check(resp.get("content"), "content", f"{path}.response.content", out)
        _check(entry.get("cache"), "cache", f"{path}.cache", out)
        _check(entry.get("timings"), "timings", f"{path}.timings", out)
        _check_timings(entry, path, out)
    return out
