"""``publisher serve``: a live preview that rebuilds what an edit changed and reloads the
browser pages that show it.

The stack is sphinx-autobuild's: Starlette on uvicorn serves the output folder (``app.py``),
watchfiles watches the sources (``watch.py``). A builder thread (``builder.py``) re-plans after
every change with the library's own ``plan()`` and ``execute()`` and the same options. The
state the pages show is ``preview.py``'s; its own pages are ``pages.py``'s. It answers only
requests for its own address (``hosts.py``), caps connections and event streams
(``network.py``, ``app.py``), and reports problems in one rate-limited line each, never a
traceback (``reports.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import sys
import tempfile
import threading
import webbrowser
from pathlib import Path
from types import SimpleNamespace

from ..catalog import load_catalog, records
from ..errors import PublisherError, SelectionError
from ..options import BuildOptions
from ..pipeline.plan import check_languages
from ..paths import output_root, source_language
from .app import make_app
from .builder import Builder
from .hosts import authority
from .network import _listen, _Server, config, is_loopback
from .preview import Preview
from .reports import Reports
from .watch import _watch


def _site(options: BuildOptions):
    """site.yaml's settings, or None while the catalog is broken (the preview shows why)."""
    try:
        return load_catalog(options.catalog).site
    except PublisherError:
        return None


def _language(options: BuildOptions, site) -> str | None:
    """``--language``, checked before it names the folder served (finding #14): one of
    site.yaml's languages; while the catalog is broken, at least a language tag by the rule
    site.yaml's are read with (``records.language``), so never a path."""
    if not options.languages:
        return None
    asked = options.languages[0]
    if site is not None:
        check_languages(site, options.languages[:1])
        return asked
    problem = records.tag_problem(asked)
    if problem:
        raise SelectionError(f"--language: {problem}")
    return asked


def _root(options: BuildOptions, site) -> Path:
    """The folder the preview serves: its one language's (``--language``; default the catalog's
    own) in its edition. Every build says it again (``Plan.root``), so a catalog broken at the
    start does no harm (a language asked for is then taken as a translation)."""
    site = site if site is not None else SimpleNamespace(languages=(None,))
    language = options.languages[0] if options.languages else source_language(site)
    return output_root(options.out, site, language, options.large_print, options.plain)


def serve(options: BuildOptions, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          private: bool = False) -> None:
    """Build ``options`` into ``options.out``, serve it and keep it up to date until Ctrl-C;
    ``private``: into a temporary folder of its own instead, removed on the way out."""
    site = _site(options)
    language = _language(options, site)  # before anything is served
    if language is not None:
        options = dataclasses.replace(options, languages=(language,))
    sock = _listen(host, port)
    if private:
        options = dataclasses.replace(options, out=Path(tempfile.mkdtemp(prefix="publisher-serve-")))
    port = sock.getsockname()[1]
    url = f"http://{authority(host, port)}/"
    root = _root(options, site)
    preview = Preview(root)
    reports = Reports()
    builder = Builder(options, preview)
    stop_watching = threading.Event()
    watcher = threading.Thread(target=_watch, args=(options, builder.changed, stop_watching),
                               name="publisher-watcher", daemon=True)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        preview.loop = asyncio.get_running_loop()
        preview.loop.set_exception_handler(reports.loop_handler)
        watcher.start()
        builder.start()
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        yield

    print(f"serving {root} at {url} (Ctrl-C to stop)", flush=True)
    if not is_loopback(host):
        print(f"warning: listening on {host}: anyone who can reach this machine on port "
              f"{port} can read the preview", file=sys.stderr, flush=True)
    try:
        _Server(config(make_app(preview, lifespan, reports, host, port), reports), preview).run(sockets=[sock])
    except KeyboardInterrupt:  # before the server took over Ctrl-C
        pass
    finally:
        stop_watching.set()
        builder.stop()
        if builder.is_alive():
            builder.join()
        sock.close()
        if private:
            shutil.rmtree(options.out, ignore_errors=True)
