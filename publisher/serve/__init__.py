"""``publisher serve``: a live preview that rebuilds what an edit changed and reloads the
browser pages that show it.

The stack is sphinx-autobuild's: Starlette on uvicorn serves the output folder (``app.py``),
watchfiles watches the sources (``watch.py``). A builder thread (``builder.py``) re-plans after
every change with the library's own ``plan()`` and ``execute()`` and the same options. The
state the pages show is ``preview.py``'s; its own pages are ``pages.py``'s.
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

import uvicorn

from ..catalog import load_catalog
from ..errors import PublisherError
from ..options import BuildOptions
from ..paths import output_root, source_language
from .app import make_app
from .builder import Builder
from .network import _listen, _Server, is_loopback
from .preview import Preview
from .watch import _watch


def _root(options: BuildOptions) -> Path:
    """The folder the preview serves: its one language's (``--language``; default the catalog's
    own) in its edition. Every build says it again (``Plan.root``), so a catalog broken at the
    start does no harm (a language asked for is then taken as a translation)."""
    try:
        site = load_catalog(options.catalog).site
    except PublisherError:
        site = SimpleNamespace(languages=(None,))
    language = options.languages[0] if options.languages else source_language(site)
    return output_root(options.out, site, language, options.large_print)


def serve(options: BuildOptions, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          private: bool = False) -> None:
    """Build ``options`` into ``options.out``, serve it and keep it up to date until Ctrl-C;
    ``private``: into a temporary folder of its own instead, removed on the way out."""
    sock = _listen(host, port)
    if private:
        options = dataclasses.replace(options, out=Path(tempfile.mkdtemp(prefix="publisher-serve-")))
    url = f"http://{f'[{host}]' if ':' in host else host}:{sock.getsockname()[1]}/"
    root = _root(options)
    preview = Preview(root)
    builder = Builder(options, preview)
    stop_watching = threading.Event()
    watcher = threading.Thread(target=_watch, args=(options, builder.changed, stop_watching),
                               name="publisher-watcher", daemon=True)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        preview.loop = asyncio.get_running_loop()
        watcher.start()
        builder.start()
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        yield

    print(f"serving {root} at {url} (Ctrl-C to stop)", flush=True)
    if not is_loopback(host):
        print(f"warning: listening on {host}: anyone who can reach this machine on port "
              f"{sock.getsockname()[1]} can read the preview", file=sys.stderr, flush=True)
    config = uvicorn.Config(make_app(preview, lifespan), log_level="warning", access_log=False,
                            timeout_graceful_shutdown=1, lifespan="on")
    try:
        _Server(config, preview).run(sockets=[sock])
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
