"""A one-line progress bar for a terminal: outputs made, rate, time left."""

from __future__ import annotations

import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 60}:{seconds % 60:02d}"


class ProgressBar:
    """Called as ``bar(done, total, path)`` after each output; redraws at most 10 times a second."""

    width = 28

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.started = time.perf_counter()
        self.drawn = 0.0
        self.length = 0

    def __call__(self, done: int, total: int, path: str) -> None:
        now = time.perf_counter()
        if done < total and now - self.drawn < 0.1:
            return
        self.drawn = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        filled = self.width * done // max(total, 1)
        line = (f"[{'#' * filled}{'.' * (self.width - filled)}] {done:,}/{total:,} outputs"
                f"  {rate:.1f}/s  {_clock(left)} left")
        self.stream.write("\r" + line.ljust(self.length))
        self.stream.flush()
        self.length = len(line)

    def close(self) -> None:
        """Wipe the bar so the summary line stands alone."""
        if self.length:
            self.stream.write("\r" + " " * self.length + "\r")
            self.stream.flush()
