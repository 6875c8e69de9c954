"""What issue 15's fidelity tests repeat against the loopback operator.

:class:`Loopback` wraps an ``httpx.Client`` on the served operator: seal a payload with a
client's secret, post it with its bearer key, open the reply. The asserts compare error
replies byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from tests.operator.support import Sealed, bearer, open_reply, seal
from uid2_desk.operator import ClientCredentials, LocalOperator
from uid2_desk.operator.http.wire import json_bytes


@dataclass
class Loopback:
    """A client of the served operator.

    Attributes:
        client: the HTTP client, its base URL the server's.
        operator: the operator behind it (credentials, admin, clock).
        base_url: the server's ``http://127.0.0.1:port`` (for the official SDK).
    """

    client: httpx.Client
    operator: LocalOperator
    base_url: str

    @property
    def publisher(self) -> ClientCredentials:
        """The publisher's credentials (GENERATOR, MAPPER, OPTOUT)."""
        return self.operator.credentials.publisher

    def post_sealed(
        self,
        path: str,
        payload: dict[str, Any] | bytes | None,
        creds: ClientCredentials | None = None,
        **headers: str,
    ) -> tuple[httpx.Response, Sealed]:
        """POST ``payload`` in an envelope stamped with the operator's time."""
        creds = creds or self.publisher
        sealed = seal(creds.secret, payload, self.operator.clock.now_ms())
        response = self.client.post(path, content=sealed.body, headers={**bearer(creds), **headers})
        return response, sealed

    def call(
        self,
        path: str,
        payload: dict[str, Any] | bytes | None,
        creds: ClientCredentials | None = None,
    ) -> dict[str, Any]:
        """POST an enveloped request and return the decrypted JSON reply (a 200)."""
        creds = creds or self.publisher
        response, sealed = self.post_sealed(path, payload, creds)
        document: dict[str, Any] = json.loads(open_reply(creds.secret, response, sealed.nonce))
        return document


def assert_json_error(
    response: httpx.Response, http_status: int, status: str, message: str
) -> None:
    """The operator's plain-JSON error, byte for byte (``ResponseUtil.Response``)."""
    assert response.status_code == http_status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.content == json_bytes({"message": message, "status": status})


def assert_client_error(response: httpx.Response, message: str) -> None:
    """400 ``client_error`` with ``message``."""
    assert_json_error(response, 400, "client_error", message)
