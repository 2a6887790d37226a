"""Checks an e-Box message's evidence with a standard JOSE library (joserfc) and openssl, nothing of e-Box's.

    [TSA_CERT=tsa.pem] python verify-evidence.py evidences.json keys.json [document ...]

evidences.json: the answer of GET …/messages/{id}/evidences; keys.json: GET /evidence/keys (add any older
key from GET /evidence/keys/{kid}). Trust: keys.json's one key without an endorsement is the KMS evidence key;
any other key counts only if that key endorsed it and the record was signed within the endorsed day.
A record's "archive": its line of a batch object, whose digest list the RFC 3161 token covers (or, before
batches, an object of its own, the token over the JWS); with TSA_CERT, openssl checks each token."""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from joserfc import jws
from joserfc.jwk import ECKey


def check(ok, why):
    if not ok:
        sys.exit(f"FAILED: {why}")


def part(token, n):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[n] + "=" * (-len(token.split(".")[n]) % 4)))


def verified(token, typ, when):  # the claims, once the signature and its key's endorsement hold
    kid, moment = part(token, 0)["kid"], datetime.fromisoformat(part(token, 1)[when]).timestamp()
    key = anchor if kid == anchor["kid"] else next((k for k in keys["keys"] if k["kid"] == kid), None)
    check(key is not None, f"no key {kid} in the key file")
    if key is not anchor:
        endorsed = verified_by(key["ebox_endorsement"], anchor, "ebox-key-endorsement+jwt")
        check(all(endorsed["jwk"][m] == key[m] for m in ("kid", "x", "y")), f"{kid}: endorses another key")
        window = endorsed["iat"] - 300, endorsed.get("exp", moment) + 300
        check(window[0] <= moment <= window[1], f"{kid}: used outside its endorsed day")
    return verified_by(token, key, typ)


def verified_by(token, jwk, typ):
    signed = jws.deserialize_compact(token, ECKey.import_key(jwk), algorithms=["ES256"])
    check(signed.headers()["typ"] == typ, f"not an {typ}")
    return json.loads(signed.payload)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


answer, keys = (json.loads(Path(path).read_text()) for path in sys.argv[1:3])
anchor = next(k for k in keys["keys"] if "ebox_endorsement" not in k)
records, previous = [verified(i["jws"], "ebox-evidence+jwt", "eventTime") for i in answer["items"]], None
for n, (record, item) in enumerate(zip(records, answer["items"], strict=True), start=1):
    check(record["sequence"] == n and record["previousRecordHash"] == previous, f"chain broken at record {n}")
    previous = b64(hashlib.sha256(item["jws"].encode()).digest())
head = verified(answer["head"], "ebox-evidence-head+jwt", "headTime")
check(head["count"] == len(records) and head["lastRecordHash"] == previous, "records dropped after the last one")
for item in (i for i in answer["items"] if "archive" in i):
    archive, data = item["archive"], item["jws"].encode()
    if "line" in archive:
        line, digests = archive["line"], archive["digests"]
        check(0 < line <= len(digests) and digests[line - 1] == b64(hashlib.sha256(data).digest()), "not in its batch")
        data = "".join(f"{d}\n" for d in digests).encode()
    if "timeStampToken" in archive and os.environ.get("TSA_CERT"):
        with tempfile.TemporaryDirectory() as work:
            Path(work, "data").write_bytes(data)
            Path(work, "tsr").write_bytes(base64.b64decode(archive["timeStampToken"]))
            openssl = ["openssl", "ts", "-verify", "-token_in", "-in", "tsr", "-data", "data", "-CAfile",
                       os.path.abspath(os.environ["TSA_CERT"])]
            stamped = subprocess.run(openssl, cwd=work, capture_output=True, check=False)  # noqa: S603, S607
            check(stamped.returncode == 0, f"the time stamp of {archive['object']} does not hold")
for path in sys.argv[3:]:
    openssl = ["openssl", "dgst", "-sha256", "-binary", path]
    digest = subprocess.run(openssl, capture_output=True, check=True).stdout  # noqa: S603, S607
    check(b64(digest) in {d["digestValue"] for r in records for d in r["documents"]}, f"{path} is not in the records")
archived = sum("archive" in i for i in answer["items"])
print(f"OK: {len(records)} records of message {head['messageId']}, signed, chained, none dropped, {archived} archived")
