"""What the preview's pages show and when each must reload: the state shared by the builder
thread (which publishes changes) and the server's event loop (which tells the browser tabs)."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from urllib.parse import unquote

from ..paths import HTML_ASSETS


class Preview:
    """What the pages show and when each must reload; lives on the server's event loop.

    Every published change gets a generation number; a page is due for reload when a change
    to it (to its file, to the handouts' shared assets, or to the error state) is newer than
    the generation it was served at.
    """

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.problems: list[str] = []
        self.generation = 0
        self.changed: dict[str, int] = {}  # output path -> generation it last changed at
        self.assets = self.everything = self.anything = 0
        self.stopping = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.tick = asyncio.Event()  # set, and replaced, at every generation

    def publish(self, changed: list[str], problems: list[str]) -> None:
        """From any thread: these outputs changed; the catalog's problems are now these."""
        if not self.stopping:  # once stopping, the loop may be closed, and nobody is listening
            self.loop.call_soon_threadsafe(self._publish, changed, problems)

    def _publish(self, changed: list[str], problems: list[str]) -> None:
        if not changed and problems == self.problems:
            return
        self.generation = now = self.generation + 1
        for path in changed:
            self.changed[path] = now
            if path.startswith(f"{HTML_ASSETS}/"):
                self.assets = now
        if problems != self.problems:  # the error page appears, changes or goes: every page
            self.problems, self.everything = problems, now
        self.anything = now
        self._wake()

    def stop(self) -> None:
        """From a signal handler: end the event streams so the server can stop at once."""
        self.stopping = True
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        self.tick.set()
        self.tick = asyncio.Event()

    def due(self, page: str) -> int:
        """The generation at which the page at URL path ``page`` last needed a reload."""
        path = unquote(page).lstrip("/")
        if path == "" or path.endswith("/"):  # an index: it lists everything
            return self.anything
        due = max(self.everything, self.changed.get(path, 0))
        return max(due, self.assets) if path.startswith("html/") else due

    def locate(self, path: str) -> Path | None:
        """The regular file URL path ``path`` names inside the output folder (for a folder, its
        ``index.html``), or None. The final file is resolved and checked, after ``index.html``
        is added (that too may be a symlink: finding #3), so nothing outside the folder is
        served (no ``..``, no symlink out at any level); nor anything hidden (the manifest,
        the lock), nor anything but a regular file it can read (a FIFO would hang the reply).
        A name the system refuses (a segment over 255 bytes, a loop of links) is not found,
        as any other."""
        if "\\" in path:
            return None
        try:
            found = self.root.joinpath(*path.split("/"))
            if found.is_dir():
                found = found / "index.html"
            found = found.resolve(strict=True)
            inside = found.relative_to(self.root).parts  # ValueError: outside
            if any(p.startswith(".") for p in inside) or not stat.S_ISREG(found.stat().st_mode):
                return None
            os.close(os.open(found, os.O_RDONLY | os.O_NOFOLLOW))  # readable: else a 200 would break off
            return found
        except (OSError, ValueError, RuntimeError):  # also a NUL (ValueError), a link loop (RuntimeError, 3.11)
            return None
