"""``/v2/identity/buckets`` (MAPPER): salt buckets updated since a time (UOV ``handleBucketsV2``).

Deprecated, with 2026-09-30 as its end date (as issue 15 records it), but still served by
the operator and called by the SDKs' ``get_identity_buckets``.

The request is ``{"since_timestamp":"yyyy-MM-ddTHH:mm:ss"}``, read with Java's
``ISO_LOCAL_DATE_TIME`` as UTC; the reply lists every bucket whose ``last_updated`` is at or
after it, with the time printed ``yyyy-MM-dd'T'HH:mm:ss.SSS``. The handler has no catch
block: an envelope without a payload throws, and Vert.x answers its plain 500.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from starlette.responses import Response
from starlette.routing import Route

from uid2_desk.operator.core import EnvelopeCall, OperatorCore, enveloped_route
from uid2_desk.operator.http import wire
from uid2_desk.operator.http.unexpected import HandlerFailureError
from uid2_desk.operator.http.vertx_json import get_string
from uid2_desk.operator.state.credentials import Role

MAPPER = frozenset({Role.MAPPER})
MSG_MISSING = "missing parameter since_timestamp"
MSG_BAD_DATE = "invalid date, must conform to ISO 8601"

#: ``DateTimeFormatter.ISO_LOCAL_DATE_TIME``: seconds and a 0-9 digit fraction optional, no
#: offset or zone, the ``T`` in any case (the formatter parses case-insensitively).
_ISO_LOCAL_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{0,9}))?)?"
)


def parse_iso_local_date_time(text: str) -> int | None:
    """Epoch milliseconds of an ISO local date-time read as UTC, ``None`` if Java refuses it."""
    match = _ISO_LOCAL_DATE_TIME.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
    second = int(match.group(6) or 0)
    fraction = (match.group(7) or "").ljust(9, "0")
    try:
        # The formatter's STRICT resolver refuses what datetime refuses (Feb 30, 24:00, :60).
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    return int(moment.timestamp()) * 1000 + int(fraction) // 1_000_000


def format_api_time(epoch_ms: int) -> str:
    """``yyyy-MM-dd'T'HH:mm:ss.SSS`` in UTC (the operator's ``API_DATE_TIME_FORMATTER``)."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}"


class BucketRoutes:
    """The handler of ``/v2/identity/buckets``."""

    def __init__(self, core: OperatorCore) -> None:
        self._core = core

    def routes(self) -> list[Route]:
        """The Starlette route of this endpoint."""
        return [enveloped_route(self._core, "/v2/identity/buckets", MAPPER, self.buckets)]

    async def buckets(self, call: EnvelopeCall) -> Response:
        """The buckets updated at or after ``since_timestamp`` (``getModifiedSince``)."""
        if call.opened.payload is None:
            raise HandlerFailureError("req.getString on a null request")
        text = get_string(call.opened.payload, "since_timestamp")
        if text is None:
            return wire.client_error(call.request, MSG_MISSING)
        since_ms = parse_iso_local_date_time(text)
        if since_ms is None:
            return wire.client_error(call.request, MSG_BAD_DATE)
        updated = self._core.issuer.salt_buckets_updated_ms
        body = [
            {"bucket_id": str(bucket), "last_updated": format_api_time(when)}
            for bucket, when in enumerate(updated)
            if when >= since_ms
        ]
        return call.reply(wire.success_document(body), self._core.clock.now_ms())
