"""In-memory callback store and retry queue, and an in-memory P-256 key standing in for KMS."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from ebox.domain.callbacks import CallbackEndpoint, Delivery
from ebox.domain.encoding import b64url_encode


class LocalP256Key:
    def __init__(self, kid: str = "local-callback-key") -> None:
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._kid = kid

    def jwk(self) -> dict[str, str]:
        numbers = self._key.public_key().public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": b64url_encode(numbers.x.to_bytes(32, "big")),
                "y": b64url_encode(numbers.y.to_bytes(32, "big")), "kid": self._kid}

    def sign_bytes(self, data: bytes) -> bytes:
        r, s = decode_dss_signature(self._key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


@dataclass
class MemoryCallbacks:
    saved_endpoints: dict[tuple[str, str], CallbackEndpoint] = field(default_factory=dict)
    deliveries: dict[tuple[str, str], Delivery] = field(default_factory=dict)

    def endpoint(self, organization_id: str, application_id: str) -> CallbackEndpoint | None:
        return self.saved_endpoints.get((organization_id, application_id))

    def endpoints(self, organization_id: str) -> list[CallbackEndpoint]:
        return [e for (org, _), e in self.saved_endpoints.items() if org == organization_id]

    def save_endpoint(self, endpoint: CallbackEndpoint) -> None:
        self.saved_endpoints[(endpoint.organization_id, endpoint.application_id)] = endpoint

    def delete_endpoint(self, organization_id: str, application_id: str) -> None:
        self.saved_endpoints.pop((organization_id, application_id), None)

    def add(self, delivery: Delivery) -> bool:
        key = (delivery.organization_id, delivery.delivery_id)
        if key in self.deliveries:
            return False
        self.deliveries[key] = delivery
        return True

    def get(self, organization_id: str, delivery_id: str) -> Delivery | None:
        return self.deliveries.get((organization_id, delivery_id))

    def save(self, delivery: Delivery) -> None:
        self.deliveries[(delivery.organization_id, delivery.delivery_id)] = delivery

    def listed(self, organization_id: str, status: str | None = None) -> list[Delivery]:
        return [d for (org, _), d in self.deliveries.items() if org == organization_id
                and (status is None or d.status == status)]


@dataclass
class QueuedRetries:
    """The callback queue's retry messages, as the send_callbacks function would receive them."""

    queued: list[dict[str, Any]] = field(default_factory=list)

    def retry(self, organization_id: str, delivery_id: str, *, delay_seconds: int, due_at: str,
              after_attempts: int) -> None:
        self.queued.append({"retry": {"organizationId": organization_id, "deliveryId": delivery_id,
                                      "dueAt": due_at, "afterAttempts": after_attempts}, "delay": delay_seconds})

    def take(self) -> dict[str, Any]:
        return self.queued.pop(0)
