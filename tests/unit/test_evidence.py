import pytest
from ebox.domain.evidence import ChainHead, EvidenceEvent, check_chain, record_hash, sign_events
from ebox.domain.evidence_access import unverified_claims
from ebox.domain.message import Message, StoredAttachment
from joserfc import jws
from joserfc.jwk import ECKey, KeySet

from tests.fakes import LocalSigner

MESSAGE = Message(
    message_id="01a2-m", recipient="0852093431", sender_organization_id="0406798006",
    sender_application_id="demo-app", message_type_id="demo-notice", subject={"fr": "Avis"},
    receipt_date="2026-11-22T10:00:00Z", expiration_date="2028-11-22T10:00:00Z", is_body_main_content=False,
    is_reply_authorized=False, is_registered_mail=True, body=None,
    attachments=[StoredAttachment("a1", "avis.pdf", "application/pdf", 10, True, False, None, "digest-a1", "k")],
)
ALL = [(EvidenceEvent.SUBMISSION_ACCEPTANCE, None), (EvidenceEvent.CONTENT_CONSIGNMENT, None),
       (EvidenceEvent.CONTENT_HANDOVER, None)]


@pytest.fixture
def signer():
    return LocalSigner()


def verified_payloads(signer, records):
    """Verified with joserfc: a JOSE library other than the one that signed."""
    public = ECKey.import_key(signer.private_key.public_key(), {"kid": signer.key_id})
    return [__import__("json").loads(jws.deserialize_compact(r.jws, KeySet([public]), algorithms=["ES256"]).payload)
            for r in records]


def test_records_carry_the_etsi_event_identities_and_document_digests(signer):
    records = sign_events(ALL, message=MESSAGE, head=ChainHead.empty(), event_time="2026-11-22T10:00:01Z",
                          signer=signer)
    first = verified_payloads(signer, records)[0]
    assert first["eventUri"] == "http://uri.etsi.org/19522/Event/SubmissionAcceptance"
    assert first["sender"]["enterpriseNumber"] == "0406798006"
    assert first["recipient"]["enterpriseNumber"] == "0852093431"
    assert first["documents"] == [{"attachmentId": "a1", "fileName": "avis.pdf", "digestMethod": "sha_256",
                                   "digestValue": "digest-a1"}]
    assert first["submissionTime"] == "2026-11-22T10:00:00Z" and first["previousRecordHash"] is None
    assert first["keyId"] == signer.key_id and first["policyId"]


def test_each_record_links_to_the_previous_one(signer):
    records = sign_events(ALL, message=MESSAGE, head=ChainHead.empty(), event_time="t", signer=signer)
    payloads = verified_payloads(signer, records)
    assert [p["sequence"] for p in payloads] == [1, 2, 3]
    assert payloads[2]["previousRecordHash"] == record_hash(records[1].jws)
    assert all(f.ok for f in check_chain(payloads, [r.jws for r in records]))


def test_a_removed_record_is_detected(signer):
    records = sign_events(ALL, message=MESSAGE, head=ChainHead.empty(), event_time="t", signer=signer)
    kept = [records[0], records[2]]
    findings = check_chain([unverified_claims(r.jws) for r in kept], [r.jws for r in kept])
    assert [f.ok for f in findings] == [True, False]


def test_reordered_records_are_detected(signer):
    records = sign_events(ALL, message=MESSAGE, head=ChainHead.empty(), event_time="t", signer=signer)
    swapped = [records[1], records[0], records[2]]
    findings = check_chain([unverified_claims(r.jws) for r in swapped], [r.jws for r in swapped])
    assert not findings[0].ok and not findings[1].ok


def test_an_edited_record_breaks_its_signature_and_the_next_link(signer):
    records = sign_events(ALL, message=MESSAGE, head=ChainHead.empty(), event_time="t", signer=signer)
    head, payload, signature = records[1].jws.split(".")
    claims = unverified_claims(records[1].jws)
    claims["eventTime"] = "2020-01-01T00:00:00Z"
    import base64
    import json

    forged = ".".join([head, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode(), signature])
    public = ECKey.import_key(signer.private_key.public_key(), {"kid": signer.key_id})
    with pytest.raises(Exception, match="signature"):
        jws.deserialize_compact(forged, KeySet([public]), algorithms=["ES256"])
    chain = [records[0].jws, forged, records[2].jws]
    findings = check_chain([unverified_claims(j) for j in chain], chain)
    assert [f.ok for f in findings] == [True, True, False]


def test_a_chain_continues_from_its_head(signer):
    first = sign_events(ALL[:2], message=MESSAGE, head=ChainHead.empty(), event_time="t", signer=signer)
    more = sign_events(ALL[2:], message=MESSAGE, head=ChainHead(2, first[1].record_hash), event_time="t",
                       signer=signer)
    assert more[0].sequence == 3
    assert unverified_claims(more[0].jws)["previousRecordHash"] == first[1].record_hash


def test_each_record_binds_subject_body_and_business_data_per_value(signer):
    from dataclasses import replace

    from ebox.domain.evidence import b64url_sha256

    message = replace(MESSAGE, subject={"fr": "Avis é", "nl": "Bericht"}, body={"fr": "Corps"},
                      business_data=[{"key": "dossier", "value": "42"}])
    record = sign_events(ALL[:1], message=message, head=ChainHead.empty(), event_time="t", signer=signer)[0]
    claims = unverified_claims(record.jws)
    assert claims["subjectDigests"] == {"fr": b64url_sha256("Avis é".encode()), "nl": b64url_sha256(b"Bericht")}
    assert claims["bodyDigests"] == {"fr": b64url_sha256(b"Corps")}
    assert claims["businessDataDigest"] == b64url_sha256(b'[{"key":"dossier","value":"42"}]')
    assert claims["recipient"]["enterpriseNumber"] == "0852093431" and claims["registeredMailType"] == "simple"


def test_the_chain_head_is_signed_and_a_dropped_last_record_is_detected(signer):
    from ebox.domain.evidence import HEAD_TYPE, check_head

    records = sign_events(ALL, message=MESSAGE, head=ChainHead.empty(), event_time="t", signer=signer)
    assert [r.head_jws is not None for r in records] == [False, False, True]
    assert __import__("jwt").get_unverified_header(records[-1].head_jws)["typ"] == HEAD_TYPE
    head = unverified_claims(records[-1].head_jws)
    jws_list = [r.jws for r in records]
    payloads = [unverified_claims(j) for j in jws_list]
    assert head["count"] == 3 and check_head(head, payloads, jws_list) is None
    assert "3 records" in str(check_head(head, payloads[:2], jws_list[:2]))
    assert "no signed head" in str(check_head(None, payloads, jws_list))
    old_policy = [dict(p, policyId="urn:ebox:evidence-policy:v1") for p in payloads]
    assert check_head(None, old_policy, jws_list) is None  # chains from before heads still verify
