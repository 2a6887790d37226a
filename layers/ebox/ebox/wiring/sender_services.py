"""Sender onboarding's and callbacks' adapters and ports (part of the composition root, :mod:`ebox.wiring`)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from ebox.wiring.message_services import AreaServices

if TYPE_CHECKING:
    from ebox.adapters.callback_http import CallbackRequestSigner, HttpCallbackTransport
    from ebox.adapters.callback_keys import DynamoCallbackKeys
    from ebox.adapters.callback_queue import SqsCallbackRetries
    from ebox.adapters.callback_store import DynamoCallbackStore
    from ebox.adapters.onboarding_store import DynamoSenderRequests
    from ebox.adapters.sender_registry_function import LambdaSenderRegistry
    from ebox.adapters.usage_keys import ApiGatewayUsageKeys
    from ebox.pipeline.authorizer import AuthorizerPorts
    from ebox.pipeline.callbacks import CallbackPorts
    from ebox.pipeline.onboarding import OnboardingPorts
    from ebox.pipeline.sender_registry import SenderRegistryPorts


class SenderServices(AreaServices):
    """The adapters of sender onboarding (requests, the registry's writes) and of callbacks to senders."""

    @cached_property
    def requests(self) -> DynamoSenderRequests:
        from ebox.adapters.onboarding_store import DynamoSenderRequests

        return DynamoSenderRequests(self.client("dynamodb"), table=self.config.registry_table)

    def onboarding_ports(self) -> OnboardingPorts:
        from ebox.pipeline.onboarding import OnboardingPorts

        return OnboardingPorts(requests=self.requests, registry=self.base.registry, signer=self.base.evidence_signer)

    def sender_registry_ports(self) -> SenderRegistryPorts:
        """The sender registry function's (decision 0015): the only role that may write these items."""
        from ebox.pipeline.sender_registry import SenderRegistryPorts

        return SenderRegistryPorts(onboarding=self.onboarding_ports(), registry=self.base.registry,
                                   usage_keys=self.usage_keys)

    @cached_property
    def usage_keys(self) -> ApiGatewayUsageKeys:
        """Clients' API keys in the clients' usage plan (decision 0024): the sender registry function's alone."""
        from ebox.adapters.usage_keys import ApiGatewayUsageKeys

        return ApiGatewayUsageKeys(self.client("apigateway"), self.client("dynamodb"),
                                   usage_plan_id=self.config.usage_plan_id, table=self.config.registry_table)

    def authorizer_ports(self) -> AuthorizerPorts:
        """The API's Lambda authorizer's: the API's token checks and a read of the clients' usage keys."""
        from ebox.adapters.usage_keys import RegistryUsageKeys
        from ebox.pipeline.authorizer import AuthorizerPorts

        config = self.config
        return AuthorizerPorts(
            tokens=self.base.token_verifier, sender_idp=self.base.sender_idp_verifier,
            client_id_claim=config.sender_idp_client_id_claim, shared_key=config.shared_usage_key,
            keys=RegistryUsageKeys(self.client("dynamodb"), table=config.registry_table))

    @cached_property
    def commands(self) -> LambdaSenderRegistry:
        """The API's way to the sender registry function (a synchronous invocation)."""
        from ebox.adapters.sender_registry_function import LambdaSenderRegistry

        return LambdaSenderRegistry(self.client("lambda"), function_name=self.config.sender_registry_function)

    @cached_property
    def callback_keys(self) -> DynamoCallbackKeys:
        """The keys that sign callbacks: the template's KMS key (EBOX_CALLBACK_KEY_ID) until a rotation, then
        keys whose private halves EBOX_CALLBACK_WRAPPING_KEY_ID encrypts (decision 0014)."""
        from ebox.adapters.callback_keys import DynamoCallbackKeys
        from ebox.adapters.kms_signer import KmsEs256Signer

        config, kms = self.config, self.client("kms")
        return DynamoCallbackKeys(self.client("dynamodb"), kms, table=config.registry_table,
                                  wrapping_key_id=config.callback_wrapping_key_id,
                                  template_key=KmsEs256Signer(kms, key_id=config.callback_key_id))

    @cached_property
    def callback_signer(self) -> CallbackRequestSigner:
        """RFC 9421 signatures of callbacks, by the current callback key."""
        from ebox.adapters.callback_http import CallbackRequestSigner

        return CallbackRequestSigner(self.callback_keys)

    @cached_property
    def callbacks(self) -> DynamoCallbackStore:
        from ebox.adapters.callback_store import DynamoCallbackStore

        config = self.config
        return DynamoCallbackStore(self.client("dynamodb"), registry_table=config.registry_table,
                                   messages_table=config.messages_table)

    @cached_property
    def callback_transport(self) -> HttpCallbackTransport:
        from ebox.adapters.callback_http import HttpCallbackTransport

        return HttpCallbackTransport(self.callback_signer)

    @cached_property
    def callback_retries(self) -> SqsCallbackRetries:
        from ebox.adapters.callback_queue import SqsCallbackRetries

        return SqsCallbackRetries(self.client("sqs"), queue_url=self.config.callback_queue_url)

    def callback_ports(self) -> CallbackPorts:
        from ebox.pipeline.callbacks import CallbackPorts

        return CallbackPorts(endpoints=self.callbacks, deliveries=self.callbacks, transport=self.callback_transport,
                             retries=self.callback_retries)
