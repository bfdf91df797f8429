"""Making outputs in worker processes: local ones (``--jobs``) or a Dask cluster
(``--scheduler``), through one ``concurrent.futures`` interface.

A worker warms up once (imports, Jinja environment, parsed stylesheets, fonts) on its first
chunk and keeps that state for every later chunk of the same build. Workers only return
bytes; the main process alone writes to the output folder.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator

from .errors import PublisherError
from .formats import OUTPUTS
from .outputs import Target
from .render import Renderer, RenderSettings

Task = tuple[str, Target]  # (format name, target)

WORKER_DIED = ("a worker process stopped before finishing (killed, or out of memory); "
               "finished outputs are kept: run the build again to complete it")


_warm: dict = {}  # this process's outputs, for the settings it was last given


def cores() -> int:
    """The cores this process may use (a container's CPU set, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def make_chunk(settings: RenderSettings, tasks: list[Task]) -> list[tuple[str, bytes]]:
    """Make each task's bytes; runs in a worker (or in-process with one job)."""
    if _warm.get("settings") != settings:
        _warm.clear()
        _warm.update(settings=settings, renderer=Renderer.of(settings))
    made = []
    for name, target in tasks:
        if name not in _warm:
            _warm[name] = OUTPUTS[name](_warm["renderer"])
        made.append((target.path, _warm[name].make(target)))
    return made


def chunks(tasks: list[Task], jobs: int) -> list[list[Task]]:
    """Bundles (booklets, EPUBs) one per chunk, biggest first; handouts in groups small
    enough to keep every worker busy to the end, large enough to keep overhead low."""
    bundles = sorted((t for t in tasks if t[1].bundle is not None), key=lambda t: -len(t[1].bundle.entries))
    singles = [t for t in tasks if t[1].bundle is None]
    size = max(1, min(16, len(singles) // (jobs * 6)))
    return [[t] for t in bundles] + [singles[i:i + size] for i in range(0, len(singles), size)]


class Pool:
    """``with Pool(jobs, scheduler) as pool: for path, data in pool.run(settings, tasks): ...``"""

    def __init__(self, jobs: int, scheduler: str | None = None):
        self.jobs, self.scheduler = jobs, scheduler
        self.executor: Executor | None = None
        self.client = None

    def __enter__(self) -> "Pool":
        if self.scheduler:
            try:
                from distributed import Client
            except ImportError:
                raise PublisherError("--scheduler needs Dask: pip install 'publisher[dask]'") from None
            try:
                self.client = Client(self.scheduler, timeout="10s")
            except OSError as error:
                raise PublisherError(f"cannot reach the Dask scheduler at {self.scheduler}: {error}") from None
            self.jobs = max(1, sum(self.client.nthreads().values()))
            self.executor = self.client.get_executor()
        elif self.jobs > 1:
            self.executor = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"))
        return self

    def __exit__(self, *exc) -> None:
        if isinstance(self.executor, ProcessPoolExecutor):
            self.executor.shutdown(wait=exc[0] is None, cancel_futures=True)
        elif self.executor is not None:
            self.executor.shutdown(wait=exc[0] is None)
        if self.client is not None:
            self.client.close()

    def run(self, settings: RenderSettings, tasks: list[Task]) -> Iterator[tuple[str, bytes]]:
        """Each task's (path, bytes), in the order they finish."""
        if self.executor is None:
            for chunk in chunks(tasks, 1):
                yield from make_chunk(settings, chunk)
            return
        # A few chunks in flight per worker, not all of them: the main process then holds only
        # the bytes it is about to write, however large the catalog.
        queue = iter(chunks(tasks, self.jobs))
        pending = {self.executor.submit(make_chunk, settings, c) for c in itertools.islice(queue, 2 * self.jobs)}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    for chunk in itertools.islice(queue, 1):
                        pending.add(self.executor.submit(make_chunk, settings, chunk))
                    yield from result
        except Exception as error:
            # A local worker killed (BrokenProcessPool) or a Dask worker lost (KilledWorker).
            if isinstance(error, BrokenProcessPool) or type(error).__name__ == "KilledWorker":
                raise PublisherError(WORKER_DIED) from None
            raise
