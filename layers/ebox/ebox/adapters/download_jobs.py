"""Bulk-download jobs in their DynamoDB table.

| item | pk                | sk                | served access pattern                                   |
|------|-------------------|-------------------|---------------------------------------------------------|
| job  | EBOX#<enterprise> | DOWNLOAD#<id>     | GetItem: the requester polls; conditional updates by the |
|      |                   |                   | job (QUEUED/RUNNING → RUNNING → READY or FAILED)         |

Keyed by the e-Box first, so a job can only be found under its own enterprise; the requester (the
enterprise's client or one person) is checked on every read (ebox.domain.downloads.owned_job). Items
expire (TTL) a day after their package does.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from ebox.adapters.aws_errors import call, is_conditional_failure
from ebox.domain.downloads import (
    FAILED,
    MAY_FAIL,
    MAY_FINISH,
    MAY_START,
    PACKAGE_DAYS,
    READY,
    RUNNING,
    DownloadJob,
)

TTL_SECONDS = (PACKAGE_DAYS + 1) * 24 * 3600
_serializer, _deserializer = TypeSerializer(), TypeDeserializer()


def _key(enterprise_number: str, download_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"EBOX#{enterprise_number}"}, "sk": {"S": f"DOWNLOAD#{download_id}"}}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, set):
        return frozenset(value)
    return value


class SqsDownloadQueue:
    """Hands a job to the build function (its SQS event source)."""

    def __init__(self, sqs_client: Any, *, queue_url: str) -> None:
        self._sqs = sqs_client
        self._queue_url = queue_url

    def enqueue(self, job: DownloadJob) -> None:
        body = json.dumps({"enterpriseNumber": job.enterprise_number, "downloadId": job.download_id})
        call(self._sqs, "send_message", failure=f"could not queue download {job.download_id}",
             QueueUrl=self._queue_url, MessageBody=body)


class DynamoDownloadJobs:
    def __init__(self, dynamodb_client: Any, *, table: str) -> None:
        self._db = dynamodb_client
        self._table = table

    def create(self, job: DownloadJob) -> None:
        fields: dict[str, Any] = {
            "downloadId": job.download_id, "enterpriseNumber": job.enterprise_number, "requester": job.requester,
            "messageIds": job.message_ids, "createdAt": job.created_at, "status": job.status,
            "totalBytes": job.total_bytes, "messagesDone": 0, "bytesDone": 0,
            "expires_at": int(time.time()) + TTL_SECONDS,
        }
        if job.partitions is not None:  # None: every partition (a DynamoDB set cannot be empty: a list)
            fields["partitions"] = sorted(job.partitions)
        item = {**_key(job.enterprise_number, job.download_id),
                **{name: _serializer.serialize(value) for name, value in fields.items()}}
        self._call("put_item", TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")

    def get(self, enterprise_number: str, download_id: str) -> DownloadJob | None:
        answer = self._call("get_item", TableName=self._table, Key=_key(enterprise_number, download_id),
                            ConsistentRead=True)
        raw = answer.get("Item")
        if raw is None:
            return None
        item = {name: _plain(_deserializer.deserialize(value)) for name, value in raw.items()}
        partitions = item.get("partitions")
        return DownloadJob(
            download_id=item["downloadId"], enterprise_number=item["enterpriseNumber"], requester=item["requester"],
            partitions=frozenset(partitions) if partitions is not None else None,
            message_ids=list(item["messageIds"]), created_at=item["createdAt"], status=item["status"],
            total_bytes=item.get("totalBytes", 0), messages_done=item.get("messagesDone", 0),
            bytes_done=item.get("bytesDone", 0), started_at=item.get("startedAt"),
            completed_at=item.get("completedAt"), package_key=item.get("packageKey"),
            package_size=item.get("packageSize"), package_sha256=item.get("packageSha256"),
            code=item.get("code"), message=item.get("message"),
        )

    def start(self, job: DownloadJob, now: str) -> bool:
        """RUNNING from QUEUED (or RUNNING again: a redelivered job starts over); False when it is done."""
        return self._update_if(job, {"status": RUNNING, "startedAt": now, "messagesDone": 0, "bytesDone": 0},
                               MAY_START)

    def progress(self, job: DownloadJob, messages_done: int, bytes_done: int) -> None:
        self._update(job, {"messagesDone": messages_done, "bytesDone": bytes_done})

    def finish(self, job: DownloadJob, *, key: str, size: int, sha256: str, now: str) -> bool:
        """READY with this build's package; False when another delivery of the job finished first (its
        package, key and digest stay together; this build's object is left to the lifecycle rule)."""
        return self._update_if(job, {"status": READY, "packageKey": key, "packageSize": size, "packageSha256": sha256,
                                     "completedAt": now, "messagesDone": len(job.message_ids),
                                     "bytesDone": job.total_bytes}, MAY_FINISH)

    def fail(self, job: DownloadJob, *, code: str, message: str, now: str) -> bool:
        """FAILED, unless the job was finished meanwhile (a READY package is never taken back)."""
        return self._update_if(job, {"status": FAILED, "code": code, "message": message, "completedAt": now},
                               MAY_FAIL)

    def _update_if(self, job: DownloadJob, values: dict[str, Any], statuses: tuple[str, ...]) -> bool:
        wanted = {f":s{i}": status for i, status in enumerate(statuses)}
        try:
            self._update(job, values, condition=f"#status IN ({', '.join(wanted)})", condition_values=wanted)
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def _update(self, job: DownloadJob, values: dict[str, Any], *, condition: str | None = None,
                condition_values: dict[str, Any] | None = None) -> None:
        names = {f"#f{i}": name for i, name in enumerate(values)}
        updates = {f":v{i}": value for i, value in enumerate(values.values())}
        extra: dict[str, Any] = {}
        if condition:
            extra["ConditionExpression"] = condition
            names["#status"] = "status"
            updates.update(condition_values or {})
        self._call(
            "update_item", TableName=self._table, Key=_key(job.enterprise_number, job.download_id),
            UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(values))),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={k: _serializer.serialize(v) for k, v in updates.items()}, **extra)

    def _call(self, operation: str, **kwargs: Any) -> Any:
        """Classified once (ebox.adapters.aws_errors): a failed condition is the caller's to explain."""
        return call(self._db, operation, failure=f"the downloads table failed ({operation})", **kwargs)
