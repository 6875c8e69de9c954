"""Fixtures of the browser tests: the Prebid bundle, Debian's Chromium, a page server.

Chromium is Debian's ``/usr/bin/chromium`` driven by playwright through
``executable_path`` (``playwright install`` downloads browsers and fails here). A missing
browser, Node.js or bundle fails the test: these tests stand for a feature and never skip.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser as AsyncBrowser
from playwright.async_api import async_playwright
from playwright.sync_api import Browser, sync_playwright

from tests.web.prebid_build import BuildError, ensure_bundle
from uid2_desk.operator.state.lifetimes import Lifetimes
from uid2_desk.services.desk import DeskServices, open_services

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, as root, and without reaching anything but this machine (Chromium's background
#: services would otherwise try the closed network at every start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


@pytest.fixture(scope="session")
def prebid_bundle() -> bytes:
    """The Prebid.js bundle (core, User ID module, uid2 submodule), built if needed."""
    try:
        return ensure_bundle().read_bytes()
    except BuildError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Headless Debian Chromium, one per test module.

    Not one per session: ``sync_playwright`` keeps an event loop running on the main thread
    for as long as it is open, and every asyncio test collected after it would find that loop
    ("Cannot run the event loop while another loop is running").
    """
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (CI does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class PageServer:
    """Serves pages (by path) and the bundle from 127.0.0.1, addressed as ``localhost``.

    ``http://localhost`` is a secure context, so the page has Web Crypto, and its Origin
    is what the operator's domain check sees.
    """

    def __init__(self, bundle: bytes) -> None:
        self.pages: dict[str, bytes] = {"/prebid-uid2.js": bundle}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass  # the test reads the operator's log, not this one

            def do_GET(self) -> None:
                body = pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                js = self.path.endswith(".js")
                self.send_response(200)
                self.send_header("Content-Type", "text/javascript" if js else "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.origin = f"http://localhost:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def page_server(prebid_bundle: bytes) -> Iterator[PageServer]:
    """A page server on a free loopback port, with the bundle at /prebid-uid2.js."""
    server = PageServer(prebid_bundle)
    yield server
    server.close()


@pytest.fixture(scope="module")
def bundle_path() -> Path:
    """Prebid.js with the uid2 module, built from the pinned npm packages."""
    try:
        return ensure_bundle()
    except BuildError as exc:
        pytest.fail(str(exc))


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[AsyncBrowser]:
    """Headless Debian Chromium (the async API: the desk runs on this test's loop)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (CI does)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()


@pytest_asyncio.fixture
async def desk(tmp_path: Path, bundle_path: Path) -> AsyncIterator[DeskServices]:
    """A desk on the local environment, its operator on loopback, refresh_from after 1 s."""
    lifetimes = Lifetimes.local().with_overrides(refresh_from_s=1)
    services = await open_services(tmp_path, lifetimes=lifetimes, returning=False)
    assert services.handoff is not None
    services.handoff.use_script(str(bundle_path))
    yield services
    await services.aclose()
