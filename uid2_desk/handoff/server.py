"""The hand-off page server: loopback only, one page per handed-off user, reports back.

A small :class:`ThreadingHTTPServer` on its own thread, bound to 127.0.0.1 and addressed as
``http://localhost:<port>`` (a secure context: Web Crypto works there, and the operator sees
that Origin). Routes: ``/u/<user id>`` (the page), ``/handoff.js`` (the page's script),
``/client.js`` (the chosen client script, when it is a file), ``POST /report`` (what the
page's client reported, handed to ``on_report`` on the server's thread).

The pages carry a live identity, ``refresh_response_key`` included (the browser's client needs
it), so the server answers loopback peers only (403 otherwise) and only requests addressed to
its own origin: any other ``Host`` gets 421, which keeps a DNS-rebinding page from reading them.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

from uid2_desk.handoff.page import ClientScript, HandOffPage, PageReport, render_page
from uid2_desk.protocol.errors import InputError

#: The largest report body read.
MAX_REPORT_BYTES = 8192


class HandOffServer:
    """Serves hand-off pages for the desk's users until stopped.

    Attributes:
        script: the web client the pages load.
        origin: ``http://localhost:<port>`` once started.
    """

    def __init__(self, script: ClientScript, on_report: Callable[[PageReport], None]) -> None:
        self.script = script
        self._on_report = on_report
        self._pages: dict[str, HandOffPage] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.origin = ""
        #: The ``Host`` values the server answers (its own origin, by name or address).
        self.hosts: frozenset[str] = frozenset()

    def start(self) -> str:
        """Listen on a free loopback port; returns the origin."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.origin = f"http://localhost:{port}"
        self.hosts = frozenset({f"localhost:{port}", f"127.0.0.1:{port}"})
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="uid2-handoff", daemon=True
        )
        self._thread.start()
        return self.origin

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def publish(self, page: HandOffPage) -> str:
        """Serve ``page`` (replacing the user's earlier one); returns its URL."""
        with self._lock:
            self._pages[page.user_id] = page
        return f"{self.origin}/u/{page.user_id}"

    def page(self, user_id: str) -> HandOffPage | None:
        """The page served for ``user_id``, if any."""
        with self._lock:
            return self._pages.get(user_id)

    def body_of(self, path: str) -> tuple[bytes, str] | None:
        """The body and content type served at ``path``, or ``None`` (404)."""
        if path.startswith("/u/"):
            page = self.page(path.removeprefix("/u/"))
            return None if page is None else (render_page(page, self.script), "text/html")
        if path == "/handoff.js":
            text = resources.files(__package__).joinpath("page_script.js").read_bytes()
            return text, "text/javascript"
        if path == "/client.js" and self.script.path is not None:
            try:
                return self.script.path.read_bytes(), "text/javascript"
            except OSError:
                return None
        return None

    def report(self, body: bytes) -> None:
        """Take one report from a page (an :class:`InputError` if malformed)."""
        report = PageReport.parse(body)
        if self.page(report.user_id) is None:
            raise InputError("no page was handed off for that user")
        self._on_report(report)


def _handler(owner: HandOffServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """One request to the hand-off server."""

        def log_message(self, format: str, *args: object) -> None:
            pass  # the page's identity is in its URL's page, never in a log

        def _refused(self) -> bool:
            """Answer 403 to a peer not on loopback, 421 to a request for another host."""
            if not ipaddress.ip_address(self.client_address[0]).is_loopback:
                self._send(403, b"loopback only", "text/plain")
                return True
            if (self.headers.get("Host") or "").lower() not in owner.hosts:
                self._send(421, b"misdirected request", "text/plain")
                return True
            return False

        def do_GET(self) -> None:
            if self._refused():
                return
            found = owner.body_of(self.path.split("?")[0])
            if found is None:
                self.send_error(404)
                return
            self._send(200, *found)

        def do_POST(self) -> None:
            if self._refused():
                return
            if self.path != "/report":
                self.send_error(404)
                return
            length = min(int(self.headers.get("Content-Length") or 0), MAX_REPORT_BYTES)
            try:
                owner.report(self.rfile.read(length))
            except InputError as exc:
                self._send(400, str(exc).encode(), "text/plain")
                return
            self._send(204, b"", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler
