"""A malformed file the store finds is moved out of the way, never trusted and never fatal:
into set-aside/ beside it (kept for a person to look at; a later one of the same name
replaces it, so the folder stays as small as the store), with one log line. What it held is
then fetched again or begun anew."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import log

FOLDER = "set-aside"


def set_aside(path: Path, why: str) -> None:
    aside = path.parent / FOLDER
    try:
        aside.mkdir(exist_ok=True)
        os.replace(path, aside / path.name)
    except FileNotFoundError:
        return
    except OSError:
        path.unlink(missing_ok=True)
    log.warning("history store: %s is malformed (%s): set aside in %s/, it will be rebuilt",
                path.name, why, FOLDER)
