"""A message head, scanned once: its start line, and the few fields the proxy acts on.

The proxy reads a handful of fields (the framing, ``Connection``, ``Expect``) and removes the
hop-by-hop ones and those it re-frames; every other field passes on as the bytes it came as.
So a head is not split into pairs on the forwarding path: one regular expression checks every
field line and another finds the notable fields, both in C. A head then costs the forwarding
thread a few microseconds instead of a Python pass per field, which on a machine whose cores
sleep between calls (cold caches on every wake-up) was most of the proxy's own time.
The fields as pairs, what the capture records, are parsed only when asked for (on the capture's
thread, after the reply went out).
"""

from __future__ import annotations

import functools
import re

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
#: Fields the proxy reads or may remove: the hop-by-hop ones, and those it answers or re-frames.
NOTABLE = HOP_BY_HOP | {"content-length", "host", "expect"}
#: A notable field's line, found in the lower-cased field lines (a case-sensitive search for a
#: literal start is the regular expression engine's fast path).
_NOTABLE_FIELD = re.compile(
    rb"\r\n(" + b"|".join(name.encode() for name in sorted(NOTABLE)) + rb"):([^\r\n]*)"
)
#: Every field line: a name neither empty nor padded with white space, a colon, a value with
#: no bare CR or LF (what h11 and the operator's own server accept).
_FIELD_LINES = re.compile(rb"(?:\r\n[^\s:](?:[^:\r\n]*[^\s:])?:[^\r\n]*)*")

Headers = tuple[tuple[str, str], ...]


class WireError(Exception):
    """A message that does not parse as HTTP/1.1 (the connection is closed after it)."""


class Head:
    """A message head: its start line split in three, and its field lines as received.

    For a request the parts are method, target and version; for a reply version, status and
    reason. ``fields`` are the field lines' bytes, each ``\\r\\nName: value``; ``notable`` the
    fields in :data:`NOTABLE`, in order, as lower-cased ``(name, value)`` bytes.
    """

    __slots__ = (
        "_kept",
        "_pairs",
        "fields",
        "first",
        "framing",
        "notable",
        "second",
        "third",
        "tokens",
    )

    def __init__(self, start: tuple[str, str, str], fields: bytes) -> None:
        self.first, self.second, self.third = start
        self.fields = fields
        self.notable: list[tuple[bytes, bytes]] = _NOTABLE_FIELD.findall(fields.lower())
        #: The lower-cased tokens of the ``Connection`` field(s).
        self.tokens = _tokens([v for n, v in self.notable if n == b"connection"])
        self._pairs: Headers | None = None
        #: What :meth:`end_to_end` gave, by its ``also``: a head seen again is not re-cut.
        self._kept: dict[tuple[str, ...], bytes] = {}
        #: Whether the body is chunked, and its declared length: worked out on first use
        #: (:func:`~uid2_desk.proxy.wire.framing`).
        self.framing: tuple[bool, int | None] | None = None

    @property
    def headers(self) -> Headers:
        """Every field as a ``(name, value)`` pair, in order (parsed on first use)."""
        if self._pairs is None:
            self._pairs = pairs(self.fields)
        return self._pairs

    def value(self, name: str) -> str | None:
        """The first value of field ``name`` (lower-case), if present."""
        found = self.values(name)
        return found[0] if found else None

    def values(self, name: str) -> list[str]:
        """Every value of field ``name`` (lower-case), in order (notable ones lower-cased)."""
        if name in NOTABLE:
            key = name.encode()
            return [v.decode("latin-1").strip(" \t") for n, v in self.notable if n == key]
        return [value for key, value in self.headers if key.lower() == name]

    def connection_tokens(self) -> frozenset[str]:
        """The lower-cased tokens of the ``Connection`` field(s)."""
        return self.tokens

    def end_to_end(self, *also: str) -> bytes:
        """The field lines but hop-by-hop ones, those ``Connection`` names, and ``also``."""
        kept = self._kept.get(also)
        if kept is None:
            kept = self._kept[also] = _dropper(self.tokens.union(also)).sub(b"", self.fields)
        return kept


@functools.lru_cache(maxsize=64)
def _dropper(dropped: frozenset[str]) -> re.Pattern[bytes]:
    """What removes the hop-by-hop field lines and those named in ``dropped``."""
    names = b"|".join(re.escape(name.encode("latin-1")) for name in sorted(HOP_BY_HOP | dropped))
    return re.compile(rb"\r\n(?:" + names + rb"):[^\r\n]*", re.IGNORECASE)


def _tokens(values: list[bytes]) -> frozenset[str]:
    return frozenset(
        token.strip()
        for value in values
        for token in value.decode("latin-1").split(",")
        if token.strip()
    )


#: Heads parsed lately, by their bytes: a backend sends the same head again and again (only
#: its Content-Length differs, among a few values), and so does an operator within a second.
_SEEN: dict[bytes, Head] = {}
#: How many are kept (then forgotten all at once: a lock-free bound, safe across threads).
_SEEN_MOST = 256
#: Only heads this small are kept (a UID2 client's are a few hundred bytes): a bound on
#: memory, whatever heads clients send.
_SEEN_LONGEST = 2048


def parse_head(raw: bytes) -> Head:
    """The head in ``raw`` (its bytes up to, not including, the blank line).

    A head seen lately is not parsed again: a head never changes once parsed (only the
    pairs the capture asks for are filled in, the same for every reader).
    """
    head = _SEEN.get(raw)
    if head is None:
        head = _parse(raw)
        if len(raw) <= _SEEN_LONGEST:
            if len(_SEEN) >= _SEEN_MOST:
                _SEEN.clear()
            _SEEN[raw] = head
    return head


def forget_heads() -> None:
    """Forget the heads seen (they hold clients' ``Authorization`` values): the proxy stopped."""
    _SEEN.clear()


def _parse(raw: bytes) -> Head:
    eol = raw.find(b"\r\n")
    start, fields = (raw, b"") if eol < 0 else (raw[:eol], raw[eol:])
    parts = start.decode("latin-1").split(" ", 2)
    if len(parts) < 2:
        raise WireError(f"a malformed start line: {parts[0][:80]!r}")
    if _FIELD_LINES.fullmatch(fields) is None:
        _refuse_malformed(fields)
    return Head((parts[0], parts[1], parts[2] if len(parts) > 2 else ""), fields)


def _refuse_malformed(fields: bytes) -> None:
    """Raise :class:`WireError` naming the line that fails (the lines failed as a whole)."""
    for line in fields.decode("latin-1").split("\r\n")[1:]:
        if _FIELD_LINES.fullmatch(b"\r\n" + line.encode("latin-1")) is None:
            raise WireError(f"a malformed header line: {line[:80]!r}")


def pairs(fields: bytes) -> Headers:
    """Field lines (``\\r\\nName: value`` each) as ``(name, value)`` pairs, values trimmed."""
    found: list[tuple[str, str]] = []
    for line in fields.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        found.append((name, value.strip(" \t")))
    return tuple(found)


def field_lines(headers: Headers) -> bytes:
    """``(name, value)`` pairs as field lines, ready to follow a start line."""
    return "".join([f"\r\n{name}: {value}" for name, value in headers]).encode("latin-1")


def encode_head(start_line: str, fields: bytes) -> bytes:
    """A head ready to write: the start line, the field lines, the blank line."""
    return start_line.encode("latin-1") + fields + b"\r\n\r\n"
