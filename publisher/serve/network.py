"""The preview's socket and server: listening (loopback unless asked), a cap on connections,
and a uvicorn server that Ctrl-C stops cleanly."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import signal
import socket

import uvicorn

from ..errors import PublisherError
from .preview import Preview

CONNECTIONS = 100  # open connections (uvicorn's limit_concurrency): a request beyond gets 503
EXHAUSTED = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)  # accept() out of resources


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Listener(socket.socket):
    """The listening socket, whose ``accept()`` fails once per round when descriptors run out.

    asyncio's accept loop (``BaseSelectorEventLoop._accept_connection``) answers EMFILE by
    reporting it, pausing the socket and retrying in a second, but then goes on calling
    ``accept()`` up to 100 times in the same round (CPython gh-151615):
    100 reports and 100 retries a round, whose retries multiply. That spun the preview at
    40 % CPU and printed 576,000 lines in 20 s (finding #12). Here the first failure of a
    round goes to asyncio as it is (one report, one retry a second later); the next call
    says "nothing waiting", which ends the round. Only ``accept()``, a public method, changes.
    """

    exhausted = False

    def accept(self):
        if self.exhausted:
            self.exhausted = False
            raise BlockingIOError(errno.EAGAIN, "resting after running out of descriptors")
        try:
            return super().accept()
        except OSError as error:
            self.exhausted = error.errno in EXHAUSTED
            raise


def config(app, reports) -> uvicorn.Config:
    """uvicorn as the preview runs it: no access log; asyncio's loop and h11, whose behaviour
    at the limits (``_Listener``, the connection cap's 503) is the tested one; warnings as
    rate-limited reports (``Reports``)."""
    made = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=1,
                          lifespan="on", loop="asyncio", http="h11", ws="none", limit_concurrency=CONNECTIONS)
    logging.getLogger("uvicorn.error").filters = [reports.uvicorn_filter]  # after Config set up the logging
    return made


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
        sock = _Listener(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        raise PublisherError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock
