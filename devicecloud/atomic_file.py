"""The one way both services write a file: temp file in the same folder, fsync, os.replace, fsync
the folder. A crash at any moment leaves the old bytes or the new ones, never part of either."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable; a platform that cannot open a folder is not an error."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """`path` holds its old bytes or `data`, never part of either. `mode` (e.g. 0o600 for a file
    holding secrets) is set on the temp file before any byte is written, so the data is never
    readable by others, not even for a moment. Raises OSError (disk full, read-only...)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)


def remove_stale_temps(path: Path) -> None:
    """Temp files a crash left mid-write beside `path` are incomplete by definition."""
    path = Path(path)
    if not path.parent.is_dir():
        return
    for tmp in path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"):
        try:
            tmp.unlink()
        except OSError:
            pass
