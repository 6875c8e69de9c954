"""What kind of body passed through: told by its ``Content-Type`` first, its bytes second.

A binary envelope (``application/octet-stream``, the v3 SDKs) is random-looking bytes: a
reply starts with its IV, so one in 128 starts with ``{`` or ``[``. Guessing from the bytes
alone took those for JSON, so ``Content-Type`` decides whenever it says octet-stream. Without
it the bytes are unambiguous: base64 text never starts with ``{`` or ``[``.
"""

from __future__ import annotations

from uid2_desk.proxy.head import Headers

OCTET_STREAM = "application/octet-stream"


def content_type(headers: Headers) -> str | None:
    """The ``Content-Type`` header's value, if there is one."""
    return next((v for k, v in headers if k.lower() == "content-type"), None)


def is_binary(content_type_value: str | None) -> bool:
    """Whether a body is declared raw bytes (``application/octet-stream``)."""
    if not content_type_value:
        return False
    return content_type_value.split(";", 1)[0].strip().lower() == OCTET_STREAM


def is_json(body: bytes, content_type_value: str | None) -> bool:
    """Whether a body is plain JSON rather than an envelope (binary or base64)."""
    return not is_binary(content_type_value) and body.lstrip()[:1] in (b"{", b"[")
