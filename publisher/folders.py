"""Writing below a folder without ever passing through a symbolic link.

The output folder and the catalog's ``translations/`` are trust boundaries: anyone may have
left a link in them (``dist/es -> /home/you``), and a build that wrote, removed, walked or
locked through it would change files outside. So a ``Folder`` resolves its own path once
(the user chose it, links and all) and reaches everything below it one name at a time from
an open directory (``os.open(name, O_NOFOLLOW, dir_fd=…)``, as ``openat`` does): a link or a
file where a folder belongs is refused with one line naming it; a link where a file goes is
replaced, never followed; temporary files are created with ``O_EXCL | O_NOFOLLOW`` under
names only the writer makes, and only those names are ever swept up.

Data goes to a temporary file beside the target, is flushed to disk, then renamed over it,
so an interrupted write never leaves a truncated file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import re
import stat
from pathlib import Path
from typing import Iterable, Iterator

from .errors import PublisherError

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
TMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # what temporary_name() makes, and nothing else


def temporary_name(name: str) -> str:
    """``.<name>.<8 random characters>.tmp``: hidden, beside its target, and recognisable."""
    return f".{name}.{''.join(random.SystemRandom().choices(_LETTERS, k=8))}.tmp"


class Folder:
    """``path`` (made if missing), and ``below`` it (``"es/large-print"``, or ``""``) the
    folder every relative path here starts from, reached without following a link."""

    def __init__(self, path: Path, below: str = ""):
        self.shown = Path(path)
        self.real = os.path.realpath(path)
        self.below = [part for part in below.split("/") if part not in ("", ".")]
        self._checked = {""}  # folders check() found real (or missing)

    def __str__(self) -> str:
        return self._show("")

    def _show(self, relpath: str) -> str:
        return "/".join([str(self.shown), *self.below, *([relpath] if relpath else [])])

    @contextlib.contextmanager
    def folder(self, relpath: str = "", create: bool = False) -> Iterator[int | None]:
        """An open descriptor of the folder ``relpath``; made when ``create``, else None when
        it is missing. A link or a file on the way is a ``PublisherError`` naming it."""
        if create:
            os.makedirs(self.real, exist_ok=True)
        try:
            fd = os.open(self.real, _DIRECTORY & ~os.O_NOFOLLOW)  # the folder itself: as the user named it
        except FileNotFoundError:
            yield None
            return
        try:
            names = [*self.below, *(part for part in relpath.split("/") if part)]
            for depth, name in enumerate(names):
                child = self._step(fd, name, create, "/".join(names[:depth + 1]))
                os.close(fd)
                fd = child
                if fd is None:
                    break
            yield fd
        finally:
            if fd is not None:
                os.close(fd)

    def _step(self, fd: int, name: str, create: bool, shown: str) -> int | None:
        for _ in range(2):  # a folder made by someone else between the two calls: open it
            try:
                return os.open(name, _DIRECTORY, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    return None
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, 0o755, dir_fd=fd)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise PublisherError(self._not_a_folder(fd, name, shown)) from None
                raise
        return os.open(name, _DIRECTORY, dir_fd=fd)

    def _not_a_folder(self, fd: int, name: str, shown: str) -> str:
        where = f"{self.shown}/{shown}"
        if stat.S_ISLNK(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
            return f"{where}: is a symbolic link; publisher never writes through one: put a real folder there"
        return f"{where}: a file stands where publisher needs a folder; move it away"

    def check(self, relpaths: Iterable[str]) -> None:
        """Refuse, before anything is written, a link or a file standing where any folder of
        ``relpaths`` goes (one ``lstat`` per folder, parents first)."""
        folders = set(self._checked)
        for relpath in relpaths:
            parent = relpath.rpartition("/")[0]
            while parent not in folders:
                folders.add(parent)
                parent = parent.rpartition("/")[0]
        with self.folder() as fd:
            if fd is None:
                return
            for relpath in sorted(folders - self._checked):  # a parent before its children
                try:
                    found = os.stat(relpath, dir_fd=fd, follow_symlinks=False)
                except FileNotFoundError:
                    continue
                if not stat.S_ISDIR(found.st_mode):
                    parent, _, name = relpath.rpartition("/")
                    with self.folder(parent) as parent_fd:
                        raise PublisherError(self._not_a_folder(parent_fd, name, self._rel(relpath)))
        self._checked = folders  # asked again (the build, then its writer): only what is new

    def _rel(self, relpath: str) -> str:
        return "/".join([*self.below, relpath])

    def read(self, relpath: str, limit: int | None = None) -> bytes | None:
        """The bytes of the regular file at ``relpath``; None when it is missing, a link or
        anything but a regular file, or larger than ``limit``."""
        parent, _, name = relpath.rpartition("/")
        with self.folder(parent) as fd:
            if fd is None:
                return None
            try:
                file = os.open(name, _READ, dir_fd=fd)
            except OSError:
                return None
        with os.fdopen(file, "rb") as handle:
            found = os.fstat(file)
            if not stat.S_ISREG(found.st_mode) or (limit is not None and found.st_size > limit):
                return None
            return handle.read()

    def write(self, relpath: str, data: bytes) -> bool:
        """Put ``data`` at ``relpath`` unless those bytes are there already; True if it wrote.
        A link there is replaced (its target untouched); a folder there is an error naming it."""
        parent, _, name = relpath.rpartition("/")
        with self.folder(parent, create=True) as fd:
            try:
                found = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                found = None
            if found is not None and stat.S_ISDIR(found.st_mode):
                raise PublisherError(f"{self._show(relpath)}: a folder stands where this file goes; move it away")
            if found is not None and stat.S_ISREG(found.st_mode) and found.st_size == len(data) \
                    and self.read(relpath) == data:
                return False
            _replace(fd, name, data)
            return True

    def remove(self, relpath: str) -> None:
        """Delete the file (or link) at ``relpath``, and the folders that leaves empty."""
        parts = relpath.split("/")
        with self.folder("/".join(parts[:-1])) as fd:
            if fd is None:
                return
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                if not stat.S_ISDIR(os.stat(parts[-1], dir_fd=fd, follow_symlinks=False).st_mode):
                    os.unlink(parts[-1], dir_fd=fd)
        for depth in range(len(parts) - 1, 0, -1):
            with self.folder("/".join(parts[:depth - 1])) as fd:
                try:
                    os.rmdir(parts[depth - 1], dir_fd=fd)
                except OSError:  # not empty (or gone): the folders above are not empty either
                    return

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[int]:
        """An open descriptor of the lock file ``name`` in the folder, made if missing; a link
        there is removed and replaced by a file, never followed."""
        with self.folder(create=True) as fd:
            for _ in range(2):
                try:
                    lock = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=fd)
                    break
                except OSError as error:
                    if error.errno != errno.ELOOP:
                        raise
                    os.unlink(name, dir_fd=fd)
            else:
                raise PublisherError(f"{self._show(name)}: cannot make the lock file")
        try:
            yield lock
        finally:
            os.close(lock)

    def sweep(self, folders: Iterable[str]) -> None:
        """Remove what an interrupted write left: temporary files (by their name, regular files
        only) in the folder itself and anywhere below ``folders``, in real folders only."""
        with self.folder() as fd:
            if fd is not None:
                _sweep(fd, recurse=set(folders))


def _replace(fd: int, name: str, data: bytes) -> None:
    """Write ``data`` to a new temporary file in the folder ``fd``, then rename it to ``name``."""
    while True:
        temporary = temporary_name(name)
        try:
            file = os.open(temporary, _NEW_FILE, 0o644, dir_fd=fd)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(file, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), 0o644)  # not the umask's: the file is published
        os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=fd)
        raise


def _sweep(fd: int, recurse: set[str] | None = None) -> None:
    """Temporary files in the folder ``fd``; and in its sub-folders (all of them, or those
    named in ``recurse``), opened without following a link."""
    with os.scandir(fd) as entries:
        found = [(entry.name, entry.is_dir(follow_symlinks=False), entry.is_file(follow_symlinks=False))
                 for entry in entries]
    for name, is_dir, is_file in found:
        if is_file and TMP_NAME.fullmatch(name):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=fd)
        elif is_dir and (recurse is None or name in recurse):
            try:
                child = os.open(name, _DIRECTORY, dir_fd=fd)
            except OSError:  # replaced by a link or gone since: not swept
                continue
            try:
                _sweep(child)
            finally:
                os.close(child)

