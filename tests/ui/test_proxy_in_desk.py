"""Environment ▸ Proxy to … in the real desk window: a team's backend watched through the desk.

The remote operator is a real :class:`LocalOperator` on its own loopback port (reached over
HTTP like a remote one); the official ``uid2-client`` SDK, as the team's backend, calls the
desk's proxy. Its exchanges stream into the desk's log under their client, open decrypted in
the inspector (the secret comes from ``UID2_API_KEY``/``UID2_SECRET``, as the desk keeps
remote credentials), and the environment band says where the proxy forwards, in that
environment's colour. Production is asked about first, with the desk's one question.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtWidgets import QMessageBox
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.ui.desk_fixture import Desk
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.protocol.capture import CAPTURED_BY
from uid2_desk.proxy.record import UPSTREAM
from uid2_desk.services.desk_proxy import ProxyRunning
from uid2_desk.ui.log.log_model import LogColumn

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

#: The band's colours, written here (not read from the theme): integration blue, prod red.
INTEG_BLUE = "#1d4ed8"
LOCAL_GREEN = "#166534"


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[tuple[LocalOperator, str]]:
    """A real operator on its own loopback port, standing in for the integration one."""
    operator = LocalOperator.open(tmp_path / "remote", lifetimes=Lifetimes.local())
    with LoopbackServer(operator.asgi_app) as server:
        yield operator, server.base_url
    operator.close()


def _rows_of(desk: Desk, client: str) -> list[int]:
    model = desk.window.log_model
    model.flush()
    return [i for i in range(model.rowCount()) if model.row_at(i).client == client]


def _started(desk: Desk, upstream: str) -> ProxyRunning:
    """Start the desk's proxy toward ``upstream`` and wait until it runs."""
    control = desk.window.proxy_control
    assert control.start(upstream, 0)
    desk.qtbot.waitUntil(lambda: control.running is not None and not control.busy, timeout=10_000)
    running = control.running
    assert running is not None
    return running


def test_a_backend_through_the_proxy_streams_into_the_log_decrypted_and_the_band_says_so(
    desk: Desk, remote: tuple[LocalOperator, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    operator, upstream_url = remote
    creds = operator.credentials.publisher
    monkeypatch.setenv("UID2_API_KEY", creds.api_key)
    monkeypatch.setenv("UID2_SECRET", creds.secret)
    window = desk.window
    control = window.proxy_control
    running = _started(desk, upstream_url)
    assert running.keys == 1
    assert window.strip.chip_text == "PROXY → CUSTOM"
    assert running.base_url in window.strip.detail_text
    assert control.stop_action.isEnabled()

    backend = Uid2PublisherClient(running.base_url, creds.api_key, creds.secret)
    identity = desk.run(
        asyncio.to_thread(backend.generate_token, TokenGenerateInput.from_email("qa@example.com"))
    )
    assert identity.get_identity().get_advertising_token()  # the SDK decrypted its reply
    desk.qtbot.waitUntil(lambda: len(_rows_of(desk, "Your backend")) >= 1, timeout=15_000)
    (row,) = _rows_of(desk, "Your backend")
    model = window.log_model
    assert model.index(row, LogColumn.CLIENT).data() == "Your backend"
    window.log_panel.table.selectRow(row)
    desk.qtbot.waitUntil(lambda: window.inspector.entry is not None, timeout=5_000)
    entry = window.inspector.entry
    assert entry is not None
    assert entry.exchange is not None
    facts = dict(entry.exchange.extra)
    assert facts[CAPTURED_BY] == "proxy"
    assert facts[UPSTREAM] == upstream_url
    assert "email_hash" in window.inspector.tab_text("Request")
    assert "advertising_token" in window.inspector.tab_text("Reply")
    assert creds.secret not in window.inspector.tab_text("Request")

    control.stop()
    desk.qtbot.waitUntil(lambda: control.running is None and not control.busy, timeout=10_000)
    assert window.strip.chip_text == "LOCAL"
    assert window.strip.colour == LOCAL_GREEN
    assert not control.stop_action.isEnabled()


def test_the_band_reads_proxy_to_integ_in_blue_and_production_is_asked_first(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.Cancel]

    def question(_parent: object, title: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(title)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "warning", question)
    window = desk.window
    control = window.proxy_control
    assert not control.start("prod-usw", 0)  # declined: nothing starts, nothing is forwarded
    assert asked == ["Call a production operator?"]
    assert control.running is None
    assert window.strip.chip_text == "LOCAL"

    assert control.start("integ", 0)  # no question for the integration environment
    desk.qtbot.waitUntil(lambda: control.running is not None and not control.busy, timeout=10_000)
    assert asked == ["Call a production operator?"]
    assert window.strip.chip_text == "PROXY → INTEG"
    assert window.strip.colour == INTEG_BLUE
    assert "UID2 integration" in window.strip.accessibleName()

    answer[0] = QMessageBox.StandardButton.Yes
    assert control.start("euid-prod", 0)  # confirmed: the proxy moves to production
    desk.qtbot.waitUntil(
        lambda: (
            control.running is not None
            and control.running.environment.id == "euid-prod"
            and not control.busy
        ),
        timeout=10_000,
    )
    assert asked == ["Call a production operator?"] * 2
    assert window.strip.chip_text == "PROXY → PRODUCTION"
    control.stop()
    desk.qtbot.waitUntil(lambda: control.running is None and not control.busy, timeout=10_000)


def test_an_upstream_the_proxy_must_not_use_is_refused_with_a_reason_in_the_banner(
    desk: Desk,
) -> None:
    window = desk.window
    control = window.proxy_control
    assert control.start("http://10.0.0.5:8080", 0)  # resolved, then refused by the proxy
    desk.qtbot.waitUntil(
        lambda: window.banner.level == "error" and not control.busy, timeout=10_000
    )
    assert "plain HTTP would carry API keys and DII" in window.banner.text
    assert control.running is None
    assert window.strip.chip_text == "LOCAL"
    assert not control.start("staging", 0)  # not an environment: refused before anything
    assert "Unknown environment 'staging'" in window.banner.text


def test_closing_the_desk_stops_a_running_proxy_and_frees_its_port(desk: Desk) -> None:
    running = _started(desk, "integ")
    port = int(running.base_url.rsplit(":", 1)[1])
    desk.run(desk.app.stop_services())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # free again: the proxy stopped with the services


def test_calls_the_capture_could_not_keep_are_counted_when_the_proxy_stops(
    desk: Desk, remote: tuple[LocalOperator, str]
) -> None:
    _, upstream_url = remote
    proxy = desk.services.proxy
    assert proxy is not None
    proxy.capture_limit = 0  # a capture with no room: every forwarded call is dropped, counted
    window = desk.window
    control = window.proxy_control
    running = _started(desk, upstream_url)
    url = f"{running.base_url}/v2/token/generate"
    for _ in range(3):
        reply = desk.run(asyncio.to_thread(httpx.post, url, content=b"AQID"))
        assert reply.status_code != 502  # the upstream answered: only the capture missed it
    control.stop()
    desk.qtbot.waitUntil(lambda: control.running is None and not control.busy, timeout=10_000)
    assert "3 forwarded calls were not captured" in window.banner.text
    assert "Every client still got its reply" in window.banner.text
