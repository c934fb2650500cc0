"""The state file: one versioned JSON document, replaced atomically, never silently lost.

- Save: devicecloud/atomic_file.py (temp file, fsync, os.replace, fsync the directory). A crash
  at any moment leaves the old or the new file, never half of one.
- Load: a file that cannot be read, parsed, migrated or validated is renamed aside
  (`<name>.corrupt-<UTC time>`) BEFORE anything may be written, and the problem is reported.
  If it cannot be moved aside, saving stays disabled so the file is never overwritten.
  A part's own slice (`separable`, e.g. the alerts') is validated in the same pass; when the errors
  are all inside such slices, each bad slice alone is copied aside (`<name>.<slice>-corrupt-<UTC
  time>`) and dropped, so damage there costs only that part (`slice_errors` says what happened).
- Versions: {"version": N, ...}; MIGRATIONS[n] turns a version-n document into version n+1.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from devicecloud.atomic_file import atomic_write, fsync_dir, remove_stale_temps

log = logging.getLogger(__name__)
T = TypeVar("T")

CURRENT_VERSION = 1
FILE_MODE = 0o600        # the file holds the contact points' secrets (SMTP password, bot token)
# version n -> function returning the version n+1 document. Add one per schema change.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


class StateFileError(Exception):
    pass


def migrate(doc: Any, current: int | None = None) -> dict:
    """Bring a loaded document up to the current schema version (or say why it cannot be)."""
    current = CURRENT_VERSION if current is None else current
    if not isinstance(doc, dict):
        raise StateFileError("not a JSON object")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise StateFileError("no integer 'version' field")
    if version > current:
        raise StateFileError(f"written by a newer version of the service (schema v{version})")
    while version < current:
        step = MIGRATIONS.get(version)
        if step is None:
            raise StateFileError(f"no migration from schema v{version}")
        doc = step(dict(doc))
        version += 1
        doc["version"] = version
    return doc


class StateStore:
    def __init__(self, path: Path | str, wall: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.wall = wall
        self._lock = threading.Lock()      # one save at a time, in the order snapshots are taken
        self.writable = True
        self.load_error: str | None = None
        self.kept_aside: str | None = None
        self.slice_errors: dict[str, str] = {}   # slice -> why it was set aside (the rest loaded)
        self.save_error: str | None = None
        self.last_saved_at: float | None = None

    # -- load ----------------------------------------------------------------------------------
    def load(self, validate: Callable[[dict], T], separable: Collection[str] = ()) -> T | None:
        """The validated document, or None (start on defaults) when there is no usable file.
        A bad top-level `separable` slice is set aside and left out instead of failing the file."""
        remove_stale_temps(self.path)     # left by a crash mid-save: incomplete by definition
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            return self._reject(f"unreadable: {exc.strerror or exc}")
        try:
            return self._validate(migrate(json.loads(raw)), validate, separable)
        except StateFileError as exc:
            return self._reject(str(exc))
        except ValidationError as exc:   # schema errors from `validate`
            return self._reject(f"invalid: {_described(exc.errors()[0], 'document')}")
        except ValueError as exc:        # not JSON / not UTF-8
            return self._reject(f"is not valid JSON ({exc})")

    def _validate(self, doc: dict, validate: Callable[[dict], T], separable: Collection[str]) -> T:
        try:
            return validate(doc)
        except ValidationError as exc:
            bad = {e["loc"][0] if e["loc"] else None for e in exc.errors()}
            if not bad <= set(separable):
                raise
            for name in sorted(bad):
                self._set_slice_aside(name, doc.pop(name), exc)
            return validate(doc)

    def _set_slice_aside(self, name: str, raw: Any, exc: ValidationError) -> None:
        first = next(e for e in exc.errors() if e["loc"][0] == name)
        aside = self._aside_name(f"{name}-corrupt")
        try:
            atomic_write(aside, json.dumps(raw, ensure_ascii=False).encode(), mode=FILE_MODE)
            kept = f"kept as {aside.name}"
        except (OSError, TypeError, ValueError) as err:
            kept = f"could not keep a copy ({getattr(err, 'strerror', None) or err})"
        self.slice_errors[name] = f"{name} state invalid ({_described(first, name, skip=1)}); {kept}"
        log.error("%s", self.slice_errors[name])

    def _reject(self, problem: str) -> None:
        self.load_error = f"state file {problem}"
        self.slice_errors.clear()      # the whole file is set aside, slices and all
        aside = self._aside_name("corrupt")
        try:
            os.replace(self.path, aside)
            fsync_dir(self.path.parent)
            self.kept_aside = aside.name
            log.error("%s; kept it as %s and started on defaults", self.load_error, aside)
        except OSError as exc:
            # Could not keep it: never write over it.
            self.writable = False
            self.load_error += f"; could not move it aside ({exc.strerror or exc}), so saving is disabled"
            log.error("%s", self.load_error)
        return None

    def _aside_name(self, tag: str) -> Path:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(self.wall()))
        candidate = self.path.with_name(f"{self.path.name}.{tag}-{stamp}")
        n = 1
        while candidate.exists():
            n += 1
            candidate = self.path.with_name(f"{self.path.name}.{tag}-{stamp}-{n}")
        return candidate

    # -- save ----------------------------------------------------------------------------------
    def save(self, snapshot: Callable[[], dict]) -> bool:
        """Serialize and write snapshot() atomically. Returns False (and records why) on failure.
        The snapshot is taken under the save lock so saves land in the order state changed."""
        with self._lock:
            if not self.writable:
                return False
            try:
                doc = {"version": CURRENT_VERSION, **snapshot(), "saved_at": self.wall()}
                self.path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(self.path, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(),
                             mode=FILE_MODE)
            except (OSError, TypeError, ValueError) as exc:
                self.save_error = f"save failed: {getattr(exc, 'strerror', None) or exc}"
                log.error("state file %s", self.save_error)
                return False
            self.save_error = None
            self.last_saved_at = doc["saved_at"]
            return True

    # -- health --------------------------------------------------------------------------------
    def status(self) -> dict:
        error = self.load_error or self.save_error
        return {"ok": error is None, "error": error, "kept_aside": self.kept_aside,
                "file": self.path.name, "writable": self.writable,
                "last_saved_at": self.last_saved_at}



def _described(e: Any, whole: str, skip: int = 0) -> str:
    """`where: what` of one pydantic error; `skip` leading path parts (a slice's own name)."""
    where = ".".join(str(p) for p in e["loc"][skip:]) or whole
    return f"{where}: {e['msg'].removeprefix('Value error, ')}"
