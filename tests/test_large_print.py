"""The large-print edition: every character at 18 pt or more, reflowed (not scaled), in
its own folder, with booklets whose contents point at the large-print pages."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from pypdf import PdfReader


from conftest import ROOT
from helpers import qpdf_check
from test_booklet import check_booklet, expected_booklets

pytestmark = pytest.mark.slow  # the whole catalog again, at 18 pt (conftest.py's large_print)


def font_sizes(path: Path) -> set[float]:
    """The size in points of every piece of text drawn, as a reader would measure it."""
    sizes = set()
    for page in PdfReader(path).pages:
        def visit(text, cm, tm, font, size):
            if text.strip():
                sizes.add(round(size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]), 2))
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.fixture
def large(large_print):
    """The large-print edition (conftest.py, built once per session)."""
    return large_print


@pytest.fixture
def shipped(shipped_pdf):
    """The standard edition's handouts, to compare with."""
    return shipped_pdf


def test_everything_goes_under_large_print(large):
    assert [p.name for p in large.iterdir()] == ["large-print"]
    root = large / "large-print"
    assert (root / "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--large-print.pdf").is_file()
    assert (root / "booklets/low-dose-naltrexone--all-conditions--large-print.pdf").is_file()
    assert (root / "booklets/by-condition/all-compounds--liver-cancer--large-print.pdf").is_file()
    html = (root / "html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--large-print.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../_assets/large-print.css">' in html
    assert (root / "html/_assets/large-print.css").is_file()


def test_no_text_below_18_points_in_any_pdf(large, shipped):
    pdfs = sorted((large / "large-print").rglob("*.pdf"))
    assert len(pdfs) == 10 + 11
    for pdf in pdfs:
        sizes = font_sizes(pdf)
        assert sizes and min(sizes) >= 18, (pdf, sorted(sizes)[:5])
    assert min(font_sizes(shipped / "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf")) < 18  # the check can fail


def test_reflowed_not_scaled(large, shipped):
    big = PdfReader(large / "large-print/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--large-print.pdf")
    small = PdfReader(shipped / "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf")
    assert len(big.pages) > len(small.pages)
    for page in big.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)


def test_large_print_booklets_pass_every_booklet_check(large):
    out = large / "large-print"
    for path, reviews in expected_booklets(ROOT / "catalog", out, large_print=True).items():
        check_booklet(path, reviews, "Insight Swarm Research Team")


@pytest.mark.checker
def test_qpdf_accepts_every_large_print_pdf(large):
    """qpdf --check on every large-print handout and booklet (the booklets' was part of check_booklet)."""
    pdfs = sorted((large / "large-print").rglob("*.pdf"))
    assert len(pdfs) == 10 + 11
    qpdf_check(*pdfs)
