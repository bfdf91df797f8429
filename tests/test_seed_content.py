"""The two seed pages, sentence by sentence, in the shipped handouts' HTML and PDF."""

from __future__ import annotations

import html
import re

import pytest
from pypdf import PdfReader

from helpers import MARKETING, pdf_body_text, pdf_pages, seed_lines, squash

SEED_PAIRS = [
    ("000_bd90a52ab7e75c2e.txt", "stage-iv-cancer"),
    ("001_dab8b09fd683daed.txt", "liver-cancer"),
]
PUBLISHER = "Insight Swarm Research Team"
HEADS = {"stage-iv-cancer": "LDN · Stage IV Cancer", "liver-cancer": "LDN · Liver Cancer"}


@pytest.fixture
def shipped(shipped_pdf):
    """The shipped build: the handouts' HTML and PDF are all these tests read."""
    return shipped_pdf


def html_text(path) -> str:
    source = path.read_text(encoding="utf-8")
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", source)).replace(" .", ".").replace(" :", ":"))


def seed_sentences(seed: str) -> list[str]:
    # The first line is the page title: checked as <title> and PDF metadata below.
    return seed_lines(seed)[1:]


@pytest.mark.parametrize("seed,condition", SEED_PAIRS)
def test_every_seed_sentence_is_in_the_html(shipped, seed, condition):
    page = shipped / "html" / "low-dose-naltrexone" / f"low-dose-naltrexone--{condition}.html"
    text = html_text(page)
    missing = [s for s in seed_sentences(seed) if squash(s) not in text]
    assert missing == []
    title = seed_lines(seed)[0]
    assert f"<title>{html.escape(title, quote=False)}</title>" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("seed,condition", SEED_PAIRS)
def test_every_seed_sentence_is_in_the_pdf(shipped, seed, condition):
    pdf = shipped / "pdf" / "low-dose-naltrexone" / f"low-dose-naltrexone--{condition}.pdf"
    title = seed_lines(seed)[0]
    head = HEADS[condition]
    text = pdf_body_text(pdf, furniture=[head, PUBLISHER])
    missing = [s for s in seed_sentences(seed) if squash(s) not in text]
    assert missing == []
    reader = PdfReader(pdf)
    assert reader.metadata.title == title
    # The seed's title line is the document's title; the running head of every page after the
    # first is the short form: the compound's short name and the condition.
    for number, page in enumerate(reader.pages[1:], start=2):
        assert head in page.extract_text().splitlines(), f"no running head on page {number}"
    # Every page's footer names the publisher beside its page number.
    pages = pdf_pages(pdf)
    for number, text in enumerate(pages, start=1):
        assert f"\n{PUBLISHER}\nPage {number} of {len(pages)}\n" in text, f"footer of page {number}"


@pytest.mark.parametrize("seed,condition", SEED_PAIRS)
def test_seed_sections_come_in_seed_order(shipped, seed, condition):
    pdf = shipped / "pdf" / "low-dose-naltrexone" / f"low-dose-naltrexone--{condition}.pdf"
    text = pdf_body_text(pdf, furniture=[HEADS[condition], PUBLISHER])
    positions = [text.find(squash(s)) for s in seed_sentences(seed)]
    assert positions == sorted(positions)


def test_marketing_line_is_left_out(shipped):
    for page in (shipped / "html").rglob("*.html"):
        assert MARKETING not in page.read_text(encoding="utf-8")
    for pdf in (shipped / "pdf").rglob("*.pdf"):
        assert MARKETING not in squash("".join(p.extract_text() for p in PdfReader(pdf).pages))
