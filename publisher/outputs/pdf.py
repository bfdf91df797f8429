"""PDF handouts, laid out by WeasyPrint from the same HTML as the HTML output."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog.model import Review
from ..render import Renderer, RenderSettings
from ..resources import FONTS, LAYOUTS, style_files
from ..paths import document_id, review_file, variant
from ..versions import handout_version
from .base import Output, Target
from .pdfa import PDFA_OPTIONS, claim_pdfua
from .pdfua import PDFUA_OPTIONS, finish, one_annotation_per_link
from .xmp import identify

if TYPE_CHECKING:  # annotations only
    from ..personal import Personal

# WeasyPrint (and so the fetcher built on it) is imported only when something is laid out:
# a build with nothing to render never pays for it.
LOG = logging.getLogger("publisher")

# Tagged PDF/UA-1 for screen readers (pdfua.py); fonts subset (by HarfBuzz where installed).
# No identifier from pydyf: with_identifier() adds the /ID (see there).
PDF_OPTIONS = {"pdf_tags": True, "uncompressed_pdf": False, "hinting": False, "full_fonts": False,
               "pdf_identifier": False, **PDFUA_OPTIONS}
# --archival: PDF/A-2a in WeasyPrint's variant, PDF/UA-1 by the same finisher (pdfa.py).
ARCHIVAL_OPTIONS = {**PDF_OPTIONS, **PDFA_OPTIONS}


SLOW_SUBSETTER = (
    "HarfBuzz's font subsetter (Debian package libharfbuzz-subset0) is not installed, so "
    "WeasyPrint falls back to fontTools: PDFs build about 4-5 times slower and embed the build "
    "time in their fonts. Install it with: apt-get install libharfbuzz-subset0")


def only_project_fonts() -> None:
    """Point fontconfig at the project's fonts alone, before Pango loads: a character no
    vendored face has is then drawn as a missing glyph, never with the machine's fonts."""
    os.environ["FONTCONFIG_FILE"] = str(FONTS / "fonts.conf")


def has_fast_subsetter() -> bool:
    import warnings

    only_project_fonts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # WeasyPrint's own warning is replaced by ours
        _load_weasyprint_libraries()
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _load_weasyprint_libraries() -> None:
    """Import WeasyPrint's C libraries, looking them up in the linker's cache only.

    WeasyPrint tries each library under several names, Windows' first (``libgobject-2.0-0``);
    for a name that does not load, cffi asks ``ctypes.util.find_library``, which on Linux
    runs ``ldconfig -p``, then gcc and ld four times over when the cache has no such name:
    215 programs started, about 0.15 s of every process that lays out a page (every worker,
    every point-of-care handout), to learn that Windows names are not on Linux. Asking the
    linker's cache alone finds every library a Debian or Ubuntu package installs; if it
    misses one, the import is made again the slow way.
    """
    import ctypes.util
    import importlib
    import sys

    if "weasyprint.text.ffi" in sys.modules or not hasattr(ctypes.util, "_findSoname_ldconfig"):
        return
    slow = ctypes.util.find_library
    ctypes.util.find_library = ctypes.util._findSoname_ldconfig
    try:
        importlib.import_module("weasyprint.text.ffi")
    except OSError:
        for name in [name for name in sys.modules if name.startswith("weasyprint")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = slow


PATCHED_PYDYF = "0.13."  # the pydyf releases the patch below was measured on


def _remember_page_references() -> None:
    """Make pydyf's ``PDF.page_references`` remember its answer.

    pydyf (0.13) rebuilds the tuple of every page's reference on each access, and WeasyPrint's
    tagged-PDF code reads it once per structure element: O(pages x elements), half a second
    for a 150-page booklet and growing with the square of its length. The answer only
    changes when a page is added, so it is cached against the page count. Output is
    byte-identical (bench/README.md).
    """
    import pydyf

    if not pydyf.__version__.startswith(PATCHED_PYDYF):
        return  # measured on 0.13 only; a newer pydyf may cache it itself (bench/README.md)
    compute = pydyf.PDF.page_references
    if getattr(compute.fget, "remembers", False):
        return

    def page_references(pdf):
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_publisher_page_references")
        if cached is None or cached[0] != len(kids):
            cached = pdf.__dict__["_publisher_page_references"] = (len(kids), compute.fget(pdf))
        return cached[1]

    page_references.remembers = True
    pydyf.PDF.page_references = property(page_references)


_XREF = re.compile(rb"<</Type /XRef/Index \[[0-9 ]+\]/W \[[0-9 ]+\]/Size [0-9]+/Root [0-9]+ 0 R(?:/Info [0-9]+ 0 R)?")


def with_identifier(pdf: bytes) -> bytes:
    """The PDF with a trailer ``/ID`` (PDF/UA and PDF/A want one): the MD5 of the file as
    written, so a rebuild gives the same bytes.

    pydyf's own identifier (``pdf_identifier=True``) serialises every object a second time and
    recompresses every stream at zlib level 9 only to hash them: 35 M instructions, 5 % of a
    handout (bench/README.md). Hashing the finished bytes costs a few hundred thousand. The
    /ID goes into the cross-reference stream's dictionary, the file's last object: every
    offset before it stays valid, and ``startxref`` points at the object's start.
    """
    end = pdf.rfind(b"startxref")
    found = _XREF.search(pdf, pdf.rfind(b" obj\n", 0, end))
    if found is None:
        raise ValueError("no cross-reference stream where pydyf writes it")
    digest = hashlib.md5(pdf).hexdigest().encode()
    identifier = b"/ID [(" + digest + b") (" + digest + b")]"
    return pdf[:found.end()] + identifier + pdf[found.end():]


def brand_files(renderer: Renderer) -> tuple[Path, ...]:
    """The one file outside the project a print output may load: the clinic's logo."""
    return (renderer.brand.logo,) if renderer.brand and renderer.brand.logo else ()


class Typesetter:
    """WeasyPrint, set up once per process: the fetcher, one font configuration and the parsed
    stylesheets, shared by every document this output lays out; ``archival``: PDF/A-2a
    as well as PDF/UA-1 (pdfa.py)."""

    def __init__(self, styles: list[Path], extra_files: tuple[Path, ...] = (), archival: bool = False):
        has_fast_subsetter()  # first, so WeasyPrint's libraries load quietly (build() warns)
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from .fetcher import ProjectOnlyFetcher

        _remember_page_references()
        self.archival = archival
        self.options = ARCHIVAL_OPTIONS if archival else PDF_OPTIONS
        self.fetcher = ProjectOnlyFetcher(extra_files=extra_files)
        self.font_config = FontConfiguration()
        self.stylesheets = [CSS(filename=str(path), url_fetcher=self.fetcher, font_config=self.font_config)
                            for path in styles if path.suffix == ".css"]  # fonts come through @font-face

    def layout(self, html: str):
        """HTML text -> a laid-out ``weasyprint.Document``."""
        from weasyprint import HTML

        document = HTML(string=html, base_url=str(LAYOUTS / "handout.html.j2"), url_fetcher=self.fetcher)
        return document.render(stylesheets=self.stylesheets, font_config=self.font_config, **self.options)

    def pdf(self, document, identity: tuple[str, str] | None = None, finisher=None) -> bytes:
        """The PDF of a laid-out document, made PDF/UA-1 (pdfua.py) and, archival, PDF/A-2a
        (pdfa.py), its ``identity`` (document id, version: versions.py) in its XMP, then
        ``finisher`` run."""
        one_annotation_per_link(document)

        def finish_all(document, pdf):
            finish(document, pdf)
            if self.archival:
                claim_pdfua(document, pdf)
            if identity:
                identify(pdf, *identity)
            if finisher:
                finisher(document, pdf)

        return with_identifier(document.write_pdf(finisher=finish_all, **self.options))


class PdfOutput(Output):
    name = "pdf"
    templates = ("handout.html.j2",)

    def __init__(self, renderer: Renderer):
        super().__init__(renderer)
        self.typesetter = Typesetter(self.styles(renderer.large_print), brand_files(renderer), renderer.archival)

    @staticmethod
    def styles(large_print: bool = False) -> list[Path]:
        return style_files(large_print=large_print)

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        named = variant(settings)
        return [Target(review_file("pdf", r, named), r) for r in reviews]

    def make(self, target: Target) -> bytes:
        return self.handout_pdf(target.review)

    def handout_pdf(self, review: Review, personal: Personal | None = None) -> bytes:
        """``review``'s handout, for ``personal``'s patient if given, its document id and
        version (versions.py; a patient's copy has its standard handout's) at the foot of every
        page and in its XMP."""
        version = handout_version(self.renderer, review)
        html = self.renderer.handout(review, personal=personal, version=version)
        return self.pdf_bytes(html, (document_id(review), version))

    def pdf_bytes(self, html: str, identity: tuple[str, str] | None = None) -> bytes:
        return self.typesetter.pdf(self.typesetter.layout(html), identity)
