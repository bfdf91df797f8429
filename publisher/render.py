"""Catalog records -> HTML text, through the Jinja2 templates in ``layouts/``.

Autoescaping is always on and catalog values are only ever passed as data, so a value
such as ``{{ 7*7 }}`` or ``<script>`` is printed as it is, never evaluated or obeyed.
"""

from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from .catalog.brand import Brand
from .catalog.bundles import Bundle, Volume
from .catalog.model import Review, Site
from .i18n.wording import is_rtl, long_date, script_fonts, script_of, template_translations, wording_language
from .options import PAPER_SIZES
from .paths import bundle_stem, document_id
from .resources import LAYOUTS
from .running_head import fits_one_line, running_head
from .versions import review_date

if TYPE_CHECKING:  # annotations only
    from .personal import Personal


@functools.lru_cache(maxsize=64)  # a booklet volume's 50 reviews, each rendered twice
def qr_svg(url: str) -> Markup:
    """A vector QR code for ``url`` as inline SVG (segno; error correction M, quiet zone 4).
    Remembered: a handout is rendered twice, once for its version (versions.py), once to lay
    out, and making and drawing a code takes about 45 M instructions (bench/README.md)."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code",
                                                 lineclass=None)
    return Markup(svg)  # segno's own markup; the URL only appears encoded in the path


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(LAYOUTS),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_null_translations(newstyle=True)
    env.globals.update(rtl=False, fonts=(), script=None)
    env.filters["longdate"] = long_date
    env.filters["qr"] = qr_svg
    return env


@dataclass(frozen=True)
class RenderSettings:
    """What every page of one build shares besides its review (site, paper, duplex, brand,
    large print, plain wording, archival PDFs): small, so it goes to every worker, and part of
    every output's fingerprint (archival of the PDFs' only: fingerprint.py)."""

    site: Site
    paper: str
    duplex: bool = False
    brand: Brand | None = None
    large_print: bool = False
    plain: bool = False
    archival: bool = False  # PDF/A-2a as well as PDF/UA-1 (outputs/pdfa.py)


@dataclass(frozen=True)
class Renderer(RenderSettings):
    """Renders the pages of one build's settings; holds the Jinja environment so templates compile
    once per process."""

    env: jinja2.Environment = field(default_factory=make_environment, compare=False, repr=False)

    def __post_init__(self):
        """The environment speaks the site's language: its wording (standard or plain), dates
        and direction."""
        language = self.site.language
        self.env.install_gettext_translations(template_translations(language, self.plain), newstyle=True)
        wording = wording_language(language)  # a date reads like its sentence
        self.env.filters["longdate"] = lambda value: long_date(value, wording)
        self.env.globals.update(rtl=is_rtl(language), fonts=script_fonts(language), script=script_of(language))
        self.env.globals["page_head"] = lambda review: running_head(review, self.paper, self.large_print,
                                                                    script_of(language))
        self.env.globals["fits_one_line"] = lambda text: fits_one_line(text, self.paper, self.large_print,
                                                                       script_of(language))

    @classmethod
    def create(cls, site: Site, paper: str | None = None, duplex: bool = False,
               brand: Brand | None = None, large_print: bool = False, plain: bool = False) -> "Renderer":
        return cls(site, paper or site.paper, duplex, brand, large_print, plain)

    @classmethod
    def of(cls, settings: RenderSettings) -> "Renderer":
        return cls(**{f.name: getattr(settings, f.name) for f in fields(RenderSettings)})

    @property
    def logo_href(self) -> str | None:
        """Where print documents find the clinic's logo (the fetcher allows exactly this file)."""
        return self.brand.logo.as_uri() if self.brand and self.brand.logo else None

    def handout(self, review: Review, assets_href: str | None = None, logo_href: str | None = None,
                personal: Personal | None = None, links: tuple[tuple[str, str], ...] = (),
                version: str | None = None) -> str:
        """One review as a complete print HTML document; ``assets_href`` is the folder of its
        stylesheets when they are linked rather than given to WeasyPrint; ``personal``, one
        patient's details (personal.py); ``links``, the web page's header, (kind, href) each
        (outputs/html.py; never in a PDF); ``version``, the handout's (versions.py), printed
        with its document id at the foot of every page."""
        return self._render("handout.html.j2", review=review, assets_href=assets_href,
                            date=review_date(review, self.site),
                            logo_href=logo_href or self.logo_href, personal=personal, links=links,
                            document_id=document_id(review), version=version)

    def booklet_reviews(self, volume: Volume, version: str | None = None) -> str:
        """Every review of a booklet volume in one document, each starting a new page;
        ``version``, the volume's (versions.py), printed with its id at the foot of every page."""
        return self._render("booklet.html.j2", booklet=volume, document_id=bundle_stem(volume), version=version)

    def booklet_front(self, volume: Volume, pages: dict[str, int], version: str | None = None) -> str:
        """Cover and contents (and the list of volumes, if several); ``pages`` maps each
        entry's anchor to its first page; ``version`` as for ``booklet_reviews``."""
        return self._render("booklet-front.html.j2", booklet=volume, pages=pages,
                            date=volume.edition_date(self.site), document_id=bundle_stem(volume), version=version)

    def epub_review(self, review: Review) -> str:
        """One review as an EPUB content document (XHTML), from the handout's own partial."""
        return self._render("epub-review.xhtml.j2", review=review, logo_href=None)

    def epub_cover_page(self, bundle: Bundle) -> str:
        return self._render("epub-cover.xhtml.j2", booklet=bundle)

    def epub_title(self, bundle: Bundle) -> str:
        return self._render("epub-title.xhtml.j2", booklet=bundle, date=bundle.edition_date(self.site),
                            logo_href=None)

    def epub_cover(self, bundle: Bundle) -> str:
        """The cover image as SVG: drawn from the catalog, nothing fetched or hand-made."""
        return self._render("cover.svg.j2", booklet=bundle, lines=textwrap.wrap(bundle.name, 18, max_lines=6, placeholder=" …"),
                            date=bundle.edition_date(self.site))

    def phrase(self, name: str, *args) -> str:
        """A short phrase from ``wording.j2`` (a title, a subtitle) as plain text, for metadata
        that its own writer escapes (the macro's output is HTML-escaped)."""
        return getattr(self.env.get_template("wording.j2").module, name)(*args).unescape()

    def blank_page(self) -> str:
        """One empty page, to end a double-sided booklet's front matter on a left-hand page."""
        return self._render("blank.html.j2")

    def _render(self, template: str, **context) -> str:
        context.setdefault("logo_href", self.logo_href)
        context.setdefault("version", None)
        return self.env.get_template(template).render(
            site=self.site, brand=self.brand, paper=PAPER_SIZES[self.paper], duplex=self.duplex,
            large_print=self.large_print, **context)
