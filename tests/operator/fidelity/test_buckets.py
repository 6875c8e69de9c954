"""``/v2/identity/buckets`` (issue 15, difference 1), by hand and through the official SDK."""

from __future__ import annotations

import datetime as dt
import re

from uid2_client import IdentityMapClient

from tests.operator.fidelity.loopback import Loopback, assert_client_error
from uid2_desk.operator.state.salts import BUCKET_COUNT

BUCKETS = "/v2/identity/buckets"
API_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}")


def test_buckets_lists_every_bucket_updated_since_the_time_asked(loopback: Loopback) -> None:
    """UIDOperatorVerticle.handleBucketsV2; RotatingSaltProvider.getModifiedSince (``>=``).

    The body is an array of ``{"bucket_id","last_updated"}`` with three millisecond digits
    (test ``identityBucketsAlwaysReturnMilliseconds``); a time after every update lists none.
    """
    everything = loopback.call(BUCKETS, {"since_timestamp": "2000-01-01T00:00:00"})
    future = loopback.call(BUCKETS, {"since_timestamp": "2999-12-31T23:59:59.999"})

    assert everything["status"] == "success"
    assert len(everything["body"]) == BUCKET_COUNT
    first = everything["body"][0]
    assert list(first) == ["bucket_id", "last_updated"]
    assert API_TIME.fullmatch(first["last_updated"])
    assert future == {"body": [], "status": "success"}


def test_buckets_refuses_a_missing_or_non_iso_local_timestamp(loopback: Loopback) -> None:
    """UIDOperatorVerticle.handleBucketsV2: ``LocalDateTime.parse(ISO_LOCAL_DATE_TIME)``.

    An offset or a bare date is not a local date-time; no field at all is its own message.
    """
    missing, _ = loopback.post_sealed(BUCKETS, {"since": "2026-01-01T00:00:00"})
    zoned, _ = loopback.post_sealed(BUCKETS, {"since_timestamp": "2026-01-01T00:00:00Z"})
    date_only, _ = loopback.post_sealed(BUCKETS, {"since_timestamp": "2026-01-01"})

    assert_client_error(missing, "missing parameter since_timestamp")
    assert_client_error(zoned, "invalid date, must conform to ISO 8601")
    assert_client_error(date_only, "invalid date, must conform to ISO 8601")


def test_buckets_is_for_the_mapper_role_only(loopback: Loopback) -> None:
    """UIDOperatorVerticle.setUpEncryptedRoutes: ``auth.handleV1(..., Role.MAPPER)``."""
    dsp = loopback.operator.credentials.dsp
    response, _ = loopback.post_sealed(BUCKETS, {"since_timestamp": "2026-01-01T00:00:00"}, dsp)

    assert response.status_code == 401
    assert response.json() == {"status": "unauthorized"}


def test_the_official_sdk_gets_identity_buckets_from_the_operator(loopback: Loopback) -> None:
    """uid2-client 2.9.0 ``IdentityMapClient.get_identity_buckets`` sends a UTC ISO local time."""
    creds = loopback.publisher
    mapper = IdentityMapClient(loopback.base_url, creds.api_key, creds.secret)

    since = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    response = mapper.get_identity_buckets(since)

    assert response.is_success()
    assert len(response.buckets) == BUCKET_COUNT
    bucket = response.buckets[0]
    assert bucket.get_bucket_id() == "0"
    assert API_TIME.fullmatch(bucket.get_last_updated())
    assert mapper.get_identity_buckets(dt.datetime(2999, 1, 1, tzinfo=dt.UTC)).buckets == []


def test_buckets_refuses_a_date_time_that_does_not_exist(loopback: Loopback) -> None:
    """ISO_LOCAL_DATE_TIME resolves STRICT: a well-formed text naming no real moment is refused;
    a leap day is a real one."""
    for text in ("2026-02-29T00:00", "2026-02-30T00:00:00", "2026-01-01T24:00", "2026-13-01T00:00"):
        response, _ = loopback.post_sealed(BUCKETS, {"since_timestamp": text})

        assert_client_error(response, "invalid date, must conform to ISO 8601")
    leap_day = loopback.call(BUCKETS, {"since_timestamp": "2024-02-29T00:00"})
    assert leap_day["status"] == "success"
