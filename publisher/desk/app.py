"""The desk's web app: one page (GET /), its stylesheet, and the handout it posts (POST /).

What protects the patient's details and the desk: requests are answered only for the desk's
own ``Host`` (``serve.hosts.HostCheck``, against DNS rebinding); a POST must carry this
process's random token (another site cannot read it, so cannot forge the form) and, when
the browser says where it comes from (``Origin``), come from the desk's own page; with an
access code set, the form asks for it. The PDF (or, for the Email button, the unsent e-mail
around it) is made in memory and sent; the details are in no log line (a failure is reported by
its kind only), no header and no refusal page; only the form shown again to correct it holds
what was typed, escaped, and nothing is cached.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import re
import secrets

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..errors import PublisherError
from ..i18n.wording import autonym
from ..resources import LAYOUTS, STYLES
from ..serve.hosts import HostCheck
from ..serve.reports import LastResort, Reports
from . import form as forms
from .typeset import Refused, Typesetter

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; connect-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make a form post say Origin: null
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
WRONG_CODE_PAUSE = 1.0  # seconds before answering a wrong access code: guessing stays slow
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(LAYOUTS / "desk"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["language_name"] = language_name
    return env


def language_name(tag: str) -> str:
    """A language as its readers name it (``español``, ``中文 (简体)``, ``العربية``), with its tag."""
    return f"{autonym(tag)} ({tag})"


def make_app(typesetter: Typesetter, reports: Reports, host: str, port: int, access_code: str | None = None,
             today=dt.date.today):
    """The desk's ASGI app, ready for uvicorn (or Starlette's TestClient)."""
    token = secrets.token_urlsafe(32)
    env = _environment()
    page, refusal = env.get_template("desk.html.j2"), env.get_template("refused.html.j2")
    css = (STYLES / "desk.css").read_bytes()

    def refused(status: int, title: str, message: str) -> HTMLResponse:
        return HTMLResponse(refusal.render(title=title, message=message), status, headers=HEADERS)

    def shown(form: forms.Form, status: int = 200) -> HTMLResponse:
        try:
            choices = typesetter.choices()
        except PublisherError as error:
            return _catalog_broken(refused, error)
        return HTMLResponse(page.render(form=form, choices=choices, token=token, access=access_code is not None,
                                        labels=forms.LABELS, today=today().isoformat()), status, headers=HEADERS)

    async def get(request: Request) -> Response:
        return shown(forms.Form(values={"edition": "standard"}))

    async def stylesheet(request: Request) -> Response:
        return Response(css, media_type="text/css", headers={**HEADERS, "Cache-Control": "no-cache"})

    async def post(request: Request) -> Response:
        origin = request.headers.get("origin")
        if origin is not None and origin != f"http://{request.headers.get('host', '')}":
            return refused(403, "Refused: another site", "This form can only be sent from the desk's own page.")
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            return refused(400, "Refused: not the desk's form", "This request was not sent by the desk's form.")
        body = await _body(request)
        if body is None:
            return refused(413, "Refused: too long", "The form sent more than a handout can hold.")
        try:
            form = forms.parse(body)
        except forms.Malformed:
            return refused(400, "Refused: not the desk's form", "This request was not sent by the desk's form.")
        if not hmac.compare_digest(form.values["token"].encode(), token.encode()):
            return refused(403, "Refused: the page is out of date",
                           "This form was not sent from this desk's page, or the desk was restarted since "
                           "the page was loaded. Load the page again and send it from there.")
        if access_code is not None and not hmac.compare_digest(form.values["access_code"].encode("utf-8"),
                                                               access_code.encode("utf-8")):
            await asyncio.sleep(WRONG_CODE_PAUSE)
            form.values["access_code"] = ""
            form.problem("access_code", "is not the desk's access code")
            return shown(form, 403)
        form.values["access_code"] = ""  # never shown again
        try:
            choices = typesetter.choices()
        except PublisherError as error:
            return _catalog_broken(refused, error)
        chosen = forms.choice(form, {c.value for c in choices.reviews}, choices.languages)
        personal = forms.personal(form, today())
        if chosen is None or personal is None:
            return shown(form, 400)
        make = typesetter.message if form.action == "email" else typesetter.handout
        try:
            name, made = await run_in_threadpool(make, *chosen, personal)
        except Refused as error:
            return refused(403, "Refused: not ready for patients", str(error))
        except PublisherError as error:
            return _catalog_broken(refused, error)
        except Exception as error:  # the kind only: its message could quote the handout
            reports.say(type(error).__name__, f"{type(error).__name__} while typesetting a handout")
            return refused(500, "The handout could not be made", "The desk failed to typeset it: see its terminal.")
        disposition = "inline" if form.action == "print" else "attachment"
        kind = "message/rfc822" if form.action == "email" else "application/pdf"
        return Response(made, media_type=kind, headers={
            **HEADERS, "Content-Disposition": f'{disposition}; filename="{SAFE_NAME.sub("_", name)}"'})

    app = Starlette(routes=[Route("/", get, methods=["GET"]), Route("/", post, methods=["POST"]),
                            Route("/desk.css", stylesheet, methods=["GET"])])
    return LastResort(HostCheck(app, host, port, reports), reports)


async def _body(request: Request) -> bytes | None:
    """The request's body, or None once it passes ``MAX_BODY`` (read no further)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > forms.MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _catalog_broken(refused, error: PublisherError) -> HTMLResponse:
    """The catalog's problems (``path:line``, never a patient's details) while it is broken."""
    return refused(503, "The catalog has problems", f"Fix the catalog; the desk reads it again on the next "
                                                   f"request.\n\n{error}")
