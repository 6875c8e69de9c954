"""The explanation table's rows, tried in order by :func:`~uid2_desk.protocol.explain.explain`."""

from __future__ import annotations

from uid2_desk.protocol.capture import AUTH_FACT, SKEW_FACT
from uid2_desk.protocol.explanation import (
    DEPRECATED,
    DEPRECATION_DATE,
    ENVELOPE_DOCS,
    V1_REPLACEMENTS,
    Explanation,
    ReplyFacts,
    Rule,
)


def _legacy(reply: ReplyFacts) -> Explanation | None:
    for prefix in ("/v0", "/v1"):
        if not reply.path.startswith(prefix + "/"):
            continue
        rest = reply.path[len(prefix) :]
        instead = V1_REPLACEMENTS.get(rest, "the matching /v2 endpoint")
        served = (
            "so they answer 404"
            if reply.http == 404
            else "; this one answered only because the desk's operator runs with --legacy-v1"
        )
        return Explanation(
            "legacy_endpoint",
            f"{reply.path} is a {prefix[1:]} endpoint: UID2 operators removed the v0 and v1 "
            f"endpoints in July 2025, {served}.".replace(", ;", ";"),
            f"Call {instead} with an encrypted request envelope ({ENVELOPE_DOCS}).",
        )
    return None


def _deprecated(reply: ReplyFacts) -> Explanation | None:
    instead = DEPRECATED.get(reply.path)
    if instead is None or reply.http not in (200, None):
        return None
    return Explanation(
        "deprecated_endpoint",
        f"{reply.path} is deprecated since {DEPRECATION_DATE}.",
        f"Move to {instead}: it returns the raw UID2, its previous value and when to refresh.",
    )


def _unauthorized(reply: ReplyFacts) -> Explanation | None:
    if reply.http != 401:
        return None
    auth = reply.facts.get(AUTH_FACT, "")
    if auth == "no_key":
        return Explanation(
            "no_api_key",
            "The request carried no API key (no 'Authorization: Bearer …' header).",
            "Send the API key as 'Authorization: Bearer <key>' (exactly one space after Bearer).",
        )
    if auth.startswith("missing_role:"):
        role = auth.split(":", 1)[1]
        return Explanation(
            "missing_role",
            f"The API key is valid but lacks the {role} role this endpoint needs.",
            f"Use a key issued with the {role} role (publishers generate with GENERATOR, "
            "buyers read keys with ID_READER, sharers with SHARER, mapping needs MAPPER).",
        )
    if reply.path == "/v2/token/client-generate":
        return Explanation(
            "cstg_keypair",
            "The subscription id or the server public key is unknown or disabled here.",
            "Use the subscription id and public key this operator issued (the credentials file's "
            "'cstg' section or the Connect dialog); keys of another environment do not work.",
        )
    return Explanation(
        "unknown_api_key",
        "The API key is unknown or revoked on this operator.",
        "Check for a typo, and that the key belongs to this environment (integration and "
        "production keys differ; the desk's local operator issues its own).",
    )


def _envelope(reply: ReplyFacts) -> Explanation | None:
    if reply.http != 400:
        return None
    m = reply.message
    if "unencrypted JSON" in m:
        return Explanation(
            "unencrypted_json",
            "The body is plain JSON, but this endpoint takes an encrypted request envelope.",
            "Encrypt the JSON with the client secret (AES-256-GCM: version 1, IV, timestamp, "
            f"nonce, payload) and send its base64 ({ENVELOPE_DOCS}).",
        )
    if "not valid base64" in m:
        return Explanation(
            "not_base64",
            "The body is not base64 text (a stray newline or a URL-safe alphabet also do this).",
            "Send the envelope's standard base64 with no line breaks, or raw bytes with "
            "'Content-Type: application/octet-stream'.",
        )
    if "Body is missing" in m:
        return Explanation("body_missing", "The request had an empty body.", "Send the envelope.")
    if "Body too short" in m:
        return Explanation(
            "envelope_too_short",
            "The body is too short to be an envelope.",
            "Check the encryption: version byte, 12-byte IV, ciphertext and 16-byte tag.",
        )
    if "format version" in m:
        return Explanation(
            "envelope_version",
            "The envelope's first byte is not 1, the only version operators accept.",
            "Start the envelope with the byte 0x01, then the IV.",
        )
    if "ClientSecret" in m:
        return Explanation(
            "wrong_secret",
            "The envelope does not decrypt with this API key's client secret.",
            "Check the secret for a typo, and that key and secret are a pair from this "
            "environment (an integration secret does not open on production).",
        )
    if "too old or client time drift" in m:
        skew = reply.facts.get(SKEW_FACT)
        measured = _measured(skew) if skew else ""
        return Explanation(
            "timestamp_window",
            "The envelope's timestamp is outside the operator's window." + measured,
            "Sync the client's clock (NTP) and build each envelope just before sending it.",
        )
    if "Data is not valid json" in m:
        return Explanation(
            "payload_not_json",
            "The decrypted payload is not a JSON object.",
            'Encrypt a UTF-8 JSON object such as {"email_hash": "…"}.',
        )
    return None


def _measured(skew: str) -> str:
    if skew.strip() == "0":
        # The proxy measures against its own clock: a client in step with it can still be
        # refused by an operator whose clock is off.
        return (
            " The envelope's time matched the clock it was measured against: if the operator "
            "still refuses it, the operator's own clock is off."
        )
    return f" The envelope was {_seconds(skew)} the operator's clock."


def _seconds(skew: str) -> str:
    try:
        ms = int(skew)
    except ValueError:
        # Not reached from a capture: the operator and the proxy write the skew as an integer
        # (operator/capture/notes.py, proxy/record.py); only a hand-edited journal could differ.
        return skew
    side = "ahead of" if ms > 0 else "behind"
    return f"{abs(ms) / 1000:.1f} s {side}"


def _tokens(reply: ReplyFacts) -> Explanation | None:
    if reply.status == "optout":
        return Explanation(
            "optout",
            "The user has opted out of UID2: the operator returns no identity.",
            "Drop the user's identity and stop refreshing; do not send a token for them.",
        )
    if reply.status == "expired_token":
        return Explanation(
            "refresh_expired",
            "The refresh token is past refresh_expires: it can no longer be refreshed.",
            "Refresh before refresh_expires; now the user must sign in again (generate).",
        )
    if reply.path == "/v2/token/refresh" and reply.empty_request and reply.http == 400:
        return Explanation(
            "refresh_empty",
            "The refresh request had an empty body.",
            "Send the refresh token itself as the body (text/plain), exactly as it was received.",
        )
    if reply.path == "/v2/token/refresh" and reply.status == "invalid_token":
        return Explanation(
            "refresh_token_foreign",
            "The refresh token does not decrypt here: it came from another environment or "
            "operator, or it was cut or altered.",
            "Refresh against the operator that issued the identity, with the token as received.",
        )
    if reply.path == "/v2/token/refresh" and "Generator of this token" in reply.message:
        # The operator reads the key id from the token's header before anything else, so any
        # 388 characters of base64 get this answer, as does a real token from elsewhere.
        return Explanation(
            "refresh_token_unknown_key",
            "The refresh token names an encryption key this operator does not have: it was "
            "issued by another environment or operator, or it is not a refresh token at all "
            "(cut, altered or made up).",
            "Send the refresh_token exactly as this environment's generate or refresh returned "
            "it; a user from another environment must sign in here (generate).",
        )
    if reply.path == "/v2/token/refresh" and reply.message == "Error refreshing token":
        return Explanation(
            "refresh_token_unreadable",
            "The body is not a refresh token the operator can read (not base64, or too short "
            "to hold one).",
            "Send the refresh_token string itself as the whole body: no JSON, quotes or "
            "line breaks around it.",
        )
    if "exactly one of" in reply.message:
        return Explanation(
            "identifier_count",
            "The payload must name exactly one of email, email_hash, phone, phone_hash.",
            "Send one identifier per request.",
        )
    if reply.message == "Invalid Identifier":
        return Explanation(
            "invalid_identifier",
            "The identifier is not a valid email, E.164 phone, or base64 SHA-256 hash.",
            "Normalize first: phones as +<country><number>, hashes as base64 of 32 bytes.",
        )
    return None


def _cstg(reply: ReplyFacts) -> Explanation | None:
    if reply.path != "/v2/token/client-generate" or reply.http != 403:
        return None
    return Explanation(
        "cstg_origin",
        "The operator refused the page's origin or the app's name: "
        f"{reply.message or 'no message'}.",
        "Add the page's registrable domain (or the app name) to the site's allowed list: on "
        "the desk's operator with --cstg-domain / --cstg-app-name or the Connect dialog.",
    )


def _server(reply: ReplyFacts) -> Explanation | None:
    if reply.http == 503:
        return Explanation(
            "unavailable",
            "The operator answered 503 Service Unavailable.",
            "Retry with backoff; keep the current identity until a refresh succeeds.",
        )
    if reply.http == 413:
        return Explanation("too_large", "The body is over 1 MiB.", "Send smaller batches.")
    if reply.http is not None and reply.http >= 500:
        return Explanation(
            "server_error",
            f"The operator failed: {reply.message or 'HTTP ' + str(reply.http)}.",
            "Retry later; if it persists, report it with this exchange attached.",
        )
    if reply.http == 404:
        return Explanation(
            "unknown_path", f"The operator has no endpoint {reply.path}.", "Check the path."
        )
    return None


RULES: tuple[Rule, ...] = (
    _legacy,
    _unauthorized,
    _envelope,
    _cstg,
    _tokens,
    _server,
    _deprecated,
)
