"""Every enveloped endpoint starts the same way: 401 for the wrong key, 400 for a bad envelope.

The order is the operator's: authentication first (a 401 never depends on the body), then
the envelope, then the endpoint's own checks. One table covers all of them, so a new route
cannot skip a step.
"""

from __future__ import annotations

import httpx
import pytest

from tests.operator.support import bearer
from uid2_desk.operator import LocalOperator

#: Each enveloped path, a client holding its role, and one lacking it (if any does).
ENVELOPED: list[tuple[str, str, str | None]] = [
    ("/v2/token/generate", "publisher", "dsp"),
    ("/v2/token/validate", "publisher", "sharer"),
    ("/v2/token/logout", "publisher", "dsp"),
    ("/v2/identity/map", "publisher", "sharer"),
    ("/v3/identity/map", "publisher", "dsp"),
    ("/v2/key/sharing", "sharer", "publisher"),
    ("/v2/key/bidstream", "dsp", "publisher"),
    ("/v2/key/latest", "dsp", "sharer"),
    # The publisher (MAPPER), DSP (ID_READER) and sharer (SHARER) may all ask this one.
    ("/v2/optout/status", "dsp", None),
]
UNAUTHORIZED = b'{"status":"unauthorized"}'


def _key(operator: LocalOperator, name: str) -> str:
    return str(getattr(operator.credentials, name).api_key)


@pytest.mark.asyncio
@pytest.mark.parametrize(("path", "holder", "other"), ENVELOPED)
async def test_a_key_without_the_role_is_401_whatever_the_body(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    path: str,
    holder: str,
    other: str,
) -> None:
    unknown = await asgi_client.post(path, content=b"", headers=bearer("UID2-C-L-999-nobody.x"))
    missing = await asgi_client.post(path, content=b"not base64!")

    assert (unknown.status_code, unknown.content) == (401, UNAUTHORIZED)
    assert (missing.status_code, missing.content) == (401, UNAUTHORIZED)
    if other is not None:
        lacking = await asgi_client.post(
            path, content=b"not base64!", headers=bearer(_key(local_operator, other))
        )
        assert (lacking.status_code, lacking.content) == (401, UNAUTHORIZED)


@pytest.mark.asyncio
@pytest.mark.parametrize(("path", "holder", "other"), ENVELOPED)
async def test_the_right_key_with_a_bad_envelope_is_the_operators_400(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    path: str,
    holder: str,
    other: str,
) -> None:
    response = await asgi_client.post(
        path, content=b"not base64!", headers=bearer(_key(local_operator, holder))
    )

    assert response.status_code == 400
    assert response.json()["status"] == "client_error"
    assert response.json()["message"].startswith("Invalid body: Body is not valid base64.")
