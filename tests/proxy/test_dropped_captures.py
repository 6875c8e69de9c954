"""A capture that falls behind drops what no longer fits, counts it, and the count is told."""

from __future__ import annotations

import httpx

from tests.proxy.support import StalledSink
from tests.proxy.test_framing import ECHO
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.capture_queue import dropped_note
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.proxy.upstream import Upstream


def test_calls_beyond_the_capture_limit_are_answered_dropped_and_counted() -> None:
    sink = StalledSink()
    with LoopbackServer(ECHO) as upstream:
        upstream_of = Upstream("t", upstream.base_url, "CUSTOM")
        app = ProxyApp(upstream_of, ClientSecrets(), sink=sink, capture_limit=2)
        with ProxyServer(app) as proxy, httpx.Client(base_url=proxy.base_url) as client:
            statuses = [client.post("/v2/token/generate", content=b"AQID").status_code]
            # The worker took the first one and is stuck in the sink: two more fit, two do not.
            statuses += [client.post("/v2/token/generate", content=b"AQID").status_code
                         for _ in range(4)]  # fmt: skip
            sink.release.set()
    assert statuses == [200] * 5
    dropped = app.captures.dropped
    assert len(sink.taken) + dropped == 5
    assert dropped >= 2
    assert dropped_note(dropped) == (
        f"{dropped} forwarded calls were not captured: the capture fell behind and its queue "
        "was full. Every client still got its reply; only the desk's record of those calls "
        "is missing."
    )


def test_nothing_dropped_is_nothing_to_say_and_one_is_said_in_the_singular() -> None:
    assert dropped_note(0) is None
    note = dropped_note(1)
    assert note is not None
    assert note.startswith("1 forwarded call was not captured")
