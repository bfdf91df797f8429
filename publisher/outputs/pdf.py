"""PDF handouts, laid out by WeasyPrint from the same HTML as the HTML output."""

from __future__ import annotations

from ..catalog import Review
from ..fetcher import ProjectOnlyFetcher
from ..render import Renderer
from ..resources import HANDOUT_CSS, LAYOUTS
from . import Target, review_path

# Tagged PDF for screen readers; fonts subset (by HarfBuzz where installed).
PDF_OPTIONS = {"pdf_tags": True, "uncompressed_pdf": False, "hinting": False, "full_fonts": False}


class PdfOutput:
    name = "pdf"

    def __init__(self, renderer: Renderer):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.renderer = renderer
        self.fetcher = ProjectOnlyFetcher()
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(filename=str(HANDOUT_CSS), url_fetcher=self.fetcher,
                              font_config=self.font_config)

    def targets(self, reviews: list[Review]) -> list[Target]:
        return [Target(review_path("pdf", r, "pdf"), r) for r in reviews]

    def make(self, target: Target) -> bytes:
        return self.pdf_bytes(self.renderer.handout(target.review))

    def pdf_bytes(self, html: str) -> bytes:
        from weasyprint import HTML

        document = HTML(string=html, base_url=str(LAYOUTS / "handout.html.j2"), url_fetcher=self.fetcher)
        return document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config, **PDF_OPTIONS)
