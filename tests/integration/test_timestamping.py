"""RFC 3161 time-stamps end to end: the client over HTTP against the local TSA, checked by us and by openssl."""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from asn1crypto import core, tsp
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from ebox.adapters.timestamping import (
    Rfc3161Timestamper,
    TimestampNotTrusted,
    TimestampRejected,
    TimestampUnavailable,
    token_info,
    verify_token,
)
from ebox.domain.errors import TransientError
from ebox_local.tsa import LOCAL_TSA_POLICY, LocalTsa
from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

DATA = b"evidence bytes"


def _status_only_reply(status: str, fail_info: str) -> bytes:
    """A TimeStampResp with no token: PKIStatusInfo { status, failInfo with one bit set }."""
    status_info = tsp.PKIStatusInfo({"status": status, "fail_info": tsp.PKIFailureInfo({fail_info})}).dump()
    return bytes([0x30, len(status_info)]) + status_info


def _status_info(reply: bytes) -> tsp.PKIStatusInfo:
    """The PKIStatusInfo of a TimeStampResp without a token (which asn1crypto's TimeStampResp cannot read)."""
    return tsp.PKIStatusInfo.load(core.load(reply).contents)


class _TsaHandler(BaseHTTPRequestHandler):
    tsa: LocalTsa
    replayed_reply: bytes

    def do_POST(self) -> None:
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status, reply = 200, b""
        if self.path == "/tsa":
            reply = self.tsa.respond(query)
        elif self.path == "/rejecting":
            reply = self.tsa.respond(b"not a query")  # the local TSA's own rejection (badDataFormat)
        elif self.path == "/failing":
            reply = _status_only_reply("rejection", "system_failure")
        elif self.path == "/garbage":
            reply = b"<html>I am not a TSA</html>"
        elif self.path == "/replaying":
            reply = self.replayed_reply
        elif self.path == "/busy":
            status = 503
        else:
            status = 404
        self.send_response(status)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def tsa() -> LocalTsa:
    return LocalTsa()


@pytest.fixture(scope="module")
def server(tsa: LocalTsa) -> Iterator[str]:
    earlier = TimestampRequestBuilder().data(DATA).hash_algorithm(HashAlgorithm.SHA256).build()
    handler = type("Handler", (_TsaHandler,), {"tsa": tsa, "replayed_reply": tsa.respond(earlier.as_bytes())})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def token(server: str) -> bytes:
    return Rfc3161Timestamper(f"{server}/tsa").timestamp(DATA)


def test_the_token_verifies_against_the_tsa_certificate(token: bytes, tsa: LocalTsa) -> None:
    gen_time = verify_token(token, DATA, tsa.certificate_pem())

    assert gen_time.tzinfo is not None
    assert abs(datetime.now(UTC) - gen_time) < timedelta(minutes=1)


def test_the_token_proves_nothing_about_other_data(token: bytes, tsa: LocalTsa) -> None:
    with pytest.raises(TimestampNotTrusted):
        verify_token(token, DATA + b"!", tsa.certificate_pem())


def test_the_token_is_not_trusted_with_another_tsas_certificate(token: bytes) -> None:
    with pytest.raises(TimestampNotTrusted):
        verify_token(token, DATA, LocalTsa().certificate_pem())


def test_a_tampered_token_is_not_trusted(token: bytes, tsa: LocalTsa) -> None:
    gen_time_at = token.index(b"\x18\x0f")  # GeneralizedTime, 15 bytes: YYYYMMDDhhmmssZ
    tampered = bytearray(token)
    tampered[gen_time_at + 5] ^= 0x01  # one digit of the year

    with pytest.raises(TimestampNotTrusted):
        verify_token(bytes(tampered), DATA, tsa.certificate_pem())
    with pytest.raises(TimestampNotTrusted):
        verify_token(b"not a token", DATA, tsa.certificate_pem())


def test_token_info_tells_what_the_token_says(token: bytes, tsa: LocalTsa) -> None:
    info = token_info(token)

    assert info["policy"] == LOCAL_TSA_POLICY
    assert info["hashAlgorithm"] == "sha256"
    assert info["messageImprint"] == hashlib.sha256(DATA).hexdigest()
    assert isinstance(info["serialNumber"], int)
    assert info["genTime"].endswith("Z")
    assert datetime.fromisoformat(info["genTime"]) == verify_token(token, DATA, tsa.certificate_pem())


def test_serial_numbers_increase(server: str) -> None:
    timestamper = Rfc3161Timestamper(f"{server}/tsa")
    first, second = (token_info(timestamper.timestamp(DATA))["serialNumber"] for _ in range(2))

    assert second > first


def test_a_requests_session_and_a_pinned_tsa_certificate_can_be_given(server: str, tsa: LocalTsa) -> None:
    with requests.Session() as session:
        timestamper = Rfc3161Timestamper(f"{server}/tsa", session=session, tsa_certificate_pem=tsa.certificate_pem())
        token = timestamper.timestamp(DATA)

    assert verify_token(token, DATA, tsa.certificate_pem())


def test_a_token_from_another_tsa_than_the_pinned_one_is_not_trusted(server: str) -> None:
    timestamper = Rfc3161Timestamper(f"{server}/tsa", tsa_certificate_pem=LocalTsa().certificate_pem())

    with pytest.raises(TimestampNotTrusted):
        timestamper.timestamp(DATA)


def test_the_tsa_certificate_is_a_time_stamping_certificate(tsa: LocalTsa) -> None:
    certificate = x509.load_pem_x509_certificate(tsa.certificate_pem())
    extended_key_usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)

    assert extended_key_usage.critical
    assert list(extended_key_usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert certificate.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    assert certificate.subject.rfc4514_string() == "CN=e-Box local TSA"


# --- openssl, the independent judge -------------------------------------------------------------------------------

openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")


def _openssl_verify(token: bytes, data: bytes, tsa: LocalTsa, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "data.bin").write_bytes(data)
    (tmp_path / "token.der").write_bytes(token)
    (tmp_path / "tsa.pem").write_bytes(tsa.certificate_pem())
    command = ["openssl", "ts", "-verify", "-token_in", "-in", "token.der", "-data", "data.bin", "-CAfile", "tsa.pem"]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False)


@openssl
def test_openssl_accepts_the_token(token: bytes, tsa: LocalTsa, tmp_path: Path) -> None:
    result = _openssl_verify(token, DATA, tsa, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verification: OK" in result.stdout


@openssl
def test_openssl_refuses_the_token_for_other_data(token: bytes, tsa: LocalTsa, tmp_path: Path) -> None:
    result = _openssl_verify(token, DATA + b"!", tsa, tmp_path)

    assert result.returncode != 0
    assert "Verification: FAILED" in result.stdout
    assert "message imprint mismatch" in result.stderr


@openssl
def test_openssl_refuses_the_token_with_another_tsas_certificate(token: bytes, tmp_path: Path) -> None:
    result = _openssl_verify(token, DATA, LocalTsa(), tmp_path)

    assert result.returncode != 0


# --- what goes wrong --------------------------------------------------------------------------------------------


def test_an_unreachable_tsa_is_worth_a_retry() -> None:
    with socket.socket() as placeholder:  # a port nobody listens on once it is closed
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]

    with pytest.raises(TimestampUnavailable) as caught:
        Rfc3161Timestamper(f"http://127.0.0.1:{port}/tsa", timeout=2).timestamp(DATA)
    assert isinstance(caught.value, TransientError)


@pytest.mark.parametrize("path", ["/garbage", "/busy", "/failing"])
def test_a_tsa_answering_garbage_or_failing_is_worth_a_retry(server: str, path: str) -> None:
    with pytest.raises(TimestampUnavailable):
        Rfc3161Timestamper(f"{server}{path}").timestamp(DATA)


def test_a_rejection_is_reported_and_not_retried(server: str) -> None:
    with pytest.raises(TimestampRejected) as caught:
        Rfc3161Timestamper(f"{server}/rejecting").timestamp(DATA)

    assert not isinstance(caught.value, TransientError)
    assert caught.value.code == "TIMESTAMP_REJECTED"
    assert "rejected the request (status 2, failInfo [5])" in caught.value.message
    assert "not a DER TimeStampReq" in caught.value.message


def test_a_wrong_url_is_reported_and_not_retried(server: str) -> None:
    with pytest.raises(TimestampRejected, match="HTTP 404"):
        Rfc3161Timestamper(f"{server}/nowhere").timestamp(DATA)


def test_a_replayed_answer_is_not_trusted(server: str) -> None:
    with pytest.raises(TimestampNotTrusted, match="nonce") as caught:
        Rfc3161Timestamper(f"{server}/replaying").timestamp(DATA)

    assert caught.value.code == "TIMESTAMP_NOT_TRUSTED"


def test_only_http_urls_are_accepted() -> None:
    with pytest.raises(ValueError, match="http"):
        Rfc3161Timestamper("file:///etc/passwd")


# --- the local TSA on its own -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [b"", b"garbage", b"\x30\x03\x02\x01\x01", bytes(range(256))])
def test_the_local_tsa_rejects_bad_queries_without_raising(tsa: LocalTsa, query: bytes) -> None:
    status_info = _status_info(tsa.respond(query))

    assert status_info["status"].native == "rejection"
    assert status_info["fail_info"].native == {"bad_data_format"}


def test_the_local_tsa_rejects_an_unsupported_hash_or_policy(tsa: LocalTsa) -> None:
    sha1_query = tsp.TimeStampReq(
        {"version": "v1", "message_imprint": {"hash_algorithm": {"algorithm": "sha1"}, "hashed_message": b"x" * 20}}
    ).dump()
    other_policy_query = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": b"x" * 32},
            "req_policy": "1.2.3.4",
        }
    ).dump()

    for query, fail_info in [(sha1_query, {"bad_alg"}), (other_policy_query, {"unaccepted_policy"})]:
        status_info = _status_info(tsa.respond(query))
        assert status_info["status"].native == "rejection"
        assert status_info["fail_info"].native == fail_info
