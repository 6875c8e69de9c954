"""Surviving mutants that are not bugs: each cannot change what the program does, and why.

A survivor listed here counts as killed in the scores and does not fail the CI sample. Add one
only with its reason; a survivor that *can* change behaviour needs a test instead.
"""

from __future__ import annotations

EQUIVALENT: dict[str, str] = {
    "uid2_desk.journal.masking.x_hash_dii_text__mutmut_2": (
        "always hashing as an email: a phone number never normalises as an email, so it falls "
        "back to the hash of the stripped text, which is what a valid E.164 number normalises "
        "to as a phone (and what an invalid one falls back to as well)"
    ),
    "uid2_desk.operator.core.x_enveloped_route__mutmut_49": (
        "methods=['post']: Starlette's Route upper-cases the methods it is given"
    ),
    "uid2_desk.operator.http.wire.x_bearer_token__mutmut_4": (
        "len(text) <= 7: after strip() a 7-character text cannot end with the space that "
        "'bearer ' needs, so it is refused by the prefix test either way"
    ),
    "uid2_desk.protocol.explain.x__message__mutmut_18": (
        "decoding the body even with no HTTP status: no status means no reply was read, so the "
        "body is empty and decodes to the same empty message"
    ),
    "uid2_desk.protocol.explain.x_explain__mutmut_15": (
        "'XXXX' for a missing UID2 status: the rules compare the status only with named "
        "statuses (optout, expired_token, invalid_token), which '' and 'XXXX' both are not"
    ),
    "uid2_desk.protocol.tokens_header.x_read_identity_byte__mutmut_11": (
        "value & 0x11 instead of & 0x10, then >> 4: the extra low bit is shifted out"
    ),
    "uid2_desk.protocol.tokens_refresh.x_wrap_refresh_token__mutmut_11": (
        "ensure_ascii=True dropped: it is json.dumps's default"
    ),
}
