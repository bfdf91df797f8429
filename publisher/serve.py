"""``publisher serve``: a live preview that rebuilds what an edit changed and reloads the
browser pages that show it.

The stack is sphinx-autobuild's: Starlette on uvicorn serves the output folder, watchfiles
watches the sources. A builder thread re-plans after every change and makes the HTML
in-process first (warm templates: the page is back in well under a second), then leaves
PDFs, booklets, EPUBs and SHA256SUMS to a ``publisher build`` subprocess, which the next edit
stops with SIGTERM (it keeps what it finished, and its workers die with it). Each built
page gets, as it is served, a script that listens on a server-sent event stream for its own
path, so a tab reloads only when its page, its stylesheet or the error state changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import ipaddress
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from pathlib import Path
from urllib.parse import unquote

import jinja2
import uvicorn
import watchfiles
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from .build import execute
from .catalog import load_catalog
from .errors import ProblemsError, PublisherError
from .manifest import Manifest
from .options import BuildOptions
from .plan import plan, plans
from .resources import LAYOUTS, STYLES

EVENTS = "/_publisher/events"
NO_STORE = {"Cache-Control": "no-store"}  # a reload must fetch the rebuilt page and stylesheet
SCRIPT = ('<script>(function(){{var s=new EventSource("{events}?since={since}&path="'
          '+encodeURIComponent(location.pathname));s.addEventListener("reload",function(){{'
          's.close();location.reload();}});}})();</script>')


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
            if path.startswith("html/_assets/"):
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


def _page(title: str, body: str, since: int) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<style>body{font:18px/1.5 sans-serif;max-width:60em;margin:2em auto;padding:0 1em}'
            'code{white-space:pre-wrap}</style></head>\n'
            f'<body>{body}\n{SCRIPT.format(events=EVENTS, since=since)}</body></html>\n')


def error_page(problems: list[str], since: int) -> str:
    items = "".join(f"<li><code>{html.escape(p)}</code></li>\n" for p in problems)
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return _page(f"publisher: {count}",
                 f"<h1>The preview cannot be built: {count}</h1>\n<ul>\n{items}</ul>\n"
                 "<p>This page comes back by itself once the files are fixed.</p>", since)


def index_page(root: Path, since: int) -> str:
    """Until the portal exists (``index.html``): every HTML handout, PDF and EPUB, by folder."""
    paths = sorted(p for p in Manifest.load(root).entries
                   if p.endswith((".html", ".pdf", ".epub")) and not p.startswith("html/_assets/"))
    items = "".join(f'<li><a href="/{html.escape(p)}">{html.escape(p)}</a></li>\n' for p in paths)
    body = f"<ul>\n{items}</ul>" if paths else "<p>Nothing built yet: this page updates by itself.</p>"
    return _page("publisher preview", f"<h1>publisher preview</h1>\n{body}", since)


def with_script(page: str, since: int) -> str:
    script = SCRIPT.format(events=EVENTS, since=since)
    end = page.lower().rfind("</body>")
    return page + script if end < 0 else page[:end] + script + page[end:]


def make_app(preview: Preview, lifespan) -> Starlette:
    async def serve_file(request: Request) -> Response:
        path = request.path_params["path"]
        since = preview.generation  # before reading: a later rebuild is then always announced
        is_page = path == "" or path.endswith(("/", ".html"))
        if is_page and preview.problems:
            return HTMLResponse(error_page(preview.problems, since), 500, headers=NO_STORE)
        found = preview.locate(path)
        if found is None and path == "":
            return HTMLResponse(index_page(preview.root, since), headers=NO_STORE)
        if found is None:  # a page not built yet shows up by itself once it is
            return HTMLResponse(_page("Not found", "<h1>Not found</h1>", since), 404, headers=NO_STORE)
        if found.suffix == ".html":
            return HTMLResponse(with_script(found.read_text(encoding="utf-8"), since), headers=NO_STORE)
        return FileResponse(found, headers=NO_STORE)

    async def events(request: Request) -> Response:
        page = request.query_params.get("path", "/")
        try:
            since = int(request.query_params.get("since", "0"))
        except ValueError:
            since = 0

        async def stream():
            nonlocal since
            yield ": publisher\n\n"
            while not preview.stopping:
                due = preview.due(page)
                if due > since:
                    since = due
                    yield f"event: reload\ndata: {due}\n\n"
                try:
                    await asyncio.wait_for(preview.tick.wait(), 15)
                except asyncio.TimeoutError:
                    yield ": still here\n\n"  # notices a closed tab

        return StreamingResponse(stream(), media_type="text/event-stream", headers=NO_STORE)

    return Starlette(routes=[Route(EVENTS, events), Route("/{path:path}", serve_file)], lifespan=lifespan)


class _Superseded(Exception):
    """A newer edit (or Ctrl-C) arrived: stop this build after the output being written."""


class Builder(threading.Thread):
    """Rebuilds after every change: HTML in this process, then the rest in a subprocess."""

    def __init__(self, options: BuildOptions, preview: Preview):
        super().__init__(name="publisher-builder")
        self.options, self.preview = options, preview
        self.html = dataclasses.replace(options, formats=("html",), jobs=1)
        self.rest = tuple(f for f in options.formats if f != "html")
        self.wake = threading.Event()
        self.dirty, self.stopping = True, False
        self.problems: list[str] = []
        self.background: subprocess.Popen | None = None
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
                elif self.background is not None and self.background.poll() is not None:
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
        o = self.options
        command = [sys.executable, "-m", "publisher", "build", "-q", "--catalog", str(o.catalog),
                   "--out", str(o.out), "--format", ",".join(self.rest), "--edition", o.edition]
        command += ["--paper", o.paper] if o.paper else []
        command += ["--brand", str(o.brand)] if o.brand else []
        command += [f"--language={language}" for language in o.languages]
        command += ["--allow-incomplete"] if o.allow_incomplete else []
        # This very publisher package, even when another one is installed.
        here = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
        self.before = self._outputs()
        # Its own session: Ctrl-C reaches only the server, which stops it.
        self.background = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.PIPE, env=env, start_new_session=True)

    def _stop_background(self) -> None:
        if self.background is None:
            return
        if self.background.poll() is None:
            # SIGTERM: `publisher build` records what it finished, then says "stopped: ..." on
            # stderr (in under 0.1 s, as a rule); its exit can take seconds more (workers
            # mid-booklet), which an edit or Ctrl-C cannot wait for, so it is then killed, at
            # the latest after 0.5 s; its workers die with it.
            self.background.terminate()
            _wait_for(self.background.stderr, b"stopped:", seconds=0.5)
            self.background.kill()
            self.background.wait()
            self._finish_background(stopped=True)
        else:
            self._finish_background()

    def _finish_background(self, stopped: bool = False) -> None:
        process, self.background = self.background, None
        errors = process.stderr.read().decode("utf-8", "replace").strip()
        process.stderr.close()
        if process.returncode and not stopped:
            print(f"publisher serve: the PDF/booklet/EPUB build failed ({process.returncode}):\n{errors}", file=sys.stderr, flush=True)
        self._publish_since(self.before)


def _wait_for(pipe, start: bytes, seconds: float) -> None:
    """Read ``pipe`` until a line starts with ``start``, it closes, or ``seconds`` pass."""
    deadline, seen = time.monotonic() + seconds, b""
    while (left := deadline - time.monotonic()) > 0 and select.select([pipe], [], [], left)[0]:
        chunk = os.read(pipe.fileno(), 65536)
        seen += chunk
        if not chunk or seen.startswith(start) or b"\n" + start in seen:
            return


def template_problem(error: jinja2.TemplateError) -> str:
    """``layouts/x.html.j2:12: message`` for a template that does not parse or fails to render."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return f"{_shown(error.filename)}:{error.lineno}: {error.message}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
    if frames:
        return f"{_shown(frames[-1].filename)}:{frames[-1].lineno}: {type(error).__name__}: {error}"
    return f"{type(error).__name__}: {error}"


def _shown(path: str) -> str:
    with contextlib.suppress(ValueError):
        return str(Path(path).resolve().relative_to(Path.cwd()))
    return path


def _watch(options: BuildOptions, changed, stop: threading.Event) -> None:
    """Call ``changed()`` after every change to the catalog, templates, styles or brand file
    (and the images beside it, for its logo)."""
    folders = [Path(p).resolve() for p in (options.catalog, LAYOUTS, STYLES)]
    brand = options.brand.resolve() if options.brand else None
    default = watchfiles.DefaultFilter()

    def wanted(change, name: str) -> bool:
        path = Path(name)
        return default(change, name) and (
            any(f in path.parents for f in folders) or path == brand
            or (brand is not None and brand.parent in path.parents and path.suffix in (".svg", ".png")))

    roots = [p for p in [*folders, *([brand.parent] if brand else [])] if p.is_dir()]
    for _ in watchfiles.watch(*roots, watch_filter=wanted, stop_event=stop, debounce=400, step=30,
                              raise_interrupt=False):
        changed()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Server(uvicorn.Server):
    """uvicorn, but Ctrl-C (or SIGTERM) ends the event streams at once and ``serve()`` returns
    normally, so the preview's builder and folder are cleaned up and the exit status is 0."""

    def __init__(self, config, preview: Preview):
        super().__init__(config)
        self.preview = preview

    def handle_exit(self, sig, frame) -> None:
        self.preview.stop()
        super().handle_exit(sig, frame)

    @contextlib.contextmanager
    def capture_signals(self):
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _listen(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        raise PublisherError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


def _root(options: BuildOptions) -> Path:
    """The folder the preview serves: its one language's (``--language``; default the catalog's
    own). Every build says it again (``Plan.root``), so a catalog broken at the start does no harm."""
    if not options.languages:
        return options.root
    try:
        first = load_catalog(options.catalog).site.languages[0]
    except PublisherError:
        first = None
    language = options.languages[0]
    return options.root if language == first else options.out / language / options.root.relative_to(options.out)


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
