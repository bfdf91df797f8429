"""Booklets as a reader, a printer and a PDF viewer meet them: the contents point to the
pages where reviews really start, bookmarks and links land there, the numbering runs
through, and each review reads exactly as its standalone handout."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from publisher import build, load_catalog
from publisher.catalog.bundles import bundles
from publisher.paths import bundle_path, review_path
from publisher.running_head import running_head
from publisher.cli import main

from conftest import ROOT
from helpers import body_text, pdf_body_text, pdf_pages, qpdf_check, squash, unseen

ROMAN = re.compile(r"[ivxlc]+")


def bare(text: str) -> str:
    return "".join(text.split())


@dataclass
class Expected:
    label: str  # contents and outline entry
    handout: Path  # the standalone PDF of the same review
    question: str  # the review's title
    head: str  # the running head of its later pages


def expected_booklets(catalog_dir: Path, out: Path, large_print: bool = False) -> dict[Path, list[Expected]]:
    catalog = load_catalog(catalog_dir)
    made = {}
    for bundle in bundles(list(catalog.reviews)):
        made[out / bundle_path("booklets", bundle, "pdf", "--large-print" if large_print else "")] = [
            expected_entry(e, out / review_path("pdf", e.review, "pdf", "--large-print" if large_print else ""),
                           catalog.site.paper, large_print)
            for e in bundle.entries]
    return made


def expected_entry(entry, handout: Path, paper: str = "letter", large_print: bool = False) -> Expected:
    """What a booklet prints of one of its entries (a Latin-script catalog's)."""
    review = entry.review
    return Expected(entry.label, handout, f"Is {review.compound.display_name} Safe for {review.condition.name} Patients?",
                    running_head(review, paper, large_print, None))


def contents(front_pages: list[str]) -> list[tuple[str, int]]:
    """(label, page number) per contents entry, read from the printed front matter."""
    lines = re.split(r"can be copied on its\s+own\.", "\n".join(front_pages), maxsplit=1)[1].splitlines()
    entries, pending = [], []
    for line in lines:
        if not line.strip() or ROMAN.fullmatch(line.strip()):
            continue
        pending.append(line)
        found = re.fullmatch(r"(.*\S) (\d+)", " ".join(pending).strip())
        if found:
            entries.append((squash(found.group(1)), int(found.group(2))))
            pending = []
    return entries


def check_booklet(path: Path, expected: list[Expected], publisher: str) -> list[int]:
    """Every check a booklet must pass but qpdf's (``qpdf_check``, in the checker tier);
    returns the 0-based page index where each review starts."""
    reader = PdfReader(path)
    labels = reader.page_labels
    front = sum(1 for label in labels if ROMAN.fullmatch(label))
    assert labels[:front] == ["i", "ii", "iii", "iv", "v", "vi"][:front]
    assert labels[front:] == [str(n) for n in range(1, len(labels) - front + 1)]
    pages = pdf_pages(path)
    total = len(pages) - front

    # The contents: one entry per review, in order, each printing the page its title is on.
    toc = contents(pages[:front])
    assert [bare(label) for label, _ in toc] == [bare(e.label) for e in expected]  # long labels wrap
    starts = [front + number - 1 for _, number in toc]
    for (label, number), start, review in zip(toc, starts, expected):
        assert labels[start] == str(number)
        assert squash(review.question) in squash(pages[start]), (label, number)
        assert f"Page {number} of {total}" in pages[start]
        if start > front:
            assert squash(review.question) not in squash(pages[start - 1])  # it starts there, not before

    # Each contents entry is a link to its review's first page.
    dests = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    links = [a.get_object() for page in reader.pages[:front] for a in page.get("/Annots", [])]
    targets = [dests[str(a["/Dest"])] for a in links if a.get("/Subtype") == "/Link" and "/Dest" in a]
    for start in starts:
        assert start in targets

    # Bookmarks: one top-level entry per review, named like its contents entry, sections below.
    outline = reader.outline
    top = [item for item in outline if not isinstance(item, list)]
    assert [squash(item.title) for item in top] == [squash(e.label) for e in expected]
    assert [reader.get_destination_page_number(item) for item in top] == starts
    nested = [item for item in outline if isinstance(item, list)]
    assert len(nested) == len(expected)
    for sections in nested:
        titles = [s.title for s in sections if not isinstance(s, list)]
        assert titles[0].startswith("General Safety Profile of") and titles[-1] in ("Frequently Asked Questions", "Sources")

    # Every printed review page has the footer: publisher, then "Page N of M" in one sequence.
    for index in range(front, len(pages)):
        if pages[index].strip():  # duplex blanks carry nothing
            assert f"\n{publisher}\nPage {labels[index]} of {total}\n" in pages[index], index

    # Each review reads exactly as its standalone handout, running heads and page numbers aside.
    for n, review in enumerate(expected):
        end = starts[n + 1] if n + 1 < len(starts) else len(pages)
        furniture = [review.head, publisher]
        assert body_text(pages[starts[n]:end], furniture) == pdf_body_text(review.handout, furniture)

    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.author == publisher
    return starts


@pytest.mark.slow
def test_shipped_booklets_pass_every_check(shipped):
    expected = expected_booklets(ROOT / "catalog", shipped)
    assert sorted(p.relative_to(shipped).as_posix() for p in (shipped / "booklets").rglob("*.pdf")) == sorted(
        p.relative_to(shipped).as_posix() for p in expected)
    assert len(expected) == 11  # one compound, ten conditions
    for path, reviews in expected.items():
        check_booklet(path, reviews, "Insight Swarm Research Team")


@pytest.mark.checker
@pytest.mark.slow
def test_qpdf_accepts_every_shipped_and_unseen_booklet(shipped, unseen_built):
    """qpdf --check on every booklet the two tests above check (it was part of check_booklet)."""
    booklets = sorted((shipped / "booklets").rglob("*.pdf")) + sorted((unseen_built / "booklets").rglob("*.pdf"))
    assert len(booklets) == 11 + 5
    qpdf_check(*booklets)


@pytest.mark.slow
def test_compound_booklet_cover_contents_and_metadata(shipped):
    path = shipped / "booklets/low-dose-naltrexone--all-conditions.pdf"
    reader = PdfReader(path)
    cover = squash(pdf_pages(path)[0])
    for words in ("Low-Dose Naltrexone (LDN)", "Safety reviews for 10 conditions",
                  "Opioid Antagonist / Immunomodulator", "Edition of November 1, 2026",
                  "Medical Disclaimer: This page summarizes published research and is not medical advice.",
                  "Insight Swarm Research Team", "Medical Advisor: Nikhil Joshi, MD, FRCPC"):
        assert words in cover
    assert "Page" not in cover  # no page furniture on the cover
    meta = reader.metadata
    assert meta.title == "Low-Dose Naltrexone (LDN): Safety Reviews by Condition"
    assert meta["/CreationDate"].startswith("D:20261101")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    labels = [label for label, _ in contents(pdf_pages(path)[:2])]
    assert labels == [c.name for c in load_catalog(ROOT / "catalog").conditions]  # alphabetical


def test_condition_booklet_names_compounds(unseen_built, tmp_path):
    path = unseen_built / "booklets/by-condition/all-compounds--sjogrens-syndrome.pdf"
    reader = PdfReader(path)
    assert reader.metadata.title == "Sjögren’s Syndrome: Safety Reviews by Compound"
    assert [item.title for item in reader.outline if not isinstance(item, list)][0] == "Curcumin"
    cover = squash(pdf_pages(path)[0])
    assert "Safety reviews of 2 compounds" in cover and "For patients with Sjögren’s Syndrome and their rheumatologist" in cover


def test_unseen_catalog_booklets_pass_every_check(unseen_built):
    expected = expected_booklets(unseen(Path(unseen_built).parent / "catalog-again"), unseen_built)
    assert {p.relative_to(unseen_built).as_posix() for p in expected} == {
        "booklets/curcumin--all-conditions.pdf", "booklets/zz-hostile--all-conditions.pdf", "booklets/by-condition/all-compounds--hostile.pdf",
        "booklets/by-condition/all-compounds--not-for-curcumin.pdf", "booklets/by-condition/all-compounds--sjogrens-syndrome.pdf"}
    for path, reviews in expected.items():
        check_booklet(path, reviews, "Clinique Élan")
    hostile = squash("".join(pdf_pages(unseen_built / "booklets/zz-hostile--all-conditions.pdf")[:2]))
    assert '<script>alert(1)</script> {{ 7*7 }} {% raw %} <img src="file:///etc/passwd"> (<b>bold</b>)' in hostile
    assert "49" not in hostile
    assert PdfReader(unseen_built / "booklets/curcumin--all-conditions.pdf").trailer["/Root"]["/Lang"] == "fr"


@pytest.mark.slow
@pytest.mark.checker
def test_duplex_starts_every_review_on_a_right_hand_page(tmp_path):
    result = CliRunner().invoke(main, ["build", "--catalog", str(ROOT / "catalog"), "--out", str(tmp_path),
                                       "--format", "pdf,booklet", "--duplex"])
    assert result.exit_code == 0, result.output
    booklets = expected_booklets(ROOT / "catalog", tmp_path)
    for path, reviews in booklets.items():
        starts = check_booklet(path, reviews, "Insight Swarm Research Team")
        assert all(start % 2 == 0 for start in starts), starts  # 0-based even = page 1, 3, 5, ...
        pages = pdf_pages(path)
        for index, text in enumerate(pages):
            if index > 0 and index not in starts and not text.strip():
                assert index % 2 == 1  # a blank page only ever precedes a right-hand page
    qpdf_check(*booklets)


def test_filters_choose_the_reviews_a_booklet_holds(tmp_path):
    build(ROOT / "catalog", tmp_path, formats="booklet", conditions=["liver-cancer", "fibromyalgia"], paper="a4")
    made = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf"))
    assert made == ["booklets/by-condition/all-compounds--fibromyalgia.pdf", "booklets/by-condition/all-compounds--liver-cancer.pdf",
                    "booklets/low-dose-naltrexone--all-conditions.pdf"]
    reader = PdfReader(tmp_path / "booklets/low-dose-naltrexone--all-conditions.pdf")
    assert [item.title for item in reader.outline if not isinstance(item, list)] == ["Fibromyalgia", "Liver Cancer"]
    assert "Safety reviews for 2 conditions" in squash(pdf_pages(tmp_path / "booklets/low-dose-naltrexone--all-conditions.pdf")[0])
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


@pytest.mark.parametrize("fmt", ["booklet", "html,booklet", "pdf,booklet"])
def test_booklet_mixes_with_other_formats(tmp_path, fmt):
    report = build(ROOT / "catalog", tmp_path, formats=fmt, conditions=["liver-cancer"])
    assert report.formats == tuple(f for f in ("html", "pdf", "booklet") if f in fmt.split(","))
    assert (tmp_path / "booklets/by-condition/all-compounds--liver-cancer.pdf").is_file()
