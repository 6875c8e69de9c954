"""HTTP/1.1 on asyncio streams, as much of it as a forwarding proxy needs (RFC 9112).

A message head is read up to its blank line; a body by its framing: ``Transfer-Encoding:
chunked`` (de-chunked, trailers dropped), ``Content-Length``, or, for a reply with neither,
until the connection closes. The bytes of a body are never changed: the proxy forwards what
it read, re-framed with a ``Content-Length`` of the same bytes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Head:
    """A message head: its start line split in three, and its headers as received.

    For a request the parts are method, target and version; for a reply version, status and
    reason.
    """

    first: str
    second: str
    third: str
    headers: Headers

    def value(self, name: str) -> str | None:
        """The first value of header ``name`` (lower-case), if present."""
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def connection_tokens(self) -> set[str]:
        """The lower-cased tokens of the ``Connection`` header(s)."""
        return {
            token.strip().lower()
            for key, value in self.headers
            if key.lower() == "connection"
            for token in value.split(",")
            if token.strip()
        }

    def end_to_end(self, *also: str) -> Headers:
        """The headers but hop-by-hop ones, those the ``Connection`` header names, and ``also``."""
        dropped = HOP_BY_HOP | self.connection_tokens() | set(also)
        return tuple((k, v) for k, v in self.headers if k.lower() not in dropped)


async def read_head(reader: asyncio.StreamReader) -> Head | None:
    """The next head on ``reader``; ``None`` when the peer closed before sending one."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None
        raise WireError("the connection closed in the middle of a message head") from None
    except asyncio.LimitOverrunError:
        raise WireError(f"a message head longer than {MAX_HEAD} bytes") from None
    lines = raw[:-4].decode("latin-1").split("\r\n")
    while lines and not lines[0]:  # RFC 9112 §2.2: ignore empty lines before a request
        lines.pop(0)
    if not lines:
        raise WireError("an empty message head")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2:
        raise WireError(f"a malformed start line: {lines[0][:80]!r}")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise WireError(f"a malformed header line: {line[:80]!r}")
        headers.append((name, value.strip(" \t")))
    return Head(parts[0], parts[1], parts[2] if len(parts) > 2 else "", tuple(headers))


def is_chunked(head: Head) -> bool:
    """Whether the body is sent with ``Transfer-Encoding: chunked``."""
    coding = head.value("transfer-encoding")
    return coding is not None and coding.lower().rsplit(",", 1)[-1].strip() == "chunked"


def content_length(head: Head) -> int | None:
    """The declared ``Content-Length`` (raises :class:`WireError` when it is not a number)."""
    values = {v.strip() for k, v in head.headers if k.lower() == "content-length"}
    if not values:
        return None
    if len(values) > 1 or not next(iter(values)).isdigit():
        raise WireError(f"an invalid Content-Length: {sorted(values)}")
    length = int(next(iter(values)))
    if length > MAX_BODY:
        raise WireError(f"a body of {length} bytes (the limit is {MAX_BODY})")
    return length


async def read_body(reader: asyncio.StreamReader, head: Head, *, to_eof: bool) -> bytes:
    """The body that follows ``head``, by its framing.

    ``to_eof``: a message with neither framing header runs until the connection closes (a
    reply); otherwise it has no body (a request).
    """
    if is_chunked(head):
        return await _read_chunked(reader)
    length = content_length(head)
    if length is not None:
        try:
            return await reader.readexactly(length)
        except asyncio.IncompleteReadError:
            raise WireError("the connection closed before the whole body arrived") from None
    return await reader.read() if to_eof else b""


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size_text = size_line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise WireError(f"a malformed chunk size: {size_text[:20]!r}") from None
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailer fields: hop-by-hop here, dropped
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise WireError(f"a chunked body over {MAX_BODY} bytes")
            chunk = await reader.readexactly(size + 2)
            if chunk[-2:] != b"\r\n":
                raise WireError("a chunk not followed by CRLF")
            chunks.append(chunk[:-2])
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        raise WireError("the connection closed in the middle of a chunked body") from None


def encode_head(start_line: str, headers: Headers) -> bytes:
    """A head ready to write: the start line, the headers, the blank line."""
    lines = [start_line, *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode("latin-1")
