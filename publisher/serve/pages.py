"""The preview's own pages (as f-strings: a handful of lines each): the error page, the index
shown until the portal exists, and the script every served page gets to reload itself."""

from __future__ import annotations

import contextlib
import html
import traceback
from pathlib import Path

import jinja2

from ..paths import HTML_ASSETS
from ..pipeline.manifest import Manifest

EVENTS = "/_publisher/events"
SCRIPT = ('<script>(function(){{var s=new EventSource("{events}?since={since}&path="'
          '+encodeURIComponent(location.pathname));s.addEventListener("reload",function(){{'
          's.close();location.reload();}});}})();</script>')


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
                   if p.endswith((".html", ".pdf", ".epub")) and not p.startswith(f"{HTML_ASSETS}/"))
    items = "".join(f'<li><a href="/{html.escape(p)}">{html.escape(p)}</a></li>\n' for p in paths)
    body = f"<ul>\n{items}</ul>" if paths else "<p>Nothing built yet: this page updates by itself.</p>"
    return _page("publisher preview", f"<h1>publisher preview</h1>\n{body}", since)


def with_script(page: bytes, since: int) -> bytes:
    """A built page with the reload script before its ``</body>``, as bytes: it is served as
    it was written, whatever its encoding, never decoded. A page that is not UTF-8 (a
    hand-edited or half-written file: finding #13) must not become a 500, and decoding it
    with replacement characters would change its text; the script is ASCII, so it fits in
    any ASCII-compatible encoding (every one a page can declare in a ``<meta charset>``)."""
    script = SCRIPT.format(events=EVENTS, since=since).encode("ascii")
    end = page.lower().rfind(b"</body>")
    return page + script if end < 0 else page[:end] + script + page[end:]


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
