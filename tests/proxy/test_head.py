"""A message head as the proxy reads it: fields pass as the bytes they came as, but for the
hop-by-hop ones; malformed lines are refused; a head seen again is not parsed again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from uid2_desk.proxy import head as head_module
from uid2_desk.proxy.head import (
    Head,
    WireError,
    encode_head,
    field_lines,
    forget_heads,
    parse_head,
)
from uid2_desk.proxy.wire import content_length, framing, is_chunked

REQUEST = (
    b"POST /v2/token/generate HTTP/1.1\r\nHost: proxy:8080\r\nX-Odd:   spaced  value \r\n"
    b"CONNECTION: Keep-Alive, X-Trace\r\nX-Trace: 1\r\nX-Trace-Id: 2\r\nKeep-Alive: timeout=5\r\n"
    b"content-LENGTH: 12\r\nAuthorization: Bearer key"
)


@pytest.fixture(autouse=True)
def _parsed_afresh() -> Iterator[None]:
    """Every test parses its heads itself: none comes from the cache of heads seen lately
    (filled by an earlier test, or by the process a mutation run forks from)."""
    forget_heads()
    head_module._dropper.cache_clear()
    yield
    forget_heads()


def _lines(fields: bytes) -> list[bytes]:
    return fields.split(b"\r\n")[1:]


def test_the_start_line_is_split_in_three_and_the_fields_kept_as_their_bytes() -> None:
    head = parse_head(REQUEST)
    assert (head.first, head.second, head.third) == ("POST", "/v2/token/generate", "HTTP/1.1")
    assert head.fields == REQUEST[REQUEST.index(b"\r\n") :]


def test_forwarded_fields_drop_hop_by_hop_ones_and_those_connection_names_in_any_case() -> None:
    kept = _lines(parse_head(REQUEST).end_to_end("host", "content-length", "expect"))
    assert kept == [b"X-Odd:   spaced  value ", b"X-Trace-Id: 2", b"Authorization: Bearer key"]


def test_without_extra_names_only_hop_by_hop_fields_go() -> None:
    kept = _lines(parse_head(REQUEST).end_to_end())
    assert b"Host: proxy:8080" in kept
    assert b"content-LENGTH: 12" in kept
    assert not [line for line in kept if line.lower().startswith((b"connection", b"keep-alive"))]


def test_the_fields_the_proxy_acts_on_are_found_whatever_their_case() -> None:
    head = parse_head(REQUEST)
    assert head.connection_tokens() == frozenset({"keep-alive", "x-trace"})
    assert head.value("content-length") == "12"
    assert content_length(head) == 12
    assert not is_chunked(head)
    assert head.value("expect") is None
    assert head.value("x-odd") == "spaced  value"  # an ordinary field: from the pairs


def test_the_pairs_are_every_field_in_order_with_values_trimmed() -> None:
    head = parse_head(b"HTTP/1.1 200 OK\r\nDate: today\r\nX-A:\t a \r\nX-A: b")
    assert head.headers == (("Date", "today"), ("X-A", "a"), ("X-A", "b"))
    assert head.values("x-a") == ["a", "b"]


def test_a_chunked_body_and_repeated_lengths_are_read_as_rfc_9112_says() -> None:
    chunked = parse_head(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, CHUNKED")
    assert framing(chunked) == (True, None)
    same_twice = parse_head(b"POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5")
    assert framing(same_twice) == (False, 5)
    with pytest.raises(WireError, match="invalid Content-Length"):
        content_length(parse_head(b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6"))
    with pytest.raises(WireError, match="invalid Content-Length"):
        content_length(parse_head(b"POST / HTTP/1.1\r\nContent-Length: -5"))


@pytest.mark.parametrize(
    "line",
    [
        b" folded: value",  # obsolete line folding
        b"no colon at all",
        b"Spaced-Name : value",
        b": no name",
        b"X-Bare: line\nfeed",
    ],
)
def test_a_malformed_field_line_is_refused_and_named(line: bytes) -> None:
    with pytest.raises(WireError, match="malformed header line") as refused:
        parse_head(b"GET / HTTP/1.1\r\nHost: x\r\n" + line)
    assert repr(line.decode())[1:20] in str(refused.value)
    with pytest.raises(WireError):  # refused again: a refusal is never remembered as a head
        parse_head(b"GET / HTTP/1.1\r\nHost: x\r\n" + line)


def test_a_start_line_without_a_target_is_refused() -> None:
    with pytest.raises(WireError, match="malformed start line"):
        parse_head(b"GARBAGE\r\nHost: x")
    with pytest.raises(WireError, match="malformed start line"):
        parse_head(b"\r\nHost: x")  # no start line at all


def test_field_lines_and_a_start_line_make_a_head_ready_to_write() -> None:
    fields = field_lines((("Content-Type", "text/plain"), ("Content-Length", "2")))
    assert fields == b"\r\nContent-Type: text/plain\r\nContent-Length: 2"
    assert encode_head("HTTP/1.1 400 Bad Request", fields) == (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n"
    )
    assert encode_head("HTTP/1.1 204 No Content", b"") == b"HTTP/1.1 204 No Content\r\n\r\n"


def test_a_head_seen_again_is_the_same_parsed_head_with_its_cut_fields_kept() -> None:
    raw = b"POST /v2/token/refresh HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nX-Seen: again"
    first = parse_head(raw)
    cut = first.end_to_end("host")
    again = parse_head(bytes(bytearray(raw)))  # equal bytes, another object
    assert again is first
    assert again.end_to_end("host") is cut
    assert isinstance(again, Head)


def test_a_start_line_keeps_its_third_part_as_sent_and_may_have_only_two() -> None:
    reply = parse_head(b"HTTP/1.1 404  Not  Found Here\r\nX: y")
    assert (reply.first, reply.second, reply.third) == ("HTTP/1.1", "404", " Not  Found Here")
    simple = parse_head(b"GET /")  # no version, no fields: HTTP/0.9's shape
    assert (simple.first, simple.second, simple.third) == ("GET", "/", "")
    assert simple.fields == b""
    assert simple.headers == ()


def test_a_refusal_quotes_at_most_eighty_characters_of_what_it_refuses() -> None:
    with pytest.raises(WireError) as start:
        parse_head(b"x" * 200)
    assert repr("x" * 80) in str(start.value)
    assert "x" * 81 not in str(start.value)
    with pytest.raises(WireError) as field:
        parse_head(b"GET / HTTP/1.1\r\n" + b"y" * 200)
    assert repr("y" * 80) in str(field.value)
    assert "y" * 81 not in str(field.value)


def test_values_are_trimmed_of_spaces_and_tabs_only_and_keep_their_colons() -> None:
    head = parse_head(
        b"GET / HTTP/1.1\r\nX-Url: http://a:1\r\nX-B: \x0bv\x0b\r\nX-C: Xv X\r\nExpect: \x0b1"
    )
    assert head.headers == (
        ("X-Url", "http://a:1"),
        ("X-B", "\x0bv\x0b"),
        ("X-C", "Xv X"),
        ("Expect", "\x0b1"),
    )
    assert head.value("expect") == "\x0b1"  # a notable one too


def test_heads_kept_for_reuse_are_bounded_in_size_and_number() -> None:
    def sized(length: int) -> bytes:
        start = b"GET / HTTP/1.1\r\nX-Pad: "
        return start + b"p" * (length - len(start))

    assert parse_head(sized(2048)) is parse_head(sized(2048))  # kept
    assert parse_head(sized(2049)) is not parse_head(sized(2049))  # parsed every time
    for number in range(300):
        parse_head(b"GET /%d HTTP/1.1" % number)
        assert len(head_module._SEEN) <= 256
