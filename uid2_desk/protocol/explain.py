"""Why an exchange failed and what to do about it, in plain words: one table for every client.

The operator's replies are terse (``400 client_error "Invalid body: Check encryption key
(ClientSecret)."``). :func:`explain` turns a reply into a cause and a fix that a QA engineer
can act on, using what the operator saw and the client could not (which key was used, the
client's envelope time against the operator's clock). The rows are in
:mod:`~uid2_desk.protocol.explain_rules`, tried in order; the first that matches wins. The
same table serves the desk's own exchanges, the local operator's captures and the proxy's.
"""

from __future__ import annotations

import json

from uid2_desk.protocol.exchange import Exchange
from uid2_desk.protocol.explain_rules import RULES
from uid2_desk.protocol.explanation import Explanation, ReplyFacts

__all__ = ["Explanation", "explain"]


def explain(exchange: Exchange) -> Explanation | None:
    """The explanation of a failed (or deprecated) exchange, or ``None`` if nothing to say."""
    reply = ReplyFacts(
        path=exchange.endpoint,
        http=exchange.http_status,
        status=exchange.operator_status or "",
        message=_message(exchange),
        facts=dict(exchange.extra),
        empty_request=not exchange.request_body,
    )
    for rule in RULES:
        found = rule(reply)
        if found is not None:
            return found
    return None


def _message(exchange: Exchange) -> str:
    text = exchange.response_plaintext
    if text is None and exchange.response_body[:1] == b"{":
        text = exchange.response_body.decode("utf-8", "replace")
    if not text:
        return exchange.response_body.decode("utf-8", "replace") if exchange.http_status else ""
    try:
        document = json.loads(text)
    except ValueError:
        return text
    if not isinstance(document, dict):
        # Only an object is the operator's error; a gateway's JSON string or list is quoted as
        # it came, whether the reply was kept as text or only as the bytes on the wire.
        return text
    message = document.get("message")
    return message if isinstance(message, str) else ""
