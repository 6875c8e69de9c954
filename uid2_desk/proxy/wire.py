"""HTTP/1.1 on byte buffers, as much of it as a forwarding proxy needs (RFC 9112).

A message head is taken off a connection's buffer up to its blank line; a body by its
framing: ``Transfer-Encoding: chunked`` (de-chunked, trailers dropped), ``Content-Length``,
or, for a reply with neither, until the connection closes. The bytes of a body are never
changed: the proxy forwards what it read, re-framed with a ``Content-Length`` of the same
bytes.
"""

from __future__ import annotations

from uid2_desk.proxy.head import Head, WireError, parse_head

#: The largest message head accepted (uvicorn's h11 default is 64 KiB too).
MAX_HEAD = 64 * 1024
#: The largest body accepted (the operator's own limit is far lower).
MAX_BODY = 64 * 1024 * 1024


def split_head(buf: bytearray) -> Head | None:
    """Take the next complete head off the front of ``buf``; ``None`` while it is incomplete.

    One ``find`` of the blank line per arrival of bytes: both sides of the proxy call this
    as bytes arrive.
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


def is_chunked(head: Head) -> bool:
    """Whether the body is sent with ``Transfer-Encoding: chunked``."""
    coding = head.value("transfer-encoding")
    return coding is not None and coding.lower().rsplit(",", 1)[-1].strip() == "chunked"


def framing(head: Head) -> tuple[bool, int | None]:
    """Whether the body is chunked, and its declared length (kept on the head, which a head
    seen again brings along)."""
    known = head.framing
    if known is None:
        chunked = is_chunked(head)
        known = head.framing = (chunked, None if chunked else content_length(head))
    return known


def content_length(head: Head) -> int | None:
    """The declared ``Content-Length`` (raises :class:`WireError` when it is not a number)."""
    found = [value.strip() for name, value in head.notable if name == b"content-length"]
    if not found:
        return None
    given = found[0]
    if len(set(found)) > 1 or not given.isdigit():  # bytes: ASCII digits only
        shown = sorted({value.decode("latin-1") for value in found})
        raise WireError(f"an invalid Content-Length: {shown}")
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
        self._chunked, self._length = framing(head)
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
