"""The preview's builder: after every change, the HTML first, in this process (warm templates:
the page is back in well under a second), then PDFs, booklets, EPUBs and SHA256SUMS in a
process of their own, which the next edit stops (it keeps what it finished, and its workers
die with it). Both run the library's own ``plan()``/``execute()``/``build()`` with the
preview's ``BuildOptions``, so every option reaches both.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import sys
import threading
import traceback

import jinja2

from ..errors import ProblemsError, PublisherError
from ..options import BuildOptions
from ..pipeline.execute import build, execute
from ..pipeline.manifest import Manifest
from ..pipeline.plan import plan, plans
from .pages import template_problem
from .preview import Preview

STOP_WAIT = 0.5  # seconds a stopped background build may take to record what it finished


class _Superseded(Exception):
    """A newer edit (or Ctrl-C) arrived: stop this build after the output being written."""


class Builder(threading.Thread):
    """Rebuilds after every change: HTML in this process, then the rest in a process of its own."""

    def __init__(self, options: BuildOptions, preview: Preview):
        super().__init__(name="publisher-builder")
        self.options, self.preview = options, preview
        self.html = dataclasses.replace(options, formats=("html",), jobs=1)
        self.rest = tuple(f for f in options.formats if f != "html")
        self.wake = threading.Event()
        self.dirty, self.stopping = True, False
        self.problems: list[str] = []
        self.background: multiprocessing.Process | None = None
        self.before: dict[str, str] = {}

    def changed(self) -> None:
        self.dirty = True
        self.wake.set()

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()

    def run(self) -> None:
        try:
            while not self.stopping:
                if self.dirty:
                    self.dirty = False
                    self._stop_background()
                    self._build_html()
                    if not (self.dirty or self.stopping or self.problems) and self.rest:
                        self._start_background()
                elif self.background is not None and not self.background.is_alive():
                    self._finish_background()
                self.wake.wait(0.2)
                self.wake.clear()
        finally:
            self._stop_background()

    def _outputs(self) -> dict[str, str]:
        return {p: e.sha256 for p, e in Manifest.load(self.preview.root).entries.items()}

    def _publish_since(self, before: dict[str, str]) -> None:
        after = self._outputs()
        self.preview.publish(sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)),
                             self.problems)

    def _check(self, done: int, total: int, path: str) -> None:
        if self.dirty or self.stopping:
            raise _Superseded()

    def _build_html(self) -> None:
        before = self._outputs()
        try:
            made = plans(self.html)[0] if self.options.languages else plan(self.html)
            self.preview.root = made.root.resolve()  # the language's folder: site.yaml says where
            execute(made, self._check)
            self.problems = []
        except _Superseded:
            pass
        except ProblemsError as error:
            self.problems = [str(p) for p in error.problems]
        except jinja2.TemplateError as error:
            self.problems = [template_problem(error)]
        except PublisherError as error:
            self.problems = [error.format_message()]
        except Exception as error:  # a bug: show it, keep serving, and try again on the next edit
            traceback.print_exc()
            self.problems = [f"{type(error).__name__}: {error}"]
        self._publish_since(before)

    def _start_background(self) -> None:
        self.before = self._outputs()
        # spawn: a fresh interpreter, not a fork of this threaded server
        self.background = multiprocessing.get_context("spawn").Process(
            target=background_build, args=(dataclasses.replace(self.options, formats=self.rest),),
            name="publisher-serve-build")  # not a daemon: it has worker processes of its own
        self.background.start()

    def _stop_background(self) -> None:
        if self.background is None:
            return
        stopped = self.background.is_alive()
        if stopped:
            # SIGTERM: the build records what it finished and stops its workers (in under 0.1 s,
            # as a rule); an edit or Ctrl-C cannot wait longer than STOP_WAIT for it.
            self.background.terminate()
            self.background.join(STOP_WAIT)
            if self.background.is_alive():
                self.background.kill()
        self.background.join()
        self._finish_background(stopped)

    def _finish_background(self, stopped: bool = False) -> None:
        process, self.background = self.background, None
        process.join()
        if process.exitcode and not stopped:
            print(f"publisher serve: the PDF/booklet/EPUB build failed ({process.exitcode})", file=sys.stderr,
                  flush=True)
        process.close()
        self._publish_since(self.before)


class _Stopped(BaseException):
    """SIGTERM in the background build: stop as Ctrl-C would."""


def _stopped(signum, frame):
    raise _Stopped()


def background_build(options: BuildOptions) -> None:
    """The preview's other formats: ``build(options)`` in a session of its own, so that Ctrl-C
    reaches only the server (which stops it). Its errors go to stderr as one line."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stopped)
    try:
        build(options)
    except _Stopped:
        os._exit(143)  # what finished is recorded; skip exit hooks that could wait on dead workers
    except PublisherError as error:
        print(f"publisher serve: {error.format_message()}", file=sys.stderr, flush=True)
        sys.exit(1)
