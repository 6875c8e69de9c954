"""What the hand-off page is made of: the client script, the identity, and the page's reports.

The page's HTML is built here; its behaviour is ``page_script.js`` (served beside it).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from uid2_desk.protocol.errors import InputError

#: What the page may report, and the longest summary taken from it.
REPORT_KINDS = frozenset({"identity", "optout", "no identity", "cleared", "error"})
MAX_SUMMARY = 300


@dataclass(frozen=True)
class ClientScript:
    """The UID2 web client the page loads: a local file (served at ``/client.js``) or a URL.

    Attributes:
        url: the script's address, when it is one.
        path: the local file, when it is one.
    """

    url: str | None = None
    path: Path | None = None

    @classmethod
    def parse(cls, text: str) -> ClientScript:
        """A script from what the person typed; a missing file is a clear error."""
        text = text.strip()
        if text.startswith(("http://", "https://")):
            return cls(url=text)
        if not text:
            raise InputError(
                "Choose the web client script first: a build of the UID2 SDK for JavaScript "
                "or of Prebid.js with the uid2 module (a file or a URL)."
            )
        path = Path(text).expanduser()
        if not path.is_file():
            raise InputError(f"The web client script {path} does not exist (or is no file).")
        return cls(path=path)

    @property
    def src(self) -> str:
        """Where the page's ``<script>`` loads it from."""
        return self.url if self.url is not None else "/client.js"


@dataclass(frozen=True)
class HandOffPage:
    """One handed-off identity as the page gets it.

    Attributes:
        user_id: the desk's user.
        label: the user's display name.
        identity: the identity body (what ``__uid2.init({identity})`` and Prebid's
            ``uid2Token`` take, ``refresh_response_key`` included: the browser needs it).
        base_url: the operator's base URL the client talks to.
    """

    user_id: str
    label: str
    identity: dict[str, object]
    base_url: str


@dataclass(frozen=True)
class PageReport:
    """One thing the page's client reported (no secret: at most the advertising token)."""

    user_id: str
    kind: str
    summary: str
    advertising_token: str | None = None

    @classmethod
    def parse(cls, body: bytes) -> PageReport:
        """A report from the page's POST; anything malformed is an :class:`InputError`."""
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise InputError("the report is not JSON") from exc
        if not isinstance(document, dict):
            raise InputError("the report is not a JSON object")
        user, kind = document.get("user"), document.get("kind")
        summary, token = document.get("summary"), document.get("token")
        if not isinstance(user, str) or kind not in REPORT_KINDS or not isinstance(summary, str):
            raise InputError("the report needs a user, a known kind and a summary")
        return cls(
            user_id=user,
            kind=str(kind),
            summary=summary[:MAX_SUMMARY],
            advertising_token=token if isinstance(token, str) else None,
        )


def render_page(page: HandOffPage, script: ClientScript) -> bytes:
    """The page's HTML: the configuration, the client script and the report area."""
    config = {
        "user": page.user_id,
        "identity": page.identity,
        "baseUrl": page.base_url,
        "reportUrl": "/report",
    }
    # "</" inside the JSON would end the <script> element early.
    config_js = json.dumps(config).replace("</", "<\\/")
    label = html.escape(page.label)
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>UID2 hand-off: {label}</title>
<style>body{{font:14px sans-serif;margin:2em}} code{{word-break:break-all}}
dt{{font-weight:bold}} #reports{{font-family:monospace}}</style>
<script>window.UID2_HANDOFF = {config_js};
window.pbjs = window.pbjs || {{}}; pbjs.que = pbjs.que || [];</script>
<script src="{html.escape(script.src)}"></script>
<script src="/handoff.js"></script>
</head><body>
<h1>Identity handed off: {label}</h1>
<p>The publisher server (the desk) generated this identity and handed it to the web client
below; the client refreshes it with the operator at <code>{html.escape(page.base_url)}</code>.</p>
<dl><dt>Web client</dt><dd id="client">loading…</dd>
<dt>State</dt><dd id="state">waiting</dd>
<dt>Current advertising token</dt><dd><code id="token">(none)</code></dd></dl>
<button onclick="window.handoffLogout && window.handoffLogout()">Log out (disconnect)</button>
<h2>What the client reported</h2><ol id="reports"></ol>
</body></html>
""".encode()
