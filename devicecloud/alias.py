"""Id aliasing: the real cloud id (BTTE…) goes upstream only; the browser sees the alias.

`to_alias` works on anything a browser may get (dicts, lists, strings, CSV rows);
`to_real` is its inverse for what comes from the browser.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

# Fields that hold a device id whatever its value (the cloud may report a sibling id).
ID_FIELDS = frozenset({"d", "deviceId", "device_id"})


class Aliaser:
    def __init__(self, real_id: str, alias: str) -> None:
        self.real_id = real_id
        self.alias = alias

    def _swap(self, obj: Any, old: str, new: str, force_ids: bool) -> Any:
        if isinstance(obj, str):
            return obj.replace(old, new) if old in obj else obj
        if isinstance(obj, dict):
            # Keys too: a cloud reply keyed by device id must not leak it either.
            return {
                self._swap(k, old, new, False):
                    (new if force_ids and k in ID_FIELDS and isinstance(v, str) and v else
                     self._swap(v, old, new, force_ids))
                for k, v in obj.items()
            }
        if isinstance(obj, (list, tuple)):
            return [self._swap(v, old, new, force_ids) for v in obj]
        return obj

    def to_alias(self, obj: Any) -> Any:
        """Copy of obj with every id field set to the alias and the real id replaced anywhere."""
        return self._swap(obj, self.real_id, self.alias, force_ids=True)

    def to_real(self, obj: Any) -> Any:
        return self._swap(obj, self.alias, self.real_id, force_ids=False)

    def csv_lines(self, lines: Iterable[str]) -> Iterator[str]:
        """Alias a CSV stream line by line (Athena quotes every field; so do we).

        Hot path for month-long reports (~260k rows): id columns are set directly and a
        row is only rewritten field by field when the real id occurs in it.
        """
        reader = csv.reader(lines)
        header = next(reader, None)
        if header is None:
            return
        # Athena may lower-case column names (deviceid), so match id columns case-blind.
        id_names = {f.lower() for f in ID_FIELDS}
        id_cols = [i for i, name in enumerate(header) if name.strip().lower() in id_names]
        real, alias = self.real_id, self.alias
        buf = io.StringIO()
        writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")

        def emit(row: list[str]) -> str:
            writer.writerow(row)
            out = buf.getvalue()
            buf.seek(0)
            buf.truncate()
            return out

        yield emit(self.to_alias(header))
        for row in reader:
            for i in id_cols:
                if i < len(row) and row[i]:
                    row[i] = alias
            if real in "\x1f".join(row):   # \x1f never occurs in an id, so no false match
                row = [v.replace(real, alias) for v in row]
            yield emit(row)
