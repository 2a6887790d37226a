"""Signed evidence of every message, on moto (KMS ECC key), read back as sender and recipient."""

import json
import os

import pytest
from ebox.domain.evidence import check_chain
from joserfc import jws
from joserfc.jwk import KeySet

from tests.apigw import PDF, publication
from tests.conftest import on_localstack, stream_held
from tests.fakes import OTHER, b64url_sha256

EBOX = "/messageRegistry/v2/ebox"


def evidences(api, token, message_id):
    return api.get(token, f"/messageRegistry/v3/ebox/messages/{message_id}/evidences")


def verified(api, items):
    """Each record verified with joserfc against the published JWKS (KMS signed, PyJWT not involved)."""
    keys = KeySet.import_key_set(api.call("GET", "/evidence/keys").json())
    return [json.loads(jws.deserialize_compact(i["jws"], keys, algorithms=["ES256"]).payload) for i in items]


def test_publication_leaves_signed_submission_and_consignment_evidence(api, sender_token, enterprise_token):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    for token in (sender_token, enterprise_token):
        answer = evidences(api, token, message_id)
        assert answer.status == 200
        assert [i["event"] for i in answer.json()["items"]] == ["SubmissionAcceptance", "ContentConsignment"]
    payloads = verified(api, answer.json()["items"])
    assert payloads[0]["documents"][0]["digestValue"] == b64url_sha256(PDF)
    assert payloads[0]["messageId"] == message_id
    assert all(f.ok for f in check_chain(payloads, [i["jws"] for i in answer.json()["items"]]))


def test_first_opening_of_the_main_content_is_a_chained_content_handover(api, sender_token, enterprise_token):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    href = api.get(enterprise_token, f"{EBOX}/messages/{message_id}").json()["attachments"]["items"][0]["contentHref"]
    api.get(enterprise_token, href)
    api.get(enterprise_token, href)  # a second opening is no new event
    items = evidences(api, sender_token, message_id).json()["items"]
    assert [i["event"] for i in items] == ["SubmissionAcceptance", "ContentConsignment", "ContentHandover"]
    payloads = verified(api, items)
    assert all(f.ok for f in check_chain(payloads, [i["jws"] for i in items]))


def test_nobody_else_sees_a_messages_evidence(api, sender_token):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    other = api.token(f"ent-{OTHER}", "demo-secret")
    answer = evidences(api, other, message_id)
    assert answer.status == 404 and answer.json()["code"] == "NOT_FOUND"
    assert evidences(api, sender_token, "01a20000-0000-7000-8000-000000000000").status == 404


def test_a_repeated_publication_adds_no_evidence(api, sender_token):
    first = api.publish(sender_token, publication(), idempotency_key="ev-1").json()["messageId"]
    assert api.publish(sender_token, publication(), idempotency_key="ev-1").status == 409
    assert len(evidences(api, sender_token, first).json()["items"]) == 2


def test_a_malformed_publication_leaves_no_evidence(api, sender_token, stack):
    from ebox.adapters.tables.message_items import EvidenceItem

    assert api.publish(sender_token, b"--garbage").status == 400
    assert list(EvidenceItem.scan()) == []


def test_a_refused_publication_gets_a_signed_submission_rejection(api, sender_token):
    refused = api.publish(sender_token, publication(digest=b64url_sha256(b"other bytes")))
    assert refused.status == 400 and refused.json()["code"] == "DIGEST_DO_NOT_MATCH"
    keys = KeySet.import_key_set(api.call("GET", "/evidence/keys").json())
    record = json.loads(jws.deserialize_compact(refused.json()["evidence"], keys, algorithms=["ES256"]).payload)
    assert record["event"] == "SubmissionRejection"
    assert record["reasons"][0].startswith("DIGEST_DO_NOT_MATCH")
    assert record["sender"]["enterpriseNumber"] == "0406798006"
    assert record["documents"][0]["digestValue"] == b64url_sha256(PDF)
    listed = evidences(api, sender_token, record["messageId"]).json()["items"]
    assert [i["event"] for i in listed] == ["SubmissionRejection"]


def _opened(api, sender_token, enterprise_token):
    message_id = api.publish(sender_token, publication(body={"fr": "Voir le document."})).json()["messageId"]
    href = api.get(enterprise_token, f"{EBOX}/messages/{message_id}").json()["attachments"]["items"][0]["contentHref"]
    api.get(enterprise_token, href)
    return message_id


def test_the_docs_verifier_checks_a_chain_with_joserfc_and_openssl_alone(api, sender_token, enterprise_token,
                                                                         tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    message_id = _opened(api, sender_token, enterprise_token)
    answer = evidences(api, sender_token, message_id).json()
    (tmp_path / "keys.json").write_text(json.dumps(api.call("GET", "/evidence/keys").json()))
    (tmp_path / "avis.pdf").write_bytes(PDF)
    script = Path(__file__).resolve().parents[2] / "docs" / "verify-evidence.py"
    assert "import ebox" not in script.read_text() and "from ebox" not in script.read_text()

    def run(evidence, *documents):
        (tmp_path / "evidences.json").write_text(json.dumps(evidence))
        return subprocess.run([sys.executable, str(script), "evidences.json", "keys.json", *documents],
                              check=False, cwd=tmp_path, capture_output=True, text=True)

    checked = run(answer, "avis.pdf")
    assert checked.returncode == 0, checked.stderr
    assert "OK: 3 records" in checked.stdout
    if not on_localstack():  # moto's stream reaches the evidence archive within the write
        assert "3 archived" in checked.stdout
    dropped = run(dict(answer, items=answer["items"][:-1]))
    assert dropped.returncode != 0 and "dropped" in dropped.stderr
    (tmp_path / "other.pdf").write_bytes(b"%PDF-1.7 other")
    assert run(answer, "other.pdf").returncode != 0


def test_the_cli_verifier_trusts_a_key_only_through_its_endorsement(api, sender_token, enterprise_token):
    from ebox_cli.evidence_check import verify_records

    message_id = _opened(api, sender_token, enterprise_token)
    answer = evidences(api, sender_token, message_id).json()
    jws_list = [i["jws"] for i in answer["items"]]
    jwks = api.call("GET", "/evidence/keys").json()
    assert verify_records(jws_list, jwks, [], head=answer["head"]).ok
    assert not verify_records(jws_list[:-1], jwks, [], head=answer["head"]).ok  # last record dropped
    anchor_only = {"keys": [k for k in jwks["keys"] if "ebox_endorsement" not in k]}
    fetched = verify_records(jws_list, anchor_only, [], head=answer["head"],
                             lookup=lambda kid: api.call("GET", f"/evidence/keys/{kid}").json())
    assert fetched.ok  # a key archived out of the list is fetched by kid, and still checked
    forged = [dict(k, ebox_endorsement=jwks["keys"][0].get("ebox_endorsement", "")) if "ebox_endorsement" in k
              else k for k in jwks["keys"]]
    for key in forged:
        if "ebox_endorsement" in key:
            key["x"], key["y"] = anchor_only["keys"][0]["x"], anchor_only["keys"][0]["y"]
    assert not verify_records(jws_list, {"keys": forged}, [], head=answer["head"]).ok


def test_publication_signs_with_an_endorsed_key_not_kms_per_message(api, sender_token, stack):
    records = [evidences(api, sender_token, api.publish(sender_token, publication()).json()["messageId"]).json()
               for _ in range(3)]
    kids = {__import__("jwt").get_unverified_header(i["jws"])["kid"] for r in records for i in r["items"]}
    assert len(kids) == 1 and kids.pop().startswith("ek-")


class _InProcessTsa:
    """A requests-like session answering RFC 3161 queries with the local TSA, without a server."""

    def __init__(self, tsa):
        self.tsa = tsa

    def post(self, url, data, headers, timeout):
        from types import SimpleNamespace

        return SimpleNamespace(status_code=200, content=self.tsa.respond(data))


@pytest.mark.skipif(on_localstack(), reason="holds moto's stream records to archive them with a local TSA")
def test_archived_evidence_verifies_with_openssl_in_batches_and_as_archived_before(api, stack, sender_token,
                                                                                   tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from ebox.adapters.evidence_archive import S3EvidenceArchive
    from ebox.adapters.timestamping import Rfc3161Timestamper
    from ebox.domain.evidence_batches import single_record_key
    from ebox.pipeline.evidence_archiving import ArchivingPorts, archive_batch
    from ebox_cli.evidence_check import verify_records
    from ebox_local.tsa import LocalTsa

    svc, tsa = stack.services, LocalTsa()
    stamper = Rfc3161Timestamper("http://tsa.test/tsa", session=_InProcessTsa(tsa))
    with stream_held():
        batched, other, before = (api.publish(sender_token, publication()).json()["messageId"] for _ in range(3))
    archive_batch(svc.index.evidence(batched) + svc.index.evidence(other),
                  ArchivingPorts(svc.evidence_archive, svc.archive_entries, stamper))
    archive = S3EvidenceArchive(svc.client("s3"), bucket=svc.config.evidence_bucket)
    for record in svc.index.evidence(before):  # archived as before batches: one object and token per record
        key = single_record_key(record)
        svc.client("s3").put_object(Bucket=svc.config.evidence_bucket, Key=key, Body=record.jws.encode(),
                                    ChecksumAlgorithm="SHA256")
        archive.put_token(key, stamper.timestamp(record.jws.encode()))
    (tmp_path / "keys.json").write_text(json.dumps(api.call("GET", "/evidence/keys").json()))
    (tmp_path / "tsa.pem").write_bytes(tsa.certificate_pem())
    script = Path(__file__).resolve().parents[2] / "docs" / "verify-evidence.py"

    def run(evidence):
        (tmp_path / "evidences.json").write_text(json.dumps(evidence))
        return subprocess.run([sys.executable, str(script), "evidences.json", "keys.json"], check=False,
                              cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "TSA_CERT": "tsa.pem"})

    for message_id, place in ((batched, "evidence/batches/"), (before, f"evidence/{before}/")):
        answer = evidences(api, sender_token, message_id).json()
        assert all(i["archive"]["object"].startswith(place) and i["archive"]["timeStampToken"]
                   for i in answer["items"])
        checked = run(answer)
        assert checked.returncode == 0, checked.stderr
        assert "2 archived" in checked.stdout
        verdict = verify_records([i["jws"] for i in answer["items"]], api.call("GET", "/evidence/keys").json(), [],
                                 head=answer["head"], archives=[i["archive"] for i in answer["items"]],
                                 tsa_certificate=tsa.certificate_pem())
        assert verdict.ok and sum("by the trusted TSA" in row[3] for row in verdict.rows) == 2, verdict
    answer = evidences(api, sender_token, batched).json()
    assert answer["items"][0]["archive"]["line"] == 1 and len(answer["items"][0]["archive"]["digests"]) == 4
    moved = json.loads(json.dumps(answer))
    moved["items"][0]["archive"]["line"] = 2
    assert "not in its batch" in run(moved).stderr
    forged = json.loads(json.dumps(answer))
    forged["items"][0]["archive"]["digests"][3] = forged["items"][0]["archive"]["digests"][2]  # another batch
    assert "does not hold" in run(forged).stderr
