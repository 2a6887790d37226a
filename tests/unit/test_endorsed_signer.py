"""The per-process evidence keys: endorsed by the (KMS) evidence key, rotated daily, kids naming their day."""

import json

from ebox.adapters.endorsed_signer import ENDORSEMENT_MEMBER, KEY_LIFETIME, EndorsedKeySigner
from ebox.domain.evidence_access import unverified_claims

from tests.fakes import LocalSigner


class Endorser(LocalSigner):
    def jwk(self):
        return {"kid": self.key_id}


class Directory:
    def __init__(self):
        self.keys = []

    def publish_key(self, jwk):
        self.keys.append(jwk)


def test_one_key_a_day_each_endorsed_for_its_day_only():
    now = [1_796_000_000.0]
    directory = Directory()
    signer = EndorsedKeySigner(Endorser(), directory, clock=lambda: now[0])
    first = signer.key_id
    for _ in range(100):
        signer.sign_jws({"n": 1})
    now[0] += 3600
    assert signer.key_id == first and len(directory.keys) == 1  # one endorsement, not one per record
    now[0] += 23 * 3600
    assert signer.key_id != first and len(directory.keys) == 2  # a day later: a new key
    endorsement = unverified_claims(directory.keys[0][ENDORSEMENT_MEMBER])
    assert endorsement["exp"] - endorsement["iat"] == KEY_LIFETIME
    assert endorsement["jwk"]["kid"] == first and first.startswith("ek-20261130-")
    assert json.loads(json.dumps(directory.keys[1]))["kid"].startswith("ek-20261201-")
