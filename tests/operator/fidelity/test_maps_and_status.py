"""Identity map v2/v3 and opt-out status (issue 15, differences 4, 5 and 6)."""

from __future__ import annotations

import base64

import pytest

from tests.operator.fidelity.loopback import Loopback, assert_client_error, assert_json_error
from uid2_desk.protocol.normalize import hash_identifier

MAP_V2 = "/v2/identity/map"
MAP_V3 = "/v3/identity/map"
STATUS = "/v2/optout/status"
V3_EMPTY = {"email": [], "email_hash": [], "phone": [], "phone_hash": []}


def test_v2_map_of_an_empty_array_maps_nothing(loopback: Loopback) -> None:
    """UIDOperatorVerticle.getIdentityMapV2Input: empty arrays fall through to an empty email list.

    ``unmapped`` is left out when empty (test ``identityMapBatchBothEmailAndHashEmpty``).
    """
    assert loopback.call(MAP_V2, {"email": []}) == {"body": {"mapped": []}, "status": "success"}
    both = loopback.call(MAP_V2, {"email": [], "email_hash": []})
    assert both == {"body": {"mapped": []}, "status": "success"}


@pytest.mark.parametrize("field", ["email", "email_hash", "phone", "phone_hash"])
def test_v2_map_of_a_value_that_is_not_an_array_names_the_field(
    loopback: Loopback, field: str
) -> None:
    """service/JsonParseUtils.parseArray: ``"%s must be an array"`` (tests T:2089-2146)."""
    response, _ = loopback.post_sealed(MAP_V2, {field: "jane@example.com"})

    assert_client_error(response, f"{field} must be an array")


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"invalid_key": []}, id="unknown_field"),
        pytest.param({"email": [None]}, id="null_item"),
        pytest.param({"email": ["a@example.com", None]}, id="null_after_a_value"),
        pytest.param({"email": "a@example.com"}, id="not_an_array"),
    ],
)
def test_v3_map_refuses_what_its_strict_mapper_refuses(
    loopback: Loopback, payload: dict[str, object]
) -> None:
    """UIDOperatorVerticle.handleIdentityMapV3, model/IdentityMapV3Request (``Nulls.FAIL``).

    Test ``v3IdentityMapIncorrectInputFormats``; the non-array case follows Jackson's default
    (``ACCEPT_SINGLE_VALUE_AS_ARRAY`` off).
    """
    response, _ = loopback.post_sealed(MAP_V3, payload)

    assert_client_error(response, "Incorrect request format")


def test_v3_map_of_a_null_field_answers_four_empty_arrays(loopback: Loopback) -> None:
    """UIDOperatorVerticle.processIdentityMapMixedInput; test ``v3IdentityMapEmptyInputFormats``."""
    assert loopback.call(MAP_V3, {"email_hash": None}) == {"body": V3_EMPTY, "status": "success"}
    assert loopback.call(MAP_V3, {"email": []}) == {"body": V3_EMPTY, "status": "success"}


V2_ONE_ARRAY = (
    "Required Parameter Missing: exactly one of [email, email_hash, phone, phone_hash] "
    "must be specified"
)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        pytest.param({}, V2_ONE_ARRAY, id="no_field"),
        pytest.param({"invalid_key": ["a@example.com"]}, V2_ONE_ARRAY, id="unknown_field_only"),
        pytest.param(
            {"email": ["a@example.com"], "phone": ["+12345678901"]}, V2_ONE_ARRAY, id="two_arrays"
        ),
        pytest.param(
            {"email": "x", "email_hash": [hash_identifier("a@example.com")], "phone": ["+1234567"]},
            "email must be an array",
            id="two_arrays_after_a_non_array",
        ),
    ],
)
def test_v2_map_needs_exactly_one_non_empty_array(
    loopback: Loopback, payload: dict[str, object], message: str
) -> None:
    """UIDOperatorVerticle.getIdentityMapV2Input: a second non-empty array ends the reading;
    a non-array seen before it is the answer the client gets."""
    response, _ = loopback.post_sealed(MAP_V2, payload)

    assert_client_error(response, message)


def test_v2_map_without_a_payload_is_its_handlers_unknown_error(loopback: Loopback) -> None:
    """``getJsonArray`` on a null request throws; handleIdentityMapV2's catch answers 500."""
    response, _ = loopback.post_sealed(MAP_V2, None)

    assert_json_error(response, 500, "unknown", "Unknown error while mapping identity v2")


@pytest.mark.parametrize("payload", [None, {}], ids=["no_payload", "empty_object"])
def test_v3_map_without_any_field_says_one_or_more_is_needed(
    loopback: Loopback, payload: dict[str, object] | None
) -> None:
    response, _ = loopback.post_sealed(MAP_V3, payload)

    assert_client_error(
        response,
        "Required Parameter Missing: one or more of [email, email_hash, phone, phone_hash] "
        "must be specified",
    )


def test_optout_status_without_a_payload_and_its_times_in_whole_seconds(loopback: Loopback) -> None:
    """UIDOperatorVerticle.parseOptoutStatusRequestPayload / handleOptoutStatus.

    No payload is "Invalid request body"; ``opted_out_since`` is
    ``Instant.ofEpochSecond(storeSeconds).toEpochMilli()``, a multiple of 1000.
    """
    empty, _ = loopback.post_sealed(STATUS, None)
    assert_client_error(empty, "Invalid request body")

    loopback.operator.admin.opt_out("email", "gone@example.com")
    mapped = loopback.call(MAP_V3, {"email_hash": [hash_identifier("gone@example.com")]})
    assert mapped["body"]["email_hash"] == [{"e": "optout"}]
    record = loopback.operator.admin.opt_outs()[0]

    status = loopback.call(STATUS, {"advertising_ids": [record.advertising_id]})

    (entry,) = status["body"]["opted_out"]
    assert entry["advertising_id"] == record.advertising_id
    assert entry["opted_out_since"] == record.optout_ms // 1000 * 1000
    assert entry["opted_out_since"] % 1000 == 0
    assert len(base64.b64decode(record.advertising_id)) == 32


def test_v2_map_echoes_a_value_that_is_not_a_string_as_java_prints_it(loopback: Loopback) -> None:
    """JsonArray.getString / Object.toString: a JSON number, boolean, object or array in the
    v2 array is read as its Java text, which is no valid email, so it comes back unmapped
    under that text (``{k=v}``, ``[a, b]``, ``true``, ``4.5``)."""
    values = [True, False, {"a": 1, "b": None}, ["x", 2], 4.5, 7]

    reply = loopback.call(MAP_V2, {"email": values})

    unmapped = reply["body"]["unmapped"]
    assert [u["identifier"] for u in unmapped] == [
        "true",
        "false",
        "{a=1, b=null}",
        "[x, 2]",
        "4.5",
        "7",
    ]
    assert {u["reason"] for u in unmapped} == {"invalid identifier"}
    assert reply["body"]["mapped"] == []
