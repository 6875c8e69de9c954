"""The loopback rules the operator and the proxy share: what counts as this machine, and URLs."""

from __future__ import annotations

import socket

import pytest

from uid2_desk.protocol.loopback import is_loopback_host, listening_socket, url_host


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.8.9.10", "::1"])
def test_loopback_names_and_addresses_are_this_machine(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.com", ""])
def test_wildcards_lan_addresses_and_names_are_not(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize(
    ("host", "in_url"),
    [("0.0.0.0", "127.0.0.1"), ("", "127.0.0.1"), ("::", "[::1]"), ("::1", "[::1]"),
     ("127.0.0.1", "127.0.0.1"), ("192.168.1.20", "192.168.1.20")],
)  # fmt: skip
def test_a_bound_host_is_written_in_a_url_as_clients_reach_it(host: str, in_url: str) -> None:
    assert url_host(host) == in_url


def test_the_listening_socket_says_tcp_so_asyncio_turns_nagle_off() -> None:
    with listening_socket("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockname()[1] > 0
