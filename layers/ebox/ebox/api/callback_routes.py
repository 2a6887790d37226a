"""Callbacks to senders (docs/callbacks.md): a sender registers, per application, the HTTPS endpoint
and the events it wants; sees its deliveries (the dead-lettered ones with their last error) and asks for
a redelivery. Anyone fetches the key that verifies the callbacks' signatures. ``register(app)`` adds the
routes."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.callback_keys import parse_rotation
from ebox.domain.callbacks import DeliveryStatus
from ebox.domain.clock import now
from ebox.domain.errors import InvalidInput, NotFound
from ebox.pipeline import callbacks
from ebox.pipeline.callback_keys import key_listing, rotate_callback_key
from ebox.wiring import Services, services

CALLBACKS = "/messageRegistry/v3/callbacks"
KEYS = "/.well-known/ebox-callback-keys"
OPERATOR_KEYS = "/admin/v1/callback-keys"


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    current = CurrentRequest(app)

    def _sender() -> str:
        return auth.bearer_principal(current.headers(), services(), access.PUBLISH).organization

    def _own_application(svc: Services, organization: str, application_id: str) -> None:
        if svc.registry.sender_application(organization, application_id) is None:
            raise NotFound(f"application '{application_id}' is not one of organisation {organization}'s")

    @route(KEYS, methods=["GET"])
    def callback_keys() -> Response:
        """The JWKS whose keys (``kid`` = the signature's ``keyid``) verify callbacks: the signing key, and those
        a rotation replaced until their grace period ends."""
        return json_response(services().senders.callback_signer.key_set(), headers={"Cache-Control": "max-age=300"})

    @route(OPERATOR_KEYS, methods=["GET"])
    def list_callback_keys() -> Response:
        """Every callback key with its status (ACTIVE, RETIRING until retiresAt, RETIRED). Operator only."""
        auth.bearer_principal(current.headers(), services(), access.OPERATOR)
        return json_response(key_listing(services().senders.callback_keys, now=now()))

    @route(OPERATOR_KEYS + "/rotate", methods=["POST"])
    def rotate_callback_keys() -> Response:
        """A new key signs from now on; the one it replaces stays published ``graceDays`` (7) more."""
        auth.bearer_principal(current.headers(), services(), access.OPERATOR)
        grace_days = parse_rotation(current.json())
        return json_response(rotate_callback_key(services().senders.callback_keys, grace_days=grace_days,
                                                 now=now()))

    @route(CALLBACKS, methods=["GET"])
    def list_endpoints() -> Response:
        items = [e.view() for e in services().senders.callbacks.endpoints(_sender())]
        return json_response({"items": items, "totalItems": len(items)})

    @route(CALLBACKS + "/{applicationId}", methods=["PUT"], content_types=["application/json"])
    def put_endpoint(applicationId: str) -> Response:  # noqa: N803 - the API's parameter name
        """Registers (or replaces) the application's endpoint and challenges it at once."""
        svc, organization = services(), _sender()
        _own_application(svc, organization, applicationId)
        endpoint = callbacks.register_endpoint(current.json(), svc.senders.callback_ports(),
                                               organization_id=organization, application_id=applicationId,
                                               now=now(), allow_loopback=svc.config.callback_loopback)
        return json_response(endpoint.view())

    @route(CALLBACKS + "/{applicationId}/verify", methods=["POST"])
    def verify(applicationId: str) -> Response:  # noqa: N803
        """Challenges the endpoint again (after fixing it)."""
        svc, organization = services(), _sender()
        endpoint = svc.senders.callbacks.endpoint(organization, applicationId)
        if endpoint is None:
            raise NotFound(f"application '{applicationId}' has no callback endpoint")
        return json_response(callbacks.verify_endpoint(endpoint, svc.senders.callback_ports(), now=now()).view())

    @route(CALLBACKS + "/{applicationId}", methods=["DELETE"])
    def delete_endpoint(applicationId: str) -> Response:  # noqa: N803
        services().senders.callbacks.delete_endpoint(_sender(), applicationId)
        return Response(body="", status_code=204)

    @route(CALLBACKS + "/deliveries", methods=["GET"])
    def deliveries() -> Response:
        """The sender's deliveries of the last 30 days; ``?status=FAILED``: the dead-lettered ones."""
        organization = _sender()
        status = current.params().get("status")
        if status is not None and status not in tuple(DeliveryStatus):
            raise InvalidInput(f"status is one of {', '.join(DeliveryStatus)}")
        items = [d.view() for d in services().senders.callbacks.listed(organization, status)]
        return json_response({"items": items, "totalItems": len(items)})

    @route(CALLBACKS + "/deliveries/{deliveryId}/redeliver", methods=["POST"])
    def redeliver(deliveryId: str) -> Response:  # noqa: N803
        """A dead-lettered delivery is tried again, with a new 24 hours of retries."""
        svc = services()
        again = callbacks.redeliver(_sender(), deliveryId, svc.senders.callback_ports(), now=now())
        return json_response(again.view(), status=202)
