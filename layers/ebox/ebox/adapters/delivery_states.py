"""Qualified mail's delivery state on its message item (ebox.domain.qualified_delivery): the state, the
waiting execution's task token and the recipient's answer, moved together with the evidence records in
one transaction."""

from __future__ import annotations

from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from ebox.adapters.aws_errors import any_condition_failed, classify, is_conditional_failure, raise_classified
from ebox.adapters.evidence_chain import append_evidence
from ebox.adapters.inbox_pages import filtered_attributes, search_attributes
from ebox.adapters.item_keys import ebox_key, message_key
from ebox.adapters.tables.message_items import MessageItem
from ebox.domain.errors import TransientError
from ebox.domain.evidence import ChainHead, SignedEvidence
from ebox.domain.message import Message
from ebox.domain.qualified_delivery import Delivery


class DynamoDeliveryStates:
    """Qualified mail's delivery state on the message item, moved together with its evidence."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def move(self, enterprise_number: str, message_id: str, *, expected: str, new: str,  # noqa: PLR0913
             evidence: list[SignedEvidence], task_token: str | None = None, revealed: Message | None = None,
             answer: str | None = None, execution: str | None = None) -> bool:
        """Moves the state from ``expected`` to ``new`` with the records; False if it was not ``expected``
        (or another execution than ``execution`` waits for the message). ``revealed``: the message in its
        new state, whose searchable text and action keys the item now takes."""
        item = MessageItem(ebox_key(enterprise_number), message_key(message_id))
        actions: list[Any] = [
            MessageItem.delivery_state.set(new),
            MessageItem.task_token.set(task_token) if task_token else MessageItem.task_token.remove(),
        ]
        if answer is not None:
            actions.append(MessageItem.delivery_answer.set(answer))
        condition = MessageItem.delivery_state == expected
        if execution is not None:
            actions.append(MessageItem.delivery_execution.set(execution))
            condition &= (MessageItem.delivery_execution.does_not_exist()
                          | (MessageItem.delivery_execution == execution))
        if revealed is not None:
            shown = {**search_attributes(revealed), **_action_keys(revealed)}
            actions.extend(getattr(MessageItem, name).set(value) if value is not None
                           else getattr(MessageItem, name).remove() for name, value in shown.items())
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.update(item, actions=actions, condition=condition)
                if evidence:
                    append_evidence(transaction, message_id, ChainHead(evidence[0].sequence - 1, None), evidence)
        except TransactWriteError as error:
            if is_conditional_failure(error):
                return False
            if any_condition_failed(error):  # its evidence chain moved meanwhile: a retry appends after it
                raise TransientError(f"could not record the delivery of {message_id}") from error
            raise_classified(error, f"could not record the delivery of {message_id}")
        return True

    def current(self, enterprise_number: str, message_id: str) -> Delivery:
        try:
            item = MessageItem.get(ebox_key(enterprise_number), message_key(message_id), consistent_read=True)
        except DoesNotExist:
            return Delivery(None)
        except PynamoDBException as error:
            raise classify(error) from error
        return Delivery(item.delivery_state, item.task_token, item.delivery_answer, item.delivery_execution)


def _action_keys(message: Message) -> dict[str, Any]:
    keys = filtered_attributes(message)
    return {name: keys.get(name) for name in ("action_ebox", "action_due") if message.action is not None}

