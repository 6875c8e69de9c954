"""Who sent an exchange the desk did not make itself: the attribution of a captured request.

The local operator (and later the proxy) hands every request it serves out as an
:class:`~uid2_desk.protocol.exchange.Exchange`. What the desk's own exchanges leave implicit
(the desk sent it) a captured one states in its ``extra`` pairs under the ``client.`` keys
below, so the journal stores it with no schema change and every export carries it.
:class:`CapturedClient` reads and writes those pairs; :func:`lane_label` names the client the
way the log's *Client* column and the diagram's lane do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from uid2_desk.protocol.exchange import Exchange

#: ``extra`` key that marks an exchange as captured, with what captured it (``operator``).
CAPTURED_BY = "captured_by"
#: ``extra`` key for the one-line cause of a failure, and for what to do about it.
WHY = "why"
FIX = "fix"
#: ``extra`` key for the explanation's short code (``wrong_secret``...).
WHY_CODE = "why_code"
#: ``extra`` keys of facts the operator saw and the reply does not carry: why a key was
#: refused (``no_key``, ``unknown_key``, ``missing_role:GENERATOR``), and the client's
#: envelope time minus the operator's clock, in ms.
AUTH_FACT = "auth"
SKEW_FACT = "envelope_skew_ms"
_PREFIX = "client."
_PREBID_VERSION = re.compile(r"prebid(?:js)?[-_ ]?(\d+(?:\.\d+)*)", re.IGNORECASE)
#: The client version the desk's own HTTP client sends (``X-UID2-Client-Version``).
DESK_CLIENT_PREFIX = "uid2-desk-"


@dataclass(frozen=True)
class CapturedClient:
    """Who sent a captured request, as far as the operator could tell.

    Attributes:
        role: the issued credential used: ``publisher``, ``dsp``, ``sharer``, ``cstg`` (a
            client-side generate: no API key) or ``unknown`` (no or an unknown key).
        key: the API key, masked (``UID2-C-L-999-ab…``), if one was sent.
        site_id: the credential's site, if known.
        client_version: ``X-UID2-Client-Version`` or the ``client`` query parameter.
        user_agent: the ``User-Agent`` header.
        remote: the peer's address and port.
        origin: the ``Origin`` header (browsers and CSTG web clients).
        app_name: a CSTG app's name (mobile and CTV apps).
        subscription: a CSTG subscription id.
    """

    role: str = "unknown"
    key: str = ""
    site_id: str = ""
    client_version: str = ""
    user_agent: str = ""
    remote: str = ""
    origin: str = ""
    app_name: str = ""
    subscription: str = ""

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """The non-empty fields as ``extra`` pairs (``client.role`` ...)."""
        # The names in declaration order, computed once: dataclasses.fields() on every
        # captured request was most of this method's time.
        values = [(name, getattr(self, name)) for name in _FIELD_ORDER]
        return tuple((_PREFIX + name, str(value)) for name, value in values if value)

    @classmethod
    def of(cls, exchange: Exchange) -> CapturedClient | None:
        """The client of a captured exchange, or ``None`` for the desk's own."""
        if not is_captured(exchange):
            return None
        known = _FIELD_NAMES
        cut = len(_PREFIX)
        values = {
            key[cut:]: value
            for key, value in exchange.extra
            if key.startswith(_PREFIX) and key[cut:] in known
        }
        return cls(**values)

    @property
    def is_desk(self) -> bool:
        """Whether the desk's own client sent it (so the desk has journaled it already)."""
        return self.client_version.startswith(DESK_CLIENT_PREFIX)


#: The fields' names, asked for on every captured request (the feed) and every log row.
_FIELD_ORDER = tuple(f.name for f in fields(CapturedClient))
_FIELD_NAMES = frozenset(_FIELD_ORDER)


def is_captured(exchange: Exchange) -> bool:
    """Whether the exchange was captured from another client (not made by the desk)."""
    return any(key == CAPTURED_BY for key, _ in exchange.extra)


def extra_value(exchange: Exchange, key: str) -> str | None:
    """The first ``extra`` value named ``key``, if any."""
    return next((value for k, value in exchange.extra if k == key), None)


def with_extra(exchange: Exchange, pairs: tuple[tuple[str, str], ...]) -> Exchange:
    """The exchange with ``pairs`` appended to its ``extra`` (keys already present win)."""
    present = {key for key, _ in exchange.extra}
    added = tuple((k, v) for k, v in pairs if k not in present)
    return replace(exchange, extra=exchange.extra + added) if added else exchange


def lane_label(client: CapturedClient) -> str:
    """How the log and the diagram name a client (``Your backend``, ``App com.example.tv``)."""
    version = client.client_version
    prebid = _PREBID_VERSION.match(version)
    if prebid:  # Prebid's uid2 module sends e.g. ``PrebidJS-11.36.0-UID2Module-1.1``
        return f"Browser: Prebid.js {_short_version(prebid.group(1))}"
    if version.startswith(("uid2-sdk-", "euid-sdk-")) and client.origin:
        return f"Browser: UID2 SDK {_short_version(version.split('-sdk-', 1)[1])}"
    if client.app_name:
        return f"App {client.app_name}"
    if client.role == "cstg":
        return f"Page {client.origin}" if client.origin else "Client-side app"
    if client.origin:
        return f"Browser at {client.origin}"
    return {
        "publisher": "Your backend",
        "dsp": "Your buyer (DSP)",
        "sharer": "Your sharer",
    }.get(client.role, "Unknown client")


def _short_version(version: str) -> str:
    """``11.36.0`` → ``11.36`` (the lane is narrow; the inspector shows the whole value)."""
    parts = version.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 and parts[2] == "0" else version
