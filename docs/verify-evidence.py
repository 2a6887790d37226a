"""Checks an e-Box message's evidence with a standard JOSE library (joserfc) and openssl, nothing of e-Box's.

    python verify-evidence.py evidences.json keys.json [document ...]

evidences.json: the answer of GET …/messages/{id}/evidences; keys.json: GET /evidence/keys (add any older
key from GET /evidence/keys/{kid}). Trust: keys.json's one key without an endorsement is the KMS evidence key;
any other key counts only if that key endorsed it and the record was signed within the endorsed day."""
import base64
import hashlib
import json
import subprocess
import sys
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
for path in sys.argv[3:]:
    openssl = ["openssl", "dgst", "-sha256", "-binary", path]
    digest = subprocess.run(openssl, capture_output=True, check=True).stdout  # noqa: S603, S607
    check(b64(digest) in {d["digestValue"] for r in records for d in r["documents"]}, f"{path} is not in the records")
print(f"OK: {len(records)} records of message {head['messageId']}, signed, chained, none dropped")
