"""The output folder's memory of what it holds: for every file publisher wrote, the
fingerprint of what it was made from and its size.

A missing, unreadable or foreign manifest is an empty one: the build remakes everything
rather than failing. It is written atomically like every output, at the end of a build
and also when a build stops half-way, so finished outputs are not made again.
"""

from __future__ import annotations

import json
from pathlib import Path

from .writer import write_atomic

NAME = ".publisher-manifest.json"
FORMAT = 1


class Manifest:
    def __init__(self, root: Path, entries: dict[str, dict] | None = None):
        self.root = Path(root)
        self.entries: dict[str, dict] = entries or {}

    @classmethod
    def load(cls, root: Path) -> "Manifest":
        try:
            data = json.loads((Path(root) / NAME).read_text(encoding="utf-8"))
            entries = data["outputs"] if data.get("format") == FORMAT else {}
            if not all(isinstance(e, dict) and {"fingerprint", "size"} <= e.keys() for e in entries.values()):
                entries = {}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            entries = {}
        return cls(root, entries)

    def is_fresh(self, path: str, fingerprint: str) -> bool:
        """Made from exactly these inputs, and still on disk at the size written."""
        entry = self.entries.get(path)
        if not entry or entry["fingerprint"] != fingerprint:
            return False
        file = self.root / path
        return file.is_file() and file.stat().st_size == entry["size"]

    def record(self, path: str, fingerprint: str, size: int) -> None:
        self.entries[path] = {"fingerprint": fingerprint, "size": size}

    def forget(self, path: str) -> None:
        self.entries.pop(path, None)

    def save(self) -> None:
        data = {"format": FORMAT, "outputs": dict(sorted(self.entries.items()))}
        text = (json.dumps(data, indent=1) + "\n").encode("utf-8")
        path = self.root / NAME
        if not (path.is_file() and path.read_bytes() == text):
            write_atomic(path, text)
