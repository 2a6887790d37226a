"""RFC 3161 time-stamps for evidence records, from any Time-Stamp Authority reached by URL.

A qualified TSA in deployment, the local TSA (``ebox_local.tsa``) on the local stack: both speak RFC 3161 over
HTTP (``application/timestamp-query`` in, ``application/timestamp-reply`` out). What is kept is the
**TimeStampToken**, a DER CMS ``ContentInfo``, which ``openssl ts -verify -token_in`` and :func:`verify_token` check.

Errors, by what a caller should do about them:

- :class:`TimestampUnavailable` (a :class:`TransientError`, retried): the TSA is unreachable, times out, answers
  HTTP 5xx/408/429, answers bytes that are not a TimeStampResp, or says "waiting", "systemFailure" or
  "timeNotAvailable";
- :class:`TimestampRejected`: the TSA refused the request for good (bad algorithm, policy, HTTP 4xx...): a
  configuration mistake that no retry cures;
- :class:`TimestampNotTrusted`: a token that does not verify (signature, certificate, imprint, nonce).
"""

from __future__ import annotations

import hashlib
import http.client
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from ebox.domain.errors import TimestampNotTrusted, TimestampRejected, TimestampUnavailable

_HASHES = {"sha256": HashAlgorithm.SHA256, "sha512": HashAlgorithm.SHA512}
_HASH_NAMES = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
_RETRYABLE_HTTP = {408, 429}
# PKIFailureInfo bits (RFC 3161 §2.4.2) that say "try again later" rather than "never".
_TIME_NOT_AVAILABLE, _SYSTEM_FAILURE = 14, 25


class Rfc3161Timestamper:
    """Asks an RFC 3161 TSA for a TimeStampToken over data.

    ``session`` is a requests-like object (``post(url, data=, headers=, timeout=)`` answering ``status_code`` and
    ``content``); without one, the standard library's ``urllib`` is used, which keeps the Lambda layer light.
    With ``tsa_certificate_pem``, each token is also verified against that TSA before it is returned.
    """

    def __init__(
        self,
        url: str,
        *,
        session: Any = None,
        timeout: float = 10,
        hash_name: str = "sha256",
        tsa_certificate_pem: bytes | None = None,
    ) -> None:
        if hash_name not in _HASHES:
            raise ValueError(f"hash_name must be one of {sorted(_HASHES)}, not {hash_name!r}")
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"the TSA URL must be http(s), not {url!r}")
        self._url = url
        self._session = session
        self._timeout = timeout
        self._hash_name = hash_name
        self._tsa_certificate_pem = tsa_certificate_pem

    def timestamp(self, data: bytes) -> bytes:
        """The DER TimeStampToken over ``data`` (non-empty), with a fresh nonce and the TSA's certificate."""
        request = (
            TimestampRequestBuilder()
            .data(data)
            .hash_algorithm(_HASHES[self._hash_name])
            .nonce(nonce=True)
            .cert_request(cert_request=True)
            .build()
        )
        body = self._post(request.as_bytes())
        try:
            response = decode_timestamp_response(body)
        except ValueError as error:
            raise TimestampUnavailable(f"the TSA at {self._url} answered bytes that are not a TimeStampResp") from error
        _check_status(response, body, self._url)
        try:
            info = response.tst_info
        except ValueError as error:
            raise TimestampUnavailable(f"the TSA at {self._url} granted a time-stamp without a token") from error
        if info.nonce != request.nonce:
            raise TimestampNotTrusted("the time-stamp does not answer our request: its nonce differs")
        imprint = info.message_imprint
        if (
            imprint.hash_algorithm != request.message_imprint.hash_algorithm
            or imprint.message != hashlib.new(self._hash_name, data).digest()
        ):
            raise TimestampNotTrusted("the time-stamp is over other data: its message imprint differs")
        token = response.time_stamp_token()
        if self._tsa_certificate_pem is not None:
            verify_token(token, data, self._tsa_certificate_pem)
        return token

    def _post(self, query: bytes) -> bytes:
        headers = {"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"}
        try:
            if self._session is not None:
                reply = self._session.post(self._url, data=query, headers=headers, timeout=self._timeout)
                status, body = int(reply.status_code), bytes(reply.content)
            else:
                # S310: the URL's scheme is checked to be http(s) in __init__.
                http_request = urllib.request.Request(self._url, data=query, headers=headers, method="POST")  # noqa: S310
                with urllib.request.urlopen(http_request, timeout=self._timeout) as http_reply:  # noqa: S310
                    status, body = http_reply.status, http_reply.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, b""
        # urllib's URLError, timeouts and resets, and requests' RequestException are OSErrors; a reply that is not
        # HTTP at all is an HTTPException.
        except (OSError, http.client.HTTPException) as error:
            raise TimestampUnavailable(f"the TSA at {self._url} could not be reached: {error}") from error
        if status >= 500 or status in _RETRYABLE_HTTP:
            raise TimestampUnavailable(f"the TSA at {self._url} answered HTTP {status}")
        if status != 200:
            raise TimestampRejected(f"the TSA at {self._url} answered HTTP {status}")
        return body


def _check_status(response: TimeStampResponse, body: bytes, url: str) -> None:
    status = response.status
    if status in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        return
    text = "; ".join(response.status_string) or "no reason given"
    fail_info = _fail_info(body)
    if status == PKIStatus.WAITING or fail_info & {_TIME_NOT_AVAILABLE, _SYSTEM_FAILURE}:
        raise TimestampUnavailable(f"the TSA at {url} cannot time-stamp now (status {status}): {text}")
    raise TimestampRejected(
        f"the TSA at {url} rejected the request (status {status}, failInfo {sorted(fail_info)}): {text}"
    )


def _der_element(der: bytes, start: int) -> tuple[int, int, int]:
    """(tag, start of content, end) of the DER element at ``start``; ``ValueError`` if it overruns ``der``."""
    if start + 2 > len(der):
        raise ValueError("truncated DER")
    tag, length, content = der[start], der[start + 1], start + 2
    if length & 0x80:
        size = length & 0x7F
        length, content = int.from_bytes(der[content : content + size], "big"), content + size
    if content + length > len(der):
        raise ValueError("truncated DER")
    return tag, content, content + length


def _fail_info(response_der: bytes) -> set[int]:
    """The PKIFailureInfo bits of a TimeStampResp (rfc3161-client does not expose them); empty if none."""
    try:
        _, response_start, _ = _der_element(response_der, 0)
        _, element, status_end = _der_element(response_der, response_start)  # PKIStatusInfo
        while element < status_end:
            tag, content, element = _der_element(response_der, element)
            if tag == 0x03 and element > content:  # BIT STRING: unused-bits octet, then the bits, first bit high
                bits = response_der[content + 1 : element]
                return {i for i in range(len(bits) * 8) if bits[i // 8] & (0x80 >> (i % 8))}
    except ValueError:
        return set()
    return set()


def _granted_response(token_der: bytes) -> TimeStampResponse:
    """Wraps a bare token as a granted TimeStampResp, the only form rfc3161-client reads."""
    content = b"\x30\x03\x02\x01\x00" + token_der  # PKIStatusInfo { status granted }, then the token
    if len(content) < 0x80:
        header = bytes([0x30, len(content)])
    else:
        size = (len(content).bit_length() + 7) // 8
        header = bytes([0x30, 0x80 | size]) + len(content).to_bytes(size, "big")
    try:
        response = decode_timestamp_response(header + content)
        response.tst_info  # noqa: B018 (reads the token now, so that a bad one fails here)
    except ValueError as error:
        raise TimestampNotTrusted("this is not an RFC 3161 time-stamp token") from error
    return response


def token_info(token_der: bytes) -> dict[str, Any]:
    """What a token says, for display; it is not verified here (see :func:`verify_token`)."""
    info = _granted_response(token_der).tst_info
    algorithm = info.message_imprint.hash_algorithm.dotted_string
    return {
        "genTime": _utc(info.gen_time).isoformat().replace("+00:00", "Z"),
        "serialNumber": info.serial_number,
        "policy": info.policy.dotted_string,
        "hashAlgorithm": _HASH_NAMES.get(algorithm, algorithm),
        "messageImprint": info.message_imprint.message.hex(),
    }


def verify_token(token_der: bytes, data: bytes, tsa_certificate_pem: bytes) -> datetime:
    """The time (UTC) at which ``token_der`` proves ``data`` existed, if signed by the trusted TSA.

    ``tsa_certificate_pem`` holds the TSA's certificate first, then any chain up to a self-signed root (a
    self-signed TSA certificate is its own root). Checked: the CMS signature and signed attributes, the
    certificate chain at the token's time, the critical timeStamping extended key usage, that the signer is that
    very TSA certificate, and the message imprint. Raises :class:`TimestampNotTrusted` otherwise.
    """
    response = _granted_response(token_der)
    try:
        certificates = x509.load_pem_x509_certificates(tsa_certificate_pem)
    except ValueError as error:
        raise TimestampNotTrusted("the trusted TSA certificate is not a PEM certificate") from error
    tsa_certificate, chain = certificates[0], certificates[1:]
    roots = [c for c in certificates if c.issuer == c.subject]
    if not roots:
        raise TimestampNotTrusted("the trusted TSA certificates must end with their self-signed root")
    builder = VerifierBuilder(
        tsa_certificate=tsa_certificate,
        roots=roots,
        intermediates=[c for c in chain if c not in roots],
    )
    try:
        builder.build().verify_message(response, data)
    except (VerificationError, ValueError) as error:
        raise TimestampNotTrusted(f"the time-stamp token does not verify: {error}") from error
    return _utc(response.tst_info.gen_time)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
