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
