"""Id aliasing: the real cloud id (BTTE…) goes upstream only; the browser sees the alias.

`to_alias` works on anything a browser may get (dicts, lists, strings, CSV rows);
`to_real` is its inverse for what comes from the browser.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from .csvsafe import defuse_row

# Fields that hold a device id whatever its value (the cloud may report a sibling id).
ID_FIELDS = frozenset({"d", "deviceId", "device_id"})


class Aliaser:
    def __init__(self, real_id: str, alias: str) -> None:
        self.real_id = real_id
        self.alias = alias
        # The cloud's ids share a letter prefix (BTTE1250001, BTTE1250002, ...): hide the
        # whole family, since replies may name a sibling unit in free text too.
        prefix = re.match(r"[A-Za-z]*", real_id).group()
        self._marker = prefix if len(prefix) >= 2 else real_id
        self._family = re.compile(re.escape(prefix) + r"\d+" if len(prefix) >= 2 else re.escape(real_id))

    def _hide(self, text: str) -> str:
        return self._family.sub(self.alias, text) if self._marker in text else text

    def _swap(self, obj: Any, old: str, new: str, force_ids: bool) -> Any:
        if isinstance(obj, str):
            if force_ids:   # the to_alias direction
                return self._hide(obj)
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
        """Alias a CSV stream line by line (Athena quotes every field; so do we), and defuse
        formula-like cells (csvsafe.defuse_row): every CSV the console serves passes here.

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
        alias = self.alias
        buf = io.StringIO()
        writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")

        def emit(row: list[str]) -> str:
            writer.writerow(row)
            out = buf.getvalue()
            buf.seek(0)
            buf.truncate()
            return out

        yield emit(defuse_row(self.to_alias(header)))
        for row in reader:
            for i in id_cols:
                if i < len(row) and row[i]:
                    row[i] = alias
            if self._marker in "\x1f".join(row):   # \x1f never occurs in an id
                row = [self._hide(v) for v in row]
            yield emit(defuse_row(row))
