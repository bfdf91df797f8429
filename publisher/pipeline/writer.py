"""The single owner of the output folder: it alone writes, removes and records files there.

Every file goes through ``folders.Folder``: written to a temporary file and renamed over its
target (an interrupted build never leaves a truncated file), and never through a symbolic
link anywhere below ``--out`` (a linked language folder or ``pdf/`` is refused, before
anything is written, with a line naming it). Temporary files a killed build left are removed
by the next one. A lock file keeps two builds from writing into one folder at once. Every
path it is given was computed by the build and is checked again here.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
from typing import Iterable

from ..errors import PublisherError
from ..folders import Folder
from ..paths import OUTPUT_FOLDERS
from .manifest import NAME, Manifest, is_owned_path

LOCK = ".publisher.lock"


class Writer:
    """Writes, removes and records outputs below one folder; paths are relative, '/'-separated.

    ``with Writer(folder, manifest, paths) as writer:`` takes the folder's lock, refuses a
    link on the way to any of ``paths``, clears what a killed build left, and saves the
    manifest on the way out (also after an interruption, so what was finished is not made
    again).
    """

    def __init__(self, folder: Folder, manifest: Manifest, paths: Iterable[str] = ()):
        self.folder = folder
        self.manifest = manifest
        self.paths = paths
        self.written: list[str] = []
        self.removed: list[str] = []
        self._exit = contextlib.ExitStack()  # releases the lock

    def __enter__(self) -> "Writer":
        with contextlib.ExitStack() as stack:
            lock = stack.enter_context(self.folder.lock(LOCK))
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PublisherError(f"{self.folder}: another build is writing here; wait for it to "
                                     "finish or choose another --out") from None
            self.folder.check(self.paths)
            self.folder.sweep(OUTPUT_FOLDERS)
            self._exit = stack.pop_all()
        return self

    def __exit__(self, kind, error, trace) -> None:
        with self._exit:
            try:
                self.save_manifest()
            except OSError:
                if kind is None:  # the build's own error, if any, is the one worth reporting
                    raise

    def _checked(self, relpath: str) -> str:
        if not is_owned_path(relpath):
            raise ValueError(f"not an output path: {relpath!r}")
        return relpath

    def write(self, relpath: str, data: bytes, fingerprint: str) -> None:
        """Put ``data`` at ``relpath`` (unless the same bytes are there) and record it."""
        if self.folder.write(self._checked(relpath), data):
            self.written.append(relpath)
        self.manifest.record(relpath, fingerprint, len(data), hashlib.sha256(data).hexdigest())

    def read(self, relpath: str) -> bytes:
        data = self.folder.read(self._checked(relpath))
        if data is None:
            raise PublisherError(f"{self.folder}/{relpath}: gone, or not a regular file, since it was "
                                 "written; build again with --force")
        return data

    def previous(self, relpath: str) -> bytes | None:
        """What this folder holds at ``relpath`` from an earlier build, if it is still there (a
        file removed by hand, or grown past 1 MB, is no history; nothing at all is no error)."""
        return self.folder.read(self._checked(relpath), 1 << 20) if relpath in self.manifest.entries else None

    def remove(self, relpath: str) -> None:
        """Delete an output publisher wrote, and the folders it leaves empty."""
        self.folder.remove(self._checked(relpath))
        self.manifest.forget(relpath)
        self.removed.append(relpath)

    def save_manifest(self) -> None:
        """Unless the build changed nothing in it: then it is on disk as it is (a no-op build of
        31,000 outputs spent a tenth of a second making its text again to compare)."""
        if self.manifest.changed:
            self.folder.write(NAME, self.manifest.text())
            self.manifest.changed = False
