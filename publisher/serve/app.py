"""The preview's web application (Starlette): built files, with the reload script in every
page, and the server-sent event stream each tab listens on for its own path; behind the
``Host`` check (``hosts.py``) and the last resort that keeps tracebacks off the terminal
(``reports.py``)."""

from __future__ import annotations

import asyncio
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from .hosts import HostCheck
from .pages import EVENTS, _page, error_page, index_page, with_script
from .preview import Preview
from .reports import LastResort, Reports

NO_STORE = {"Cache-Control": "no-store"}  # a reload must fetch the rebuilt page and stylesheet
STREAMS = 30  # open event streams (one a tab); beyond, 503, within the connection cap (network.py)


def make_app(preview: Preview, lifespan, reports: Reports, host: str, port: int):
    """The preview as an ASGI application answering at ``host:port`` (see ``HostCheck``)."""
    streams: set[StreamingResponse] = set()

    async def serve_file(request: Request) -> Response:
        path = request.path_params["path"]
        since = preview.generation  # before reading: a later rebuild is then always announced
        is_page = path == "" or path.endswith(("/", ".html"))
        if is_page and preview.problems:
            return HTMLResponse(error_page(preview.problems, since), 500, headers=NO_STORE)
        found = preview.locate(path)
        if found is None and path == "" and not os.path.lexists(preview.root / "index.html"):
            return HTMLResponse(index_page(preview.root, since), headers=NO_STORE)  # no portal (yet)
        if found is not None and found.suffix == ".html":
            try:
                return HTMLResponse(with_script(found.read_bytes(), since), headers=NO_STORE)
            except OSError:  # removed, or replaced by a folder, since it was found
                found = None
        if found is None:  # a page not built yet shows up by itself once it is
            return HTMLResponse(_page("Not found", "<h1>Not found</h1>", since), 404, headers=NO_STORE)
        return FileResponse(found, headers=NO_STORE)

    async def events(request: Request) -> Response:
        if len(streams) >= STREAMS:
            reports.say("streams", f"refused a page's event stream: {STREAMS} are open (close some preview tabs)")
            return PlainTextResponse(f"Too many open preview pages: at most {STREAMS} at once.\n", 503,
                                     headers={**NO_STORE, "Connection": "close"})
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

        return _Counted(streams, stream(), media_type="text/event-stream", headers=NO_STORE)

    app = Starlette(routes=[Route(EVENTS, events), Route("/{path:path}", serve_file)], lifespan=lifespan)
    return LastResort(HostCheck(app, host, port, reports), reports)


class _Counted(StreamingResponse):
    """An event stream that is in ``streams`` from the moment it is made until it ends."""

    def __init__(self, streams: set, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.streams = streams
        streams.add(self)

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.streams.discard(self)
