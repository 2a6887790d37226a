"""Configuration: every environment variable the code reads, read once into one typed object.

Handlers call :func:`load_config` at their first invocation (never at import time) and pass the
object down. Names of variables live here and nowhere else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

REGISTRY_TABLE = "EBOX_REGISTRY_TABLE"
MESSAGES_TABLE = "EBOX_MESSAGES_TABLE"
CONTENT_BUCKET = "EBOX_CONTENT_BUCKET"
IMPORT_BUCKET = "EBOX_IMPORT_BUCKET"
CONTENT_KEY_ID = "EBOX_CONTENT_KEY_ID"
TOKEN_SIGNING_KEY_ID = "EBOX_TOKEN_SIGNING_KEY_ID"
EVIDENCE_KEY_ID = "EBOX_EVIDENCE_KEY_ID"
EVIDENCE_BUCKET = "EBOX_EVIDENCE_BUCKET"
TSA_URL = "EBOX_TSA_URL"
EVENT_BUS = "EBOX_EVENT_BUS"
MAIL_FROM = "EBOX_MAIL_FROM"
TOKEN_ISSUER = "EBOX_TOKEN_ISSUER"
TOKEN_AUDIENCE = "EBOX_TOKEN_AUDIENCE"
JWKS_URL = "EBOX_JWKS_URL"
# An external OIDC provider whose clients an operator may approve as senders (docs/onboarding.md).
SENDER_IDP_ISSUER = "EBOX_SENDER_IDP_ISSUER"
SENDER_IDP_JWKS_URL = "EBOX_SENDER_IDP_JWKS_URL"
SENDER_IDP_AUDIENCE = "EBOX_SENDER_IDP_AUDIENCE"
SENDER_IDP_CLIENT_ID_CLAIM = "EBOX_SENDER_IDP_CLIENT_ID_CLAIM"
SSIN_CLAIM = "EBOX_SSIN_CLAIM"
TOKEN_TTL_SECONDS = "EBOX_TOKEN_TTL_SECONDS"
MAX_REQUEST_BYTES = "EBOX_MAX_REQUEST_BYTES"
ENVIRONMENT = "EBOX_ENVIRONMENT"
WEB_APP_URL = "EBOX_WEB_APP_URL"
BULK_TABLE = "EBOX_BULK_TABLE"
BULK_QUEUE_URL = "EBOX_BULK_QUEUE_URL"
STATISTICS_TABLE = "EBOX_STATISTICS_TABLE"
RATE_LIMITS_TABLE = "EBOX_RATE_LIMITS_TABLE"
SENDER_REGISTRY_FUNCTION = "EBOX_SENDER_REGISTRY_FUNCTION"  # the API asks it for onboarding's writes (0014)
# API Gateway's usage plans (decision 0024): the plan each client's key joins (the sender registry function), and
# the key of clients without one of their own (the authorizer).
USAGE_PLAN_ID = "EBOX_USAGE_PLAN_ID"
SHARED_USAGE_KEY = "EBOX_SHARED_USAGE_KEY"
# Fixed-window limits, "<count>/<seconds>" (docs/security.md, "Abuse").
REPLY_RATE = "EBOX_REPLY_RATE"  # replies per e-Box
ONBOARDING_RATE = "EBOX_ONBOARDING_RATE"  # sender requests per organisation, and per source address
DOWNLOADS_TABLE = "EBOX_DOWNLOADS_TABLE"
DOWNLOADS_BUCKET = "EBOX_DOWNLOADS_BUCKET"
DOWNLOADS_QUEUE_URL = "EBOX_DOWNLOADS_QUEUE_URL"
CALLBACK_KEY_ID = "EBOX_CALLBACK_KEY_ID"
CALLBACK_QUEUE_URL = "EBOX_CALLBACK_QUEUE_URL"
CALLBACK_WRAPPING_KEY_ID = "EBOX_CALLBACK_WRAPPING_KEY_ID"  # encrypts the private halves of rotated callback keys
CALLBACK_LOOPBACK = "EBOX_CALLBACK_LOOPBACK"  # "true": callbacks may go to http://127.0.0.1 (local stack only)
AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL"
# botocore's per-service override, e.g. AWS_ENDPOINT_URL_DYNAMODB (LocalStack beside DynamoDB Local).
AWS_ENDPOINT_URL_PREFIX = "AWS_ENDPOINT_URL_"
AWS_REGION = "AWS_REGION"
AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION"
# Set by Lambda when active tracing is on (template: Tracing: Active).
AWS_XRAY_DAEMON_ADDRESS = "AWS_XRAY_DAEMON_ADDRESS"

# API Gateway -> Lambda synchronous payloads are capped at 6 MB; base64 grows a body by 4/3.
DEFAULT_MAX_REQUEST_BYTES = 4_400_000


@dataclass(frozen=True)
class Config:
    registry_table: str
    messages_table: str
    content_bucket: str
    import_bucket: str
    content_key_id: str
    token_signing_key_id: str
    evidence_key_id: str
    evidence_bucket: str
    tsa_url: str | None
    event_bus: str
    mail_from: str
    token_issuer: str
    token_audience: str
    jwks_url: str | None
    token_ttl_seconds: int
    max_request_bytes: int
    environment: str
    region: str
    endpoint_url: str | None
    tracing: bool
    ssin_claim: str = "ssin"
    web_app_url: str = ""
    bulk_table: str = ""
    bulk_queue_url: str = ""
    statistics_table: str = ""
    downloads_table: str = ""
    downloads_bucket: str = ""
    downloads_queue_url: str = ""
    callback_key_id: str = ""
    callback_queue_url: str = ""
    callback_wrapping_key_id: str = ""
    callback_loopback: bool = False
    sender_idp_issuer: str = ""  # empty: no external IdP's clients are accepted as senders
    sender_idp_jwks_url: str = ""
    sender_idp_audience: str = ""  # empty: the IdP's tokens carry no audience of ours (Cognito's access tokens)
    sender_idp_client_id_claim: str = "client_id"
    rate_limits_table: str = ""
    sender_registry_function: str = ""
    usage_plan_id: str = ""  # empty: no keys are issued (a stack without the API's usage plans)
    shared_usage_key: str = ""
    reply_rate: tuple[int, int] = (30, 3600)
    """Replies an e-Box may send per window (count, seconds)."""
    onboarding_rate: tuple[int, int] = (5, 86400)
    """Sender requests per organisation, and per source address, per window (count, seconds)."""
    service_endpoints: Mapping[str, str] = field(default_factory=dict)
    """``AWS_ENDPOINT_URL_<SERVICE>`` overrides, keyed by the upper-cased client name (DYNAMODB, S3...)."""

    def endpoint_for(self, service: str) -> str | None:
        """Where clients of ``service`` (a boto3 client name) go: its own override, else AWS_ENDPOINT_URL."""
        return self.service_endpoints.get(service.upper().replace("-", "_")) or self.endpoint_url


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ

    def required(name: str) -> str:
        value = env.get(name)
        if not value:
            raise RuntimeError(f"configuration variable {name} is not set")
        return value

    return Config(
        registry_table=required(REGISTRY_TABLE),
        messages_table=required(MESSAGES_TABLE),
        content_bucket=required(CONTENT_BUCKET),
        import_bucket=env.get(IMPORT_BUCKET, ""),
        content_key_id=required(CONTENT_KEY_ID),
        token_signing_key_id=env.get(TOKEN_SIGNING_KEY_ID, ""),
        evidence_key_id=env.get(EVIDENCE_KEY_ID, ""),
        evidence_bucket=env.get(EVIDENCE_BUCKET, ""),
        tsa_url=env.get(TSA_URL) or None,
        event_bus=env.get(EVENT_BUS, "default"),
        mail_from=env.get(MAIL_FROM, "no-reply@ebox.example"),
        token_issuer=env.get(TOKEN_ISSUER, "urn:ebox:local-issuer"),
        token_audience=env.get(TOKEN_AUDIENCE, "urn:ebox:message-registry"),
        jwks_url=env.get(JWKS_URL) or None,
        token_ttl_seconds=int(env.get(TOKEN_TTL_SECONDS, "3600")),
        max_request_bytes=int(env.get(MAX_REQUEST_BYTES, str(DEFAULT_MAX_REQUEST_BYTES))),
        environment=env.get(ENVIRONMENT, "development"),
        region=env.get(AWS_REGION) or env.get(AWS_DEFAULT_REGION) or "eu-west-1",
        endpoint_url=env.get(AWS_ENDPOINT_URL) or None,
        tracing=bool(env.get(AWS_XRAY_DAEMON_ADDRESS)),
        ssin_claim=env.get(SSIN_CLAIM) or "ssin",
        web_app_url=(env.get(WEB_APP_URL) or "").rstrip("/"),
        bulk_table=env.get(BULK_TABLE, ""),
        bulk_queue_url=env.get(BULK_QUEUE_URL, ""),
        statistics_table=env.get(STATISTICS_TABLE, ""),
        downloads_table=env.get(DOWNLOADS_TABLE, ""),
        downloads_bucket=env.get(DOWNLOADS_BUCKET, ""),
        downloads_queue_url=env.get(DOWNLOADS_QUEUE_URL, ""),
        callback_key_id=env.get(CALLBACK_KEY_ID, ""),
        callback_queue_url=env.get(CALLBACK_QUEUE_URL, ""),
        callback_wrapping_key_id=env.get(CALLBACK_WRAPPING_KEY_ID, ""),
        callback_loopback=env.get(CALLBACK_LOOPBACK, "false") == "true",
        sender_idp_issuer=env.get(SENDER_IDP_ISSUER, ""),
        sender_idp_jwks_url=env.get(SENDER_IDP_JWKS_URL, ""),
        sender_idp_audience=env.get(SENDER_IDP_AUDIENCE, ""),
        sender_idp_client_id_claim=env.get(SENDER_IDP_CLIENT_ID_CLAIM) or "client_id",
        rate_limits_table=env.get(RATE_LIMITS_TABLE, ""),
        sender_registry_function=env.get(SENDER_REGISTRY_FUNCTION, ""),
        usage_plan_id=env.get(USAGE_PLAN_ID, ""),
        shared_usage_key=env.get(SHARED_USAGE_KEY, ""),
        reply_rate=_rate(env.get(REPLY_RATE), (30, 3600)),
        onboarding_rate=_rate(env.get(ONBOARDING_RATE), (5, 86400)),
        service_endpoints={name.removeprefix(AWS_ENDPOINT_URL_PREFIX): value for name, value in env.items()
                           if name.startswith(AWS_ENDPOINT_URL_PREFIX) and value},
    )


def _rate(value: str | None, default: tuple[int, int]) -> tuple[int, int]:
    """``"<count>/<seconds>"``, e.g. ``"30/3600"``."""
    if not value:
        return default
    count, _, seconds = value.partition("/")
    return int(count), int(seconds)
