"""moto 5.2.5's DynamoDB items and stream records, kept on disk while nobody uses them (the local stack's
moto server installs it: `install()` when it starts, `uninstall()` once moto is reset).

moto holds every item as Python objects, ~2.5 times its DynamoDB size: a bulk line's five items (message,
two evidence records, chain head, idempotency claim; 7.6 KB) take ~19 KB, so 100,000 lines hold ~2 GB;
and each stream record (the item's old and new images) ~5 KB until its readers have passed it. DynamoDB
keeps them on disk. Here:

- an item's attributes that were neither read nor written for ~20 seconds are pickled (and compressed)
  into a spool file of this process, leaving its keys in memory; reading them loads them back;
- a stream record is spooled as it is made and loaded when a reader gets it.

Memory then holds the items in use, each item's keys and a spool offset. The spool is a temporary file,
gone when the stack stops; it only grows (an item written again leaves its former copy behind). And the
items of one partition (a message's evidence, audit lines, claims; an e-Box's messages) share one object
for their partition key, instead of one each (~150 bytes an item). After a sweep that spooled items, the
pages their attributes held are given back (`process_memory.trim_freed_memory`)."""

from __future__ import annotations

import itertools
import os
import pickle
import tempfile
import threading
import weakref
import zlib
from typing import IO, Any

from moto.dynamodb.models.dynamo_type import Item, LimitedSizeDict
from moto.dynamodb.models.table import StreamRecord, Table

from ebox_local import process_memory

SWEEP_SECONDS = 2.0
IDLE_SWEEPS = 10  # an item untouched for this many sweeps goes to the spool
_ORIGINAL_RECORD_INIT = StreamRecord.__init__
_ORIGINAL_RECORD_JSON = StreamRecord.to_json
_ORIGINAL_PUT_ITEM = Table.put_item
_ATTRS = "_ebox_attrs"  # the attributes while in memory, else None
_PLACE = "_ebox_spooled"  # where in the spool while not in memory (_Spool.put)
_LENGTH_BITS = 32  # an item is at most 400 KB
_USED = "_ebox_used"  # the sweep during which the attributes were last used
_lock = threading.Lock()  # loads, evictions and the set of items in memory
_in_memory: weakref.WeakValueDictionary[int, Item] = weakref.WeakValueDictionary()  # by id: Item is unhashable
_sweep = 0
_spool: _Spool | None = None
_sweeper: _Sweeper | None = None


class _Spool:
    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="ebox-moto-spool-")  # noqa: SIM115 - closed by close()
        self._end = 0
        self._writing = threading.Lock()

    def put(self, value: Any) -> int:
        """Where ``value`` now lies: its offset and length in one int (a tuple would take 120 bytes more)."""
        data = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
        with self._writing:
            offset = self._end
            os.pwrite(self._file.fileno(), data, offset)
            self._end += len(data)
        return offset << _LENGTH_BITS | len(data)

    def get(self, place: int) -> Any:
        offset, length = place >> _LENGTH_BITS, place & ((1 << _LENGTH_BITS) - 1)
        return pickle.loads(zlib.decompress(os.pread(self._file.fileno(), length, offset)))  # noqa: S301 - our own file

    def close(self) -> None:
        self._file.close()


class _Sweeper(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="moto-spool", daemon=True)
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(SWEEP_SECONDS):
            if sweep():
                process_memory.trim_freed_memory()


def install() -> None:
    global _spool, _sweeper  # noqa: PLW0603 - moto's classes are process-wide; so is their spool
    _spool = _Spool()
    Item.attrs = property(_get_attrs, _set_attrs)  # type: ignore[assignment, method-assign]
    StreamRecord.__init__ = _record_init  # type: ignore[method-assign]
    StreamRecord.to_json = _record_json  # type: ignore[method-assign]
    Table.put_item = _put_item  # type: ignore[method-assign]
    _sweeper = _Sweeper()
    _sweeper.start()


def uninstall() -> None:
    """Once moto was reset: items and records made while installed are not readable afterwards."""
    global _spool, _sweeper  # noqa: PLW0603
    if _sweeper is not None:
        _sweeper.stopping.set()
        _sweeper.join()
        _sweeper = None
    if isinstance(Item.__dict__.get("attrs"), property):
        del Item.attrs  # type: ignore[misc]
    StreamRecord.__init__ = _ORIGINAL_RECORD_INIT  # type: ignore[method-assign]
    StreamRecord.to_json = _ORIGINAL_RECORD_JSON  # type: ignore[method-assign]
    Table.put_item = _ORIGINAL_PUT_ITEM  # type: ignore[method-assign]
    with _lock:
        _in_memory.clear()
    if _spool is not None:
        _spool.close()
        _spool = None


def _get_attrs(item: Item) -> Any:
    setattr(item, _USED, _sweep)  # before reading: a sweep that spools it meanwhile sees the use and undoes it
    attrs = getattr(item, _ATTRS)
    return attrs if attrs is not None else _load(item)


def _set_attrs(item: Item, attrs: Any) -> None:
    setattr(item, _USED, _sweep)
    setattr(item, _ATTRS, attrs)
    setattr(item, _PLACE, None)
    with _lock:
        _in_memory[id(item)] = item


def _load(item: Item) -> Any:
    with _lock:
        attrs = getattr(item, _ATTRS)
        if attrs is None:
            assert _spool is not None, "an item spooled by a stack that has stopped"
            attrs = LimitedSizeDict.__new__(LimitedSizeDict)
            dict.update(attrs, _spool.get(getattr(item, _PLACE)))  # not LimitedSizeDict's O(n) __setitem__
            setattr(item, _ATTRS, attrs)
            setattr(item, _PLACE, None)
            _in_memory[id(item)] = item
        return attrs


def sweep() -> int:
    """Spools the attributes of the items not used for IDLE_SWEEPS sweeps; returns how many."""
    global _sweep  # noqa: PLW0603
    with _lock:
        _sweep += 1
        idle = [item for item in _in_memory.values() if getattr(item, _USED) <= _sweep - IDLE_SWEEPS]
    spooled = 0
    for item in idle:
        used, attrs, spool = getattr(item, _USED), getattr(item, _ATTRS), _spool
        if attrs is None or spool is None:
            continue
        place = spool.put(dict(attrs))
        with _lock:
            setattr(item, _ATTRS, None)
            if getattr(item, _USED) != used:  # used while being spooled: it stays in memory as it is
                setattr(item, _ATTRS, attrs)
                continue
            setattr(item, _PLACE, place)
            _in_memory.pop(id(item), None)
            spooled += 1
    return spooled


def _put_item(self: Table, *args: Any, **kwargs: Any) -> Item:
    item = _ORIGINAL_PUT_ITEM(self, *args, **kwargs)
    _share_partition_key(self, item)
    return item


def _share_partition_key(table: Table, item: Item) -> None:
    """``item`` takes the partition key object of another item of its partition (which took it from the
    one before: all share the one the partition is filed under)."""
    partition = table.items.get(item.hash_key) if item.range_key is not None else None
    if not partition:
        return
    for other in list(itertools.islice(partition.values(), 2)):  # one C call: no write changes it meanwhile
        if other is not item:
            item.hash_key = other.hash_key
            return


def _record_init(self: StreamRecord, *args: Any, **kwargs: Any) -> None:
    _ORIGINAL_RECORD_INIT(self, *args, **kwargs)
    if _spool is not None:
        setattr(self, _PLACE, _spool.put(self.__dict__.pop("record")))


def _record_json(self: StreamRecord) -> dict[str, Any]:
    record = self.__dict__.get("record")
    if record is None:
        assert _spool is not None, "a stream record spooled by a stack that has stopped"
        record = _spool.get(getattr(self, _PLACE))
    return record  # type: ignore[no-any-return]
