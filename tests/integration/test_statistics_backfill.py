"""The statistics' backfill (docs/statistics.md, "Backfill"): the message counters kept incrementally from the
bus are wiped, and rebuilt from the messages table they equal what they were; a run goes a bounded page at a
time, resumes from its saved cursor, and a page replayed twice counts once."""

from __future__ import annotations

import json
from dataclasses import replace

from ebox.domain import clock
from ebox.domain.statistics_backfill import DONE
from ebox.pipeline.statistics_backfill import advance_backfill

from tests.apigw import publication
from tests.integration.test_statistics_api import STATISTICS, count_events, published_counted
from tests.waiting import eventually

BACKFILL = STATISTICS + "/backfill"


def history(stack, api, sender_token, enterprise_token) -> int:
    """Publications of each level, first reads (one twice), a digital-only preference: the events it made."""
    ids = [api.publish(sender_token, publication()).json()["messageId"] for _ in range(4)]
    ids.append(api.publish(sender_token, publication(registeredMailType="registered")).json()["messageId"])
    for message_id in (ids[0], ids[2], ids[4], ids[0]):
        href = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}").json()[
            "attachments"]["items"][0]["contentHref"]
        assert api.get(enterprise_token, href).status == 200
    body = json.dumps({"eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": "0852093431"},
                       "exclusivelyEbox": True}).encode()
    answer = api.call("PATCH", "/federation/v1/eboxPreferences", body=body,
                      headers={"Authorization": f"Bearer {enterprise_token}", "Content-Type": "application/json"})
    assert answer.status == 200, answer.body
    published_counted(stack, 5)  # by the outbox, from the stream
    return 3 + 1  # the events that reach the statistics queue: first reads, the preference


def wipe_message_counters(stack) -> int:
    """A loss: every document and activity counter, in every shard (the markers and e-Box counters stay)."""
    db, table = stack.services.client("dynamodb"), stack.services.config.statistics_table
    gone = 0
    for page in db.get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            if item["pk"]["S"].startswith("STATS#") and item["sk"]["S"].startswith(("YEAR#", "SENDER#", "ACTIVE#")):
                db.delete_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]})
                gone += 1
    return gone


def counters(stack) -> dict[str, dict[str, int]]:
    return {c.key: {k: v for k, v in c.counts.items() if v} for c in stack.services.statistics.counters()}


def test_wiped_counters_are_rebuilt_exactly_from_the_messages_table(stack, api, sender_token, enterprise_token):
    count_events(stack, history(stack, api, sender_token, enterprise_token))
    operator = api.token("ops-admin", "demo-secret")
    kept, tables = counters(stack), api.get(operator, STATISTICS).json()
    assert tables["eboxes"]["digitalOnly"] == 1 and tables["eboxes"]["activeLast12Months"] == 1

    assert wipe_message_counters(stack) > 0
    assert api.get(operator, STATISTICS).json() != tables
    assert api.call("POST", BACKFILL, headers={"Authorization": f"Bearer {sender_token}"}).status == 403

    progress = api.call("POST", BACKFILL, headers={"Authorization": f"Bearer {operator}"})
    for _ in range(100):
        assert progress.status == 200, progress.body
        if progress.json()["done"]:
            break
        progress = api.call("POST", BACKFILL, headers={"Authorization": f"Bearer {operator}"})
    assert progress.json()["messages"] >= 5 and progress.json()["phase"] == DONE
    assert counters(stack) == kept
    assert api.get(operator, STATISTICS).json() == tables

    # done stays done; a new run (restart) gives the same figures again
    again = api.call("POST", BACKFILL, body=json.dumps({"restart": True, "pages": 20}).encode(),
                     headers={"Authorization": f"Bearer {operator}", "Content-Type": "application/json"})
    for _ in range(100):
        if again.json()["done"]:
            break
        again = api.call("POST", BACKFILL, headers={"Authorization": f"Bearer {operator}"})
    assert counters(stack) == kept


def test_a_run_resumes_page_by_page_and_a_page_replayed_counts_once(stack, api, sender_token, enterprise_token):
    count_events(stack, history(stack, api, sender_token, enterprise_token))
    kept = counters(stack)
    wipe_message_counters(stack)
    ports = stack.services.backfill_ports()
    started = clock.now_timestamp()  # the messages were received before: the run replays their publications
    progress = advance_backfill(ports, restart=True, pages=1, now=started, page_items=3)
    steps = 1
    replayed_once = False
    while progress.phase != DONE:
        if progress.phase == "replay" and progress.cursor and not replayed_once:
            # an interrupted call: the saved cursor goes back one page (its work done, its save lost)
            earlier = ports.rebuild.progress()
            assert earlier is not None
            ports.rebuild.save_progress(replace(earlier, cursor=None, version=earlier.version + 1),
                                        seen_version=earlier.version)
            replayed_once = True
        progress = advance_backfill(ports, restart=False, pages=1, now=started, page_items=3)
        steps += 1
        assert steps < 500, progress
    assert replayed_once and steps > 4  # bounded pages: several calls
    assert counters(stack) == kept


def test_a_publication_during_the_replay_is_counted_once_by_the_outbox(stack, api, sender_token, enterprise_token):
    """The replay counts the publications of the messages received before the run started; one received
    since is the outbox's (from the stream, without a marker the replay could find)."""
    count_events(stack, history(stack, api, sender_token, enterprise_token))
    kept = counters(stack)
    wipe_message_counters(stack)
    ports = stack.services.backfill_ports()
    started = clock.now_timestamp()
    progress = advance_backfill(ports, restart=True, pages=1, now=started, page_items=3)
    while progress.phase != "replay":
        progress = advance_backfill(ports, restart=False, pages=1, now=started, page_items=3)
    assert eventually(lambda: clock.now_timestamp() > started)  # timestamps are to the second
    api.publish(sender_token, publication())  # the outbox counts it (the wipe is over: nothing removes it)
    while progress.phase != DONE:
        progress = advance_backfill(ports, restart=False, pages=1, now=started, page_items=3)
    [year] = [k for k in kept if k.startswith("YEAR#")]
    assert eventually(lambda: counters(stack)[year] == {"published": kept[year]["published"] + 1}), counters(stack)
