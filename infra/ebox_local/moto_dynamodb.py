"""moto 5.2.5's TransactWriteItems, made usable for bulk work (installed with the other bridges).

moto backs up every table a transaction touches with `copy.deepcopy` of the whole table, once per
item of the transaction, before each transaction: the cost grows with the table (a publication's
six-item transaction on a table of 100,000 messages copies 600,000 items), and a concurrent write
changes a table while it is being copied ("dictionary changed size during iteration"), which fails
the transaction. Here a transaction backs up only the items it touches, and transactions run one at
a time, as DynamoDB serialises conflicting transactions. Rollback keeps moto's meaning: all or none.

Likewise a Query on a table's key looked at every item of the table (and failed when a write changed
the table meanwhile): here it looks at its partition only, and scans iterate over a snapshot. And a Query
on an index stopped at 1 MB of whole items: here, as on DynamoDB, at 1 MB of index entries (the keys and
projected attributes), so that a slim index reads as many entries per call as it would on AWS. An index
entry is made by keeping the item's key and projected attributes (moto turned the whole item into JSON
once per projected attribute: 7 ms per entry of a message item, most of an inbox page's time), and the
index's entries are sorted on their keys' values computed once per entry, not once per comparison.

Streams: moto adds a stream record per item as a transaction applies it, and keeps it when the
transaction fails and is rolled back. Here the records of a failed transaction are taken back, a
stream is read only between transactions, and a listener (ebox_local.moto_bridges, for the tests'
in-process moto) is told of the records of each write once it has succeeded."""

from __future__ import annotations

import copy
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import SecondaryIndex, StreamShard, Table

_ORIGINAL_TRANSACT = DynamoDBBackend.transact_write_items
_ORIGINAL_COPY = dynamodb_models.copy
_ORIGINAL_QUERY = Table.query
_ORIGINAL_ALL_ITEMS = Table.all_items
_ORIGINAL_SIZE = Item.size
_ORIGINAL_PROJECT = SecondaryIndex.project
_ORIGINAL_SORTED = Table.sorted_items
_TRANSACTIONS = threading.RLock()
_ORIGINAL_STREAM_ADD = StreamShard.add
_ORIGINAL_STREAM_GET = StreamShard.get
_SHARDS = threading.Lock()  # a stream record's sequence number is its place in its shard: one add at a time
_STREAMED = threading.local()  # .pending: the stream records of the transaction under way in this thread
StreamListener = Callable[[Table, list[dict[str, Any]]], None]
_listener: StreamListener | None = None


def set_stream_listener(listener: StreamListener | None) -> None:
    """``listener(table, records)`` after each successful write that added stream records."""
    global _listener  # noqa: PLW0603 - moto's backend is process-wide; so is who listens to it
    _listener = listener


_QUERIED = threading.local()  # the partition a Query on the table's own key is reading, in this thread


def _deepcopy_but_tables(value: Any, memo: Any = None) -> Any:
    """A table is not copied (its touched items are, by _transact_write_items); anything else is."""
    return value if isinstance(value, Table) else copy.deepcopy(value, memo)


_COPY_SHIM = types.SimpleNamespace(deepcopy=_deepcopy_but_tables)


def install() -> None:
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    dynamodb_models.copy = _COPY_SHIM  # type: ignore[attr-defined, assignment]
    Table.query = _query  # type: ignore[method-assign]
    Table.all_items = _all_items  # type: ignore[method-assign]
    Item.size = _size  # type: ignore[method-assign]
    SecondaryIndex.project = _project  # type: ignore[method-assign]
    Table.sorted_items = _sorted_items  # type: ignore[method-assign]
    StreamShard.add = _stream_add  # type: ignore[method-assign]
    StreamShard.get = _stream_get  # type: ignore[method-assign]


def uninstall() -> None:
    DynamoDBBackend.transact_write_items = _ORIGINAL_TRANSACT  # type: ignore[method-assign]
    dynamodb_models.copy = _ORIGINAL_COPY  # type: ignore[attr-defined]
    Table.query = _ORIGINAL_QUERY  # type: ignore[method-assign]
    Table.all_items = _ORIGINAL_ALL_ITEMS  # type: ignore[method-assign]
    Item.size = _ORIGINAL_SIZE  # type: ignore[method-assign]
    SecondaryIndex.project = _ORIGINAL_PROJECT  # type: ignore[method-assign]
    Table.sorted_items = _ORIGINAL_SORTED  # type: ignore[method-assign]
    StreamShard.add = _ORIGINAL_STREAM_ADD  # type: ignore[method-assign]
    StreamShard.get = _ORIGINAL_STREAM_GET  # type: ignore[method-assign]
    set_stream_listener(None)


@contextmanager
def stream_lock() -> Iterator[None]:
    """Held to read or trim a stream (ebox_local.moto_streams): no transaction under way, no record being added."""
    with _TRANSACTIONS, _SHARDS:
        yield


def _stream_add(self: StreamShard, old: Any, new: Any) -> None:
    with _SHARDS:
        before = len(self.items)
        _ORIGINAL_STREAM_ADD(self, old, new)
        added = self.items[before:]
    pending = getattr(_STREAMED, "pending", None)
    if pending is not None:
        pending.extend((self, record) for record in added)
    elif added and _listener is not None:
        _listener(self.table, [record.to_json() for record in added])


def _stream_get(self: StreamShard, start: int, quantity: int) -> list[dict[str, Any]]:
    with _TRANSACTIONS:  # never a record of a transaction that may still be rolled back
        return _ORIGINAL_STREAM_GET(self, start, quantity)  # type: ignore[no-any-return]


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    _QUERIED.partition = (self, hash_key) if index_name is None and hash_key is not None else None
    _QUERIED.index = {i.name: i for i in self.all_indexes()}.get(index_name) if index_name is not None else None
    try:
        return _ORIGINAL_QUERY(self, hash_key, *args, **kwargs)
    finally:
        _QUERIED.partition = None
        _QUERIED.index = None


def _size(self: Item) -> int:
    """An item's size; during a Query on an index, the size of its entry in that index."""
    index = getattr(_QUERIED, "index", None)
    projection = (index.projection or {}) if index is not None else {}
    if index is None or projection.get("ProjectionType") not in ("KEYS_ONLY", "INCLUDE"):
        return int(_ORIGINAL_SIZE(self))
    kept = {*index.table_key_attrs, *(key["AttributeName"] for key in index.schema),
            *projection.get("NonKeyAttributes", [])}
    return sum(len(name.encode()) + value.size() for name, value in self.attrs.items() if name in kept)


def _project(self: SecondaryIndex, item: Item) -> Item:
    """The item's entry in this index: its key attributes and the projected ones (all top-level names)."""
    projection = self.projection or {}
    kind = projection.get("ProjectionType")
    if kind not in ("KEYS_ONLY", "INCLUDE"):
        return item
    kept = {*self.table_key_attrs, *(key["AttributeName"] for key in self.schema),
            *(projection.get("NonKeyAttributes", []) if kind == "INCLUDE" else [])}
    entry = Item(item.hash_key, item.range_key, {})
    for name, value in item.attrs.items():
        if name in kept:
            entry.attrs[name] = value
    return entry


def _sorted_items(self: Table, hash_key_attrs: list[str], range_key_attrs: list[str | None],
                  items: list[Item]) -> list[Item]:
    """moto's order (by the index's keys, then the table's), each entry's key values computed once."""
    names = self._generate_attr_to_sort_by(hash_key_attrs, range_key_attrs)
    items.sort(key=lambda item: tuple(item.attrs[name].cast_value for name in names))
    return items


def _all_items(self: Table) -> list[Any]:
    """The queried partition's items during a Query on the table's key; else every item (a snapshot), in key
    order as moto's own: a Scan's ExclusiveStartKey skips the items that sort before it, so a snapshot in
    another order would hand a paginated Scan the same items again (and never end)."""
    queried = getattr(_QUERIED, "partition", None)
    if queried is not None and queried[0] is self:
        found = self.items.get(queried[1])
        if found is None:
            return []
        return list(found.values()) if self.range_key_attr else [found]
    if self.range_key_attr:
        items = [item for partition in list(self.items.values()) for item in list(partition.values())]
        return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else (x.hash_key,))
    return sorted(self.items.values(), key=lambda x: x.hash_key)


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    with _TRANSACTIONS:
        backup = [_backed_up(self, entry) for entry in transact_items]
        pending: list[tuple[StreamShard, Any]] = []
        _STREAMED.pending = pending
        try:
            _ORIGINAL_TRANSACT(self, transact_items)
        except Exception:
            for touched in reversed(backup):
                if touched is not None:
                    _restore(*touched)
            for shard, record in reversed(pending):
                shard.items.remove(record)
            raise
        finally:
            _STREAMED.pending = None
    if pending and _listener is not None:
        by_table: dict[int, tuple[Table, list[dict[str, Any]]]] = {}
        for shard, record in pending:
            by_table.setdefault(id(shard.table), (shard.table, []))[1].append(record.to_json())
        for table, records in by_table.values():
            _listener(table, records)


def _backed_up(backend: DynamoDBBackend, entry: dict[str, Any]) -> tuple[Table, Any, Any, Any] | None:
    operation = next(iter(entry.values()), None)
    if not isinstance(operation, dict):
        return None
    table = backend.tables.get(operation.get("TableName", ""))
    attributes = operation.get("Item") or operation.get("Key") or {}
    if table is None or table.hash_key_attr not in attributes:
        return None
    hash_key = DynamoType(attributes[table.hash_key_attr])
    range_key = None
    if table.range_key_attr is not None:
        if table.range_key_attr not in attributes:
            return None
        range_key = DynamoType(attributes[table.range_key_attr])
    return table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))


def _restore(table: Table, hash_key: Any, range_key: Any, item: Any) -> None:
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
    elif item is None:
        table.items.get(hash_key, {}).pop(range_key, None)
    else:
        table.items[hash_key][range_key] = item
