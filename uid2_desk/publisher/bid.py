"""The bidstream: the publisher's token goes to an SSP, and a buyer behind it decrypts it.

The buyer does what the official SDK's ``BidstreamClient`` does (uid2-protocol.md §6.5):
fetch ``/v2/key/bidstream`` with its own (DSP) credentials, check the key collection is
current, decrypt the token (master layer, then site layer) and check its lifetime against
``max_bidstream_lifetime_seconds`` and ``allow_clock_skew_seconds``. The key exchange goes
through our :class:`~uid2_desk.client.operator_client.OperatorClient`, so it is journaled
like every other exchange; the decryption is :mod:`uid2_desk.protocol.tokens`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.client.results import KeyBundle
from uid2_desk.protocol.errors import (
    DecryptionError,
    InputError,
    TokenDecryptError,
    TokenFormatError,
)
from uid2_desk.protocol.tokens import AdvertisingTokenContents, decrypt_advertising_token
from uid2_desk.publisher.publisher import Publisher
from uid2_desk.publisher.recorder import Event, JournalRecorder, steps_of

#: The SDKs' default when a key response names no clock-skew allowance.
DEFAULT_CLOCK_SKEW_S = 1800


@dataclass(frozen=True)
class BidResult:
    """What the buyer made of the token.

    Attributes:
        status: ``success``, or why not, named as the SDKs name it (``expired_token``,
            ``not_authorized_for_master_key``, ``invalid_token_lifetime``, ``keys_not_synced``,
            ``invalid_payload``...).
        http_status: the HTTP status of the buyer's key request.
        operator_status: the operator status of the buyer's key request.
        contents: the decrypted token, on success.
        message: a sentence for a person.
    """

    status: str
    http_status: int | None
    operator_status: str | None
    contents: AdvertisingTokenContents | None
    message: str

    @property
    def raw_uid_b64(self) -> str | None:
        """The raw UID2 the buyer bids on, base64, on success."""
        if self.contents is None:
            return None
        return base64.b64encode(self.contents.raw_uid).decode("ascii")


class Buyer:
    """An SSP with a buyer (DSP) behind it; the buyer holds its own credentials."""

    def __init__(self, client: OperatorClient, publisher: Publisher) -> None:
        self.client = client
        self._publisher = publisher

    async def bid(self, user_id: str) -> BidResult:
        """Send the user's advertising token into a bid request; the buyer decrypts it."""
        pub = self._publisher
        snap = pub.snapshot(user_id)
        if snap.identity is None or not snap.state.has_usable_token:
            raise InputError(
                f"{snap.user.label} has no usable advertising token ({snap.state.label}); "
                "sign in or refresh first: an expired or missing token must not go to the SSP."
            )
        rec = JournalRecorder(
            pub.journal,
            session=pub.session,
            environment=pub.environment.id,
            clock=pub.clock,
            guide=pub.guide,
        )
        token = snap.identity.advertising_token
        # Buyers keep their keys fresh ahead of the auction; the fetch is drawn before the bid.
        outcome = await self.client.key_bidstream()
        await rec.exchange(outcome.exchange, None, None)
        exchange = outcome.exchange
        if outcome.error is not None:
            result = BidResult(
                status="keys_unavailable",
                http_status=exchange.http_status,
                operator_status=exchange.operator_status,
                contents=None,
                message=f"The buyer could not fetch the bidstream keys: {outcome.error}",
            )
        else:
            assert outcome.value is not None
            status, contents, message = self._decrypt(token, outcome.value)
            result = BidResult(
                status, exchange.http_status, exchange.operator_status, contents, message
            )
        ok = result.status == "success"
        await rec.event(
            Event.BID,
            snap.user,
            step=steps_of(snap.user).TOKEN_TO_SSP,
            outcome="success" if ok else "error",
            summary=f"Token to the SSP; {result.message}",
            detail={
                "advertising_token": token,
                "decrypt": result.status,
                "raw_uid": result.raw_uid_b64 or "",
            },
        )
        return result

    def _decrypt(
        self, token: str, bundle: KeyBundle
    ) -> tuple[str, AdvertisingTokenContents | None, str]:
        now = self.client.clock.now_ms()
        if not any(k.expires_s * 1000 > now for k in bundle.keys):
            return (
                "keys_not_synced",
                None,
                "Every bidstream key has expired; the buyer cannot decrypt.",
            )
        try:
            contents = decrypt_advertising_token(token, bundle.lookup(), now_ms=now)
        except TokenDecryptError as exc:
            return exc.reason.value, None, f"The buyer cannot decrypt the token: {exc}"
        except (TokenFormatError, DecryptionError) as exc:
            return "invalid_payload", None, f"The buyer cannot decrypt the token: {exc}"
        problem = _lifetime_problem(contents, bundle, now)
        if problem is not None:
            return "invalid_token_lifetime", None, problem
        # The raw UID2 is a value with its own field (``raw_uid``), not part of the sentence:
        # the sentence is drawn as the log's summary and the diagram's note, the value only
        # where the masking rule can hide it.
        return "success", contents, "The buyer decrypted the token to the user's raw UID2."


def _lifetime_problem(c: AdvertisingTokenContents, bundle: KeyBundle, now_ms: int) -> str | None:
    """The BidstreamClient lifetime checks; a sentence when one fails."""
    max_s = bundle.max_bidstream_lifetime_seconds
    if max_s is not None and c.expires_ms - c.generated_ms > max_s * 1000:
        return (
            f"The token lives {(c.expires_ms - c.generated_ms) // 1000} s, longer than the "
            f"bidstream maximum of {max_s} s: buyers reject it."
        )
    skew_s = bundle.allow_clock_skew_seconds or DEFAULT_CLOCK_SKEW_S
    if c.generated_ms - now_ms > skew_s * 1000:
        return "The token claims to be generated in the future beyond the allowed clock skew."
    return None
