"""The latest live frame and when it arrived, as every part of the service sees it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Latest:
    frame: dict
    received_at: float        # our wall clock (the unit's `ts` is data, never a timer)

    def age_s(self, now: float) -> float:
        return max(0.0, now - self.received_at)
