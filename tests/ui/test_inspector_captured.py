"""The inspector opens an exchange another client sent exactly like the desk's own, and more.

The exchanges come from the real operator in-process (its capture sink is a list), as the
desk's embedded operator hands them to the journal: the envelope bytes, the decrypted request
and reply, who sent it with the key masked, and, for a failure, the cause and the fix above
the tabs. A client-side generate shows its public key, IV and AAD.
"""

from __future__ import annotations

import base64
import dataclasses

import httpx
import pytest
from pytestqt.qtbot import QtBot

from tests.operator.conftest import asgi_client, captured, local_operator, manual_clock
from tests.operator.cstg_support import cstg_request, post_cstg
from tests.operator.support import bearer, generate, seal
from tests.ui.entries import exchange_entry
from uid2_desk.journal import JournalEntry
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.ui.log.exchange_inspector import ExchangeInspector

__all__ = ["asgi_client", "captured", "local_operator", "manual_clock"]  # fixtures, used by name
pytestmark = pytest.mark.asyncio


def _entry(exchange: Exchange) -> JournalEntry:
    return dataclasses.replace(
        exchange_entry(5, endpoint=exchange.endpoint), exchange=exchange, user=None
    )


def _inspector(qtbot: QtBot, exchange: Exchange) -> ExchangeInspector:
    inspector = ExchangeInspector()
    qtbot.addWidget(inspector)
    inspector.show_entry(_entry(exchange))
    return inspector


async def test_an_outside_generate_shows_its_envelope_decrypted_and_who_sent_it(
    qtbot: QtBot,
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    creds = local_operator.credentials.publisher
    await generate(asgi_client, creds, manual_clock.now_ms(), email="jane@example.com")
    inspector = _inspector(qtbot, captured[0])
    summary = inspector.tab_text("Summary")
    assert "Sent by\nYour backend" in summary
    assert f"API key (masked)\n{creds.api_key[:13]}…" in summary
    assert creds.api_key not in summary
    assert creds.secret not in summary
    assert "Credential\npublisher" in summary
    assert '"email": "jane@example.com"' in inspector.tab_text("Request")
    assert "Decrypted" in inspector.tab_text("Envelope")
    assert "advertising_token" in inspector.tab_text("Reply")
    assert "Reply envelope" in inspector.tab_text("Reply")
    assert inspector.why_text == ""
    for tab in ("Envelope", "Reply", "Headers", "Timings"):
        assert creds.api_key not in inspector.tab_text(tab)
        assert creds.secret not in inspector.tab_text(tab)


async def test_a_wrong_secret_is_explained_above_the_tabs(
    qtbot: QtBot,
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    creds = local_operator.credentials.publisher
    wrong = base64.b64encode(b"x" * 32).decode()
    sealed = seal(wrong, {"email": "jane@example.com"}, manual_clock.now_ms())
    await asgi_client.post("/v2/token/generate", content=sealed.body, headers=bearer(creds))
    inspector = _inspector(qtbot, captured[0])
    assert inspector.why_text.startswith("Why: ")
    assert "\nFix: " in inspector.why_text
    assert "secret" in inspector.why_text.lower()
    assert "Why:" in inspector.tab_text("Summary")


async def test_a_client_side_generate_shows_its_public_key_iv_and_aad(
    qtbot: QtBot,
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    request = cstg_request(local_operator, manual_clock.now_ms())
    await post_cstg(asgi_client, request.body)
    inspector = _inspector(qtbot, captured[0])
    summary = inspector.tab_text("Summary")
    assert f"Client public key\n{request.client_public_key}" in summary
    assert "IV\n" in summary
    assert "AAD\n" in summary
    subscription = local_operator.cstg.settings.subscription_id
    assert f"CSTG subscription\n{subscription}" in summary
    assert "Sent by\nPage http://localhost:8080" in summary
