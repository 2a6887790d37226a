"""A publication reads the sender's suspension and its recipient's register entry in one consistent call
(ebox.adapters.publication_registry), and still refuses what either says it must."""

from contextlib import contextmanager

from botocore.client import BaseClient
from ebox.adapters.publication_registry import PublicationRegistry
from ebox.adapters.tables.registry_items import EnterpriseItem
from ebox.domain.message import Recipient

from tests.apigw import publication
from tests.fakes import INACTIVE

DEMO_SENDER = "0406798006"
CITIZEN = "85073003328"


@contextmanager
def registry_reads():
    """The DynamoDB calls made on the registry table meanwhile, by any client: (operation, keys read)."""
    table = EnterpriseItem.Meta.table_name
    seen = []
    make_call = BaseClient._make_api_call

    def recording(client, operation, params):
        if operation == "GetItem" and params.get("TableName") == table:
            seen.append(("GetItem", [params["Key"]["pk"]["S"]]))
        if operation == "BatchGetItem" and table in params.get("RequestItems", {}):
            seen.append(("BatchGetItem", [k["pk"]["S"] for k in params["RequestItems"][table]["Keys"]]))
        return make_call(client, operation, params)

    BaseClient._make_api_call = recording
    try:
        yield seen
    finally:
        BaseClient._make_api_call = make_call


def test_an_enterprise_publication_reads_suspension_and_recipient_in_one_call(api, sender_token):
    api.publish(sender_token, publication())  # warms the cached reference data (sender trio, message type)
    with registry_reads() as seen:
        answer = api.publish(sender_token, publication())
    assert answer.status == 201, answer.body
    assert seen == [("BatchGetItem", [f"ORG#{DEMO_SENDER}", "ENT#0852093431"])]


def test_a_citizen_publication_reads_both_in_one_call(api, sender_token):
    to_citizen = publication(recipient={"eboxType": "citizen", "ssin": CITIZEN})
    api.publish(sender_token, to_citizen)
    with registry_reads() as seen:
        answer = api.publish(sender_token, to_citizen)
    assert answer.status == 201, answer.body
    assert seen == [("BatchGetItem", [f"ORG#{DEMO_SENDER}", f"CITIZEN#{CITIZEN}"])]


def test_an_inactive_enterprise_is_still_refused(api, sender_token):
    answer = api.publish(sender_token, publication(recipient={"eboxType": "enterprise", "enterpriseNumber": INACTIVE}))
    assert answer.status == 400 and "not active" in answer.json()["message"]


def test_a_suspended_sender_is_refused_at_once(api, sender_token, stack):
    stack.services.registry.suspend_sender(DEMO_SENDER, reason="test", since="2026-11-30T10:00:00Z", by="operator")
    try:
        refused = api.publish(sender_token, publication())
        assert refused.status == 400 and refused.json()["code"] == "INVALID_SENDER", refused.body
    finally:
        stack.services.registry.reinstate_sender(DEMO_SENDER)
    assert api.publish(sender_token, publication()).status == 201


class _Unprocessing:
    """A connection whose BatchGetItem processes nothing (as DynamoDB may, under load)."""

    def __init__(self) -> None:
        self.batches = 0

    def dispatch(self, operation, params):
        self.batches += 1
        (table, request), = params["RequestItems"].items()
        return {"Responses": {}, "UnprocessedKeys": {table: request}}


def test_keys_left_unprocessed_are_read_one_by_one(stack):
    registry = stack.services.registry
    connection = _Unprocessing()
    view = PublicationRegistry(registry, connection, organization_id=DEMO_SENDER,
                               recipient=Recipient("enterprise", INACTIVE))
    holder = view.enterprise(INACTIVE)
    assert holder is not None and holder.active is False  # the register's answer, read on its own
    assert view.sender_suspended(DEMO_SENDER) is False
    assert connection.batches == 2  # bounded: two tries, then the single reads
