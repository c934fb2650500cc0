"""A stored day's manifest (YYYY-MM-DD.json): rows, and each file's size and sha256. Written
last, so a day without one does not exist."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

FORMAT = 2      # the stored days' layout: 2 = sensors and relays i1..i8 (1: sensors only)
KINDS = {"csv": ".csv.zst", "raw": ".raw.parquet", "m1": ".m1.arrow", "m10": ".m10.arrow"}


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
    def from_json(cls, data: bytes) -> "Manifest":
        doc = json.loads(data)
        files = doc["files"]
        if set(files) != set(KINDS) or not all(isinstance(f.get("sha256"), str) for f in files.values()):
            raise ValueError("incomplete manifest")
        return cls(date.fromisoformat(doc["day"]), int(doc["rows"]), files, float(doc["fetched_at"]),
                   int(doc.get("format", 1)))


def hashes(blobs: dict[str, bytes]) -> dict[str, dict]:
    return {k: {"bytes": len(b), "sha256": hashlib.sha256(b).hexdigest()} for k, b in blobs.items()}
