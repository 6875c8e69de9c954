"""The official ``uid2-client`` SDK accepts our operator over a real loopback port.

The SDK is synchronous (urllib, no timeout); it runs in the test thread while uvicorn serves
from its own thread.
"""

from __future__ import annotations

import base64
import urllib.error

import pytest
from uid2_client import (
    BidstreamClient,
    DecryptionStatus,
    EncryptionStatus,
    IdentityMapClient,
    IdentityMapInput,
    IdentityMapV3Client,
    IdentityMapV3Input,
    IdentityScope,
    SharingClient,
    TokenGenerateInput,
    Uid2PublisherClient,
    UnmappedIdentityReason,
)

from tests.operator.support import sdk_failure
from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.protocol.normalize import hash_identifier


@pytest.fixture
def publisher(operator_server: OperatorServer, live_operator: LocalOperator) -> Uid2PublisherClient:
    creds = live_operator.credentials.publisher
    return Uid2PublisherClient(operator_server.base_url, creds.api_key, creds.secret)


def _bidstream(server: OperatorServer, operator: LocalOperator) -> BidstreamClient:
    creds = operator.credentials.dsp
    client = BidstreamClient(server.base_url, creds.api_key, creds.secret)
    assert client.refresh().success
    return client


def _sharing(server: OperatorServer, operator: LocalOperator) -> SharingClient:
    creds = operator.credentials.sharer
    client = SharingClient(server.base_url, creds.api_key, creds.secret)
    assert client.refresh().success
    return client


@pytest.mark.parametrize(
    "make_input",
    [
        pytest.param(lambda: TokenGenerateInput.from_email("Jane.Doe+ads@gmail.com"), id="email"),
        pytest.param(lambda: TokenGenerateInput.from_phone("+12345678901"), id="phone"),
        pytest.param(
            lambda: TokenGenerateInput.from_hashed_email(hash_identifier("jane@example.com")),
            id="email_hash",
        ),
        pytest.param(
            lambda: TokenGenerateInput.from_hashed_phone(hash_identifier("+447700900123")),
            id="phone_hash",
        ),
        pytest.param(
            lambda: TokenGenerateInput.from_email("jane@example.com").do_not_hash(), id="raw_email"
        ),
        pytest.param(
            lambda: TokenGenerateInput.from_phone("+447700900123").do_not_hash(), id="raw_phone"
        ),
    ],
)
def test_sdk_generates_an_identity_for_every_kind_of_dii(
    publisher: Uid2PublisherClient, make_input: object
) -> None:
    response = publisher.generate_token(make_input())  # type: ignore[operator]

    assert response.is_success()
    identity = response.get_identity()
    assert identity.get_advertising_token().startswith(("A4", "B4"))
    assert len(identity.get_refresh_token()) == 388
    assert len(base64.b64decode(identity.get_refresh_response_key())) == 32
    assert (
        identity.get_refresh_from()
        < identity.get_identity_expires()
        < identity.get_refresh_expires()
    )


def test_sdk_email_and_phone_tokens_carry_their_identity_type(
    publisher: Uid2PublisherClient,
) -> None:
    email = publisher.generate_token(TokenGenerateInput.from_email("jane@example.com"))
    phone = publisher.generate_token(TokenGenerateInput.from_phone("+12345678901"))

    assert email.get_identity().get_advertising_token()[:2] == "A4"
    assert phone.get_identity().get_advertising_token()[:2] == "B4"


def test_sdk_refresh_chain_of_three_gives_new_tokens_and_keys_each_time(
    publisher: Uid2PublisherClient,
) -> None:
    identity = publisher.generate_token(TokenGenerateInput.from_email("chain@example.com"))
    identity = identity.get_identity()
    seen_tokens = {identity.get_refresh_token()}
    seen_keys = {identity.get_refresh_response_key()}

    for _ in range(3):
        refreshed = publisher.refresh_token(identity)
        assert refreshed.is_success()
        identity = refreshed.get_identity()
        seen_tokens.add(identity.get_refresh_token())
        seen_keys.add(identity.get_refresh_response_key())
        assert len(identity.get_refresh_token()) == 388

    assert len(seen_tokens) == 4
    assert len(seen_keys) == 4


@pytest.mark.parametrize(
    "make_input",
    [
        pytest.param(lambda: TokenGenerateInput.from_email("optout@example.com"), id="email"),
        pytest.param(lambda: TokenGenerateInput.from_phone("+00000000000"), id="phone"),
        pytest.param(
            lambda: TokenGenerateInput.from_email("optout@example.com").do_not_hash(),
            id="raw_email",
        ),
    ],
)
def test_sdk_generate_for_the_optout_test_identities_answers_optout(
    publisher: Uid2PublisherClient, make_input: object
) -> None:
    response = publisher.generate_token(make_input())  # type: ignore[operator]

    assert response.is_optout()
    assert response.get_identity() is None


@pytest.mark.parametrize(
    "make_input",
    [
        pytest.param(
            lambda: TokenGenerateInput.from_email("refresh-optout@example.com"), id="email"
        ),
        pytest.param(lambda: TokenGenerateInput.from_phone("+00000000002"), id="phone"),
    ],
)
def test_sdk_refresh_optout_test_identities_generate_then_refresh_to_optout(
    publisher: Uid2PublisherClient, make_input: object
) -> None:
    generated = publisher.generate_token(make_input())  # type: ignore[operator]
    assert generated.is_success()

    refreshed = publisher.refresh_token(generated.get_identity())

    assert refreshed.is_optout()


def test_sdk_with_a_wrong_api_key_gets_http_401(
    operator_server: OperatorServer, live_operator: LocalOperator
) -> None:
    secret = live_operator.credentials.publisher.secret
    client = Uid2PublisherClient(operator_server.base_url, "UID2-C-L-999-nope.nope", secret)

    failure = sdk_failure(
        lambda: client.generate_token(TokenGenerateInput.from_email("jane@example.com"))
    )

    assert failure.error is urllib.error.HTTPError
    assert failure.http_status == 401
    assert failure.body == b'{"status":"unauthorized"}'


def test_bidstream_and_sharing_clients_decrypt_our_tokens_to_one_raw_uid_per_dii(
    publisher: Uid2PublisherClient, operator_server: OperatorServer, live_operator: LocalOperator
) -> None:
    first = publisher.generate_token(TokenGenerateInput.from_email("same@example.com"))
    second = publisher.generate_token(TokenGenerateInput.from_email("SAME@example.com"))
    other = publisher.generate_token(TokenGenerateInput.from_email("other@example.com"))
    bidstream = _bidstream(operator_server, live_operator)
    sharing = _sharing(operator_server, live_operator)

    uids = []
    for response in (first, second, other):
        token = response.get_identity().get_advertising_token()
        bid = bidstream.decrypt_token_into_raw_uid(token, "example.com")
        shared = sharing.decrypt_token_into_raw_uid(token)
        assert bid.status is DecryptionStatus.SUCCESS
        assert shared.status is DecryptionStatus.SUCCESS
        assert bid.uid == shared.uid
        assert bid.site_id == live_operator.credentials.publisher.site_id
        assert bid.identity_scope is IdentityScope.UID2
        assert bid.advertising_token_version == 128
        uids.append(bid.uid)

    assert uids[0] == uids[1]
    assert uids[0] != uids[2]
    # The v2 raw UID the operator's default configuration makes (no metadata byte).
    assert len(base64.b64decode(uids[0])) == 32


def test_sharing_client_round_trips_a_sharing_token_with_our_keys(
    publisher: Uid2PublisherClient, operator_server: OperatorServer, live_operator: LocalOperator
) -> None:
    sharing = _sharing(operator_server, live_operator)
    token = publisher.generate_token(TokenGenerateInput.from_email("share@example.com"))
    uid = sharing.decrypt_token_into_raw_uid(token.get_identity().get_advertising_token()).uid

    encrypted = sharing.encrypt_raw_uid_into_token(uid)

    assert encrypted.status is EncryptionStatus.SUCCESS
    assert sharing.decrypt_token_into_raw_uid(encrypted.encrypted_data).uid == uid


def test_a_refreshed_token_still_maps_to_the_same_raw_uid(
    publisher: Uid2PublisherClient, operator_server: OperatorServer, live_operator: LocalOperator
) -> None:
    generated = publisher.generate_token(TokenGenerateInput.from_phone("+447700900999"))
    refreshed = publisher.refresh_token(generated.get_identity())
    bidstream = _bidstream(operator_server, live_operator)

    before = bidstream.decrypt_token_into_raw_uid(
        generated.get_identity().get_advertising_token(), "example.com"
    )
    after = bidstream.decrypt_token_into_raw_uid(
        refreshed.get_identity().get_advertising_token(), "example.com"
    )

    assert before.uid == after.uid
    assert after.established == before.established


def test_an_admin_optout_makes_the_next_sdk_refresh_answer_optout(
    publisher: Uid2PublisherClient, live_operator: LocalOperator
) -> None:
    generated = publisher.generate_token(TokenGenerateInput.from_email("leaver@example.com"))
    assert publisher.refresh_token(generated.get_identity()).is_success()

    live_operator.admin.opt_out("email", "Leaver@Example.com")

    assert publisher.refresh_token(generated.get_identity()).is_optout()
    again = publisher.generate_token(TokenGenerateInput.from_email("leaver@example.com"))
    assert again.is_optout()


def test_sdk_identity_map_v3_maps_to_the_raw_uid_in_tokens_and_reports_optouts(
    publisher: Uid2PublisherClient, operator_server: OperatorServer, live_operator: LocalOperator
) -> None:
    creds = live_operator.credentials.publisher
    mapper = IdentityMapV3Client(operator_server.base_url, creds.api_key, creds.secret)
    token = publisher.generate_token(TokenGenerateInput.from_email("map@example.com"))
    bidstream = _bidstream(operator_server, live_operator)
    uid = bidstream.decrypt_token_into_raw_uid(
        token.get_identity().get_advertising_token(), "example.com"
    ).uid

    response = mapper.generate_identity_map(
        IdentityMapV3Input.from_emails(["Map@example.com", "optout@example.com"]).with_phone(
            "+12345678901"
        )
    )

    assert response.mapped_identities["Map@example.com"].current_raw_uid == uid
    assert response.mapped_identities["Map@example.com"].previous_raw_uid is None
    assert "+12345678901" in response.mapped_identities
    assert (
        response.unmapped_identities["optout@example.com"].reason is UnmappedIdentityReason.OPTOUT
    )


def test_sdk_identity_map_v2_maps_hashed_emails(
    operator_server: OperatorServer, live_operator: LocalOperator
) -> None:
    creds = live_operator.credentials.publisher
    mapper = IdentityMapClient(operator_server.base_url, creds.api_key, creds.secret)
    hashes = [hash_identifier("a@example.com"), hash_identifier("optout@example.com")]

    response = mapper.generate_identity_map(IdentityMapInput.from_hashed_emails(hashes))

    assert len(base64.b64decode(response.mapped_identities[hashes[0]].get_raw_uid())) == 32
    assert response.unmapped_identities[hashes[1]].get_reason() == "optout"
