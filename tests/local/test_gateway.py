"""HTTP → API Gateway REST proxy events → the API function → HTTP, as API Gateway does it."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from ebox_local.api_routes import match_route
from ebox_local.functions import forget_handlers
from ebox_local.gateway import MAX_PAYLOAD, Gateway, is_binary
from ebox_local.model import ApiRoute, LocalFunction
from werkzeug.test import Client

from tests.local.conftest import FIXTURES

ROUTES = [ApiRoute("/", "ANY", "ApiFunction"), ApiRoute("/{proxy+}", "ANY", "ApiFunction")]
API = LocalFunction("ApiFunction", "api", "arn:aws:lambda:eu-west-1:123456789012:function:api",
                    FIXTURES / "api", "app.handler", {}, 10, 256)
BINARY = ["multipart/form-data", "application/octet-stream", "image/png"]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def gateway():
    gateway = Gateway(status=lambda: {"status": "ok" if gateway.is_open else "starting"},
                      mail=lambda: [{"id": "m1"}])
    yield gateway
    forget_handlers()


@pytest.fixture
def client(gateway):
    gateway.open(ROUTES, {"ApiFunction": API}, BINARY)
    return Client(gateway)


def test_health_is_503_until_open_then_200(gateway):
    client = Client(gateway)
    starting = client.get("/health")
    assert starting.status_code == 503 and starting.json == {"status": "starting"}
    assert client.get("/anything").status_code == 503
    gateway.open(ROUTES, {"ApiFunction": API}, BINARY)
    assert client.get("/health").status_code == 200
    assert client.get("/local/mail").json == [{"id": "m1"}]


def test_a_multipart_binary_body_round_trips(client):
    document = bytes(range(256)) * 100 + b"\r\n--not-the-boundary\r\n\x00\xff"
    body = (b"--b0undary\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"d.pdf\"\r\n"
            b"Content-Type: application/pdf\r\n\r\n" + document + b"\r\n--b0undary--\r\n")
    answer = client.post("/upload", data=body, headers={"Content-Type": "multipart/form-data; boundary=b0undary"})
    assert answer.status_code == 200, answer.text
    assert answer.json["size"] == len(body) and answer.json["sha256"] == hashlib.sha256(body).hexdigest()


def test_a_binary_response_is_decoded(client):
    answer = client.get("/image", headers={"Accept": "image/png"})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "image/png" and answer.get_data() == PNG


def test_json_path_parameters_and_query_strings(client):
    answer = client.post("/echo/caf%C3%A9?a=1&a=2&b=", json={"x": [1, "é"]})
    assert answer.status_code == 200, answer.text
    body = answer.json
    assert body["name"] == "café" and body["json"] == {"x": [1, "é"]}
    assert body["query"] == {"a": "2", "b": ""} and body["greeting"] is None
    assert body["resource"] == "/echo/{name}" and body["requestId"]  # found behind /{proxy+} by app.handler
    assert client.get("/").json == {"root": True}


def test_the_event_is_an_api_gateway_proxy_event(gateway):
    seen = []

    def capture(function, event):
        seen.append(event)
        return {"statusCode": 201, "headers": {"X-One": "1"}, "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
                "body": base64.b64encode(b"\x00\x01").decode(), "isBase64Encoded": True}

    gateway = Gateway(status=dict, mail=list, invoker=capture)
    gateway.open(ROUTES, {"ApiFunction": API}, BINARY)
    client = Client(gateway)
    answer = client.put("/a/b?x=1&x=2", data=b"\xff\xfe", headers={"Content-Type": "application/octet-stream",
                                                                   "X-Trace": "t"})
    assert answer.status_code == 201 and answer.get_data() == b"\x00\x01"
    assert answer.headers["X-One"] == "1" and answer.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    event = seen[0]
    assert (event["httpMethod"], event["path"], event["resource"]) == ("PUT", "/a/b", "/{proxy+}")
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["queryStringParameters"] == {"x": "2"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"]}
    assert event["headers"]["X-Trace"] == "t" and event["multiValueHeaders"]["X-Trace"] == ["t"]
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\xff\xfe"
    assert event["requestContext"]["identity"]["sourceIp"] and event["requestContext"]["stage"] == "local"

    client.post("/", data=b'{"a": 1}', headers={"Content-Type": "application/json"})
    root = seen[1]
    assert (root["resource"], root["pathParameters"]) == ("/", None)
    assert root["isBase64Encoded"] is False and root["body"] == '{"a": 1}'
    client.get("/")
    assert seen[2]["body"] is None and seen[2]["queryStringParameters"] is None


def test_bodies_over_10_mb_get_413(client):
    answer = client.post("/upload", data=b"x" * (MAX_PAYLOAD + 1),
                         headers={"Content-Type": "application/octet-stream"})
    assert answer.status_code == 413 and answer.json == {"message": "Request Too Long"}
    assert client.post("/upload", data=b"x" * MAX_PAYLOAD,
                       headers={"Content-Type": "application/octet-stream"}).json["size"] == MAX_PAYLOAD


def test_failed_integrations_get_502_and_unknown_routes_403(gateway):
    def crash(function, event):
        raise RuntimeError("handler crashed")

    broken = Gateway(status=dict, mail=list, invoker=crash)
    broken.open(ROUTES, {"ApiFunction": API}, BINARY)
    assert Client(broken).get("/x").status_code == 502
    malformed = Gateway(status=dict, mail=list, invoker=lambda f, e: {"body": "no status"})
    malformed.open(ROUTES, {"ApiFunction": API}, BINARY)
    assert Client(malformed).get("/x").json == {"message": "Internal server error"}
    only_get = Gateway(status=dict, mail=list, invoker=lambda f, e: {"statusCode": 204})
    only_get.open([ApiRoute("/items/{id}", "GET", "ApiFunction")], {"ApiFunction": API}, BINARY)
    assert Client(only_get).get("/items/1").status_code == 204
    assert Client(only_get).post("/items/1").status_code == 403
    assert Client(only_get).get("/items").status_code == 403


@pytest.mark.parametrize(("content_type", "declared", "binary"), [
    ("multipart/form-data; boundary=x", BINARY, True),
    ("application/json", BINARY, False),
    ("application/json", ["*/*"], True),  # template.yaml declares */*: every body is base64, as on AWS
    ("application/pdf", [], True),
    ("text/plain; charset=utf-8", [], False),
    ("application/x-www-form-urlencoded", [], False),
    ("application/problem+json", [], False),
    (None, [], False),
])
def test_binary_media_types(content_type, declared, binary):
    assert is_binary(content_type, declared) is binary


def test_route_matching_prefers_the_most_specific():
    routes = [ApiRoute("/{proxy+}", "ANY", "proxy"), ApiRoute("/items/{id}", "ANY", "item"),
              ApiRoute("/items/new", "ANY", "new"), ApiRoute("/items/{id}", "DELETE", "delete")]
    assert match_route(routes, "GET", "/items/new").route.function == "new"
    found = match_route(routes, "GET", "/items/7")
    assert (found.route.function, found.path_parameters) == ("item", {"id": "7"})
    assert match_route(routes, "DELETE", "/items/7").route.function == "delete"
    assert match_route(routes, "GET", "/a/b/c").path_parameters == {"proxy": "a/b/c"}
    assert match_route(routes, "GET", "/") is None
    public = [ApiRoute("/{proxy+}", "ANY", "proxy"), ApiRoute("/oauth/jwks", "GET", "keys")]
    assert match_route(public, "GET", "/oauth/jwks").route.function == "keys"
    assert match_route(public, "POST", "/oauth/jwks") is None, "a resource without the method: not the proxy's"


def test_status_is_json(gateway):
    assert json.loads(Client(gateway).get("/health").get_data())["status"] == "starting"
