"""Which user a captured exchange is about, so outside traffic groups by user as the desk's does.

A generate or map request names its DII; a refresh names only its refresh token. The
operator's reply to a generate or refresh carries the next refresh token, so following the
tokens links each refresh to the DII its chain began with. Memory is bounded: the oldest
links are forgotten first.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from uid2_desk.protocol.exchange import Exchange

#: The DII fields of a request, in the operator's order.
DII_FIELDS = ("email", "email_hash", "phone", "phone_hash")
#: How many refresh tokens are remembered.
MAX_LINKS = 100_000


class ChainUsers:
    """Names the user of each captured exchange, following refresh-token chains."""

    def __init__(self, limit: int = MAX_LINKS) -> None:
        self._by_token: OrderedDict[str, str] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def __call__(self, exchange: Exchange) -> str | None:
        """The user (the DII as sent) of ``exchange``; remembers the next token of its chain."""
        user = _named_dii(exchange.request_plaintext)
        if user is None and exchange.endpoint.endswith("/token/refresh"):
            token = (exchange.request_plaintext or "").strip()
            with self._lock:
                user = self._by_token.get(token)
        if user is not None:
            following = _reply_refresh_token(exchange.response_plaintext)
            if following:
                self._remember(following, user)
        return user

    def _remember(self, token: str, user: str) -> None:
        with self._lock:
            self._by_token[token] = user
            self._by_token.move_to_end(token)
            while len(self._by_token) > self._limit:
                self._by_token.popitem(last=False)


def _named_dii(text: str | None) -> str | None:
    document = _json_object(text)
    if document is None:
        return None
    for name in DII_FIELDS:
        value = document.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _reply_refresh_token(text: str | None) -> str | None:
    document = _json_object(text)
    body = document.get("body") if document else None
    token = body.get("refresh_token") if isinstance(body, dict) else None
    return token if isinstance(token, str) else None


def _json_object(text: str | None) -> dict[str, object] | None:
    if not text or not text.lstrip().startswith("{"):
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None
