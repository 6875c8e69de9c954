"""Environment ▸ Integration guide: the desk plays an original v1 guide on the local operator.

The real window on the real composition root: choosing the custom publisher guide restarts the
services with the local operator serving the v1 API, and a sign-in through the panel is the
guide's step 3-1, a GET; on another environment the v1 guides cannot be chosen.
"""

from __future__ import annotations

import pytest

from tests.ui.desk_fixture import Desk
from uid2_desk.client.legacy_v1 import LegacyV1Client
from uid2_desk.journal import EntryKind
from uid2_desk.publisher.guides import Guide

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def test_the_menu_offers_the_three_guides_with_todays_ticked(desk: Desk) -> None:
    menu = desk.app.guide_menu
    assert [a.text() for a in menu.menu.actions()] == [
        "Server-only guide (v2 API, today's)",
        "Original server-only guide (v1 GET API)",
        "Original custom publisher guide (v1 GET API, steps 1–6)",
    ]
    assert menu.actions[Guide.SERVER_ONLY].isChecked()
    assert all(a.isEnabled() for a in menu.actions.values())
    assert desk.services.operator is not None
    assert not desk.services.operator.legacy_v1


def test_choosing_the_custom_guide_serves_v1_and_signs_in_with_a_get(desk: Desk) -> None:
    window = desk.window
    desk.app.guide_menu.actions[Guide.CUSTOM_V1].trigger()
    desk.qtbot.waitUntil(
        lambda: desk.app.services is not None and desk.app.services.publisher.guide.legacy_v1,
        timeout=15_000,
    )
    desk.qtbot.waitUntil(lambda: window.ready, timeout=15_000)
    services = desk.services
    assert services.operator is not None
    assert services.operator.legacy_v1
    assert isinstance(services.publisher.client, LegacyV1Client)
    assert desk.app.guide_menu.actions[Guide.CUSTOM_V1].isChecked()

    desk.sign_in("jane@example.com")
    entries = desk.run(services.journal.entries(limit=None, with_exchanges=True))
    (generate,) = [e for e in entries if e.kind is EntryKind.EXCHANGE]
    assert generate.step == "3-1"
    assert generate.exchange is not None
    assert generate.exchange.method == "GET"
    assert generate.name == "/v1/token/generate"


def test_on_another_environment_the_v1_guides_cannot_be_chosen(desk: Desk) -> None:
    desk.app.guide = Guide.CUSTOM_V1.value  # chosen on local, then the environment changes
    desk.run(desk.app.restart(env="integ"))
    desk.qtbot.waitUntil(lambda: desk.window.ready, timeout=15_000)
    menu = desk.app.guide_menu
    assert desk.services.publisher.guide is Guide.SERVER_ONLY
    assert menu.actions[Guide.SERVER_ONLY].isChecked()
    assert not menu.actions[Guide.CUSTOM_V1].isEnabled()
    assert "removed the v1 API in July 2025" in menu.actions[Guide.CUSTOM_V1].toolTip()
