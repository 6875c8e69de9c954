"""Running the proxy in-process on a loopback port, and an upstream over HTTPS with a test CA."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from uid2_desk.operator.http.asgi_types import ASGIApp
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.proxy.upstream import Upstream


@contextmanager
def proxy_to(
    upstream_url: str,
    secrets: dict[str, bytes] | None = None,
    *,
    verify: ssl.SSLContext | bool = True,
    timeout_s: float = 5.0,
) -> Iterator[tuple[str, list[Exchange]]]:
    """The proxy serving on a free loopback port: its URL and the exchanges it captured."""
    captured: list[Exchange] = []
    app = ProxyApp(
        Upstream("test", upstream_url, "CUSTOM"),
        ClientSecrets(secrets),
        sink=captured.append,
        verify=verify,
        timeout_s=timeout_s,
    )
    with ProxyServer(app) as server:
        yield server.base_url, captured


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def write_test_ca(directory: Path) -> tuple[Path, Path, Path]:
    """A test CA and a certificate for 127.0.0.1 it signed: ``(ca.pem, cert.pem, key.pem)``."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("UID2 Desk test CA"))
        .issuer_name(_name("UID2 Desk test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.OID_SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem, cert_pem, key_pem = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_pem, cert_pem, key_pem


@contextmanager
def serve_tls(app: ASGIApp, cert: Path, key: Path) -> Iterator[str]:
    """``app`` served over HTTPS by uvicorn on a free loopback port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    config = uvicorn.Config(
        app, lifespan="off", log_config=None, log_level="warning", access_log=False,
        ssl_certfile=str(cert), ssl_keyfile=str(key),
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"https://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextmanager
def raw_server(handle: Callable[[socket.socket, int], None]) -> Iterator[str]:
    """A one-thread socket server on a free loopback port; yields its ``http://`` URL.

    ``handle`` gets each accepted connection and its number (1, 2, ...), and the connection
    is closed when it returns: the tests script the upstream's framing and closes by hand.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)
    stopping = threading.Event()

    def serve() -> None:
        number = 0
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            number += 1
            with conn:
                handle(conn, number)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stopping.set()
        thread.join(5)
        listener.close()


class StalledSink:
    """A capture sink that holds each exchange until :attr:`release` is set (a stuck journal).

    Attributes:
        release: set it to let the held exchanges through.
        taken: the exchanges let through, in order.
    """

    def __init__(self) -> None:
        self.release = threading.Event()
        self.taken: list[Exchange] = []

    def __call__(self, exchange: Exchange) -> None:
        self.release.wait(10)
        self.taken.append(exchange)


def read_replies(sock: socket.socket, count: int) -> list[tuple[bytes, bytes]]:
    """Read ``count`` replies framed by Content-Length: each one's status line and body."""
    got = bytearray()
    replies: list[tuple[bytes, bytes]] = []
    while len(replies) < count:
        end = got.find(b"\r\n\r\n")
        if end >= 0:
            head = bytes(got[:end])
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            if len(got) >= end + 4 + length:
                replies.append((head.split(b"\r\n")[0], bytes(got[end + 4 : end + 4 + length])))
                del got[: end + 4 + length]
                continue
        chunk = sock.recv(1 << 16)
        assert chunk, f"the proxy closed the connection after {len(replies)} replies"
        got += chunk
    return replies
