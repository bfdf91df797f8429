"""A typesetter's checks on the laid-out pages, read from WeasyPrint's own page boxes."""

from __future__ import annotations

import pytest
from publisher.catalog import load_catalog
from publisher.outputs.pdf import PdfOutput
from publisher.render import Renderer

from conftest import ROOT

HEADINGS = {"h1", "h2", "h3"}


def laid_out_pages(review, site, paper=None):
    output = PdfOutput(Renderer.create(site, paper))
    return output.typesetter.layout(output.renderer.handout(review)).pages


def lines_of(page):
    """(element tag, line box) for every line of body text on the page, top to bottom."""
    found = []

    def walk(box, tag):
        tag = getattr(box, "element_tag", None) if getattr(box, "element_tag", None) in HEADINGS | {"p", "li"} else tag
        if type(box).__name__ == "LineBox":
            found.append((tag, box))
            return
        for child in getattr(box, "children", []):
            walk(child, tag)

    root = page._page_box
    for child in root.children:  # the page area, not its margin boxes
        if type(child).__name__ != "MarginBox":
            walk(child, None)
    return found


@pytest.mark.parametrize("paper", ["letter", pytest.param("a4", marks=pytest.mark.slow)])  # every review laid out
def test_no_heading_ends_a_page_and_no_paragraph_leaves_a_lone_line(paper):
    catalog = load_catalog(ROOT / "catalog")
    for review in catalog.reviews:
        pages = laid_out_pages(review, catalog.site, paper)
        assert len(pages) >= 2
        for number, page in enumerate(pages[:-1], start=1):
            lines = lines_of(page)
            assert lines, f"{review.key}: page {number} is empty"
            assert lines[-1][0] not in HEADINGS, f"{review.key} ({paper}): heading stranded at the foot of page {number}"
        for number in range(len(pages) - 1):
            tail = lines_of(pages[number])[-1][1]
            head = lines_of(pages[number + 1])[0][1]
            # A paragraph split across pages keeps at least two lines on each side (orphans/widows).
            if tail.element is head.element and tail.element_tag in {"p", "li"}:
                before = [ln for _, ln in lines_of(pages[number]) if ln.element is tail.element]
                after = [ln for _, ln in lines_of(pages[number + 1]) if ln.element is head.element]
                assert len(before) >= 2 and len(after) >= 2, f"{review.key}: widow/orphan at page {number + 1}"
