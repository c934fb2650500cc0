"""A stored day's manifest (YYYY-MM-DD.json): rows, and each file's size and sha256. Written
last, so a day without one does not exist. Read from disk, it is checked as a whole: any
field missing or of the wrong type makes it malformed (ValueError), never a crash later."""
from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

FORMAT = 2      # the stored days' layout: 2 = sensors and relays i1..i8 (1: sensors only)
KINDS = {"csv": ".csv.zst", "raw": ".raw.parquet", "m1": ".m1.arrow", "m10": ".m10.arrow"}
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Manifest:
    day: date
    rows: int
    files: dict[str, dict]          # kind -> {"bytes", "sha256"}
    fetched_at: float
    format: int = FORMAT

    @property
    def bytes(self) -> int:
        return sum(f["bytes"] for f in self.files.values())

    def to_json(self) -> bytes:
        return json.dumps({"format": self.format, "day": self.day.isoformat(), "rows": self.rows,
                           "files": self.files, "fetched_at": self.fetched_at}, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes, day: date | None = None) -> "Manifest":
        """The manifest in `data` (of `day`'s file, when given); ValueError when malformed."""
        try:
            doc = json.loads(data)
        except RecursionError:
            raise ValueError("nested too deep") from None     # json's own errors are ValueErrors
        if not isinstance(doc, dict):
            raise ValueError("not a JSON object")
        fmt = doc.get("format", 1)
        if not _is_int(fmt) or not 1 <= fmt <= FORMAT:
            raise ValueError("unknown format")
        if not isinstance(doc.get("day"), str):
            raise ValueError("day is not a date")
        m_day = date.fromisoformat(doc["day"])
        if day is not None and m_day != day:
            raise ValueError("the day of another file")
        rows, fetched_at = doc.get("rows"), doc.get("fetched_at")
        if not _is_int(rows) or rows < 0:
            raise ValueError("rows is not a count")
        if not isinstance(fetched_at, (int, float)) or isinstance(fetched_at, bool) or not math.isfinite(fetched_at):
            raise ValueError("fetched_at is not a time")
        return cls(m_day, rows, _files(doc.get("files")), float(fetched_at), fmt)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _files(files: Any) -> dict[str, dict]:
    if not isinstance(files, dict) or set(files) != set(KINDS):
        raise ValueError("files is not one entry per kind")
    for f in files.values():
        if not isinstance(f, dict) or not _is_int(f.get("bytes")) or f["bytes"] < 0 \
                or not isinstance(f.get("sha256"), str) or not SHA256.fullmatch(f["sha256"]):
            raise ValueError("a file entry is not {bytes, sha256}")
    return {k: {"bytes": f["bytes"], "sha256": f["sha256"]} for k, f in files.items()}


def hashes(blobs: dict[str, bytes]) -> dict[str, dict]:
    return {k: {"bytes": len(b), "sha256": hashlib.sha256(b).hexdigest()} for k, b in blobs.items()}
