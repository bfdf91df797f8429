"""Booklets: every review of a compound (or of a condition) in one PDF, with a cover,
contents, bookmarks and one page-number sequence; a bundle of more than ``VOLUME_SIZE``
reviews in several volumes (catalog/bundles.py), each a booklet of its own ("Volume 2 of 3":
its own contents, bookmarks and numbering) whose front matter lists every volume.

A volume's reviews are laid out as one WeasyPrint document, so fonts are embedded once and the
booklet costs no more than its handouts. The cover and contents are laid out after them,
as a second document, from the page each review actually starts on; ``Document.copy``
joins the two, which keeps links, bookmarks and the tagged structure (merging finished
PDFs with pypdf would drop the structure tree). Front matter is numbered i, ii, ... and
the reviews 1, 2, ... both on the page and in the PDF's page labels.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..catalog.bundles import bundles
from ..catalog.model import Review
from ..render import Renderer, RenderSettings
from ..resources import BOOKLET_CSS, style_files
from ..paths import bundle_file, bundle_stem, variant
from ..versions import bundle_version
from .base import Output, Target
from .pdf import Typesetter, brand_files


class BookletOutput(Output):
    name = "booklet"
    templates = ("booklet.html.j2", "booklet-front.html.j2", "blank.html.j2")

    def __init__(self, renderer: Renderer):
        super().__init__(renderer)
        self.typesetter = Typesetter(self.styles(renderer.large_print), brand_files(renderer), renderer.archival)

    @staticmethod
    def styles(large_print: bool = False) -> list[Path]:
        return style_files(BOOKLET_CSS, large_print=large_print)

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        named = variant(settings)
        return [Target(bundle_file("booklet", volume, named), bundle=volume)
                for bundle in bundles(reviews) for volume in bundle.volumes]

    def make(self, target: Target) -> bytes:
        volume = target.bundle
        version = bundle_version(self.renderer, volume)
        body = self.typesetter.layout(self.renderer.booklet_reviews(volume, version))
        starts = {entry.anchor: None for entry in volume.entries}
        for number, page in enumerate(body.pages, start=1):
            for anchor in page.anchors:
                if anchor in starts and starts[anchor] is None:
                    starts[anchor] = number
        front = self.typesetter.layout(self.renderer.booklet_front(volume, starts, version))
        front_pages = list(front.pages)
        if self.renderer.duplex and len(front_pages) % 2:
            front_pages.append(self._blank)  # the first review must fall on a right-hand page
        booklet = front.copy(front_pages + body.pages)
        return self.typesetter.pdf(booklet, (bundle_stem(volume), version), _page_labels(len(front_pages)))

    @functools.cached_property
    def _blank(self):
        return self.typesetter.layout(self.renderer.blank_page()).pages[0]


def _page_labels(front_pages: int):
    """A WeasyPrint finisher: label front matter i, ii, ... and the reviews 1, 2, ..."""
    import pydyf

    def finish(document, pdf):
        nums = pydyf.Array([0, pydyf.Dictionary({"S": "/r"}),
                            front_pages, pydyf.Dictionary({"S": "/D"})])
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})

    return finish
