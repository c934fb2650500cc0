"""Text lines streamed as ~64 KB byte chunks: one socket write per CSV line would crawl.

Used by the gateway's CSV download and the simulator's report download.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

CHUNK_CHARS = 64 * 1024


def byte_chunks(lines: Iterable[str], size: int = CHUNK_CHARS,
                between: Callable[[], None] | None = None) -> Iterator[bytes]:
    """The lines joined into UTF-8 chunks of about `size` characters; `between()` runs after
    each full chunk (the gateway lets other greenlets in there)."""
    buf: list[str] = []
    held = 0
    for line in lines:
        buf.append(line)
        held += len(line)
        if held >= size:
            yield "".join(buf).encode()
            buf, held = [], 0
            if between is not None:
                between()
    if buf:
        yield "".join(buf).encode()
