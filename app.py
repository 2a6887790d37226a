"""e-Box Enterprise Message Registry API (Chalice). Builds the app and registers the routes of each
area (`ebox/api/<area>_routes.py`); the rules live in the `ebox` package. Deployed behind API Gateway's
`/{proxy+}` with `Handler: app.handler`."""

from __future__ import annotations

from ebox import observability
from ebox.api import (
    auth_routes,
    bulk_routes,
    callback_routes,
    consult_routes,
    download_routes,
    evidence_routes,
    inbox_routes,
    index_routes,
    meta_routes,
    notification_routes,
    onboarding_routes,
    preference_routes,
    provider_routes,
    publication_routes,
    publication_v2_routes,
    recipient_routes,
    reference_routes,
    reply_routes,
    sent_routes,
    statistics_routes,
    status_routes,
    upload_routes,
)
from ebox.api.routing import RequestScopedChalice, proxy_handler
from ebox.domain.documents import ALLOWED_MEDIA_TYPES

app = RequestScopedChalice(app_name="ebox-enterprise")
app.api.binary_types.extend(["multipart/form-data", "application/pdf", "application/zip", "application/*",
                             *sorted(ALLOWED_MEDIA_TYPES)])  # a document is served as the bytes published
for area in (status_routes, auth_routes, publication_routes, publication_v2_routes, upload_routes, consult_routes,
             evidence_routes, inbox_routes, reference_routes, preference_routes, provider_routes, reply_routes,
             download_routes, bulk_routes, notification_routes, recipient_routes, sent_routes,
             onboarding_routes, callback_routes, statistics_routes, index_routes, meta_routes):
    area.register(app)

handler = observability.observed(correlation_id=observability.api_request_id,
                                 message_id=observability.api_message_id)(proxy_handler(app))
