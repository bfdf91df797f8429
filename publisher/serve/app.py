"""The preview's web application (Starlette): built files, with the reload script in every
page, and the server-sent event stream each tab listens on for its own path."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from .pages import EVENTS, _page, error_page, index_page, with_script
from .preview import Preview

NO_STORE = {"Cache-Control": "no-store"}  # a reload must fetch the rebuilt page and stylesheet


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
