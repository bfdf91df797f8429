"""Reading a folder (the catalog, a brand file's folder) as a tree of regular files.

Catalogs come from strangers: a symbolic link to ``/etc/passwd`` or ``/dev/zero``, a FIFO
or a huge file must be refused before it is opened, never read. So every path is checked
with ``lstat`` first, then opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked again with
``fstat``, and at most ``limit`` bytes are read. Symbolic links that stay inside the root
are followed; links that leave it (or lead nowhere) are refused.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 1_000_000  # a catalog or brand file; the largest shipped one is under 2 KB

_NOT_REGULAR = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
                (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


class Unsafe(Exception):
    """This path is not read: the message says why (it never quotes the file's content)."""


class Tree:
    """The files under ``root``; ``where`` names the root in messages ("the catalog")."""

    def __init__(self, root: Path, where: str):
        self.root = Path(root)
        self.real = Path(os.path.realpath(self.root))
        self.where = where

    def kind(self, path: Path) -> str | None:
        """``"file"``, ``"dir"`` or None when nothing is there; ``Unsafe`` for anything else."""
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise Unsafe(f"cannot read: {error.strerror}") from None
        if stat.S_ISLNK(info.st_mode):
            info = os.lstat(self.inside(path))  # the target is a real path: no link left in it
        if stat.S_ISDIR(info.st_mode):
            return "dir"
        if stat.S_ISREG(info.st_mode):
            return "file"
        raise Unsafe(f"is {_describe(info.st_mode)}, not a regular file; not read")

    def inside(self, path: Path) -> Path:
        """``path`` with every link resolved, if that stays under the root."""
        real = Path(os.path.realpath(path))
        if real != self.real and self.real not in real.parents:
            raise Unsafe(f"leads outside {self.where} (a link or '..'); not read")
        if not os.path.lexists(real):
            raise Unsafe("is a symbolic link to nothing")
        return real

    def entries(self, folder: Path) -> list[Path]:
        """The names in ``folder`` (a folder ``kind`` said is one), sorted."""
        return sorted(folder / name for name in os.listdir(self.inside(folder)))

    def read(self, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
        """The bytes of a regular file under the root, at most ``limit`` of them."""
        kind = self.kind(path)
        if kind != "file":
            raise Unsafe("is a folder, not a file" if kind == "dir" else "no file here")
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.inside(path), flags)
        except OSError as error:
            raise Unsafe(f"cannot read: {error.strerror}") from None
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # replaced since lstat: still never read
                raise Unsafe(f"is {_describe(info.st_mode)}, not a regular file; not read")
            data = file.read(limit + 1)
        if len(data) > limit or info.st_size > limit:
            raise Unsafe(f"is larger than {limit:,} bytes, the most a file here may be; not read")
        return data


def _describe(mode: int) -> str:
    return next((name for test, name in _NOT_REGULAR if test(mode)), "not a file or folder")
