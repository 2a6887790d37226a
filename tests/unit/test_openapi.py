"""The OpenAPI document served at /openapi.json describes exactly the routes the app has, each with its scope."""

from ebox.api.openapi import OPERATIONS, openapi_document


def test_every_route_is_documented_and_every_documented_route_exists():
    from app import app

    served = {(method, path) for path, methods in app.routes.items() for method in methods}
    assert served == set(OPERATIONS)


def test_the_document_is_openapi_3_1_with_a_scope_per_protected_operation():
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            op = OPERATIONS[(method.upper(), path)]
            assert ("security" in operation) is (op.scope is not None), (method, path)
            assert all(status.isdigit() for status in operation["responses"])
            errors = [s for s in operation["responses"] if int(s) >= 400]
            assert all(operation["responses"][s]["content"]["application/json"]["schema"] for s in errors)


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_schema_reference_resolves():
    document = openapi_document()
    names = set(document["components"]["schemas"])
    assert {ref.removeprefix("#/components/schemas/") for ref in _refs(document)} <= names


def test_the_main_operations_carry_the_e_box_schemas():
    paths = openapi_document()["paths"]
    v2, v3 = "/messageRegistry/v2", "/messageRegistry/v3"
    for path in (v3 + "/ebox/messages", v2 + "/publishMessage"):
        publish = paths[path]["post"]
        part = publish["requestBody"]["content"]["multipart/form-data"]
        assert part["schema"]["properties"]["messageToPublish"] == {"$ref": "#/components/schemas/MessageToPublish"}
        assert part["encoding"]["messageToPublish"]["contentType"] == "application/json"
        assert publish["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/PublicationStatusMessage")
    answers = {("get", v2 + "/ebox/messages"): "Messages", ("get", v2 + "/ebox/messages/{messageId}"): "Message",
               ("get", v2 + "/ebox"): "Ebox", ("get", v3 + "/ebox/messages/{messageId}/evidences"): "Evidences",
               ("post", v3 + "/ebox/uploads"): "Uploads"}
    for (method, path), name in answers.items():
        responses = paths[path][method]["responses"]
        ok = responses["201" if method == "post" else "200"]
        assert ok["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{name}"}
