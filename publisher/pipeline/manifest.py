"""The output folder's memory of what it holds: for every file publisher wrote, the
fingerprint of what it was made from, its size and its SHA-256.

It is read by every plan, so it is stored in columns (paths, fingerprints, sizes, SHA-256s,
in path order): 31,000 outputs decode in a third of the time one object per output took
(format 2, still read, so that upgrading does not remake what is up to date).

The manifest is data read from a folder anyone may have touched, so it is never trusted
to name a path: an entry that is not a plain relative path under one of the folders
publisher writes (``paths.OUTPUT_FOLDERS``) (no ``..``, nothing absolute) makes the whole manifest foreign. A
missing, unreadable or foreign manifest is an empty one: the build remakes everything
rather than failing (or deleting what it was told to). Only the ``Writer`` saves it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from pathlib import Path
from typing import NamedTuple

from ..errors import PublisherError
from ..folders import Folder
from ..paths import OUTPUT_FOLDERS, ROOT_FILES

NAME = ".publisher-manifest.json"
FORMAT = 3  # 3: columns; 2: one object per output, read when upgrading
COLUMNS = ("paths", "fingerprints", "sizes", "sha256")
MAX_BYTES = 64 * 1024 * 1024  # a manifest for 100,000 outputs is about 25 MB
# Each part starts with a letter, digit, '_' or '-': no '', '.', '..' or hidden parts.
_OWNED = (rf"(?:(?:{'|'.join(OUTPUT_FOLDERS)})(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)+"
          rf"|{'|'.join(map(re.escape, ROOT_FILES))})")
OWNED = re.compile(_OWNED)
ALL_OWNED = re.compile(rf"{_OWNED}(?:\n{_OWNED})*")  # many paths, one per line: checked in one pass
LOG = logging.getLogger("publisher")


def is_owned_path(path: object) -> bool:
    """A relative, normalised, '/'-separated path under a folder publisher writes."""
    return isinstance(path, str) and OWNED.fullmatch(path) is not None


class Recorded(NamedTuple):
    fingerprint: str  # of what the file was made from
    size: int
    sha256: str


class Manifest:
    def __init__(self, folder: Folder, entries: dict[str, Recorded] | None = None):
        self.folder = folder
        self.root = Path(str(folder))
        self._folder = f"{self.root}/"
        self.entries: dict[str, Recorded] = entries or {}
        self.changed = True  # what is on disk is not this: save it (False once read as it is)

    @classmethod
    def load(cls, root: Path, below: str = "") -> "Manifest":
        """The manifest of the folder ``below`` under ``root``, read without following a link."""
        folder = Folder(root, below)
        path = f"{folder}/{NAME}"
        try:
            data = folder.read(NAME, MAX_BYTES)
            if data is None:
                return cls(folder, {})
            parsed = json.loads(data.decode("utf-8"))
            paths, fingerprints, sizes, hashes = _columns(parsed)
            if paths and not ALL_OWNED.fullmatch("\n".join(paths)):
                LOG.warning("%s lists paths publisher does not write; ignoring it (full build)", path)
                return cls(folder, {})
            if paths and not (len(paths) == len(fingerprints) == len(sizes) == len(hashes)
                              and set(map(type, fingerprints)) == set(map(type, hashes)) == {str}
                              and set(map(type, sizes)) == {int}):
                LOG.warning("%s is damaged; ignoring it (full build)", path)
                return cls(folder, {})
        except (OSError, ValueError, TypeError, KeyError, AttributeError, PublisherError):
            return cls(folder, {})
        read = cls(folder, dict(zip(paths, map(Recorded, fingerprints, sizes, hashes))))
        read.changed = parsed.get("format") != FORMAT  # an older format is saved anew
        return read

    def reason(self, path: str, fingerprint: str) -> str | None:
        """Why the output must be made, or None when it is made from exactly these inputs and
        still on disk at the size written."""
        entry = self.entries.get(path)
        if not entry:
            return "new"
        if entry.fingerprint != fingerprint:
            return "changed input"
        try:  # one lstat: a link or a folder in its place is not the file written
            found = os.lstat(self._folder + path)
        except OSError:
            return "missing file"
        if not stat.S_ISREG(found.st_mode) or found.st_size != entry.size:
            return "missing file"
        return None

    def record(self, path: str, fingerprint: str, size: int, sha256: str) -> None:
        entry = Recorded(fingerprint, size, sha256)
        if self.entries.get(path) != entry:
            self.entries[path] = entry
            self.changed = True

    def forget(self, path: str) -> None:
        if self.entries.pop(path, None) is not None:
            self.changed = True

    def text(self) -> bytes:
        paths = sorted(self.entries)
        rows = [self.entries[p] for p in paths]
        columns = (paths, [row.fingerprint for row in rows], [row.size for row in rows], [row.sha256 for row in rows])
        data = {"format": FORMAT, **dict(zip(COLUMNS, columns))}
        return (json.dumps(data, indent=0) + "\n").encode("utf-8")


def _columns(data: dict) -> tuple[list, list, list, list]:
    """The four columns of a manifest (format 2's objects turned into columns)."""
    if data.get("format") == 2:
        outputs = data["outputs"]
        rows = list(outputs.values())
        return list(outputs), [r["fingerprint"] for r in rows], [r["size"] for r in rows], [r["sha256"] for r in rows]
    if data.get("format") != FORMAT:
        return [], [], [], []
    columns = tuple(data[name] for name in COLUMNS)
    if not all(type(column) is list for column in columns):
        raise TypeError("manifest columns are lists")
    return columns
