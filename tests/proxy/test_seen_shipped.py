"""What the proxy saw, shipped to the capture worker, opens there exactly as it would here.

``uid2-desk proxy`` keeps each forwarded request as it passed and ships it (with
:mod:`marshal`) to its capture worker, which opens it with the proxy's secrets. A real local
operator is the upstream and the official SDK the client: a generate, a refresh chain whose
reply only the key learnt from the generate opens, and a key the proxy holds no secret for.
"""

from __future__ import annotations

import base64
from urllib.error import HTTPError

import pytest
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.operator.conftest import live_operator, operator_server
from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.proxy import seen
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.record import CLOSED
from uid2_desk.proxy.seen import Seen, SeenOpener
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.proxy.upstream import Upstream

__all__ = ["live_operator", "operator_server"]  # fixtures, shared with the operator's tests


def _opened(secrets: ClientSecrets, items: list[Seen]) -> list[Exchange]:
    opener = SeenOpener(secrets, "custom")
    return [opener.exchange(item) for item in items]


def test_a_refresh_chain_seen_here_opens_the_same_after_the_trip(
    live_operator: LocalOperator, operator_server: OperatorServer
) -> None:
    pub = live_operator.credentials.publisher
    secrets = ClientSecrets({pub.api_key: base64.b64decode(pub.secret)})
    kept: list[Seen] = []
    upstream = Upstream("custom", operator_server.base_url, "CUSTOM")
    app = ProxyApp(upstream, secrets, ship=kept.append)
    with ProxyServer(app) as proxy:
        sdk = Uid2PublisherClient(proxy.base_url, pub.api_key, pub.secret)
        identity = sdk.generate_token(TokenGenerateInput.from_email("jane@example.com"))
        refreshed = sdk.refresh_token(identity.get_identity())
        sdk.refresh_token(refreshed.get_identity())
        stranger = Uid2PublisherClient(proxy.base_url, "UID2-C-L-1-abcdef.unknown", pub.secret)
        with pytest.raises(HTTPError, match="401"):  # the upstream does not know that key
            stranger.generate_token(TokenGenerateInput.from_email("x@example.com"))
    assert len(kept) == 4

    here = _opened(secrets, kept)
    there = _opened(secrets, seen.loads(seen.dumps(kept)))

    assert there == here
    assert all(exchange.response_plaintext for exchange in there[:3])  # the chain opened
    assert '"refresh_response_key":"[masked]"' in (there[2].response_plaintext or "")
    assert dict(there[3].extra).get(CLOSED)  # no secret for that key: closed, with why
    sent = dict(kept[0][0].headers)
    assert pub.api_key in sent["Authorization"]  # the key passed as the client sent it...
    assert pub.api_key not in repr(kept)  # ...no repr of what was kept shows it...
    assert pub.api_key not in repr(there)  # ...and the exchanges hold its masked form
