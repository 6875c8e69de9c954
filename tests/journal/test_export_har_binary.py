"""What a HAR entry must carry for bodies that are not text (issue 19: never exported, so a
dropped ``_uid2Encoding`` or an emptied MIME fallback went unnoticed).

An ``application/octet-stream`` refresh goes over the wire as raw bytes; HAR has no place
for bytes, so the text is base64 and the entry says so, or a HAR viewer shows garbage.
"""

from __future__ import annotations

import base64
from pathlib import Path

from tests.journal.har_schema import har_problems
from uid2_desk.journal import Journal
from uid2_desk.journal.export_har import har_document
from uid2_desk.protocol.exchange import Exchange, Timings

RAW_REQUEST = bytes([1, 0xC8, 0xFF, 0x00, 0x10]) * 8
RAW_REPLY = bytes(range(256))


def _binary_exchange() -> Exchange:
    return Exchange(
        endpoint="/v2/token/generate",
        url="http://127.0.0.1:8080/v2/token/generate",
        started_ms=1_767_225_600_000,
        timings=Timings(total_ms=4.0),
        request_headers=(("Content-Type", "application/octet-stream"),),
        request_body=RAW_REQUEST,
        http_status=200,
        response_headers=(),  # a reply that names no content type (CSTG's 200s do not)
        response_body=RAW_REPLY,
    )


def test_binary_bodies_are_base64_and_say_so(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        journal.append_exchange(
            _binary_exchange(), session="s", user=None, environment="local", step=None
        )
        entries = journal.entries(limit=None, with_exchanges=True)
    document = har_document(entries)
    assert har_problems(document) == []
    (entry,) = document["log"]["entries"]
    post = entry["request"]["postData"]
    assert post["mimeType"] == "application/octet-stream"
    assert post["_uid2Encoding"] == "base64"
    assert base64.b64decode(post["text"]) == RAW_REQUEST
    content = entry["response"]["content"]
    assert content["mimeType"] == "x-unknown"  # HAR's word for "the server did not say"
    assert content["encoding"] == "base64"
    assert base64.b64decode(content["text"]) == RAW_REPLY
    assert content["size"] == len(RAW_REPLY)
