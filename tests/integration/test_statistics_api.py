"""GET /admin/v1/statistics: what the platform did, counted from the bus's events and (publications) by the
outbox from the messages table's stream, for an operator; a sender's own figures for a sender; the figures
equal those recomputed from the messages table."""

import json
from collections import Counter

from ebox_local.functions import load_handler

from tests.apigw import publication
from tests.conftest import ROOT
from tests.integration.test_pipeline_handlers import sqs_event
from tests.waiting import eventually

STATISTICS = "/admin/v1/statistics"
SENDER = "0406798006"


def count_events(stack, expected):
    """The statistics queue's events through the real handler, each delivered twice."""
    handler = load_handler(ROOT / "functions" / "record_statistics", "app.handler")
    event = sqs_event(stack, stack.provisioned.queue_url("StatisticsQueue"), expected)
    assert len(event["Records"]) == expected
    assert handler(event, None) == {"batchItemFailures": []}
    assert handler(event, None) == {"batchItemFailures": []}


def published_counted(stack, expected):
    """The outbox counted ``expected`` publications from the stream (inline on moto, a moment later beside
    LocalStack): the statistics' documents, read as the operator's tables read them."""
    def documents():
        found = sum(c.counts.get("published", 0) for c in stack.services.statistics.counters("YEAR#"))
        return found if found >= expected else 0

    assert eventually(documents) == expected


def publication_markers(stack):
    """Markers of publications in the statistics table: none (a publication is counted without one)."""
    dynamodb, table = stack.services.client("dynamodb"), stack.services.config.statistics_table
    return [item["pk"]["S"] for page in dynamodb.get_paginator("scan").paginate(TableName=table)
            for item in page["Items"] if item["pk"]["S"].startswith("MARK#PUBLISHED#")]


def recounted(stack):
    """Documents per (sender, year) and read ones, counted afresh from the messages table (a scan: tests only)."""
    dynamodb = stack.services.client("dynamodb")
    documents, read = Counter(), Counter()
    for page in dynamodb.get_paginator("scan").paginate(TableName=stack.services.config.messages_table):
        for item in page["Items"]:
            if item["sk"]["S"].startswith("MSG#"):
                key = (item["sender_organization_id"]["S"], int(item["receipt_date"]["S"][:4]))
                documents[key] += 1
                read[key] += item.get("read_status", {}).get("BOOL", False)
    return documents, read


def test_operator_and_sender_see_the_figures_of_the_messages_table(stack, api, sender_token, enterprise_token):
    ids = [api.publish(sender_token, publication()).json()["messageId"] for _ in range(3)]
    ids.append(api.publish(sender_token, publication(registeredMailType="registered")).json()["messageId"])
    href = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{ids[0]}").json()[
        "attachments"]["items"][0]["contentHref"]
    api.get(enterprise_token, href)
    published_counted(stack, 4)  # by the outbox, from the stream
    count_events(stack, 1)  # one first read (the bus's MessagePublished does not reach the statistics)
    assert publication_markers(stack) == []

    operator = api.token("ops-admin", "demo-secret")
    tables = api.get(operator, STATISTICS).json()
    assert set(tables) == {"eboxes", "documentsPerYear", "documentsPerSenderPerYear", "newEboxesPerMonth", "senders"}
    documents, read = recounted(stack)
    assert {(r["year"]): r["documents"] for r in tables["documentsPerYear"]} == {
        year: sum(n for (_, y), n in documents.items() if y == year) for (_, year) in documents}
    rows = {(r["organizationId"], r["year"]): r for r in tables["senders"]}
    assert {key: row["documents"] for key, row in rows.items()} == dict(documents)
    assert {key: row["read"] for key, row in rows.items()} == dict(read)
    row = next(iter(rows.values()))
    assert row["name"] and row["readRatePercent"] == 25.0 and row["registered"] == {"published": 1, "read": 0}
    assert tables["eboxes"]["activeLast12Months"] == 1

    own = api.get(sender_token, f"{STATISTICS}/sender").json()
    assert own["organizationId"] == SENDER and own["senders"] == tables["senders"]
    assert "eboxes" not in own
    assert api.get(operator, f"{STATISTICS}/sender", {"organizationId": SENDER}).json() == own


def test_digital_only_counts_a_preference_once(stack, api, enterprise_token):
    body = json.dumps({"eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": "0852093431"},
                       "exclusivelyEbox": True}).encode()
    answer = api.call("PATCH", "/federation/v1/eboxPreferences", body=body,
                      headers={"Authorization": f"Bearer {enterprise_token}", "Content-Type": "application/json"})
    assert answer.status == 200, answer.body
    count_events(stack, 1)
    assert api.get(api.token("ops-admin", "demo-secret"), STATISTICS).json()["eboxes"]["digitalOnly"] == 1


def test_only_an_operator_sees_the_platform_and_a_sender_only_itself(api, sender_token, enterprise_token):
    assert api.get(sender_token, STATISTICS).status == 403
    assert api.get(enterprise_token, STATISTICS).status == 403
    assert api.get(enterprise_token, f"{STATISTICS}/sender").status == 403
    assert api.call("GET", STATISTICS).status == 401
    other = api.get(sender_token, f"{STATISTICS}/sender", {"organizationId": "0403019261"}).json()
    assert other["organizationId"] == SENDER
    operator = api.token("ops-admin", "demo-secret")
    assert api.get(operator, f"{STATISTICS}/sender", {"organizationId": "12"}).json()["code"] == "INVALID_INPUT"
