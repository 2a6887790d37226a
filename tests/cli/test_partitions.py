"""`ebox inbox --partition/--unread/--search` and `ebox partitions …`: what the CLI asks the API for."""

from __future__ import annotations

import json

from tests.cli.conftest import CLERK, Run
from tests.cli.fake_api import FakeApi


def test_inbox_filters_become_the_apis_query(run: Run, api: FakeApi):
    result = run("inbox", *CLERK, "--partition", "ACCOUNTING", "--unread", "--search", "Société",
                 "--search-lang", "fr")
    assert result.exit_code == 0, result.output
    (listing,) = api.calls("GET", "/messageRegistry/v2/ebox/messages")
    assert listing.query == {"page": ["1"], "pageSize": ["25"], "partition": ["ACCOUNTING"], "readStatus": ["false"],
                             "q": ["Société"], "qlang": ["fr"]}


def test_inbox_refuses_an_unknown_search_language(run: Run, api: FakeApi):
    result = run("inbox", *CLERK, "--search", "x", "--search-lang", "en")
    assert result.exit_code == 2 and not api.calls("GET", "/messageRegistry")


def test_an_administrator_creates_grants_and_routes(run: Run, api: FakeApi):
    assert run("partitions", "create", "ACCOUNTING", "Comptabilité", *CLERK).exit_code == 0
    granted = run("partitions", "grant", "90020199734", "--partition", "ACCOUNTING", "--partition", "GENERAL",
                  *CLERK)
    assert granted.exit_code == 0, granted.output
    assert api.users["90020199734"] == {"ssin": "90020199734", "roles": ["USER"],
                                        "partitions": ["ACCOUNTING", "GENERAL"]}
    assert run("partitions", "route", "--to", "ACCOUNTING", "--type", "demo-tax", "--priority", "10",
               *CLERK).exit_code == 0
    assert run("partitions", "route", "--to", "GENERAL", "--app", "demo-basic", "--priority", "5",
               *CLERK).exit_code == 0
    shown = run("partitions", "rules", *CLERK)
    lines = [line for line in shown.stdout.splitlines() if "demo-" in line]
    assert "GENERAL" in lines[0] and "ACCOUNTING" in lines[1]  # in the order they are tried
    listed = json.loads(run("partitions", "list", *CLERK, "--json").stdout)
    assert [p["partitionId"] for p in listed["items"]] == ["GENERAL", "ACCOUNTING"]


def test_a_route_replaces_the_rule_of_the_same_priority(run: Run, api: FakeApi):
    api.rules = [{"partitionId": "HR", "priority": 1, "messageTypeId": "a"},
                 {"partitionId": "HR", "priority": 2, "messageTypeId": "b"}]
    result = run("partitions", "route", "--to", "GENERAL", "--org", "0406798006", "--priority", "2", *CLERK)
    assert result.exit_code == 0, result.output
    assert api.rules == [{"partitionId": "HR", "priority": 1, "messageTypeId": "a"},
                         {"partitionId": "GENERAL", "priority": 2, "senderOrganizationId": "0406798006"}]


def test_a_route_needs_a_criterion(run: Run, api: FakeApi):
    result = run("partitions", "route", "--to", "GENERAL", "--priority", "2", *CLERK)
    assert result.exit_code == 2 and not api.calls("PUT", "/messageRegistry")


def test_a_refusal_is_one_line_not_a_traceback(run: Run, api: FakeApi):
    api.answer("GET", "/messageRegistry/v3/ebox/users", 403,
               {"id": "x", "code": "FORBIDDEN", "message": "only an administrator of this e-Box may do this"})
    result = run("partitions", "users", *CLERK)
    assert result.exit_code == 1 and "only an administrator" in result.output and "Traceback" not in result.output
