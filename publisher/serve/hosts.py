"""Which ``Host`` the preview answers: its own address and port, nothing else (DNS rebinding).

A web page the writer visits can point its own name at 127.0.0.1 and then read the preview
as its own origin: every draft, PDF and ``catalog.json`` (finding #4). Its requests still
name it in ``Host``, so, as Vite, webpack-dev-server and Jupyter do, the preview answers
only requests for ``127.0.0.1``, ``localhost`` or ``[::1]`` at its port, and for the
``--host`` it was given; anything else, an empty or missing ``Host`` too, gets 421.

The port is compared too, unlike Starlette's ``TrustedHostMiddleware`` (names only): a
browser sends the port of the origin the page was loaded from, so a request naming another
port was meant for another server (another origin) and was relayed here; the port costs
nothing to check. With no port, ``Host`` means port 80 (RFC 9110), as browsers send it.
``--host 0.0.0.0`` (or ``::``), which listens on every address, also accepts any IP
address at its port: visitors from the network name the machine by an address it has, and
an address cannot be rebound (rebinding needs a name).
"""

from __future__ import annotations

import ipaddress

from starlette.responses import PlainTextResponse

from ..catalog.records import excerpt
from .reports import Reports

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def authority(host: str, port: int) -> str:
    """``host:port`` as a URL and a ``Host`` header write it (an IPv6 address in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class HostCheck:
    """ASGI middleware answering 421 to a request whose ``Host`` is not the preview's own;
    the event stream included."""

    def __init__(self, app, host: str, port: int, reports: Reports):
        self.app, self.port, self.reports = app, port, reports
        self.hosts = frozenset(authority(name.strip("[]"), port).lower() for name in (*LOOPBACK, host))
        if port == 80:
            self.hosts |= {h.rsplit(":", 1)[0] for h in self.hosts}
        self.any_address = host in ("0.0.0.0", "::")

    def accepts(self, host: str) -> bool:
        host = host.lower()
        if host in self.hosts:
            return True
        if not self.any_address:
            return False
        name, _, port = host.rpartition(":")
        if port != str(self.port):
            return False
        try:
            ipaddress.ip_address(name[1:-1] if name.startswith("[") and name.endswith("]") else name)
        except ValueError:
            return False
        return True

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            hosts = [value for name, value in scope["headers"] if name == b"host"]
            if len(hosts) != 1 or not self.accepts(hosts[0].decode("latin-1")):
                named = f"'{excerpt(hosts[0].decode('latin-1'), 60)}'" if len(hosts) == 1 else f"{len(hosts)} hosts"
                self.reports.say("host", f"refused a request for {named}: it answers only at "
                                         f"{', '.join(sorted(self.hosts))}")
                response = PlainTextResponse(
                    f"This server answers only at http://127.0.0.1:{self.port}/ (or localhost, or the --host "
                    "it was given); this request named another host.\n", 421)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
