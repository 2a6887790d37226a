"""What the local stack's one process does to hold less memory, beside moto's own fixes (`install()` when
the stack starts, `uninstall()` when it stops).

- **One botocore data loader.** Each boto3 session loads the endpoint and service models again into its
  own loader (~13 MB); the stack's process makes several sessions (the functions' clients, the pollers,
  provisioning, the bench). Here every session of the process shares one loader per data path.
- **glibc's malloc** (Linux only; elsewhere nothing is done): at most two arenas, instead of one per
  thread that allocates at the same time (the stack runs dozens of threads: moto's server, pollers,
  function workers); and, after each spool sweep that put items on disk, the pages freed meanwhile given
  back (`trim_freed_memory`)."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any

import botocore.session

_M_ARENA_MAX = -8  # glibc's mallopt parameter
_ORIGINAL_CREATE_LOADER = botocore.session.create_loader


def install() -> None:
    botocore.session.create_loader = _shared_loader  # type: ignore[attr-defined]
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, 2)


def uninstall() -> None:
    botocore.session.create_loader = _ORIGINAL_CREATE_LOADER  # type: ignore[attr-defined]
    _shared_loader.cache_clear()


def trim_freed_memory() -> None:
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _shared_loader(search_path_string: str | None = None) -> Any:
    loader = _ORIGINAL_CREATE_LOADER(search_path_string)
    loader._search_paths = _SearchPaths(dict.fromkeys(loader.search_paths))  # noqa: SLF001 - boto3 appends to it
    return loader


class _SearchPaths(list[str]):
    """A loader's search paths, to which each new boto3 session appends boto3's own: once is enough."""

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


@functools.cache
def _glibc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt, libc.malloc_trim  # noqa: B018 - glibc has both; musl and macOS libc do not
    except (OSError, AttributeError, TypeError):
        return None
    return libc
