"""Text that may reach a mail header (a rule name, a subject): one line, no control characters.
The API refuses such text (has_control); one_line() makes anything safe anyway, so an old
state file or a future caller can never break a header (issue 21: a rule name with a line break
made the Subject invalid and held back every later email)."""
from __future__ import annotations

import unicodedata


def _control(c: str) -> bool:
    # Cc: C0/C1 controls (\n, \r, \x0b, \x0c, \x85...); Zl/Zp: U+2028, U+2029.
    return unicodedata.category(c) in ("Cc", "Zl", "Zp")


def has_control(text: str) -> bool:
    return any(_control(c) for c in text)


def one_line(text: str) -> str:
    """Controls and line breaks become spaces, runs of white space one space."""
    return " ".join("".join(" " if _control(c) else c for c in text).split())
