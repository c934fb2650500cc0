"""A day's files as bytes and back: zstd CSV, Parquet rows, Arrow IPC cells."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq

from devicecloud.channels import HISTORY_CODES

from .report_csv import Columns
from .report_split import DayCsv
from .rollups import Cells, to_cells

# m10 uncompressed (66 KB a day), m1 lz4 (~0.7 MB -> ~0.25 MB a day, still ~1 ms to read)
CELL_COMPRESSION = {"m1": "lz4", "m10": "uncompressed"}
CELL_KIND = {60: "m1", 600: "m10"}


def parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def zstd(data: bytes | DayCsv) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        for piece in data.chunks() if isinstance(data, DayCsv) else [data]:
            out.write(piece)
    return sink.getvalue().to_pybytes()


def unzstd(data: bytes) -> bytes:
    with pa.CompressedInputStream(pa.BufferReader(data), "zstd") as f:
        return f.read()


def table(cols: dict[str, np.ndarray]) -> pa.Table:
    return pa.table({k: pa.array(v) for k, v in cols.items()})


def numpy(t: pa.Table) -> dict[str, np.ndarray]:
    return {name: t.column(name).to_numpy() for name in t.column_names}


def arrow(t: pa.Table, compression: str) -> bytes:
    """An Arrow IPC file (= Feather V2, read by feather.read_table), compressed on this
    thread (write_feather compresses on Arrow's pool: other threads' memory)."""
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=None if compression == "uncompressed" else compression,
                                      use_threads=False)
    with pa.ipc.new_file(sink, t.schema, options=options) as writer:
        writer.write_table(t)
    return sink.getvalue().to_pybytes()


def read_rows(data: bytes) -> Columns:
    """A raw file's rows; ValueError (or an Arrow error) when it is not a table of numbers with ts."""
    return _numeric(numpy(pq.read_table(pa.BufferReader(data))), "ts")


def read_cells(data: bytes) -> Cells:
    """A cells file; ValueError (or an Arrow error) when it is not a table of numbers with t and rows."""
    return _numeric(numpy(feather.read_table(pa.BufferReader(data), use_threads=False)), "t", "rows")


def read_csv(data: bytes) -> bytes:
    """A stored CSV's bytes; ValueError (or an Arrow error) unless zstd of a report with a time column."""
    text = unzstd(data)
    header = text[:text.find(b"\n")].decode("utf-8-sig").lower().replace('"', "").split(",")
    if not {"ts", "date"} & {name.strip() for name in header}:
        raise ValueError("no report header")
    return text


def _numeric(cols: dict[str, np.ndarray], *needed: str) -> dict[str, np.ndarray]:
    """The columns, each 1-D numbers of one length, the needed ones present."""
    if any(n not in cols for n in needed):
        raise ValueError(f"no {needed} column")
    lengths = {len(v) for v in cols.values()}
    if len(lengths) != 1 or any(v.ndim != 1 or v.dtype.kind not in "fiu" for v in cols.values()):
        raise ValueError("columns are not numbers of one length")
    return cols


def derived(cols: Columns) -> dict[str, bytes]:
    """The raw and cell files of a day's rows (every HISTORY_CODES channel)."""
    codes = list(HISTORY_CODES)
    full = {"ts": cols["ts"], **{c: cols.get(c, np.full(len(cols["ts"]), np.nan)) for c in codes}}
    blobs = {"raw": parquet(table(full))}
    for cell_s, kind in CELL_KIND.items():
        blobs[kind] = arrow(table(to_cells(full, cell_s, codes)), CELL_COMPRESSION[kind])
    return blobs
