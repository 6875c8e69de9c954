"""HTTP/1.1 on byte buffers, as much of it as a forwarding proxy needs (RFC 9112).

A message head is taken off a connection's buffer up to its blank line; a body by its
framing: ``Transfer-Encoding: chunked`` (de-chunked, trailers dropped), ``Content-Length``,
or, for a reply with neither, until the connection closes. The bytes of a body are never
changed: the proxy forwards what it read, re-framed with a ``Content-Length`` of the same
bytes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

#: RFC 9110 §7.6.1 hop-by-hop headers: they describe one connection, never forwarded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
#: The largest message head accepted (uvicorn's h11 default is 64 KiB too).
MAX_HEAD = 64 * 1024
#: The largest body accepted (the operator's own limit is far lower).
MAX_BODY = 64 * 1024 * 1024

Headers = tuple[tuple[str, str], ...]


class WireError(Exception):
    """A message that does not parse as HTTP/1.1 (the connection is closed after it)."""


@dataclass(slots=True)
class Head:
    """A message head: its start line split in three, and its headers as received.

    For a request the parts are method, target and version; for a reply version, status and
    reason. ``names`` are the header names lower-cased once, in the same order, ``first_of``
    the first value of each and ``tokens`` the ``Connection`` header's tokens: every look-up
    on the forwarding path is one dict access, not a pass over the headers lower-casing each
    name. (Not frozen: a frozen dataclass pays a ``object.__setattr__`` per field, and two
    heads are built per forwarded call; nothing changes a head once parsed.)
    """

    first: str
    second: str
    third: str
    headers: Headers
    names: tuple[str, ...] = ()
    first_of: dict[str, str] = field(default_factory=dict, repr=False)
    tokens: frozenset[str] = frozenset()

    def value(self, name: str) -> str | None:
        """The first value of header ``name`` (lower-case), if present."""
        return self.first_of.get(name)

    def values(self, name: str) -> list[str]:
        """Every value of header ``name`` (lower-case), in order."""
        if name not in self.first_of:
            return []
        return [v for n, (_, v) in zip(self.names, self.headers, strict=True) if n == name]

    def connection_tokens(self) -> frozenset[str]:
        """The lower-cased tokens of the ``Connection`` header(s)."""
        return self.tokens

    def end_to_end(self, *also: str) -> Headers:
        """The headers but hop-by-hop ones, those the ``Connection`` header names, and ``also``."""
        dropped = HOP_BY_HOP.union(self.tokens, also) if self.tokens or also else HOP_BY_HOP
        return tuple(
            pair for name, pair in zip(self.names, self.headers, strict=True) if name not in dropped
        )


def _tokens(values: list[str]) -> frozenset[str]:
    return frozenset(
        token.strip().lower() for value in values for token in value.split(",") if token.strip()
    )


def split_head(buf: bytearray) -> Head | None:
    """Take the next complete head off the front of ``buf``; ``None`` while it is incomplete.

    One ``find`` of the blank line per arrival of bytes, no per-line awaits: the connection
    protocols call this from ``data_received``.
    """
    while buf.startswith(b"\r\n"):  # RFC 9112 §2.2: ignore empty lines before a request
        del buf[:2]
    end = buf.find(b"\r\n\r\n")
    if end < 0 or end > MAX_HEAD:
        if len(buf) > MAX_HEAD:
            raise WireError(f"a message head longer than {MAX_HEAD} bytes")
        return None
    raw = bytes(buf[:end])
    del buf[: end + 4]
    return parse_head(raw)


def parse_head(raw: bytes) -> Head:
    """The head in ``raw`` (its bytes up to, not including, the blank line)."""
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2:
        raise WireError(f"a malformed start line: {lines[0][:80]!r}")
    headers: list[tuple[str, str]] = []
    names: list[str] = []
    first_of: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise WireError(f"a malformed header line: {line[:80]!r}")
        value = value.strip(" \t")
        headers.append((name, value))
        lower = name.lower()
        names.append(lower)
        first_of.setdefault(lower, value)
    third = parts[2] if len(parts) > 2 else ""
    head = Head(parts[0], parts[1], third, tuple(headers), tuple(names), first_of)
    if "connection" in first_of:
        head.tokens = _tokens(head.values("connection"))
    return head


def is_chunked(head: Head) -> bool:
    """Whether the body is sent with ``Transfer-Encoding: chunked``."""
    coding = head.value("transfer-encoding")
    return coding is not None and coding.lower().rsplit(",", 1)[-1].strip() == "chunked"


def content_length(head: Head) -> int | None:
    """The declared ``Content-Length`` (raises :class:`WireError` when it is not a number)."""
    first = head.first_of.get("content-length")
    if first is None:
        return None
    repeated = head.names.count("content-length") > 1
    values = {v.strip() for v in head.values("content-length")} if repeated else {first.strip()}
    given = next(iter(values))
    if len(values) > 1 or not (given.isascii() and given.isdigit()):  # "²" is a digit to str
        raise WireError(f"an invalid Content-Length: {sorted(values)}")
    length = int(given)
    if length > MAX_BODY:
        raise WireError(f"a body of {length} bytes (the limit is {MAX_BODY})")
    return length


class BodyReader:
    """Takes the body that follows ``head`` off a buffer as its bytes arrive, by its framing.

    ``to_eof``: a message with neither framing header runs until the connection closes (a
    reply); otherwise it has no body (a request). Chunked bodies are de-chunked (trailers
    dropped) chunk by chunk, so a body arriving in many reads is never parsed twice.
    """

    def __init__(self, head: Head, *, to_eof: bool) -> None:
        self._chunked = is_chunked(head)
        self._length = None if self._chunked else content_length(head)
        #: Whether only the connection's close ends this body.
        self.to_eof = to_eof and not self._chunked and self._length is None
        self._chunks: list[bytes] = []
        self._total = 0
        self._in_trailers = False

    def take(self, buf: bytearray) -> bytes | None:
        """The whole body, taken off ``buf``; ``None`` while more bytes are needed."""
        if self._chunked:
            return self._take_chunked(buf)
        length = self._length
        if length is not None:
            if len(buf) < length:
                return None
            body = bytes(buf[:length])
            del buf[:length]
            return body
        return None if self.to_eof else b""

    def closed(self, buf: bytearray) -> bytes:
        """The body once the connection closed (raises :class:`WireError` if it is cut short)."""
        if not self.to_eof:
            raise WireError("the connection closed before the whole body arrived")
        body = bytes(buf)
        buf.clear()
        return body

    def _take_chunked(self, buf: bytearray) -> bytes | None:
        while True:
            eol = buf.find(b"\r\n")
            if eol < 0:
                if len(buf) > MAX_HEAD:
                    raise WireError("a chunk size or trailer line that never ends")
                return None
            if self._in_trailers:  # trailer fields: hop-by-hop here, dropped
                del buf[: eol + 2]
                if eol == 0:
                    return b"".join(self._chunks)
                continue
            size_text = bytes(buf[:eol]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise WireError(f"a malformed chunk size: {size_text[:20]!r}") from None
            if size == 0:
                del buf[: eol + 2]
                self._in_trailers = True
                continue
            if self._total + size > MAX_BODY:
                raise WireError(f"a chunked body over {MAX_BODY} bytes")
            end = eol + 2 + size
            if len(buf) < end + 2:
                return None
            if buf[end : end + 2] != b"\r\n":
                raise WireError("a chunk not followed by CRLF")
            self._chunks.append(bytes(buf[eol + 2 : end]))
            self._total += size
            del buf[: end + 2]


class MessageConnection(asyncio.Protocol):
    """A connection whose messages are taken off its buffer: the head, then the body, being read.

    The client side and the upstream side of the proxy both are one; they differ in what a
    message is for.

    Attributes:
        closed: the connection was closed, by either side (nothing more is read or written).
    """

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buf = bytearray()
        self._head: Head | None = None
        self._body: BodyReader | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def close(self) -> None:
        """Close the connection: what was written is still sent, nothing more is read."""
        self.closed = True
        if self._transport is not None:
            self._transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True


def encode_head(start_line: str, headers: Headers) -> bytes:
    """A head ready to write: the start line, the headers, the blank line (one join)."""
    return (start_line + "".join([f"\r\n{k}: {v}" for k, v in headers]) + "\r\n\r\n").encode(
        "latin-1"
    )
