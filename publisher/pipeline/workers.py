"""Making outputs in worker processes: local ones (``--jobs``) or a Dask cluster
(``--scheduler``), through one ``concurrent.futures`` interface.

A worker warms up once (imports, Jinja environment, parsed stylesheets, fonts) on its first
chunk and keeps that state for every later chunk of the same build. Workers only return
bytes; the main process alone writes to the output folder.
"""

from __future__ import annotations

import atexit
import gc
import ctypes
import itertools
import multiprocessing
import multiprocessing.util
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator

from ..catalog.bundles import Volume
from ..errors import PublisherError
from ..outputs import OUTPUTS, Target
from ..render import Renderer, RenderSettings

Task = tuple[str, Target]  # (format name, target)

WORKER_DIED = ("a worker process stopped before finishing (killed, or out of memory); "
               "finished outputs are kept: run the build again to complete it")
WORKERS_WAIT = 30  # seconds a build waits for a Dask scheduler to have a worker, before and during
CONNECT_WAIT = 10  # seconds to reach a --scheduler before saying it cannot be reached
STOP_WAIT = 5  # seconds a stopped worker has to end (it is then killed)


PR_SET_PDEATHSIG = 1  # linux/prctl.h
_warm: dict = {}  # this process's outputs, for the settings it was last given
# Dropped before the interpreter tears its modules down: WeasyPrint's FontConfiguration frees
# Pango and fontconfig objects in __del__, which crashed the process at exit (SIGSEGV, exit
# 139) after an in-process build (--jobs 1, the preview's HTML) once its modules were gone.


def _release() -> None:
    """Drop the warm outputs and collect them now (their fonts' objects are in cycles), so that
    each WeasyPrint FontConfiguration removes the font files it wrote to a temporary folder."""
    _warm.clear()
    gc.collect()


atexit.register(_release)
_released_in: list[int] = []  # the process that registered _release on its way out


def _release_on_exit() -> None:
    """A worker process (the pool's, the preview's background build) ends through os._exit,
    which skips atexit but runs multiprocessing's finalizers, registered once started (a new
    process clears those it inherited): its font files were left behind otherwise, 1.6 MB
    in three folders per worker per build."""
    if _released_in != [os.getpid()]:
        _released_in[:] = [os.getpid()]
        multiprocessing.util.Finalize(None, _release, exitpriority=10)


def cores() -> int:
    """The cores this process may use (a container's CPU set, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def time_limit(target: Target) -> int:
    """Seconds one output may take before it is called pathological: a handout takes well
    under one (this is 30x that). An EPUB gets 60 s plus 0.1 s per review, 600 s at most: one
    of 50 reviews took 0.31 s of CPU, one of 400 reviews 0.34 s (EbookLib writes text, no
    layout), so this is a hundred times that and bounds a hostile catalog to ten minutes. A
    booklet volume holds at most
    ``VOLUME_SIZE`` reviews and gets 60 s plus 4 s per review, 260 s at most, however large or
    hostile the catalog. Measured (bench/README.md, "Booklet volumes"): 0.1 s of CPU per review
    of the shipped kind (a volume of 50 in about 5 s), 1.5 s per review at the worst, every text
    field at its longest in large print (50 pages a review: 75 s for a volume of 50)."""
    bundle = target.bundle
    if isinstance(bundle, Volume):
        return 60 + 4 * len(bundle.entries)
    if bundle is not None:
        return min(600, 60 + len(bundle.entries) // 10)
    return 30


class _TooSlow(Exception):
    pass


def _too_slow(signum, frame):
    raise _TooSlow()


def _warm_up(settings: RenderSettings, names: tuple[str, ...] = ()) -> None:
    """This process's renderer for ``settings``, and an output of each format in ``names``
    (WeasyPrint, templates, parsed stylesheets, fonts), made once and kept."""
    if _warm.get("settings") != settings:
        _release_on_exit()
        _warm.clear()
        _warm.update(settings=settings, renderer=Renderer.of(settings))
    for name in names:
        if name not in _warm:
            _warm[name] = OUTPUTS[name](_warm["renderer"])


# A Dask worker runs tasks in threads; one process's warm outputs (WeasyPrint's objects among
# them) serve one task at a time.
_making = threading.Lock()


def make_chunk(settings: RenderSettings, tasks: list[Task]) -> list[tuple[str, bytes]]:
    """Make each task's bytes; runs in a worker (or in-process with one job)."""
    with _making:
        return _make_chunk(settings, tasks)


def _make_chunk(settings: RenderSettings, tasks: list[Task]) -> list[tuple[str, bytes]]:
    _warm_up(settings)
    made = []
    timed = threading.current_thread() is threading.main_thread()  # SIGALRM reaches only it
    for name, target in tasks:
        _warm_up(settings, (name,))
        if timed:
            previous = signal.signal(signal.SIGALRM, _too_slow)
            signal.alarm(time_limit(target))
        try:
            made.append((target.path, _warm[name].make(target)))
        except _TooSlow:
            what = target.review.key if target.review is not None else target.path
            raise PublisherError(f"{target.path}: still not made after {time_limit(target)} s; "
                                 f"look for very long or unusual text in {what}") from None
        finally:
            if timed:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, previous)
    return made


def _start_worker() -> None:
    """In each worker: die with the main process (even after kill -9), and leave Ctrl-C to
    the main process, which stops the pool itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's handler, inherited by fork
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the watch thread below still works
        pass
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


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
                self.client = Client(self.scheduler, timeout=f"{CONNECT_WAIT}s")
            except OSError as error:
                raise PublisherError(f"cannot reach the Dask scheduler at {self.scheduler}: {error}") from None
            if not self._has_workers():  # else the build would wait for ever
                self.client.close()
                raise PublisherError(f"the Dask scheduler at {self.scheduler} has no workers (waited "
                                     f"{WORKERS_WAIT} s): start some with 'dask worker {self.scheduler}'")
            self.jobs = len(self.client.nthreads())  # processes: each makes one output at a time
            self.executor = self.client.get_executor()
        elif self.jobs > 1:
            self.executor = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                                initializer=_start_worker)
        return self

    def __exit__(self, *exc) -> None:
        if isinstance(self.executor, ProcessPoolExecutor):
            if exc[0] is not None:  # interrupted or failed: stop the workers now, not after their chunk
                processes = list((self.executor._processes or {}).values())
                for process in processes:
                    process.terminate()
                # ... and see them gone: a forked worker shares the output folder's lock, so one
                # still stopping would hold it, and a build started right after would be refused
                for process in processes:
                    process.join(STOP_WAIT)
                    if process.is_alive():
                        process.kill()
                        process.join(STOP_WAIT)
            self.executor.shutdown(wait=exc[0] is None, cancel_futures=True)
        elif self.executor is not None:
            self.executor.shutdown(wait=exc[0] is None)
        if self.client is not None:
            self.client.close()

    def _has_workers(self) -> bool:
        """Whether the Dask scheduler has a worker, or gets one within ``WORKERS_WAIT`` s."""
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_WAIT)
        except TimeoutError:
            return False
        return True

    def run(self, settings: RenderSettings, tasks: list[Task]) -> Iterator[tuple[str, bytes]]:
        """Each task's (path, bytes), in the order they finish."""
        if self.executor is None:
            for chunk in chunks(tasks, 1):
                yield from make_chunk(settings, chunk)
            return
        if self.client is not None:  # every worker warm before any chunk: none idles warming late
            self.client.run(_warm_up, settings, tuple(dict.fromkeys(name for name, _ in tasks)))
        # A few chunks in flight per worker, not all of them: the main process then holds only
        # the bytes it is about to write, however large the catalog.
        queue = iter(chunks(tasks, self.jobs))
        pending = {self.executor.submit(make_chunk, settings, c) for c in itertools.islice(queue, 2 * self.jobs)}
        try:
            while pending:
                done, pending = wait(pending, timeout=WORKERS_WAIT, return_when=FIRST_COMPLETED)
                if not done and self.client is not None and not self._has_workers():
                    raise PublisherError(f"the Dask scheduler at {self.scheduler} has no workers left; finished "
                                         "outputs are kept: run the build again once it has some")
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
