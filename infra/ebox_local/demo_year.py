"""`make demo-year`: fills the running local stack (`make run`) with a realistic platform history, so that
the statistics (docs/statistics.md) and their charts mean something.

Dozens of sender organisations publish tens of thousands of messages over two years (growing, each at its
own pace) to thousands of e-Boxes opened month after month; most messages are read within days, some are
registered or qualified mail with their outcomes. Everything goes through the platform's own code: the
registry import, the publication use case (`publish`, as the bulk workers run it: evidence signed by an
endorsed container key), the consultation's first read, the qualified delivery's conclusion.

A past year is loaded as a migration would load it: its events go to the statistics' own counting code
(`record_events`, what RecordStatisticsFunction runs, into the same table), not onto the bus, so that the
stack does not e-mail a year of old messages nor time-stamp their audit trail again. (The publications
themselves are counted by the stack's outbox, from the messages table's stream, as every publication is.)
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from ebox import config as env

RESOURCES = {env.REGISTRY_TABLE: "RegistryTable", env.MESSAGES_TABLE: "MessagesTable",
             env.CONTENT_BUCKET: "ContentBucket", env.IMPORT_BUCKET: "ImportBucket", env.CONTENT_KEY_ID: "ContentKey",
             env.TOKEN_SIGNING_KEY_ID: "TokenSigningKey", env.EVIDENCE_KEY_ID: "EvidenceSigningKey",
             env.EVIDENCE_BUCKET: "EvidenceBucket", env.EVENT_BUS: "EventBus", env.BULK_TABLE: "BulkBatchesTable",
             env.STATISTICS_TABLE: "StatisticsTable"}
APPLICATION, MESSAGE_TYPE = "demo-year-app", "demo-year-notice"
NAMES = ["SPF Finances", "ONSS", "INASTI", "ONEM", "SPF Economie", "Région wallonne", "Vlaamse Belastingdienst",
         "Bruxelles Fiscalité", "SPF Justice", "AFSCA", "INAMI", "SPF Mobilité", "Famifed", "Actiris", "VDAB", "Forem",
         "SPF Emploi", "Statbel", "BCE", "SPF Intérieur", "Ville de Liège", "Stad Gent", "Stad Antwerpen",
         "Commune d'Ixelles", "FAGG", "IBGE", "OVAM", "SPW Fiscalité", "Douanes", "Sciensano", "ONVA", "FEDRIS",
         "SIGeDIS", "SFPD", "Kind en Gezin", "Iriscare"]


def enterprise_number(base: int) -> str:
    """A valid BCE/KBO number: eight digits and 97 - (those mod 97)."""
    return f"{base:08d}{97 - base % 97:02d}"


@dataclass
class Plan:
    senders: list[str]
    eboxes: dict[str, datetime]  # e-Box -> when it opened
    messages: list[dict[str, Any]]


def make_plan(rng: random.Random, *, messages: int, eboxes: int, senders: int, now: datetime) -> Plan:
    start = datetime(now.year - 1, 1, 1, tzinfo=UTC)
    orgs = [enterprise_number(19_000_000 + 7919 * i) for i in range(senders)]
    opened = {enterprise_number(1_000_000 + 2999 * i): start - timedelta(days=rng.randrange(180))
              + timedelta(seconds=rng.randrange(int((now - start).total_seconds())))
              for i in range(eboxes)}
    weights = [rng.paretovariate(1.2) for _ in orgs]  # a few big senders, many small ones
    growth = {org: rng.uniform(0.6, 1.8) for org in orgs}  # this year's pace against last year's
    span = (now - start).total_seconds()
    by_date = sorted(opened.items(), key=lambda item: item[1])
    dates = [when for _, when in by_date]
    plan = []
    for _ in range(messages):
        org = rng.choices(orgs, weights)[0]
        # Later dates are likelier for a growing sender: x ** (1 / g) leans towards 1 when g > 1.
        received = start + timedelta(seconds=span * rng.random() ** (1 / growth[org]))
        received = min(received, now - timedelta(minutes=5))
        open_then = max(1, bisect.bisect_right(dates, received))  # e-Boxes opened by then (the first always)
        level = rng.choices(("simple", "registered", "qualified"), (90, 8, 2))[0]
        read_at = received + timedelta(hours=rng.lognormvariate(3.2, 1.3))
        outcome = rng.choices(("accepted", "refused", "expired"), (80, 5, 15))[0] if level == "qualified" else None
        plan.append({"sender": org, "recipient": by_date[rng.randrange(open_then)][0], "received": received,
                     "level": level,
                     "read_at": read_at if read_at < now and rng.random() < 0.7 and outcome in (None, "accepted")
                     else None, "outcome": outcome})
    return Plan(orgs, opened, plan)


def registry_data(plan: Plan, rng: random.Random) -> dict[str, Any]:
    return {
        "messageTypes": [{"messageTypeId": MESSAGE_TYPE, "name": {"fr": "Avis", "nl": "Bericht", "de": "Mitteilung"},
                          "validity": {"number": 3, "unit": "year"}, "recipients": "both"}],
        "senderOrganizations": [
            {"organizationId": org, "shortName": {"fr": NAMES[i % len(NAMES)], "nl": NAMES[i % len(NAMES)]},
             "applications": [{"applicationId": APPLICATION, "name": {"fr": "Envois", "nl": "Zendingen"},
                               "messageTypeIds": [MESSAGE_TYPE], "registeredMailTypes": ["registered", "qualified"]}]}
            for i, org in enumerate(plan.senders)],
        "enterprises": [{"enterpriseNumber": number, "name": f"Entreprise {number}", "active": True,
                         "eboxActivated": True, "activatedAt": opened.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                         "exclusivelyEbox": rng.random() < 0.3}
                        for number, opened in plan.eboxes.items()],
    }


def _environment(api: str) -> dict[str, str]:
    status = requests.get(f"{api}/health", timeout=10).json()
    if status.get("status") != "ok":
        raise SystemExit(f"the local stack at {api} is not ready ({status.get('status')}): start it with `make run`")
    resources = status["resources"]
    return {"AWS_ENDPOINT_URL": status["awsEndpoint"], "AWS_REGION": status["region"],
            "AWS_DEFAULT_REGION": status["region"], "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            **{name: resources[logical] for name, logical in RESOURCES.items() if logical in resources}}


def _replayed_events() -> Any:
    """Message events buffered as for a bulk chunk, then counted by the statistics instead of put on the bus."""
    import json

    from ebox.adapters.buffered_events import BufferedMessageEvents
    from ebox.domain.statistics import record_events
    from ebox.wiring import services

    class StatisticsReplay(BufferedMessageEvents):
        def flush(self) -> None:
            entries, self._pending = self._pending, []
            record_events([{"source": e["Source"], "detail-type": e["DetailType"], "detail": json.loads(e["Detail"])}
                           for e in entries], services().statistics)

    return StatisticsReplay(None, bus_name="")


def _publish(chunk: list[dict[str, Any]]) -> None:
    """One worker's share, as a bulk chunk: the publication use case, then the first reads and outcomes."""
    from ebox.domain.access import EboxReader
    from ebox.domain.archived_documents import ChunkArchive
    from ebox.domain.consultation import Consultation
    from ebox.domain.ids import new_message_id
    from ebox.domain.message import MessageToPublish, Recipient, Sender
    from ebox.domain.publication import publish
    from ebox.domain.qualified_delivery import ANSWERED, AWAITING, OUTCOME_DETAIL_TYPES, conclude
    from ebox.domain.validity import format_timestamp
    from ebox.wiring import services

    svc = services()
    events = _replayed_events()
    ports = svc.bulk.publication_ports(events, ChunkArchive(None, {}))  # no documents
    for item in chunk:
        request = MessageToPublish(
            sender=Sender(item["sender"], APPLICATION), recipient=Recipient("enterprise", item["recipient"]),
            message_type_id=MESSAGE_TYPE, subject={"fr": "Avis", "nl": "Bericht"},
            body={"fr": "Votre avis est disponible.", "nl": "Uw bericht is beschikbaar."}, is_body_main_content=True,
            is_reply_authorized=False, is_registered_mail=item["level"] != "simple", attachments=(),
            registered_mail_type=None if item["level"] == "simple" else item["level"])
        received = item["received"]
        message_id = new_message_id(int(received.timestamp() * 1000))
        publish(request=request, documents={}, authenticated_org=item["sender"], claim=None, message_id=message_id,
                received=received, ports=ports)
        if item["outcome"]:
            message = svc.index.get(item["recipient"], message_id)
            assert message is not None
            if item["outcome"] in ("accepted", "refused"):
                svc.delivery_states.move(item["recipient"], message_id, expected=AWAITING, new=ANSWERED, evidence=[])
            answered = format_timestamp(received + timedelta(days=2))
            if conclude(message, item["outcome"], now=answered, index=svc.index, states=svc.delivery_states,
                        signer=ports.signer):
                events.delivery_concluded(message, OUTCOME_DETAIL_TYPES[item["outcome"]], item["outcome"])
            message.delivery_state = item["outcome"]
        if item["read_at"]:
            reader = EboxReader(item["recipient"], None, None, is_admin=True)
            # The consultation's first read, its event buffered and its evidence signed by the endorsed key.
            Consultation.for_reader(reader, index=svc.index, content=ports.content, events=events,
                                    signer=ports.signer).body(message_id, now=format_timestamp(item["read_at"]))
    events.flush()


def _operator_token(api: str) -> str:
    answer = requests.post(f"{api}/oauth/token", data={"grant_type": "client_credentials", "client_id": "ops-admin",
                                                        "client_secret": "demo-secret"}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _counted(api: str, token: str) -> int:
    answer = requests.get(f"{api}/admin/v1/statistics", headers={"Authorization": f"Bearer {token}"}, timeout=60)
    answer.raise_for_status()
    return sum(row["documents"] for row in answer.json()["documentsPerYear"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo-year", description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", default=os.environ.get("EBOX_API_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--messages", type=int, default=int(os.environ.get("DEMO_MESSAGES", "20000")))
    parser.add_argument("--eboxes", type=int, default=int(os.environ.get("DEMO_EBOXES", "2500")))
    parser.add_argument("--senders", type=int, default=int(os.environ.get("DEMO_SENDERS", "36")))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)

    os.environ.update(_environment(args.api))
    from ebox.registry_import import import_registry
    from ebox.wiring import services

    rng = random.Random(args.seed)  # noqa: S311 - demo data, reproducible
    plan = make_plan(rng, messages=args.messages, eboxes=args.eboxes, senders=args.senders, now=datetime.now(UTC))
    token = _operator_token(args.api)
    before = _counted(args.api, token)
    started = time.monotonic()
    events = _replayed_events()
    import_registry(registry_data(plan, rng), services().registry, events=events, secret_iterations=1000)
    events.flush()
    registered = time.monotonic()
    print(f"registry: {len(plan.senders)} senders, {len(plan.eboxes)} e-Boxes in {registered - started:.1f} s",
          flush=True)
    chunks = [plan.messages[i :: args.workers * 8] for i in range(args.workers * 8)]
    with ThreadPoolExecutor(args.workers) as pool:
        for done, _ in enumerate(pool.map(_publish, chunks), start=1):
            print(f"  published {done * len(plan.messages) // len(chunks)} / {len(plan.messages)}", flush=True)
    published = time.monotonic()
    print(f"published {len(plan.messages)} messages in {published - registered:.1f} s "
          f"({len(plan.messages) / (published - registered):.0f} messages/s)", flush=True)
    while (counted := _counted(args.api, token) - before) < len(plan.messages):
        print(f"  statistics: {counted} / {len(plan.messages)} counted", flush=True)
        time.sleep(5)
    print(f"statistics up to date {time.monotonic() - published:.1f} s later; whole year in "
          f"{time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
