"""The API's Chalice app called from two threads at once, as the local stack's threaded gateway does: each
route sees its own request. (Chalice keeps the request in one attribute of the app; a browser's request
was answered 401 because a token request without a bearer header had replaced it meanwhile.)"""

from __future__ import annotations

import threading
from typing import Any

from chalice import Response
from ebox.api.routing import RequestScopedChalice, proxy_handler

from tests.apigw import ApiCaller


def test_two_requests_handled_at_once_each_see_their_own_headers() -> None:
    app = RequestScopedChalice(app_name="two-at-once")
    both_started = threading.Barrier(2, timeout=30)

    @app.route("/who", methods=["GET"])
    def who() -> Response:
        request = app.current_request
        assert request is not None
        both_started.wait()  # the other request has been handed to the app too
        current = app.current_request
        assert current is not None
        return Response(body=current.headers.get("x-caller", "nobody"), status_code=200)

    caller = ApiCaller(proxy_handler(app))
    seen: dict[str, Any] = {}

    def ask(name: str) -> None:
        seen[name] = caller.call("GET", "/who", headers={"X-Caller": name}).body.decode()

    threads = [threading.Thread(target=ask, args=(name,)) for name in ("anna", "onss")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert seen == {"anna": "anna", "onss": "onss"}
