"""The history: past unit-local days kept on disk (SPEC section 10), today from the socket,
and either aggregated into the min/mean/max buckets of /api/history.

One concept per module:
- calendar.py     unit-local days: the one today(), day numbers, ranges, midnights
- window.py       a view's window: days cut into calendar-aligned buckets (SIZES, MAX_DAYS)
- report_csv.py   the cloud's report CSV -> float64 columns (pyarrow)
- report_split.py one downloaded report cut into unit-local days (bytes as sent + rows)
- rollups.py      rows -> cells (count, sum, min, max per channel)
- people_csv.py   the people's CSV (SPEC 12): interval means, labels, unit-local times
- aggregate.py    rows and cells -> the view's buckets (numbers, or /api/history's lists)
- memory.py       a parse's memory back to the OS (malloc_trim)
- day_codecs.py   a day's files as bytes: zstd CSV, Parquet rows, Arrow cells
- manifest.py     a stored day's manifest (sizes and hashes)
- day_files.py    the stored past days: atomic writes, verified reads, upgrade, prune
- today_log.py    today's frames from the socket
- priority.py     one download at a time, browsers first, background after quiet views
- queues.py       the background's queues: browsers' downloads to store, the backfill
- forked.py       one call in a forked child (the background's days: worker memory untouched)
- cloud_fetch.py  reports downloaded, parsed and stored
- store.py        HistoryStore: the facade the gateway uses
- jobs.py         HistoryJobs: the background thread (ingest, daily job, backfill)
"""
from .aggregate import aggregate, aggregate_cells, bucket_stats, history_from_csv, means, summary
from .errors import StoreError, Yielded
from .jobs import HistoryJobs
from .report_csv import ReportFormatError, read_report
from .store import HistoryStore
from .window import MAX_DAYS, SIZES, Window

__all__ = ["MAX_DAYS", "SIZES", "HistoryJobs", "HistoryStore", "ReportFormatError", "StoreError", "Window",
           "Yielded", "aggregate", "aggregate_cells", "bucket_stats", "history_from_csv", "means", "read_report",
           "summary"]
