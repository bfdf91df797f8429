"""The only way WeasyPrint may load anything: files under ``layouts/`` and ``styles/``.

WeasyPrint's default fetcher follows any URL, including ``file:///etc/passwd`` or a
remote address named by a template. This one refuses all of that. It subclasses
``weasyprint.urls.URLFetcher`` because WeasyPrint 70 reads attributes of that class
from whatever fetcher it is given.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..resources import LAYOUTS, STYLES

LOG = logging.getLogger("publisher")


class ProjectOnlyFetcher(URLFetcher):
    """Serve ``file:`` URLs inside the allowed folders; refuse everything else."""

    def __init__(self, roots: tuple[Path, ...] = (LAYOUTS, STYLES), extra_files: tuple[Path, ...] = ()):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.roots = tuple(root.resolve() for root in (*roots, *extra_files))  # a file is its own root
        self.refused: list[str] = []

    def allows(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
            return path
        return None

    def fetch(self, url, headers=None):
        path = self.allows(url)
        if path is None:
            self.refused.append(url)
            LOG.warning("refused to fetch %s: only files under layouts/ and styles/ may be loaded", url)
            raise ValueError(f"refused: {url}")
        return URLFetcherResponse(path.as_uri(), path.read_bytes())
