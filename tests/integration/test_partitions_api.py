"""Partitions on moto: routing rules place each new message, and a person sees only the partitions
they hold rights on; anything else answers exactly like a message that does not exist."""

import base64
import json

import pytest

from tests.apigw import publication
from tests.fakes import OTHER

EBOX = "/messageRegistry/v2/ebox"
ANNA, BRUNO = "85073003328", "90020199734"  # demo users of Demo Bakery: administrator; ACCOUNTING only


@pytest.fixture
def placed(api, sender_token):
    """One message per partition of Demo Bakery, placed by its routing rules."""
    def publish(**overrides):
        answer = api.publish(sender_token, publication(**overrides))
        assert answer.status == 201, answer.body
        return answer.json()["messageId"]

    return {
        "GENERAL": publish(subject={"fr": "Avis général"}),
        "ACCOUNTING": publish(messageTypeId="demo-tax", subject={"fr": "Avertissement-extrait de rôle"}),
        "HR": publish(senderApplicationId="demo-basic", subject={"fr": "Attestation de personnel"}),
    }


@pytest.fixture
def anna(api):
    return api.token("user-anna", "demo-secret")


@pytest.fixture
def bruno(api):
    return api.token("user-bruno", "demo-secret")


def _claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_user_tokens_carry_the_persons_ssin(anna, enterprise_token):
    assert _claims(anna)["ssin"] == ANNA and _claims(anna)["enterpriseNumber"] == "0852093431"
    assert "ssin" not in _claims(enterprise_token)


def test_routing_rules_place_each_message_in_its_partition(api, enterprise_token, placed):
    for partition, message_id in placed.items():
        assert api.get(enterprise_token, f"{EBOX}/messages/{message_id}").json()["partition"] == partition


def test_a_person_sees_only_the_partitions_they_hold_rights_on(api, bruno, anna, enterprise_token, placed):
    page = api.get(bruno, EBOX + "/messages").json()
    assert [m["messageId"] for m in page["items"]] == [placed["ACCOUNTING"]]
    assert page["totalItems"] == 1
    assert api.get(bruno, EBOX).json()["numberOfMessages"] == 1
    everything = sorted(placed.values(), reverse=True)
    assert [m["messageId"] for m in api.get(anna, EBOX + "/messages").json()["items"]] == everything
    assert api.get(enterprise_token, EBOX + "/messages").json()["totalItems"] == 3


@pytest.mark.parametrize("suffix", ["", "/attachments", "/body"])
def test_another_partitions_message_answers_like_one_that_does_not_exist(api, bruno, placed, suffix):
    unknown = "0192f3a4-0000-7000-8000-000000000000"
    hidden = api.get(bruno, f"{EBOX}/messages/{placed['HR']}{suffix}")
    missing = api.get(bruno, f"{EBOX}/messages/{unknown}{suffix}")
    assert hidden.status == missing.status == 404
    assert hidden.json()["code"] == missing.json()["code"] == "NOT_FOUND"
    assert hidden.json()["message"].replace(placed["HR"], "X") == missing.json()["message"].replace(unknown, "X")


def test_a_person_cannot_open_a_hidden_partitions_document(api, bruno, enterprise_token, placed):
    attachment = api.get(enterprise_token, f"{EBOX}/messages/{placed['HR']}").json()["attachments"]["items"][0]
    assert api.get(bruno, attachment["contentHref"]).status == 404
    assert api.get(enterprise_token, f"{EBOX}/messages/{placed['HR']}").json()["readStatus"] is False


def test_asking_for_a_partition_without_rights_gives_nothing(api, bruno, placed):
    page = api.get(bruno, EBOX + "/messages", {"partition": "HR"}).json()
    assert page == {"items": [], "totalItems": 0}
    own = api.get(bruno, EBOX + "/messages", {"partition": "ACCOUNTING"}).json()
    assert [m["messageId"] for m in own["items"]] == [placed["ACCOUNTING"]]


def test_a_person_unknown_to_the_ebox_is_refused(api, stack):
    from ebox.domain.access import hash_secret
    from ebox.domain.registry import OAuthClient

    stack.services.registry.save_oauth_client(OAuthClient(
        "stranger", hash_secret("s", iterations=1000), "0852093431",
        frozenset({"scope:document:management:consult:ws-eboxrestentreprise:messagesfull"}), "71020812345"))
    answer = api.get(api.token("stranger", "s"), EBOX + "/messages")
    assert answer.status == 403 and answer.json()["code"] == "FORBIDDEN"


def test_another_enterprise_sees_none_of_it(api, placed):
    other = api.token(f"ent-{OTHER}", "demo-secret")
    assert api.get(other, EBOX + "/messages").json()["totalItems"] == 0
    for message_id in placed.values():
        assert api.get(other, f"{EBOX}/messages/{message_id}").status == 404


def test_the_senders_partition_is_kept_on_the_message(api, sender_token, stack):
    body = publication(sender={"eboxType": "enterprise", "enterpriseNumber": "0406798006", "partition": "DIR-3"})
    message_id = api.publish(sender_token, body).json()["messageId"]
    message = stack.services.index.get("0852093431", message_id)
    assert message.sender_partition == "DIR-3" and message.partition == "GENERAL"


def test_a_person_reads_no_evidence_of_another_partitions_message(api, bruno, anna, placed):
    path = f"/messageRegistry/v3/ebox/messages/{placed['HR']}/evidences"
    assert api.get(bruno, path).status == 404
    assert api.get(anna, path).json()["totalItems"] == 2
