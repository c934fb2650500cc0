"""Give a parse's memory back to the OS (pyarrow's pool and glibc's arenas)."""
from __future__ import annotations

import ctypes
import ctypes.util

import pyarrow as pa


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None      # musl has none
    except OSError:
        return None


_LIBC = _glibc()


def release_memory() -> None:
    """Hand the parse's buffers (~150 MB for a month) back to the OS. Both pyarrow's pool
    and glibc's per-thread arenas keep freed memory for reuse, so a gateway that served one
    month would otherwise stay that much bigger until it restarts."""
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
