"""Client-side sign-in: the desk plays the app's UID2 SDK against the embedded operator."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from tests.publisher.conftest import START_MS, Desk, open_desk
from uid2_desk.client.cstg_site import DESK_APP_NAME
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import CredentialsError, InputError, OperatorClientError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import UserState
from uid2_desk.publisher.model import SignInMode
from uid2_desk.publisher.refresh.policy import PolicyKind
from uid2_desk.publisher.store import UserStore


@pytest.mark.asyncio
async def test_a_client_side_sign_in_goes_through_cstg_and_says_so(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(
        DiiKind.EMAIL, "jane@example.com", mode=SignInMode.CLIENT, app_name=DESK_APP_NAME
    )

    assert snap.state is UserState.ESTABLISHED
    assert snap.identity is not None
    assert snap.user.mode is SignInMode.CLIENT
    assert snap.user.mode.badge == "Client-side (SDK)"
    assert snap.user.device == DESK_APP_NAME
    assert [e.name for e in desk.exchanges()] == ["/v2/token/client-generate"]
    exchange = desk.exchanges()[0].exchange
    assert exchange is not None
    assert dict(exchange.extra)["cstg.aad"].endswith(f',"{DESK_APP_NAME}"]')
    assert desk.events_named("sign_in_requested")[0].detail_value("mode") == "client"


@pytest.mark.asyncio
async def test_the_automatic_policy_refreshes_a_client_side_identity_without_an_api_key(
    desk: Desk,
) -> None:
    snap = await desk.publisher.sign_in(
        DiiKind.EMAIL, "jane@example.com", mode=SignInMode.CLIENT, app_name=DESK_APP_NAME
    )
    await desk.publisher.set_policy(snap.user_id, PolicyKind.AUTOMATIC)
    assert snap.identity is not None
    desk.set_time(snap.identity.refresh_from_ms)

    await desk.publisher.tick()

    assert desk.publisher.snapshot(snap.user_id).state is UserState.REFRESHED
    refresh = desk.exchanges("/v2/token/refresh")[-1].exchange
    assert refresh is not None
    assert all(k.lower() != "authorization" for k, _ in refresh.request_headers)


@pytest.mark.asyncio
async def test_a_web_page_sends_its_origin(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(
        DiiKind.EMAIL, "page@example.com", mode=SignInMode.CLIENT, origin="http://localhost:8080"
    )
    assert snap.user.device == "http://localhost:8080"
    exchange = desk.exchanges()[0].exchange
    assert exchange is not None
    assert ("Origin", "http://localhost:8080") in exchange.request_headers or (
        "origin",
        "http://localhost:8080",
    ) in exchange.request_headers


@pytest.mark.asyncio
async def test_an_unregistered_app_is_refused_with_the_explanation_and_no_identity(
    desk: Desk,
) -> None:
    with pytest.raises(OperatorClientError, match="allowed list") as refused:
        await desk.publisher.sign_in(
            DiiKind.EMAIL, "jane@example.com", mode=SignInMode.CLIENT, app_name="com.other.app"
        )
    assert refused.value.status == "invalid_app_name"
    (snap,) = desk.publisher.users()
    assert snap.state is UserState.NO_IDENTITY
    assert snap.last_error is not None
    assert "unexpected app name" in snap.last_error


@pytest.mark.asyncio
async def test_client_side_needs_the_site_settings(desk: Desk) -> None:
    desk.publisher.use_device(None)
    with pytest.raises(CredentialsError, match="subscription id"):
        await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com", mode=SignInMode.CLIENT)
    assert desk.publisher.users() == []


@pytest.mark.asyncio
async def test_the_mode_survives_a_restart(tmp_path: Path) -> None:
    first = await open_desk(tmp_path / "desk", ManualClock(START_MS))
    await first.publisher.sign_in(DiiKind.EMAIL, "jane@example.com", mode=SignInMode.CLIENT)
    await first.publisher.sign_in(DiiKind.EMAIL, "server@example.com")
    await first.services.aclose()

    again = await open_desk(tmp_path / "desk", ManualClock(START_MS))
    modes = {s.user.entered: (s.user.mode, s.user.device) for s in again.publisher.users()}
    await again.services.aclose()
    assert modes == {
        "jane@example.com": (SignInMode.CLIENT, "http://localhost"),
        "server@example.com": (SignInMode.SERVER, ""),
    }


def test_a_store_from_before_client_side_sign_in_opens_with_server_side_users(
    tmp_path: Path,
) -> None:
    path = tmp_path / "desk.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE users (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
        " kind TEXT NOT NULL, entered TEXT NOT NULL, normalized TEXT, hash_b64 TEXT NOT NULL,"
        " environment TEXT NOT NULL, label TEXT NOT NULL, send_raw INTEGER NOT NULL,"
        " policy TEXT NOT NULL, interval_ms INTEGER NOT NULL, state TEXT NOT NULL,"
        " identity_json TEXT, identity_set_ms INTEGER, attempts INTEGER NOT NULL,"
        " last_attempt_ms INTEGER, last_error TEXT);"
        "INSERT INTO users (id, kind, entered, normalized, hash_b64, environment, label,"
        " send_raw, policy, interval_ms, state, attempts) VALUES ('u1', 'email', 'a@b.c',"
        " 'a@b.c', 'aGFzaA==', 'local', 'a@b.c', 0, 'manual', 60000, 'no_identity', 0);"
    )
    old.close()
    store = UserStore(path)
    (record,) = store.load()
    store.close()
    assert record.user.mode is SignInMode.SERVER
    assert record.user.device == ""


@pytest.mark.asyncio
async def test_the_site_dialog_edits_the_embedded_operators_names(desk: Desk) -> None:
    view = desk.services.cstg_site()
    assert view.local
    assert view.app_names == (DESK_APP_NAME,)

    await desk.services.save_cstg_site(replace(view, app_names=("com.example.tv",)))

    assert desk.operator.cstg.settings.app_names == ("com.example.tv",)
    snap = await desk.publisher.sign_in(
        DiiKind.EMAIL, "tv@example.com", mode=SignInMode.CLIENT, app_name="com.example.tv"
    )
    assert snap.state is UserState.ESTABLISHED
    with pytest.raises(InputError):
        await desk.services.save_cstg_site(replace(view, app_names=("bad name with spaces",)))
