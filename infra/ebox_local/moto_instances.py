"""moto 5.2.5 keeps a reference to every model object it ever makes (`BaseModel.instances_tracked`, for
its dashboard at `/moto-api/data.json`, which nothing here reads, and to dispose of S3 keys at a reset,
which its buckets do too): every item a request parsed or a query projected, every copy of an SQS
message it handed out, every stream record and shard iterator, for the life of the process. In a bulk
run of 100,000 lines that is most of the emulator's memory. The local stack's moto tracks none of them
(`install` when it starts, `uninstall` when it stops): what a backend keeps, it still holds itself."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import BaseModel

_ORIGINAL_NEW = BaseModel.__dict__["__new__"]


def _untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    return object.__new__(cls)


def install() -> None:
    BaseModel.__new__ = staticmethod(_untracked_new)  # type: ignore[assignment, method-assign]


def uninstall() -> None:
    BaseModel.__new__ = _ORIGINAL_NEW  # type: ignore[method-assign]
