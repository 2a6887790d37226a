"""A local RFC 3161 Time-Stamp Authority, for the local stack and the tests: it proves nothing to anyone else.

Each :class:`LocalTsa` makes its own P-256 key and self-signed certificate when it is built (never at import),
so its tokens verify only against :meth:`LocalTsa.certificate_pem`, e.g. with
``openssl ts -verify -token_in -in token.der -data data.bin -CAfile tsa.pem``.

Its policy, :data:`LOCAL_TSA_POLICY` (``1.3.6.1.4.1.99999.1``), is a placeholder for local and test use only: the
private enterprise number 99999 is not the e-Box's, and no qualified TSA would ever issue under it.

The token follows RFC 3161 as amended by RFC 5816 (ESSCertIDv2): a CMS SignedData whose signed attributes are the
content type ``id-ct-TSTInfo``, the message digest and ``signingCertificateV2``, the last being what
``openssl ts -verify`` insists on.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOCAL_TSA_POLICY = "1.3.6.1.4.1.99999.1"
COMMON_NAME = "e-Box local TSA"
_DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}


class _TimeStampResp(core.Sequence):
    """RFC 3161 TimeStampResp; asn1crypto's own makes the token mandatory, but a rejection has none."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


class _Rejected(Exception):
    """The query cannot be granted; ``fail_info`` is the PKIFailureInfo bit to answer with."""

    def __init__(self, fail_info: str, text: str) -> None:
        super().__init__(text)
        self.fail_info = fail_info
        self.text = text


def _self_signed_certificate(key: ec.EllipticCurvePrivateKey, now: datetime) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, COMMON_NAME)])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        # RFC 3161 §2.3: a TSA certificate has exactly one extended key usage, id-kp-timeStamping, marked critical.
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _read_query(query_der: bytes) -> tsp.TimeStampReq:
    try:
        query = tsp.TimeStampReq.load(query_der, strict=True)
        query.native  # noqa: B018 (parses every field now, so that a bad one is reported here)
    # asn1crypto's errors on hostile bytes are not typed (ValueError, TypeError, AttributeError...), and a TSA
    # answers every query with a TimeStampResp: whatever fails while parsing is the client's badDataFormat.
    except Exception:  # noqa: BLE001
        raise _Rejected("bad_data_format", "the query is not a DER TimeStampReq") from None
    if query["version"].native != "v1":
        raise _Rejected("bad_request", "only TimeStampReq version 1 is supported")
    algorithm = query["message_imprint"]["hash_algorithm"]["algorithm"].native
    if algorithm not in _DIGEST_SIZES:
        raise _Rejected("bad_alg", f"hash algorithm {algorithm} is not supported")
    if len(query["message_imprint"]["hashed_message"].native) != _DIGEST_SIZES[algorithm]:
        raise _Rejected("bad_data_format", f"the message imprint is not a {algorithm} digest")
    if query["extensions"].native:
        raise _Rejected("unaccepted_extensions", "no request extension is supported")
    return query


def _signed_attributes(tst_info_der: bytes, certificate: asn1_x509.Certificate) -> cms.CMSAttributes:
    """contentType id-ct-TSTInfo, messageDigest, and signingCertificateV2 (RFC 5035 ESSCertIDv2) naming the TSA."""
    ess_cert_id = {
        # hash_algorithm is left out: its DEFAULT, sha256, must not be encoded in DER.
        "cert_hash": hashlib.sha256(certificate.dump()).digest(),
        "issuer_serial": {
            "issuer": [asn1_x509.GeneralName(name="directory_name", value=certificate.issuer)],
            "serial_number": certificate.serial_number,
        },
    }
    return cms.CMSAttributes(
        [
            {"type": "content_type", "values": ["tst_info"]},
            {"type": "message_digest", "values": [hashlib.sha256(tst_info_der).digest()]},
            {"type": "signing_certificate_v2", "values": [{"certs": [ess_cert_id]}]},
        ]
    )


class LocalTsa:
    """An RFC 3161 TSA answering DER queries with DER responses; see the module's note on what it is not."""

    def __init__(self, *, policy: str = LOCAL_TSA_POLICY, clock: Callable[[], datetime] | None = None) -> None:
        self._policy = policy
        self._clock = clock or (lambda: datetime.now(UTC))
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._certificate = _self_signed_certificate(self._key, self._clock())
        self._asn1_certificate = asn1_x509.Certificate.load(self._certificate.public_bytes(serialization.Encoding.DER))
        self._serial_numbers = itertools.count(1)  # next() on a count is atomic under the GIL

    def certificate_pem(self) -> bytes:
        return self._certificate.public_bytes(serialization.Encoding.PEM)

    def respond(self, query_der: bytes) -> bytes:
        """The DER TimeStampResp for a DER TimeStampReq: granted with a token, or a rejection, never an exception."""
        try:
            query = _read_query(query_der)
            requested_policy = query["req_policy"].native
            if requested_policy is not None and requested_policy != self._policy:
                raise _Rejected("unaccepted_policy", f"this TSA issues under policy {self._policy} only")
        except _Rejected as rejected:
            status = tsp.PKIStatusInfo(
                {
                    "status": "rejection",
                    "status_string": [rejected.text],
                    "fail_info": tsp.PKIFailureInfo({rejected.fail_info}),
                }
            )
            return _TimeStampResp({"status": status}).dump()
        token = self._token(query)
        return _TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()

    def _token(self, query: tsp.TimeStampReq) -> cms.ContentInfo:
        tst_info = tsp.TSTInfo(
            {
                "version": "v1",
                "policy": self._policy,
                "message_imprint": query["message_imprint"],
                "serial_number": next(self._serial_numbers),
                "gen_time": self._clock().astimezone(UTC).replace(microsecond=0),
                "accuracy": {"seconds": 1},
                "nonce": query["nonce"].native,
            }
        )
        tst_info_der = tst_info.dump()
        certificate = self._asn1_certificate
        signed_attrs = _signed_attributes(tst_info_der, certificate)
        # The signature covers the DER of the attributes as a SET OF (RFC 5652 §5.4), not their [0] tagged form.
        signature = self._key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": {
                    "issuer_and_serial_number": {
                        "issuer": certificate.issuer,
                        "serial_number": certificate.serial_number,
                    }
                },
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "signed_attrs": signed_attrs,
                "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
                "signature": signature,
            }
        )
        signed_data = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [{"algorithm": "sha256"}],
                "encap_content_info": {"content_type": "tst_info", "content": tst_info},
                "certificates": [certificate] if query["cert_req"].native else None,
                "signer_infos": [signer_info],
            }
        )
        return cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
