"""EPUB 3 books: every review of a compound (or of a condition), reflowable, for phones,
e-readers and screen readers; the same bundles as the booklets.

EbookLib assembles the package (OPF, nav, NCX). It is not reproducible on its own: it
invents a random identifier, stamps ``dcterms:modified`` with the clock and writes zip
entries with the current time. Here the identifier is derived from the bundle's slug, the
dates come from the catalog, and the zip is repacked with fixed entry times and order,
``mimetype`` first and stored. Repacking also adds what EbookLib cannot write: ``xml:lang``
on ``<package>``, a ``hidden`` landmarks list, and the EPUB 3 landmark ``titlepage`` where
the EPUB 2 guide says ``title-page``.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import uuid
import zipfile
from pathlib import Path


from ..catalog.bundles import Bundle, bundles
from ..catalog.model import Review
from ..render import Renderer, RenderSettings
from ..resources import EPUB_CSS
from ..paths import bundle_file, variant
from .base import NO_DATE, Output, Target
from ..i18n.wording import is_rtl
from .epub_cover import cover_fonts, draw_cover

ACCESSIBILITY = [
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
    ("schema:accessibilitySummary",
     "Text with headings for every section, a table of contents and a described cover image; "
     "no content depends on colour, sound or motion, and text can be resized and restyled."),
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
]
OPS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def book_identifier(bundle: Bundle, site_url: str | None, edition: str = "") -> str:
    """A UUID derived from the publisher, the bundle's slug and its edition's base-name part
    (``--plain--es``; nothing for the standard book): the same book keeps its identity, and its
    other languages and wordings are other books."""
    name = f"{site_url or 'urn:publisher'}/epub/{bundle.kind}/{bundle.slug}{edition}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


class EpubOutput(Output):
    name = "epub"
    templates = ("epub-review.xhtml.j2", "epub-title.xhtml.j2", "epub-cover.xhtml.j2", "cover.svg.j2")

    def __init__(self, renderer: Renderer):
        super().__init__(renderer)
        self.stylesheet = EPUB_CSS.read_bytes()

    @staticmethod
    def styles(large_print: bool = False) -> list[Path]:
        # e-readers set their own sizes: one EPUB serves both editions; the cover draws with the fonts
        return [EPUB_CSS, *cover_fonts()]

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        return [Target(bundle_file("epub", bundle, variant(settings)), bundle=bundle)
                for bundle in bundles(reviews)]

    def make(self, target: Target) -> bytes:
        from ebooklib import epub

        bundle, site, render = target.bundle, self.renderer.site, self.renderer
        date = bundle.edition_date(site) or NO_DATE
        title = render.phrase("booklet_title", bundle)

        book = epub.EpubBook()
        book.set_identifier(book_identifier(bundle, site.url, variant(render)))
        book.set_title(title)
        book.set_language(site.language)
        book.add_author(site.publisher)
        book.add_metadata("DC", "publisher", site.publisher)
        book.add_metadata("DC", "date", date.isoformat())
        book.add_metadata("DC", "description", render.phrase("bundle_subtitle", bundle))
        for prop, value in ACCESSIBILITY:
            book.add_metadata(None, "meta", value, {"property": prop})
        book.add_metadata(None, "meta", site.publisher, {"property": "a11y:certifiedBy"})

        style = epub.EpubItem(uid="style", file_name="style/epub.css", media_type="text/css",
                              content=self.stylesheet)
        book.add_item(style)
        svg, png = draw_cover(render.epub_cover(bundle))
        cover = epub.EpubItem(uid="cover-svg", file_name="images/cover.svg", media_type="image/svg+xml", content=svg)
        cover.properties = ["cover-image"]  # EPUB 3 readers; EPUB 2 readers take the PNG named below
        book.add_item(cover)
        book.add_item(epub.EpubItem(uid="cover-png", file_name="images/cover.png", media_type="image/png", content=png))
        book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-png"})
        part = functools.partial(render.phrase, "book_part")  # "Contents", "Title page"... in the book's language
        cover_page = self._page(epub, "cover", "cover.xhtml", part("cover"), render.epub_cover_page(bundle), style)
        book.add_item(cover_page)
        title_page = self._page(epub, "title", "title.xhtml", part("title_page"), render.epub_title(bundle), style)
        book.add_item(title_page)
        chapters = []
        for n, entry in enumerate(bundle.entries, start=1):
            chapter = self._page(epub, f"review-{n}", f"{entry.review.compound.slug}--{entry.review.condition.slug}.xhtml",
                                 entry.label, render.epub_review(entry.review), style)
            book.add_item(chapter)
            chapters.append(chapter)

        book.toc = [title_page, *chapters]
        book.guide = [{"type": "cover", "href": "cover.xhtml", "title": part("cover")},
                      {"type": "title-page", "href": "title.xhtml", "title": part("title_page")},
                      {"type": "text", "href": chapters[0].file_name, "title": part("start")}]
        nav = epub.EpubNav(title=part("contents"))
        nav.add_item(style)
        book.add_item(epub.EpubNcx())
        book.add_item(nav)
        book.spine = [cover_page, title_page, nav, *chapters]

        mark = render.phrase("partial_mark") if site.partial_translation else None
        raw = io.BytesIO()
        epub.write_epub(raw, book, {"mtime": dt.datetime(date.year, date.month, date.day),
                                    "epub3_landmark": True, "landmark_title": part("landmarks"),
                                    "raise_exceptions": True})
        return repack(raw.getvalue(), date, {"EPUB/content.opf": lambda opf: package_lang(opf, site.language),
                                             "EPUB/nav.xhtml": lambda nav: hidden_landmarks(nav, mark)})

    @staticmethod
    def _page(epub, uid, file_name, title, content, style):
        page = epub.EpubHtml(uid=uid, file_name=file_name, title=title, lang=None, content=content)
        page.add_item(style)
        return page


def package_lang(opf: bytes, language: str) -> bytes:
    """``xml:lang`` on ``<package>``: the language of the metadata (Ace's ``epub-lang``); a
    right-to-left language's spine turns its pages that way."""
    from lxml import etree  # EbookLib's own XML library, loaded only when a book is made

    root = etree.fromstring(opf)
    root.set(XML_LANG, language)
    if is_rtl(language):
        for spine in root.iter("{http://www.idpf.org/2007/opf}spine"):
            spine.set("page-progression-direction", "rtl")
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def hidden_landmarks(nav: bytes, partial_mark: str | None = None) -> bytes:
    """The landmarks list is for the reading system, not the reader: ``hidden``, and typed
    from the EPUB 3 vocabulary (``titlepage``, where the EPUB 2 guide says ``title-page``).
    A partial translation's mark goes first, as on every other page (EbookLib writes the nav)."""
    from lxml import etree

    root = etree.fromstring(nav)
    if partial_mark:
        body = root.find("{http://www.w3.org/1999/xhtml}body")
        body.insert(0, etree.Element("{http://www.w3.org/1999/xhtml}p", {"class": "partial-mark", "role": "note"}))
        body[0].text, body[0].tail = partial_mark, body.text
    for landmarks in root.iter("{http://www.w3.org/1999/xhtml}nav"):
        if landmarks.get(f"{{{OPS}}}type") == "landmarks":
            landmarks.set("hidden", "hidden")
            for a in landmarks.iter("{http://www.w3.org/1999/xhtml}a"):
                if a.get(f"{{{OPS}}}type") == "title-page":
                    a.set(f"{{{OPS}}}type", "titlepage")
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")


def repack(data: bytes, date: dt.date, fixes: dict) -> bytes:
    """The same zip with fixed entry times, permissions and order; ``mimetype`` first, stored;
    ``fixes`` maps an entry's name to what rewrites it."""
    stamp = (date.year, date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        for name in ["mimetype", *(n for n in names if n != "mimetype")]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            content = source.read(name)
            target.writestr(info, fixes[name](content) if name in fixes else content, compresslevel=9)
    return out.getvalue()
