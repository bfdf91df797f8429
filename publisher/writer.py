"""The single owner of the output folder: every file lands atomically.

Data goes to a temporary file beside the target, is flushed to disk, then renamed
over the target, so an interrupted build never leaves a truncated file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Writer:
    """Writes outputs below one folder; paths are relative, '/'-separated."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.written: list[str] = []

    def write(self, relpath: str, data: bytes) -> None:
        path = self.root / relpath
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return  # the same bytes: leave the file (and its time stamp) alone
        write_atomic(path, data)
        self.written.append(relpath)
