"""Callbacks through the API and the template's wiring, on moto: a sender registers its endpoint (verified
by a signed challenge, the key fetched from the well-known route), its recipient reads a message, the
bus routes MessageRead to the callback queue and the send_callbacks function delivers it, signed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.apigw import publication
from tests.callback_receiver import running_receiver
from tests.integration.test_pipeline_handlers import sqs_event
from tests.integration.test_replies_api import send_reply

ROOT = Path(__file__).resolve().parents[2]
CALLBACKS = "/messageRegistry/v3/callbacks"
EBOX = "/messageRegistry/v2/ebox"


@pytest.fixture(scope="module")
def stack_parameters():
    return {"CallbackLoopbackAllowed": "true"}


@pytest.fixture
def send_callbacks(stack):
    from ebox_local.functions import load_handler

    return load_handler(ROOT / "functions" / "send_callbacks", "app.handler")


def put_endpoint(api, token, application, body):
    return api.call("PUT", f"{CALLBACKS}/{application}", body=json.dumps(body).encode(),
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def test_a_sender_is_called_back_when_its_message_is_read(stack, api, sender_token, enterprise_token, send_callbacks):
    keys = api.call("GET", "/.well-known/ebox-callback-keys").json()
    assert keys["keys"][0]["kty"] == "EC" and keys["keys"][0]["alg"] == "ES256"
    with running_receiver(lambda: keys) as receiver:
        registered = put_endpoint(api, sender_token, "demo-app", {"url": receiver.url, "events": ["message.read"]})
        assert registered.status == 200, registered.body
        assert registered.json()["status"] == "VERIFIED"  # the challenge was signed with the published key
        listed = api.get(sender_token, CALLBACKS).json()["items"]
        assert [(e["applicationId"], e["events"]) for e in listed] == [("demo-app", ["message.read"])]

        message_id = api.publish(sender_token, publication()).json()["messageId"]
        href = api.get(enterprise_token, f"{EBOX}/messages/{message_id}").json()["attachments"]["items"][0][
            "contentHref"]
        assert api.get(enterprise_token, href).status == 200  # opening the main content: read

        queue = stack.provisioned.queue_url("CallbackQueue")
        event = sqs_event(stack, queue, expected=1)
        assert [json.loads(r["body"])["detail-type"] for r in event["Records"]] == ["MessageRead"]  # no publication
        assert send_callbacks(event, None) == {"batchItemFailures": []}
        [callback] = receiver.wait_for(1)
        assert callback["type"] == "be.ebox.message.read" and callback["subject"] == message_id
        assert callback["data"]["recipient"]["enterpriseNumber"] == "0852093431"

    [delivery] = api.get(sender_token, f"{CALLBACKS}/deliveries").json()["items"]
    assert delivery["status"] == "DELIVERED" and delivery["event"]["id"] == callback["id"]
    assert api.get(sender_token, f"{CALLBACKS}/deliveries", {"status": "FAILED"}).json()["items"] == []


def test_a_reply_reaches_the_sender_that_asked_for_replies(stack, api, sender_token, enterprise_token,
                                                           send_callbacks):
    keys = api.call("GET", "/.well-known/ebox-callback-keys").json()
    with running_receiver(lambda: keys) as receiver:
        registered = put_endpoint(api, sender_token, "demo-app", {"url": receiver.url, "events": ["reply.received"]})
        assert registered.json()["status"] == "VERIFIED"
        original = api.publish(sender_token, publication(isReplyAuthorized=True)).json()["messageId"]
        reply = send_reply(api, enterprise_token, original)
        assert reply.status == 201, reply.body
        event = sqs_event(stack, stack.provisioned.queue_url("CallbackQueue"), expected=1)
        assert send_callbacks(event, None) == {"batchItemFailures": []}
        [callback] = receiver.wait_for(1)
        assert callback["type"] == "be.ebox.reply.received" and callback["subject"] == reply.json()["messageId"]
        assert callback["data"]["from"] == "0852093431"


def test_only_a_sender_registers_and_only_for_its_own_applications(api, sender_token, enterprise_token):
    body = {"url": "https://sender.example/hooks", "events": ["message.read"]}
    assert put_endpoint(api, enterprise_token, "demo-app", body).status == 403
    assert put_endpoint(api, sender_token, "someone-elses-app", body).status == 404
    refused = put_endpoint(api, sender_token, "demo-app", {"url": "http://10.0.0.1/x", "events": ["message.read"]})
    assert refused.status == 400 and refused.json()["code"] == "INVALID_INPUT"
    unreachable = put_endpoint(api, sender_token, "demo-app", {"url": "http://127.0.0.1:9/x",
                                                               "events": ["message.read"]})
    assert unreachable.json()["status"] == "PENDING_VERIFICATION" and unreachable.json()["lastError"]
    missing = api.call("POST", f"{CALLBACKS}/deliveries/nope/redeliver",
                       headers={"Authorization": f"Bearer {sender_token}"})
    assert missing.status == 404


def test_the_operator_rotates_the_signing_key_and_senders_verify_with_the_new_key_id(
        stack, api, sender_token, enterprise_token, send_callbacks):
    operator = str(api.token("ops-admin", "demo-secret"))
    first = api.call("GET", "/.well-known/ebox-callback-keys").json()["keys"]
    assert len(first) == 1
    old_kid = first[0]["kid"]

    def live_keys():  # what a sender does: fetch the published key set (again on an unknown keyid)
        return api.call("GET", "/.well-known/ebox-callback-keys").json()

    with running_receiver(live_keys) as receiver:
        assert put_endpoint(api, sender_token, "demo-app", {"url": receiver.url, "events": ["message.read"]}
                            ).json()["status"] == "VERIFIED"
        assert receiver.keyids == [old_kid]

        assert api.call("POST", "/admin/v1/callback-keys/rotate", headers={
            "Authorization": f"Bearer {sender_token}"}).status == 403
        rotated = api.call("POST", "/admin/v1/callback-keys/rotate", body=json.dumps({"graceDays": 7}).encode(),
                           headers={"Authorization": f"Bearer {operator}", "Content-Type": "application/json"})
        assert rotated.status == 200, rotated.body
        items = {k["kid"]: k for k in rotated.json()["items"]}
        [new_kid] = [kid for kid, k in items.items() if k["signing"]]
        assert new_kid != old_kid and items[new_kid]["status"] == "ACTIVE"
        assert items[old_kid]["status"] == "RETIRING" and items[old_kid]["retiresAt"]
        assert [k["kid"] for k in live_keys()["keys"]] == [new_kid, old_kid]  # the old one during the grace period

        message_id = api.publish(sender_token, publication()).json()["messageId"]
        href = api.get(enterprise_token, f"{EBOX}/messages/{message_id}").json()["attachments"]["items"][0][
            "contentHref"]
        assert api.get(enterprise_token, href).status == 200
        event = sqs_event(stack, stack.provisioned.queue_url("CallbackQueue"), expected=1)
        assert send_callbacks(event, None) == {"batchItemFailures": []}
        [callback] = receiver.wait_for(1)
        assert callback["subject"] == message_id and receiver.keyids[-1] == new_kid  # verified with the new key

        # a rotation with no grace (a leaked key): the replaced key is withdrawn at once
        again = api.call("POST", "/admin/v1/callback-keys/rotate", body=json.dumps({"graceDays": 0}).encode(),
                         headers={"Authorization": f"Bearer {operator}", "Content-Type": "application/json"})
        listed = {k["kid"]: k["status"] for k in again.json()["items"]}
        assert listed[new_kid] == "RETIRED" and listed[old_kid] == "RETIRING"
        newest = again.json()["publishedKids"][0]
        assert [k["kid"] for k in live_keys()["keys"]] == [newest, old_kid]
        verified = api.call("POST", f"{CALLBACKS}/demo-app/verify", headers={"Authorization": f"Bearer {sender_token}"})
        assert verified.json()["status"] == "VERIFIED" and receiver.keyids[-1] == newest
    bad = api.call("POST", "/admin/v1/callback-keys/rotate", body=json.dumps({"graceDays": 365}).encode(),
                   headers={"Authorization": f"Bearer {operator}", "Content-Type": "application/json"})
    assert bad.status == 400 and bad.json()["code"] == "INVALID_INPUT"
