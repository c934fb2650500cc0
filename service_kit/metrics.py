"""Prometheus exposition for both services, read straight from their live objects.

Each service lists its metrics as `Metric`s when scraped (a custom collector), so counters
live where the work happens and nothing is counted twice. prometheus_client does the
text format. The route is unauthenticated on the service's own port and nginx never
forwards it: scrape it from inside the deployment (bound internally).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from flask import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric as _Family

Sample = tuple[dict[str, str], float]


@dataclass
class Metric:
    name: str                          # counters without the _total suffix
    kind: Literal["gauge", "counter"]
    help: str
    samples: list[Sample] = field(default_factory=list)

    @classmethod
    def one(cls, name: str, kind: Literal["gauge", "counter"], help_: str, value: float) -> "Metric":
        return cls(name, kind, help_, [({}, float(value))])


class _Collector:
    def __init__(self, read: Callable[[], Iterable[Metric]]) -> None:
        self.read = read

    def collect(self) -> Iterator[_Family]:
        for m in self.read():
            labels = sorted({k for sample_labels, _ in m.samples for k in sample_labels})
            family = (CounterMetricFamily if m.kind == "counter" else GaugeMetricFamily)(
                m.name, m.help, labels=labels)
            for sample_labels, value in m.samples:
                family.add_metric([sample_labels.get(k, "") for k in labels], float(value))
            yield family


def exposition(read: Callable[[], Iterable[Metric]]) -> Callable[[], Response]:
    """A Flask view serving the metrics that `read()` lists at scrape time."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(read))

    def view() -> Response:
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    return view
