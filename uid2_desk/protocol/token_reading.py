"""Reading a pasted advertising token: its header, and its contents when the keys are held.

One reading for both places a person pastes a token: ``uid2-desk inspect TOKEN`` and the
desk's Tools ▸ Inspect a token. The header needs no key (version, UID2 or EUID, email or
phone, encoding, master key id); the contents need the issuing operator's keys, which the
desk holds only for its own local operator. Text that is no token gets a sentence saying
why, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass

from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.protocol.tokens_model import AdvertisingTokenContents, KeyLookup, TokenHeader

#: Longer than any advertising token (v4 with a v2 raw UID is 218 characters): refused
#: before decoding, so a pasted page of text costs nothing.
MAX_TOKEN_CHARS = 2_000


@dataclass(frozen=True)
class TokenReading:
    """What a pasted text turned out to be.

    Attributes:
        token: the text as read (surrounding whitespace, quotes and line breaks removed).
        header: the clear header, or ``None`` when the text is not an advertising token.
        problem: why the text is not a token (a sentence), or ``""``.
        contents: the decrypted contents, when the keys were held.
        closed: why the contents stay closed (a sentence), or ``""``.
    """

    token: str
    header: TokenHeader | None
    problem: str = ""
    contents: AdvertisingTokenContents | None = None
    closed: str = ""


def clean_pasted(text: str) -> str:
    """A pasted token without what copying adds: whitespace, line breaks, JSON quotes."""
    return "".join(text.split()).strip("\"'`,")


def read_token(text: str, keys: KeyLookup | None, *, no_keys: str) -> TokenReading:
    """Read ``text`` as an advertising token; decrypt it when ``keys`` are given.

    ``no_keys`` is the sentence to give when ``keys`` is ``None`` (why none are held here).
    """
    from uid2_desk.protocol.tokens import decrypt_advertising_token, inspect_token

    token = clean_pasted(text)
    if not token:
        return TokenReading(token, None, "This is not an advertising token: nothing was pasted.")
    if len(token) > MAX_TOKEN_CHARS:
        return TokenReading(
            token,
            None,
            f"This is {len(token):,} characters: too long for an advertising token "
            "(they are a few hundred).",
        )
    try:
        header = inspect_token(token)
    except Uid2DeskError as exc:
        return TokenReading(token, None, f"This is not an advertising token: {exc}")
    if keys is None:
        return TokenReading(token, header, closed=no_keys)
    try:
        contents = decrypt_advertising_token(token, keys)
    except Uid2DeskError as exc:
        return TokenReading(token, header, closed=_capital(str(exc)))
    return TokenReading(token, header, contents=contents)


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]
