"""What the preview's pages show and when each must reload: the state shared by the builder
thread (which publishes changes) and the server's event loop (which tells the browser tabs)."""

from __future__ import annotations

import asyncio
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
        """The file ``path`` names inside the output folder, or None: nothing outside it (no
        ``..``, no symlink out) and nothing hidden (the manifest, the lock) is ever served."""
        parts = [p for p in path.split("/") if p]
        if any(p.startswith(".") for p in parts) or "\\" in path or "\0" in path:
            return None
        found = self.root.joinpath(*parts).resolve()
        if found != self.root and self.root not in found.parents:
            return None
        if found.is_dir():
            found = found / "index.html"
        return found if found.is_file() else None
