"""Hypothesis strategies shared by the protocol property tests, and fixed keys to use with them."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from hypothesis import strategies as st

from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.protocol.tokens import (
    AdvertisingTokenContents,
    IdentityScope,
    IdentityType,
    Key,
    OperatorIdentity,
    PublisherIdentity,
    RefreshTokenContents,
    TokenVersion,
    key_lookup,
)

MASTER = Key(101, bytes(range(100, 132)))
SITE = Key(104, bytes(range(1, 33)), site_id=123)
REFRESH = Key(102, bytes(range(50, 82)))
LOOKUP = key_lookup([MASTER, SITE, REFRESH])

java_int = st.integers(-(2**31), 2**31 - 1)
java_long = st.integers(-(2**63), 2**63 - 1)
iv12 = st.binary(min_size=12, max_size=12)
key32 = st.binary(min_size=32, max_size=32)
#: Any text, including lone surrogates that cannot be encoded as UTF-8.
any_text = st.text() | st.lists(st.integers(0, 0x10FFFF).map(chr), max_size=50).map("".join)
#: Text in the union of the base64 and base64url alphabets.
base64ish = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)

operators = st.builds(
    OperatorIdentity,
    site_id=java_int,
    operator_type=st.integers(0, 255),
    version=java_int,
    key_id=java_int,
)
publishers = st.builds(
    PublisherIdentity, site_id=java_int, publisher_id=java_long, client_key_id=java_int
)


@st.composite
def advertising_contents(
    draw: st.DrawFn, versions: tuple[TokenVersion, ...] = tuple(TokenVersion)
) -> AdvertisingTokenContents:
    """Any contents the v3/v4 layout can hold (v2 holds fewer; see the round-trip test)."""
    return AdvertisingTokenContents(
        version=draw(st.sampled_from(versions)),
        scope=draw(st.sampled_from(IdentityScope)),
        identity_type=draw(st.sampled_from(IdentityType)),
        raw_uid=draw(st.binary(min_size=0, max_size=40)),
        expires_ms=draw(java_long),
        generated_ms=draw(java_long),
        established_ms=draw(java_long),
        refreshed_ms=draw(java_long),
        privacy_bits=draw(java_int),
        operator=draw(operators),
        publisher=draw(publishers),
        master_key_id=MASTER.id,
        site_key_id=SITE.id,
    )


refresh_contents = st.builds(
    RefreshTokenContents,
    scope=st.sampled_from(IdentityScope),
    identity_type=st.sampled_from(IdentityType),
    expires_ms=java_long,
    created_ms=java_long,
    operator=operators,
    publisher=publishers,
    privacy_bits=java_int,
    established_ms=java_long,
    first_level_hash=st.binary(min_size=32, max_size=32),
    refresh_key_id=st.just(REFRESH.id),
)


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with one byte changed, cut short, or extended."""
    how = draw(st.sampled_from(["flip", "cut", "extend"]))
    if how == "flip" and original:
        at = draw(st.integers(0, len(original) - 1))
        bit = draw(st.integers(1, 255))
        return original[:at] + bytes([original[at] ^ bit]) + original[at + 1 :]
    if how == "cut":
        return original[: draw(st.integers(0, len(original)))]
    return original + draw(st.binary(min_size=1, max_size=20))


def only_desk_errors(call: Callable[[], object]) -> None:
    """Run ``call``; any exception outside the desk's tree fails the test."""
    with contextlib.suppress(Uid2DeskError):
        call()
