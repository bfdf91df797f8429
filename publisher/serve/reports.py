"""What goes wrong while the preview serves, on the terminal: one short line per kind of
problem, at most once every ``INTERVAL`` seconds, and never a traceback.

A client can make the server fail thousands of times a second (malformed requests, more
connections than the cap, descriptors run out); one line each, or a traceback each, would
bury the terminal and fill the disk (findings #12 and #13). Every report comes here: the
requests' last resort (``LastResort``), uvicorn's own log (``Reports.uvicorn_filter``) and
the event loop's (``Reports.loop_handler``). All of them run on the server's event loop.
"""

from __future__ import annotations

import logging
import sys
import time

from starlette.responses import PlainTextResponse

from ..catalog.records import excerpt

INTERVAL = 10.0  # seconds between two lines about the same kind of problem
LINE_CHARS = 200  # a report is cut to this: a request's path can be 100 KB long


class Reports:
    """Rate-limited one-line reports to stderr, each kind of problem on its own clock."""

    def __init__(self, interval: float = INTERVAL, clock=time.monotonic, prefix: str = "publisher serve"):
        self.interval, self.clock, self.prefix = interval, clock, prefix  # prefix: the command speaking
        self.last: dict[str, float] = {}  # kind -> when its last line was printed
        self.held: dict[str, int] = {}  # kind -> lines held back since

    def say(self, kind: str, message: str) -> None:
        """Print ``message`` unless a ``kind`` line was printed in the last ``interval`` seconds;
        the next line printed says how many were held back. Kinds are a handful of fixed
        strings (never a client's text), so the tables stay small."""
        now = self.clock()
        if kind in self.last and now - self.last[kind] < self.interval:
            self.held[kind] = self.held.get(kind, 0) + 1
            return
        self.last[kind] = now
        held = self.held.pop(kind, 0)
        more = f" (and {held:,} more like it since the last)" if held else ""
        print(f"{self.prefix}: {excerpt(message, LINE_CHARS)}{more}", file=sys.stderr, flush=True)

    def loop_handler(self, loop, context: dict) -> None:
        """The event loop's exception handler: asyncio's default prints a traceback for every
        ``accept()`` that fails for want of descriptors (``network._Listener``)."""
        error = context.get("exception")
        self.say(context["message"], f"{context['message']}: {error}" if error else context["message"])

    def uvicorn_filter(self, record: logging.LogRecord) -> bool:
        """A filter for uvicorn's logger: its warnings and errors (one per request: "Invalid HTTP
        request received.", "Exceeded concurrency limit.") as reports, without a traceback."""
        self.say(str(record.msg), record.getMessage())
        return False


class LastResort:
    """ASGI middleware, outermost: a request that fails anyway (a bug, a file removed while it
    is read, descriptors run out) is answered 500 if nothing was sent yet and reported in one
    line; the exception goes no further, so uvicorn prints no traceback."""

    def __init__(self, app, reports: Reports):
        self.app, self.reports = app, reports

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as error:
            name = type(error).__name__
            self.reports.say(name, f"{name} while answering {excerpt(scope['path'], 60)}: {error}")
            if not started:
                await PlainTextResponse("The preview failed to answer: see its terminal.\n", 500)(scope, receive, send)
