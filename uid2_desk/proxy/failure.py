"""When the upstream does not answer, or answers something that is not UID2: say so.

The client sees the upstream's own bytes whenever there are any (a load balancer's HTML page
included): the proxy does not hide a broken upstream. Only when nothing came back does the
proxy answer itself, with a 502 and a UID2-shaped JSON body that says it could not reach the
upstream. A reply whose head went on to the client and whose body then never came whole
cannot become a 502: the client's connection ends on the head. Each way the capture says
which, with a cause and a fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from uid2_desk.protocol.envelope import decode_base64_body
from uid2_desk.protocol.errors import EnvelopeError
from uid2_desk.proxy.kinds import is_binary, is_json
from uid2_desk.proxy.passing import UpstreamError

PROXY_FAILURE_STATUS = 502
#: What the proxy answers a request it was stopped in the middle of (RFC 9110 §15.6.4).
PROXY_STOPPED_STATUS = 503
PROXY_STOPPED = "proxy_stopped"


@dataclass(frozen=True)
class Failure:
    """A cause and a fix for the capture, under a short code."""

    code: str
    cause: str
    fix: str


def unreachable(upstream: str, error: Exception, *, timed_out: bool) -> Failure:
    """The upstream gave no reply at all (refused, unresolvable, TLS, timed out)."""
    what = type(error).__name__
    detail = str(error) or what
    if timed_out:
        return Failure(
            "upstream_timeout",
            f"The upstream operator {upstream} did not answer in time ({what}); the proxy "
            "answered 502 itself.",
            "The operator is slow or unreachable from here: retry, check the network and "
            "the environment's status. The client saw the same 502.",
        )
    return Failure(
        "upstream_unreachable",
        f"The proxy could not reach the upstream operator {upstream} ({detail}); it answered "
        "502 itself.",
        "Check the upstream address, the network, DNS and proxies, and (for HTTPS) that its "
        "certificate is trusted here.",
    )


def stopped(upstream: str) -> Failure:
    """The proxy was stopped while the request waited for the upstream's reply."""
    return Failure(
        PROXY_STOPPED,
        f"The proxy was stopped while this request waited for the upstream operator "
        f"{upstream}; it answered {PROXY_STOPPED_STATUS} itself and closed the connection. "
        "The request may have reached the upstream.",
        "Nothing is wrong with the upstream: start the proxy again, then send the request again.",
    )


def cut_short(upstream: str, error: UpstreamError, status: int) -> Failure:
    """The reply's head went on to the client, then its body never came whole."""
    fix = (
        "The client saw a reply cut short: it should retry. If it happens again, check the "
        "network to the upstream and the environment's status."
    )
    if error.stopped:
        what = "the proxy was stopped"
        fix = "Nothing is wrong with the upstream: start the proxy again, then send it again."
    elif error.timed_out:
        what = "the rest of it did not come in time"
    else:
        what = f"the rest of it never came ({error})"
    return Failure(
        "upstream_cut_short",
        f"The upstream operator {upstream} sent the head of a {status} reply, which went on to "
        f"the client at once, then {what}; the proxy closed the client's connection on the "
        "part it got, as any proxy must once a reply has begun.",
        fix,
    )


def reply_body(upstream: str, failure: Failure) -> bytes:
    """The body of the proxy's own 502 (or 503 when stopped): UID2's ``status``/``message``."""
    what = (
        "was stopped before the upstream operator answered"
        if failure.code == PROXY_STOPPED
        else f"could not reach the upstream operator {upstream}"
    )
    message = f"UID2 Desk proxy {what}: {failure.cause}"
    return json.dumps({"status": "unknown", "message": message}).encode()


def not_uid2(http_status: int, reply: bytes, content_type: str | None = None) -> Failure | None:
    """Why a reply the upstream sent is not what a UID2 operator sends, if it is not.

    ``content_type`` is the reply's: a binary envelope (octet-stream) is any bytes at all.
    """
    if is_json(reply, content_type):
        try:
            json.loads(reply)
        except ValueError:
            pass
        else:
            return None
    elif http_status == 200 and reply and is_binary(content_type):
        return None  # a raw envelope: only the secret can tell it from noise
    elif http_status == 200 and reply:
        try:
            decode_base64_body(reply)
        except EnvelopeError:
            pass
        else:
            return None
    elif not reply and http_status != 200:
        return None  # an empty error reply: the explanation table knows those statuses
    return Failure(
        "upstream_garbage",
        f"The upstream answered {http_status} with a body that is not a UID2 reply (neither "
        "JSON nor a base64 envelope); the client got those bytes unchanged.",
        "Something in front of the operator answered (a load balancer, a captive portal, a "
        "corporate proxy), or the upstream URL is not an operator: check the address.",
    )
