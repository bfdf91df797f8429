"""The output folder's memory of what it holds: for every file publisher wrote, the
fingerprint of what it was made from, its size and its SHA-256.

The manifest is data read from a folder anyone may have touched, so it is never trusted
to name a path: an entry that is not a plain relative path under one of the folders
publisher writes (no ``..``, nothing absolute) makes the whole manifest foreign. A
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

NAME = ".publisher-manifest.json"
FORMAT = 2  # 2: entries carry the file's sha256 (SHA256SUMS is made from it)
MAX_BYTES = 64 * 1024 * 1024  # a manifest for 100,000 outputs is about 25 MB
# The folders (and root files) a build may write: the only places a manifest may point.
OUTPUT_FOLDERS = ("html", "pdf", "booklets", "epub", "previews", "downloads", "compounds", "conditions",
                  "assets")
ROOT_FILES = ("SHA256SUMS", "index.html", "catalog.json", "opds.xml", "sitemap.xml")
# Each part starts with a letter, digit, '_' or '-': no '', '.', '..' or hidden parts.
_OWNED = (rf"(?:(?:{'|'.join(OUTPUT_FOLDERS)})(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)+"
          rf"|{'|'.join(map(re.escape, ROOT_FILES))})")
OWNED = re.compile(_OWNED)
ALL_OWNED = re.compile(rf"{_OWNED}(?:\n{_OWNED})*")  # many paths, one per line: checked in one pass
LOG = logging.getLogger("publisher")


def is_owned_path(path: object) -> bool:
    """A relative, normalised, '/'-separated path under a folder publisher writes."""
    return isinstance(path, str) and OWNED.fullmatch(path) is not None


class Manifest:
    def __init__(self, root: Path, entries: dict[str, dict] | None = None):
        self.root = Path(root)
        self._folder = f"{self.root}/"
        self.entries: dict[str, dict] = entries or {}

    @classmethod
    def load(cls, root: Path) -> "Manifest":
        path = Path(root) / NAME
        try:
            if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_BYTES:
                return cls(root, {})
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["outputs"] if data.get("format") == FORMAT else {}
            if entries and not (ALL_OWNED.fullmatch("\n".join(entries)) and all(
                    type(e) is dict and type(e.get("fingerprint")) is str and type(e.get("size")) is int
                    and type(e.get("sha256")) is str for e in entries.values())):
                LOG.warning("%s lists paths publisher does not write; ignoring it (full build)", path)
                entries = {}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            entries = {}
        return cls(root, entries)

    def reason(self, path: str, fingerprint: str) -> str | None:
        """Why the output must be made, or None when it is made from exactly these inputs and
        still on disk at the size written."""
        entry = self.entries.get(path)
        if not entry:
            return "new"
        if entry["fingerprint"] != fingerprint:
            return "changed input"
        try:  # one lstat: a link or a folder in its place is not the file written
            found = os.lstat(self._folder + path)
        except OSError:
            return "missing file"
        if not stat.S_ISREG(found.st_mode) or found.st_size != entry["size"]:
            return "missing file"
        return None

    def record(self, path: str, fingerprint: str, size: int, sha256: str) -> None:
        self.entries[path] = {"fingerprint": fingerprint, "size": size, "sha256": sha256}

    def forget(self, path: str) -> None:
        self.entries.pop(path, None)

    def text(self) -> bytes:
        data = {"format": FORMAT, "outputs": dict(sorted(self.entries.items()))}
        return (json.dumps(data, indent=1) + "\n").encode("utf-8")
