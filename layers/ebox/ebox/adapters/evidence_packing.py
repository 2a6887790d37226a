"""A chain's first records packed in one binary attribute (ebox.adapters.evidence_chain): each compact JWS's
header and payload kept as the JSON text it encodes, its signature as it is, the whole compressed with zlib.

Two versions, both read forever:

- **1** (decision 0022): ``{"v":1,"records":[…]}``, plain zlib; the chain head in an item of its own.
- **2** (decision 0025): ``{"v":2,"records":[…],"head":…}`` (the chain's signed head, or null), compressed
  with a preset dictionary (``preset_v2``: the texts every record and head repeat, so that even the first
  record compresses as well as the second). A chain's first item keeps its records in one such value and its
  head in another (no records), so that moving the head rewrites the small one only. The dictionary is part
  of the format: zlib names it in each packed value by its Adler-32, and a value naming a dictionary the
  reader does not know is refused. Never change it: a new dictionary is a new version.

What is unpacked is the very JWS that was packed: a JWS whose parts would not re-encode to themselves (not
canonical base64url, not UTF-8) is kept whole."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from functools import cache

from ebox.domain.encoding import b64url_decode, b64url_encode


@dataclass(frozen=True)
class Packed:
    records: list[str]  # compact JWS, in chain order
    head: str | None = None  # the chain's signed head when it was packed (version 2)


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@cache
def preset_v2() -> bytes:
    """Version 2's zlib dictionary: a publication's records and head with their values left out, the most
    frequent texts last (zlib reaches them with the shortest distances). Frozen: see the module's docstring."""
    rare = {"reasons": [""], "event": "SubmissionRejection", "partition": "",
            "recipient": {"eboxType": "citizen", "ssin": ""}, "registeredMail": True, "registeredMailType": "qualified",
            "x": "NotificationForAcceptance AcceptanceByRecipient RejectionByRecipient ContentHandover"}
    head = [{"alg": "ES256", "typ": "ebox-evidence-head+jwt", "kid": "ek-"},
            {"messageId": "", "count": 2, "lastRecordHash": "", "headTime": "Z", "issuer": "urn:ebox:evidence-service",
             "policyId": "urn:ebox:evidence-policy:v2"}]
    record = [{"alg": "ES256", "typ": "ebox-evidence+jwt", "kid": "ek-"},
              {"evidenceId": "-001", "sequence": 1, "event": "SubmissionAcceptance",
               "eventUri": "http://uri.etsi.org/19522/Event/SubmissionAcceptance", "eventTime": "Z",
               "submissionTime": "Z", "messageId": "", "sender": {"enterpriseNumber": "", "applicationId": ""},
               "recipient": {"eboxType": "enterprise", "enterpriseNumber": ""}, "registeredMail": False,
               "registeredMailType": "simple",
               "documents": [{"attachmentId": "", "fileName": ".pdf", "digestMethod": "sha_256", "digestValue": ""}],
               "subjectDigests": {"de": "", "fr": "", "nl": ""}, "bodyDigests": {}, "businessDataDigest": "",
               "issuer": "urn:ebox:evidence-service", "keyId": "ek-", "policyId": "urn:ebox:evidence-policy:v2",
               "previousRecordHash": None}]
    texts = [_compact(rare), [_compact(part) for part in head], [*(_compact(part) for part in record),
                                                                 "ContentConsignment"]]
    return ('{"v":2,"records":[[' + _compact(texts)).encode("utf-8")


def _dictionaries() -> dict[int, bytes]:
    return {zlib.adler32(preset_v2()): preset_v2()}


def pack_chain(jws_list: list[str], head: str | None) -> bytes:
    """A new chain's records and its signed head: version 2."""
    text = _compact({"v": 2, "records": [_packed(j) for j in jws_list],
                     "head": None if head is None else _packed(head)}).encode("utf-8")
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, 9, zlib.Z_DEFAULT_STRATEGY, preset_v2())
    return compressor.compress(text) + compressor.flush()


def pack_head(jws: str) -> bytes:
    """A chain's signed head alone (version 2), as its first item keeps it beside the records."""
    return pack_chain([], jws)


def unpack_head(blob: bytes) -> str:
    head = unpack(blob).head
    if head is None:
        raise ValueError("a packed evidence head without its head")
    return head


def pack_records(jws_list: list[str]) -> bytes:
    """Version 1, as chains were written under decision 0022 (kept to write such chains in tests)."""
    return zlib.compress(_compact({"v": 1, "records": [_packed(j) for j in jws_list]}).encode("utf-8"), 9)


def unpack(blob: bytes) -> Packed:
    packed = json.loads(_decompressed(blob))
    version = packed.get("v")
    if version == 1:
        return Packed([_unpacked(entry) for entry in packed["records"]])
    if version == 2:
        head = packed.get("head")
        return Packed([_unpacked(entry) for entry in packed["records"]], None if head is None else _unpacked(head))
    raise ValueError(f"evidence bundle of an unknown version {version!r}")


def unpack_records(blob: bytes) -> list[str]:
    return unpack(blob).records


def _decompressed(blob: bytes) -> bytes:
    """zlib's header says whether a preset dictionary was used (FDICT) and which (its Adler-32, RFC 1950)."""
    if len(blob) < 2 or not blob[1] & 0x20:
        return zlib.decompress(blob)
    dictionary = _dictionaries().get(int.from_bytes(blob[2:6], "big"))
    if dictionary is None:
        raise ValueError("evidence bundle compressed with an unknown dictionary")
    decompressor = zlib.decompressobj(zlib.MAX_WBITS, dictionary)
    return decompressor.decompress(blob) + decompressor.flush()


def _packed(jws: str) -> str | list[str]:
    header, payload, signature = jws.split(".")
    try:
        parts = [b64url_decode(header).decode("utf-8"), b64url_decode(payload).decode("utf-8"), signature]
    except ValueError:
        return jws
    rebuilt = ".".join((b64url_encode(parts[0].encode("utf-8")), b64url_encode(parts[1].encode("utf-8")), signature))
    return parts if rebuilt == jws else jws


def _unpacked(entry: str | list[str]) -> str:
    if isinstance(entry, str):
        return entry
    return ".".join((b64url_encode(entry[0].encode("utf-8")), b64url_encode(entry[1].encode("utf-8")), entry[2]))
