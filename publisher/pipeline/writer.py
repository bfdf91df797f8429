"""The single owner of the output folder: it alone writes, removes and records files there.

Data goes to a temporary file beside the target, is flushed to disk, then renamed over the
target, so an interrupted build never leaves a truncated file behind; temporary files a
killed build left are removed by the next one. A lock file keeps two builds from writing
into one folder at once. Every path it is given was computed by the build and is checked
again here: nothing outside the folder is ever written or removed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

from ..errors import PublisherError
from ..paths import OUTPUT_FOLDERS
from .manifest import NAME, Manifest, is_owned_path

LOCK = ".publisher.lock"
TMP_SUFFIX = ".tmp"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
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
    """Writes, removes and records outputs below one folder; paths are relative, '/'-separated.

    ``with Writer(root, manifest) as writer:`` takes the folder's lock, clears what a killed
    build left, and saves the manifest on the way out (also after an interruption, so what
    was finished is not made again).
    """

    def __init__(self, root: Path, manifest: Manifest):
        self.root = Path(root)
        self.manifest = manifest
        self.written: list[str] = []
        self.removed: list[str] = []
        self._lock = None

    def __enter__(self) -> "Writer":
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.root / LOCK, "a")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise PublisherError(f"{self.root}: another build is writing here; wait for it to finish "
                                 "or choose another --out") from None
        self._remove_leftovers()
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            self.save_manifest()
        except OSError:
            if kind is None:  # the build's own error, if any, is the one worth reporting
                raise
        finally:
            self._lock.close()

    def _path(self, relpath: str) -> Path:
        if not is_owned_path(relpath):
            raise ValueError(f"not an output path: {relpath!r}")
        return self.root / relpath

    def write(self, relpath: str, data: bytes, fingerprint: str) -> None:
        """Put ``data`` at ``relpath`` (unless the same bytes are there) and record it."""
        path = self._path(relpath)
        if not (path.is_file() and not path.is_symlink() and path.stat().st_size == len(data)
                and path.read_bytes() == data):
            if path.is_symlink():
                path.unlink()  # replace the link itself, never what it points at
            write_atomic(path, data)
            self.written.append(relpath)
        self.manifest.record(relpath, fingerprint, len(data), hashlib.sha256(data).hexdigest())

    def read(self, relpath: str) -> bytes:
        return self._path(relpath).read_bytes()

    def remove(self, relpath: str) -> None:
        """Delete an output publisher wrote, and the folders it leaves empty."""
        path = self._path(relpath)
        path.unlink(missing_ok=True)
        self.manifest.forget(relpath)
        self.removed.append(relpath)
        parent = path.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def save_manifest(self) -> None:
        text = self.manifest.text()
        path = self.root / NAME
        if not (path.is_file() and path.read_bytes() == text):
            write_atomic(path, text)

    def _remove_leftovers(self) -> None:
        """Temporary files of a build that was killed mid-write (``.<name>.<random>.tmp``)."""
        folders = [self.root / name for name in OUTPUT_FOLDERS if (self.root / name).is_dir()]
        for top in folders:
            for folder, _, files in os.walk(top):  # never follows a symlinked folder
                self._remove_tmp(Path(folder), files)
        self._remove_tmp(self.root, os.listdir(self.root))

    @staticmethod
    def _remove_tmp(folder: Path, names) -> None:
        for name in names:
            if name.startswith(".") and name.endswith(TMP_SUFFIX):
                (folder / name).unlink(missing_ok=True)
