"""Parsing of decrypted reply bodies that are not identities: keys, opt-out status.

Every function raises :class:`~uid2_desk.protocol.errors.PayloadError` with a message naming
the field that did not fit, never a bare ``KeyError``/``TypeError``.
"""

from __future__ import annotations

import base64
import binascii
import json

from uid2_desk.client.replies import StatusDocument
from uid2_desk.client.results import KeyBundle, OptOutRecord, OptOutStatus, SiteData
from uid2_desk.protocol.errors import PayloadError
from uid2_desk.protocol.tokens import Key

#: What replaces a key secret in the recorded reply text (journal, exports, screen).
REDACTED_SECRET = "<redacted: 32-byte key>"
DEFAULT_CLOCK_SKEW_SECONDS = 1800


def _obj(value: object, what: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise PayloadError(f"{what} should be a JSON object, got {type(value).__name__}")
    return value


def _int(obj: dict[str, object], name: str, what: str, *, required: bool = True) -> int | None:
    value = obj.get(name)
    if value is None:
        if required:
            raise PayloadError(f"{what} lacks the field {name!r}")
        return None
    # The operator sends token_expiry_seconds as a JSON string on purpose (§3.7).
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(f"{what}: {name!r} should be an integer, got {value!r}")
    return value


def _req_int(obj: dict[str, object], name: str, what: str) -> int:
    value = _int(obj, name, what)
    assert value is not None  # required=True never returns None
    return value


def _key(value: object, index: int) -> Key:
    what = f"key #{index}"
    obj = _obj(value, what)
    secret_text = obj.get("secret")
    if not isinstance(secret_text, str):
        raise PayloadError(f"{what} has no 'secret' string")
    try:
        secret = base64.b64decode(secret_text, validate=True)
    except (binascii.Error, ValueError):
        raise PayloadError(f"{what}: 'secret' is not base64") from None
    return Key(
        id=_req_int(obj, "id", what),
        created_s=_req_int(obj, "created", what),
        activates_s=_req_int(obj, "activates", what),
        expires_s=_req_int(obj, "expires", what),
        secret=secret,
        keyset_id=_int(obj, "keyset_id", what, required=False),
        site_id=_int(obj, "site_id", what, required=False),
    )


def _site(value: object, index: int) -> SiteData:
    obj = _obj(value, f"site_data #{index}")
    names = obj.get("domain_names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise PayloadError(f"site_data #{index}: 'domain_names' should be a list of strings")
    return SiteData(_req_int(obj, "id", f"site_data #{index}"), tuple(str(n) for n in names))


def success_body(status: str, body: object) -> object:
    """Return ``body`` of a reply whose status must be ``success``."""
    if status != "success":
        raise PayloadError(
            f"Expected status 'success' with a body, got {status!r}; the operator may be "
            "newer than the desk."
        )
    return body


def parse_validate_body(doc: StatusDocument) -> bool:
    """The ``true``/``false`` body of a validate reply."""
    body = success_body(doc.status, doc.body)
    if not isinstance(body, bool):
        raise PayloadError(f"Expected true or false from validate, got {body!r}.")
    return body


def parse_key_bundle(body: object) -> KeyBundle:
    """Parse the ``body`` of a ``/v2/key/sharing`` or ``/v2/key/bidstream`` reply."""
    what = "the key reply body"
    obj = _obj(body, what)
    keys = obj.get("keys")
    if not isinstance(keys, list):
        raise PayloadError(f"{what} has no 'keys' list")
    sites = obj.get("site_data", [])
    if not isinstance(sites, list):
        raise PayloadError(f"{what}: 'site_data' should be a list")
    scope = obj.get("identity_scope", "UID2")
    if not isinstance(scope, str):
        raise PayloadError(f"{what}: 'identity_scope' should be a string")
    skew = _int(obj, "allow_clock_skew_seconds", what, required=False)
    return KeyBundle(
        keys=tuple(_key(k, i) for i, k in enumerate(keys)),
        identity_scope=scope,
        allow_clock_skew_seconds=DEFAULT_CLOCK_SKEW_SECONDS if skew is None else skew,
        caller_site_id=_int(obj, "caller_site_id", what, required=False),
        master_keyset_id=_int(obj, "master_keyset_id", what, required=False),
        default_keyset_id=_int(obj, "default_keyset_id", what, required=False),
        token_expiry_seconds=_int(obj, "token_expiry_seconds", what, required=False),
        max_sharing_lifetime_seconds=_int(
            obj, "max_sharing_lifetime_seconds", what, required=False
        ),
        max_bidstream_lifetime_seconds=_int(
            obj, "max_bidstream_lifetime_seconds", what, required=False
        ),
        site_data=tuple(_site(s, i) for i, s in enumerate(sites)),
    )


def parse_optout_status(body: object) -> OptOutStatus:
    """Parse the ``body`` of a ``/v2/optout/status`` reply."""
    what = "the opt-out status body"
    obj = _obj(body, what)
    items = obj.get("opted_out")
    if not isinstance(items, list):
        raise PayloadError(f"{what} has no 'opted_out' list")
    records = []
    for index, item in enumerate(items):
        entry = _obj(item, f"opted_out #{index}")
        uid = entry.get("advertising_id")
        if not isinstance(uid, str):
            raise PayloadError(f"opted_out #{index} has no 'advertising_id' string")
        records.append(OptOutRecord(uid, _req_int(entry, "opted_out_since", f"opted_out #{index}")))
    return OptOutStatus(tuple(records))


def redact_key_secrets(reply_text: str) -> str:
    """Return a key reply's JSON with every key ``secret`` replaced by a placeholder.

    Key secrets decrypt every token of their site; they must not reach the journal or an
    export, so the recorded reply shows their presence but not their value.
    """
    try:
        doc = json.loads(reply_text)
    except ValueError:
        return reply_text
    body = doc.get("body") if isinstance(doc, dict) else None
    keys = body.get("keys") if isinstance(body, dict) else None
    if not isinstance(keys, list):
        return reply_text
    for key in keys:
        if isinstance(key, dict) and "secret" in key:
            key["secret"] = REDACTED_SECRET
    return json.dumps(doc, separators=(",", ":"))
