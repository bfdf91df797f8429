"""``publisher desk``: a page on which the care team prints one patient's handout at a time.

The ``handout`` command (personal.py) for people who do not use a terminal: choose a review,
a language and an edition, type the patient's details, and the PDF comes back in the
response, typeset by a renderer kept warm in this process (``typeset.py``); nothing is
written to disk. The page and its checks are ``app.py``'s and ``form.py``'s. It reuses the
preview's guards: the ``Host`` allow-list, the listening socket and the rate-limited
reports (``serve``). It listens on loopback unless asked; anywhere else only behind an
access code, read from an environment variable (never a command-line argument, which
``ps`` shows to every user).
"""

from __future__ import annotations

import os
import sys

import uvicorn

from ..errors import PublisherError
from ..options import BuildOptions
from ..serve.hosts import authority
from ..serve.network import _listen, config, is_loopback
from ..serve.reports import Reports
from .app import make_app
from .typeset import Typesetter


def access_code_from(variable: str | None) -> str | None:
    """The access code held by the environment variable ``variable`` (None: no code)."""
    if variable is None:
        return None
    code = os.environ.get(variable, "")
    if not code.strip():
        raise PublisherError(f"--access-code-env: the environment variable {variable} is not set "
                             "or empty; set it to the code the desk's users will type")
    return code


def desk(options: BuildOptions, host: str = "127.0.0.1", port: int = 8001, access_code: str | None = None,
         allow_drafts: bool = False) -> None:
    """Serve the desk until Ctrl-C."""
    if not is_loopback(host) and access_code is None:
        raise PublisherError(f"--host {host}: other machines could print handouts; set an access code "
                             "with --access-code-env NAME, or listen on 127.0.0.1")
    typesetter = Typesetter(options, allow_drafts)
    typesetter.warm_up()  # a broken catalog stops the desk here, with its path:line list
    sock = _listen(host, port)
    port = sock.getsockname()[1]
    reports = Reports(prefix="publisher desk")
    print(f"the handout desk is at http://{authority(host, port)}/ (Ctrl-C to stop)", flush=True)
    if not is_loopback(host):
        print(f"warning: listening on {host}: anyone who can reach this machine on port {port} "
              "and knows the access code can print handouts", file=sys.stderr, flush=True)
    try:
        uvicorn.Server(config(make_app(typesetter, reports, host, port, access_code), reports)).run(sockets=[sock])
    except KeyboardInterrupt:  # before the server took over Ctrl-C
        pass
    finally:
        sock.close()
