"""The hand-off keeps its secret: no refresh_response_key in the journal, exports or logs.

The handed identity carries a ``refresh_response_key`` (the browser's client needs it) and every
refresh the browser makes returns a new one, sealed for the browser. A real web client
(Prebid.js in headless Chromium) refreshes on the desk's hand-off page; then neither key
appears in the journal file, a HAR, a JSONL or a Markdown report of the session, nor in any
log record, and the browser's new key never reaches the desk's user store. The page server
answers only its own origin (421 otherwise).
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser

from tests.web.test_handoff_prebid import STORAGE_KEY, _until
from uid2_desk.journal import JOURNAL_FILE
from uid2_desk.journal.export_har import write_har
from uid2_desk.journal.export_jsonl import write_jsonl
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.store import STORE_FILE
from uid2_desk.report.markdown import write_report
from uid2_desk.services.desk import DeskServices


def _forms(key_b64: str) -> list[bytes]:
    """The ways a key could be written: its base64, url-safe base64 and hex."""
    raw = base64.b64decode(key_b64)
    return [key_b64.encode(), base64.urlsafe_b64encode(raw), raw.hex().encode()]


@pytest.mark.asyncio
@pytest.mark.slow
async def test_no_refresh_response_key_in_journal_exports_or_logs(
    desk: DeskServices, browser: Browser, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert desk.handoff is not None
    jane = await desk.publisher.sign_in(DiiKind.EMAIL, "jane.secret@example.com")
    handed = jane.identity
    assert handed is not None
    assert handed.refresh_response_key is not None
    url = await desk.handoff.hand_off(jane.user_id)

    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(url)
    await _until(
        "the desk to follow the browser's refresh",
        lambda: (
            (desk.publisher.snapshot(jane.user_id).identity or handed).advertising_token
            != handed.advertising_token
        ),
    )
    await desk.publisher.handoffs.settled()
    stored = await page.evaluate(f"() => JSON.parse(localStorage.getItem('{STORAGE_KEY}'))")
    browser_key = stored["latestToken"]["refresh_response_key"]
    handed_key = base64.b64encode(handed.refresh_response_key).decode()
    assert browser_key != handed_key  # the browser's refresh brought a key of its own
    await context.close()

    entries = await desk.journal.entries(limit=None, with_exchanges=True)
    write_har(tmp_path / "s.har", entries)
    write_jsonl(tmp_path / "s.jsonl", entries)
    write_report(tmp_path / "s.md", entries)
    await desk.aclose()  # the journal and the store are on disk now
    journal_files = sorted(Path(desk.data_dir).glob(f"{JOURNAL_FILE}*"))
    assert journal_files
    written = {p.name: p.read_bytes() for p in journal_files}
    written |= {n: (tmp_path / n).read_bytes() for n in ("s.har", "s.jsonl", "s.md")}
    written["log"] = "\n".join(r.getMessage() for r in caplog.records).encode()
    assert b"/v2/token/refresh" in written["s.har"]  # the browser's refresh is in the export
    for key in (handed_key, browser_key):
        leaks = [name for name, data in written.items() if any(f in data for f in _forms(key))]
        assert leaks == [], f"a refresh_response_key is written in {leaks}"
    # The desk never learns the browser's key: its copy of the identity is display only.
    store = b"".join(p.read_bytes() for p in Path(desk.data_dir).glob(f"{STORE_FILE}*"))
    assert store
    assert not any(f in store for f in _forms(browser_key))


@pytest.mark.asyncio
async def test_the_page_server_answers_only_its_own_host(desk: DeskServices) -> None:
    assert desk.handoff is not None
    jane = await desk.publisher.sign_in(DiiKind.EMAIL, "jane.host@example.com")
    url = await desk.handoff.hand_off(jane.user_id)
    server = desk.handoff.server
    assert server is not None
    port = server.origin.rsplit(":", 1)[1]
    async with httpx.AsyncClient() as web:
        own = await web.get(url)
        by_address = await web.get(url, headers={"Host": f"127.0.0.1:{port}"})
        rebound = await web.get(url, headers={"Host": f"attacker.example:{port}"})
        other_port = await web.get(url, headers={"Host": "localhost:1"})
        report = await web.post(
            f"{server.origin}/report",
            headers={"Host": f"attacker.example:{port}"},
            content=b'{"user": "x", "kind": "error", "summary": "x"}',
        )
    assert own.status_code == 200
    assert "refresh_response_key" in own.text  # the browser's client needs it
    assert by_address.status_code == 200
    assert rebound.status_code == 421
    assert "refresh_response_key" not in rebound.text
    assert other_port.status_code == 421
    assert report.status_code == 421
