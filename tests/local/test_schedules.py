"""Schedules fired on demand (moto never fires them): `POST /local/schedules` runs each schedule's
function with the rule's Input, plus `today` when asked."""

from __future__ import annotations

import json

from ebox_local.gateway import Gateway
from ebox_local.model import LocalFunction
from ebox_local.schedules import LocalSchedule
from werkzeug.test import Client

from tests.local.conftest import FIXTURES

JOBS = LocalFunction("Jobs", "jobs", "arn:aws:lambda:eu-west-1:123456789012:function:jobs", FIXTURES / "api",
                     "app.handler", {}, 10, 256)
SCHEDULES = [LocalSchedule("JobsDigest", "cron(0 5 * * ? *)", "Jobs", '{"job": "digest"}'),
             LocalSchedule("JobsReminders", "cron(0 6 * * ? *)", "Jobs", '{"job": "reminders"}')]


def _client(invoked, fail_on=None):
    def invoker(function, event):
        if event.get("job") == fail_on:
            raise RuntimeError("SES refused")
        invoked.append((function.logical_id, event))
        return {"sent": 1}

    gateway = Gateway(status=dict, mail=list, invoker=invoker)
    gateway.open([], {"Jobs": JOBS}, [], SCHEDULES)
    return Client(gateway)


def test_schedules_are_listed_and_fired_as_on_a_given_day():
    invoked = []
    client = _client(invoked)
    assert [s["rule"] for s in client.get("/local/schedules").json] == ["JobsDigest", "JobsReminders"]
    fired = client.post("/local/schedules", json={"today": "2027-01-15"}).json
    assert invoked == [("Jobs", {"job": "digest", "today": "2027-01-15"}),
                       ("Jobs", {"job": "reminders", "today": "2027-01-15"})]
    assert [f["result"] for f in fired] == [{"sent": 1}, {"sent": 1}]


def test_one_schedule_by_name_and_failures_reported():
    invoked = []
    client = _client(invoked, fail_on="digest")
    fired = client.post("/local/schedules", data=json.dumps({"rule": "JobsDigest"})).json
    assert invoked == [] and fired[0]["error"] == "RuntimeError: SES refused"
    assert client.post("/local/schedules", json={"rule": "Nope"}).status_code == 400
    assert client.post("/local/schedules", json={"today": "15/01/2027"}).status_code == 400
    assert client.post("/local/schedules", data="[1]").status_code == 400
    assert client.put("/local/schedules").status_code == 405
