"""What the proxy saw of one request, and turning it into an exchange, here or elsewhere.

The proxy replies first and captures after. What it keeps of a request is a :data:`Seen`:
the bytes that passed, the upstream URL, and the failure it already knows of (the upstream
could not be reached). :class:`SeenOpener` judges the reply, opens what a secret allows and
builds the exchange; it learns each ``refresh_response_key`` it sees, so it must see the
requests in the order they passed. It runs on the proxy's capture thread in the desk, or in
the capture worker process for ``uid2-desk proxy``, which gets them through :func:`dumps`.
"""

from __future__ import annotations

import marshal
from typing import Any

from uid2_desk.protocol.exchange import Exchange
from uid2_desk.proxy.failure import Failure, not_uid2
from uid2_desk.proxy.keys import ClientSecrets, RefreshKeys
from uid2_desk.proxy.kinds import content_type
from uid2_desk.proxy.opening import Opener
from uid2_desk.proxy.record import Forwarded, build_exchange

#: One forwarded request as the proxy kept it: what passed, the upstream URL, what failed.
Seen = tuple[Forwarded, str, Failure | None]


class SeenOpener:
    """Builds the exchange of each :data:`Seen`, opened with ``secrets`` where it can be.

    Attributes:
        refresh_keys: the ``refresh_response_key`` of every refresh token issued so far.
    """

    def __init__(self, secrets: ClientSecrets, upstream_name: str) -> None:
        self.refresh_keys = RefreshKeys()
        self._opener = Opener(secrets, self.refresh_keys)
        self._upstream_name = upstream_name

    def exchange(self, item: Seen) -> Exchange:
        """The exchange of one forwarded request, judged, opened and explained."""
        seen, url, failure = item
        if failure is None:  # a reply came: is it one a UID2 operator sends?
            failure = not_uid2(seen.http_status, seen.reply, content_type(seen.reply_headers))
        authorization = next((v for k, v in seen.headers if k.lower() == "authorization"), "")
        opened = self._opener.open(
            seen.path,
            authorization,
            seen.body,
            seen.http_status,
            seen.reply,
            body_type=content_type(seen.headers),
            reply_type=content_type(seen.reply_headers),
        )
        return build_exchange(seen, opened, self._upstream_name, url, failure)


def dumps(batch: list[Seen]) -> bytes:
    """One message of a batch of seen requests (plain values, through :mod:`marshal`)."""
    return marshal.dumps([_flat(item) for item in batch])


def loads(message: bytes) -> list[Seen]:
    """The seen requests of one :func:`dumps` message."""
    return [_unflat(flat) for flat in marshal.loads(message)]


def _flat(item: Seen) -> tuple[Any, ...]:
    seen, url, failure = item
    return (
        seen.method,
        seen.path,
        seen.query,
        seen.fields,
        seen.remote,
        seen.body,
        seen.http_status,
        seen.reply_fields,
        seen.reply,
        seen.arrived_ms,
        seen.total_ms,
        seen.upstream_ms,
        url,
        None if failure is None else (failure.code, failure.cause, failure.fix),
    )


def _unflat(flat: tuple[Any, ...]) -> Seen:
    (method, path, query, fields, remote, body, http_status) = flat[:7]
    (reply_fields, reply, arrived_ms, total_ms, upstream_ms, url, failure) = flat[7:]
    seen = Forwarded(
        method=method,
        path=path,
        query=query,
        fields=fields,
        remote=remote,
        body=body,
        http_status=http_status,
        reply_fields=reply_fields,
        reply=reply,
        arrived_ms=arrived_ms,
        total_ms=total_ms,
        upstream_ms=upstream_ms,
    )
    return seen, url, None if failure is None else Failure(*failure)
