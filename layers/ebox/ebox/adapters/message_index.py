"""The e-Box index in DynamoDB (see ebox.adapters.tables for the access patterns)."""

from __future__ import annotations

import time
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from ebox.adapters.aws_errors import any_condition_failed, classify, is_conditional_failure, raise_classified
from ebox.adapters.evidence_chain import append_evidence, chain_head, read_chain
from ebox.adapters.inbox_pages import (
    KeysRead,
    counted_total,
    filtered_attributes,
    partition_summary_key,
    plan_page,
    read_key,
    read_keys,
    readable_partitions,
    replies_page,
    summary_keys,
    to_message,
)
from ebox.adapters.item_keys import ebox_key, hidden_key, idempotency_key, message_key
from ebox.adapters.stored_document import stored_document
from ebox.adapters.tables.message_items import (
    EboxSummaryItem,
    IdempotencyItem,
    MessageItem,
    ReplyLinkItem,
)
from ebox.domain.consultation import MAX_PAGE_DEPTH
from ebox.domain.errors import TransientError
from ebox.domain.evidence import ChainHead, SignedEvidence
from ebox.domain.message import Message
from ebox.domain.message_action import DONE, TODO
from ebox.domain.message_filter import MessageFilter
from ebox.domain.ports import EboxSummary, IdempotencyClaim, IdempotencyRecord, ReplyLink
from ebox.domain.publication import check_idempotency
from ebox.domain.validity import parse_timestamp

IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600
# Expired messages stay a while for the sender's status queries before DynamoDB's TTL removes them.
EXPIRED_MESSAGE_GRACE_SECONDS = 30 * 24 * 3600
COUNT_ATTEMPTS = 4  # an e-Box counter's update, refused, read back and tried again with what is left


class DynamoMessageIndex:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def idempotency_record(self, claim: IdempotencyClaim) -> IdempotencyRecord | None:
        try:
            item = IdempotencyItem.get(idempotency_key(claim), "CLAIM", consistent_read=True)
        except DoesNotExist:
            return None
        return IdempotencyRecord(item.message_id, item.expiration_date, item.request_fingerprint)

    def add(self, message: Message, claim: IdempotencyClaim | None, evidence: list[SignedEvidence]) -> None:
        """One TransactWriteItems: the message item, its first evidence records with the chain's signed
        head, and the idempotency claim. The counters and the reply link derive from the message item
        and are written by the outbox consumer (ebox.pipeline.outbox) from the table's stream."""
        item = message_item(message)
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(item, condition=MessageItem.pk.does_not_exist())
                append_evidence(transaction, message.message_id, ChainHead.empty(), evidence)
                if claim is not None:
                    transaction.save(
                        IdempotencyItem(
                            idempotency_key(claim),
                            "CLAIM",
                            message_id=message.message_id,
                            expiration_date=message.expiration_date,
                            request_fingerprint=claim.request_fingerprint,
                            expires_at=int(time.time()) + IDEMPOTENCY_TTL_SECONDS,
                        ),
                        condition=IdempotencyItem.pk.does_not_exist(),
                    )
        except TransactWriteError as error:
            self._explain_conflict(error, claim)

    def count_published(self, published: list[tuple[str, Message]]) -> None:
        """Adds stream-delivered messages to their e-Box's and partition's counters, each counter once
        per batch (one UpdateItem), refused if it already counted these stream records (a replay)."""
        groups: dict[tuple[str, str], list[tuple[str, Message]]] = {}
        for sequence, message in published:
            for summary_key in ("SUMMARY", partition_summary_key(message.partition)):
                groups.setdefault((message.recipient, summary_key), []).append((sequence.zfill(40), message))
        for (enterprise_number, summary_key), entries in groups.items():
            self._count_summary(enterprise_number, summary_key, sorted(entries, key=lambda e: e[0]))

    def _count_summary(self, enterprise_number: str, summary_key: str, entries: list[tuple[str, Message]]) -> None:
        """One counter's update; refused, it reads what the counter counted through and counts the records
        after it (a batch that starts before: Lambda's checkpoint lost, a shard read again), or nothing."""
        for _ in range(COUNT_ATTEMPTS):
            if not entries:
                return
            messages = [m for _, m in entries]
            try:
                EboxSummaryItem(ebox_key(enterprise_number), summary_key).update(
                    actions=[
                        EboxSummaryItem.number_of_messages.add(len(messages)),
                        EboxSummaryItem.number_of_unread_messages.add(len(messages)),
                        EboxSummaryItem.ebox_size_bytes.add(sum(m.total_size for m in messages)),
                        EboxSummaryItem.last_receipt_date.set(max(m.receipt_date for m in messages)),
                        EboxSummaryItem.counted_through.set(entries[-1][0]),
                    ],
                    condition=EboxSummaryItem.counted_through.does_not_exist()
                    | (EboxSummaryItem.counted_through < entries[0][0]),
                )
                return
            except UpdateError as error:
                if not is_conditional_failure(error):
                    raise_classified(error, f"could not count the messages of e-Box {enterprise_number}")
            counted = self._counted_through(enterprise_number, summary_key)
            entries = [(s, m) for s, m in entries if counted is None or s > counted]
        raise TransientError(f"the counters of e-Box {enterprise_number} kept moving; the batch will be retried")

    @staticmethod
    def _counted_through(enterprise_number: str, summary_key: str) -> str | None:
        try:
            item = EboxSummaryItem.get(ebox_key(enterprise_number), summary_key, consistent_read=True,
                                       attributes_to_get=["counted_through"])
        except DoesNotExist:
            return None
        except PynamoDBException as error:
            raise classify(error) from error
        return item.counted_through

    def link_replies(self, replies: list[Message]) -> None:
        """Each reply listed under the message it answers (an idempotent put)."""
        for reply in replies:
            ReplyLinkItem(message_key(str(reply.original_message_id)), f"REPLY#{reply.message_id}",
                          reply_ebox=reply.recipient, receipt_date=reply.receipt_date).save()

    def _explain_conflict(self, error: TransactWriteError, claim: IdempotencyClaim | None) -> None:
        reasons = [r.code if r else None for r in (error.cancellation_reasons or [])]
        if claim is not None and "ConditionalCheckFailed" in reasons:
            check_idempotency(claim, self)  # the domain decides: the same publication, or the key reused
        if any_condition_failed(error):  # written meanwhile (the message, its evidence chain): a retry decides
            raise TransientError(f"the e-Box index refused the write ({', '.join(map(str, reasons))})") from error
        raise_classified(error, f"the e-Box index refused the write ({', '.join(map(str, reasons))})")

    def get(self, enterprise_number: str, message_id: str) -> Message | None:
        try:
            item = MessageItem.get(ebox_key(enterprise_number), message_key(message_id))
        except DoesNotExist:
            return None
        except PynamoDBException as error:
            raise classify(error) from error
        return _to_message(item)

    def page(self, enterprise_number: str, *, page: int, page_size: int) -> list[Message]:
        """One page, newest first. Page N reads the N*pageSize newest keys (bounded, no scan)."""
        wanted = page * page_size
        items = list(
            MessageItem.query(
                ebox_key(enterprise_number),
                MessageItem.sk.startswith("MSG#"),
                scan_index_forward=False,
                limit=wanted,
                page_size=wanted,
            )
        )
        return [_to_message(item) for item in items[(page - 1) * page_size : wanted]]

    def sent_keys(self, organization_id: str, *, before: str | None, limit: int,
                  after: str | None = None) -> list[tuple[str, str]]:
        """(e-Box, messageId) of what ``organization_id`` published, newest first: one Query on SentBy
        (keys only); ``before`` (excluded) and ``after`` (included) a key condition on the UUIDv7 sort key."""
        upper = message_key(before) if before else "MSG#g"  # "g" sorts after every hex digit
        lower = message_key(after) if after else "MSG#"
        # BETWEEN includes its ends: one more key read, ``before`` itself left out.
        items = MessageItem.sent_by.query(organization_id, MessageItem.sk.between(lower, upper),
                                            scan_index_forward=False, limit=limit + 1, page_size=limit + 1)
        keys = [(item.pk.removeprefix("EBOX#"), item.sk.removeprefix("MSG#")) for item in items if item.sk != upper]
        return keys[:limit]

    def sent_key(self, organization_id: str, message_id: str) -> tuple[str, str] | None:
        """(e-Box, messageId) of that message if ``organization_id`` published it: one Query on SentBy."""
        for item in MessageItem.sent_by.query(organization_id, MessageItem.sk == message_key(message_id), limit=1):
            return item.pk.removeprefix("EBOX#"), message_id
        return None

    def many(self, keys: list[tuple[str, str]]) -> list[Message]:
        """Messages by (e-Box, messageId), in one BatchGetItem per hundred; unknown keys are skipped."""
        items = MessageItem.batch_get([(ebox_key(ebox), message_key(mid)) for ebox, mid in keys])
        return [_to_message(item) for item in items]

    def summary(self, enterprise_number: str, partitions: frozenset[str] | None = None) -> EboxSummary:
        """The e-Box's counts, or (``partitions``) the sum of those partitions' counts: one read."""
        if partitions is not None:
            keys = [(ebox_key(enterprise_number), partition_summary_key(p)) for p in sorted(partitions)]
            return _summed([_summary_of(i) for i in EboxSummaryItem.batch_get(keys)] if keys else [])
        try:
            item = EboxSummaryItem.get(ebox_key(enterprise_number), "SUMMARY")
        except DoesNotExist:
            return EboxSummary(0, 0, 0, None, None)
        return _summary_of(item)

    def inbox(self, enterprise_number: str, *, partitions: frozenset[str] | None, wanted: MessageFilter,
              page: int, page_size: int) -> tuple[list[Message], int]:
        """One page of the messages a reader may see that pass the filter, and how many pass it: one
        bounded Query on the index that answers the filter (inbox_pages.plan_page), then one BatchGetItem
        for the page's items and, when counters give totalItems, the counters. Without a counter, the
        Query reads up to MAX_PAGE_DEPTH + 1 matches: totalItems is exact up to MAX_PAGE_DEPTH, and says
        MAX_PAGE_DEPTH beyond (every match a page number reaches)."""
        if wanted.original_message_id is not None:
            return replies_page(enterprise_number, partitions=partitions, wanted=wanted, page=page,
                                page_size=page_size)
        scope = readable_partitions(partitions, wanted)
        if scope is not None and not scope:
            return [], 0
        depth = page * page_size
        plan = plan_page(enterprise_number, scope, wanted, first_page=page == 1)
        read = read_keys(plan, depth if plan.counted else MAX_PAGE_DEPTH + 1)
        if scope is not None and len(scope) > 1 and not read.complete and len(read.keys) < depth \
                and not wanted.for_action:  # (the actions' order is by due date, not by key)
            read = self._per_partition(enterprise_number, scope, wanted, depth if plan.counted else MAX_PAGE_DEPTH + 1)
        counters = summary_keys(enterprise_number, scope) if plan.counted else []
        messages, summaries = self._fetch(read.keys[(page - 1) * page_size: depth], counters)
        if plan.counted:
            return messages, counted_total(wanted, summaries)
        return messages, len(read.keys) if read.complete else min(len(read.keys), MAX_PAGE_DEPTH)

    @staticmethod
    def _per_partition(enterprise_number: str, scope: frozenset[str], wanted: MessageFilter,
                       matches: int) -> KeysRead:
        """A reader holding several partitions whose messages are too sparse among the e-Box's for one read:
        one read per partition, merged in the plan's order."""
        reads = [read_keys(plan_page(enterprise_number, frozenset({p}), wanted), matches) for p in sorted(scope)]
        keys = sorted((k for r in reads for k in r.keys), key=lambda k: k[1], reverse=True)
        complete = all(r.complete for r in reads)
        return KeysRead(keys if complete else keys[:matches], complete, sum(r.calls for r in reads))

    def _fetch(self, keys: list[tuple[str, str]],
               counters: list[tuple[str, str]]) -> tuple[list[Message], list[dict[str, Any]]]:
        """The page's items, in the order of ``keys``, and the counter items, in one BatchGetItem."""
        table = MessageItem.Meta.table_name
        wanted = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in [*keys, *counters]]
        found: dict[tuple[str, str], dict[str, Any]] = {}
        while wanted:
            answer = self._connection.dispatch("BatchGetItem", {"RequestItems": {table: {"Keys": wanted[:100]}}})
            wanted = wanted[100:] + list(answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", []))
            for raw in answer.get("Responses", {}).get(table, []):
                found[(raw["pk"]["S"], raw["sk"]["S"])] = raw
        messages = [to_message(MessageItem.from_raw_data(found[key])) for key in keys if key in found]
        return messages, [found[key] for key in counters if key in found]

    def set_visibility(self, enterprise_number: str, changes: dict[str, bool]) -> None:
        """Hides or shows messages of one e-Box, all or none (one transaction, at most 100)."""
        try:
            with TransactWrite(connection=self._connection) as transaction:
                for message_id, visible in changes.items():
                    transaction.update(MessageItem(ebox_key(enterprise_number), message_key(message_id)),
                                       actions=[MessageItem.visible.set(visible),  # ByVisibility: hidden ones
                                                MessageItem.visibility_key.remove() if visible
                                                else MessageItem.visibility_key.set(hidden_key(enterprise_number))],
                                       condition=MessageItem.pk.exists())
        except TransactWriteError as error:
            if any_condition_failed(error):  # a message gone meanwhile (its retention ended)
                raise TransientError("the e-Box index could not change the messages' visibility; try again") from error
            raise_classified(error, "the e-Box index could not change the messages' visibility")

    def mark_read(self, enterprise_number: str, message_id: str, when: str, evidence: list[SignedEvidence],
                  partition: str | None = None) -> bool:
        item = MessageItem(ebox_key(enterprise_number), message_key(message_id))
        summary = EboxSummaryItem(ebox_key(enterprise_number), "SUMMARY")
        head = ChainHead(evidence[0].sequence - 1, None) if evidence else None
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.update(
                    item,
                    actions=[MessageItem.read_status.set(True), MessageItem.read_at.set(when),
                             MessageItem.read_key.set(read_key(enterprise_number, True))],
                    condition=MessageItem.pk.exists() & (MessageItem.read_status == False),  # noqa: E712
                )
                transaction.update(summary, actions=[EboxSummaryItem.number_of_unread_messages.add(-1)])
                if partition is not None:
                    transaction.update(EboxSummaryItem(ebox_key(enterprise_number), partition_summary_key(partition)),
                                       actions=[EboxSummaryItem.number_of_unread_messages.add(-1)])
                if head is not None:
                    append_evidence(transaction, message_id, head, evidence)
        except TransactWriteError as error:
            if is_conditional_failure(error):
                return False
            if any_condition_failed(error):  # its evidence chain moved meanwhile: a retry appends after it
                raise TransientError("the e-Box index could not record the reading; try again") from error
            raise_classified(error, "the e-Box index could not record the reading")
        return True

    def mark_action_done(self, enterprise_number: str, message_id: str, *, when: str, by: str) -> bool:
        """TODO → DONE once (False if it was not TODO); the message leaves the ByAction index."""
        try:
            MessageItem(ebox_key(enterprise_number), message_key(message_id)).update(
                actions=[MessageItem.action_status.set(DONE), MessageItem.action_done_at.set(when),
                         MessageItem.action_done_by.set(by), MessageItem.action_ebox.remove(),
                         MessageItem.action_due.remove()],
                condition=MessageItem.action_status == TODO)
        except UpdateError as error:
            if is_conditional_failure(error):
                return False
            raise_classified(error, f"could not record the action of {message_id} as done")
        return True

    def replies(self, message_id: str) -> list[ReplyLink]:
        """The replies sent to a message, oldest first (one Query)."""
        items = ReplyLinkItem.query(message_key(message_id), ReplyLinkItem.sk.startswith("REPLY#"))
        return [ReplyLink(i.sk.removeprefix("REPLY#"), i.reply_ebox, i.receipt_date) for i in items]

    def record_rejection(self, record: SignedEvidence) -> None:
        """A refused submission's only record, under the message id it would have had."""
        try:
            with TransactWrite(connection=self._connection) as transaction:
                append_evidence(transaction, record.message_id, ChainHead.empty(), [record])
        except TransactWriteError as error:
            if any_condition_failed(error):  # its evidence chain moved meanwhile: a retry appends after it
                raise TransientError("could not record the rejection's evidence") from error
            raise_classified(error, "could not record the rejection's evidence")

    def evidence_head(self, message_id: str) -> ChainHead:
        return chain_head(message_id)

    def evidence(self, message_id: str) -> list[SignedEvidence]:
        """The chain in order, the last record carrying the chain's signed head (when it has one)."""
        try:
            return read_chain(message_id)
        except PynamoDBException as error:
            raise classify(error) from error


def _summary_of(item: EboxSummaryItem) -> EboxSummary:
    return EboxSummary(
        number_of_messages=int(item.number_of_messages or 0),
        number_of_unread_messages=int(item.number_of_unread_messages or 0),
        ebox_size_bytes=int(item.ebox_size_bytes or 0),
        last_receipt_date=item.last_receipt_date,
        last_consultation_date=item.last_consultation_date,
    )


def _summed(parts: list[EboxSummary]) -> EboxSummary:
    receipts = [p.last_receipt_date for p in parts if p.last_receipt_date]
    return EboxSummary(sum(p.number_of_messages for p in parts), sum(p.number_of_unread_messages for p in parts),
                       sum(p.ebox_size_bytes for p in parts), max(receipts) if receipts else None, None)


def message_item(message: Message) -> MessageItem:
    """A new message's item: its record and the keys of every inbox index it belongs to."""
    expires = int(parse_timestamp(message.expiration_date, field_name="expirationDate").timestamp())
    return MessageItem(
        ebox_key(message.recipient),
        message_key(message.message_id),
        message_id=message.message_id,
        document=stored_document(message),
        read_status=False,
        visible=True,
        delivery_state=message.delivery_state,
        expires_at=expires + EXPIRED_MESSAGE_GRACE_SECONDS,
        **filtered_attributes(message),
    )


def _to_message(item: MessageItem) -> Message:
    return to_message(item)
