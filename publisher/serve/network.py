"""The preview's socket and server: listening (loopback unless asked), and a uvicorn server
that Ctrl-C stops cleanly."""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import socket

import uvicorn

from ..errors import PublisherError
from .preview import Preview


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
