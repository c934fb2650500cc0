"""What the history store raises, and the admin's sentence for a failed write."""
from __future__ import annotations

import errno
import logging

log = logging.getLogger("gateway_svc.history")
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


class StoreError(Exception):
    """The store could not write (disk full, permissions); the message is for the admin."""


class Yielded(Exception):
    """A background download gave way to a browser's request."""


def disk_message(exc: OSError) -> str:
    if exc.errno in DISK_FULL:
        return "the history store's disk is full (XO2_HISTORY_DIR): free some space"
    return f"the history store cannot write to XO2_HISTORY_DIR ({exc.strerror or type(exc).__name__})"
