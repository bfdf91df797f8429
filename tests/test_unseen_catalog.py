"""A catalog nobody in the project wrote: unicode, hostile strings, overrides, limited compounds."""

from __future__ import annotations

import os

import pytest
from pypdf import PdfReader

from publisher import build
from publisher.folders import Folder

from conftest import copy_of
from helpers import pdf_body_text, squash, tree_digests, unseen

def test_builds_exactly_its_reviews(unseen_built):
    html = sorted(p.relative_to(unseen_built / "html").as_posix() for p in (unseen_built / "html").rglob("*.html"))
    pdf = sorted(p.relative_to(unseen_built / "pdf").as_posix() for p in (unseen_built / "pdf").rglob("*.pdf"))
    assert html == ["curcumin/curcumin--hostile.html", "curcumin/curcumin--sjogrens-syndrome.html",
                    "zz-hostile/zz-hostile--hostile.html", "zz-hostile/zz-hostile--not-for-curcumin.html",
                    "zz-hostile/zz-hostile--sjogrens-syndrome.html"]
    assert pdf == [p.replace(".html", ".pdf") for p in html]


def test_override_and_references_are_printed(unseen_built):
    pdf = unseen_built / "pdf/curcumin/curcumin--sjogrens-syndrome.pdf"
    text = pdf_body_text(pdf, furniture=["Clinique Élan"])
    assert "Two small trials in Sjögren’s Syndrome reported no serious adverse events." in text
    assert "There is limited published research" not in text
    assert "Last reviewed March 5, 2026" in text
    assert "A trial of curcumin & dry eye (PubMed ID 12345678). https://pubmed.ncbi.nlm.nih.gov/12345678/" in text
    assert "https://clinicaltrials.gov/study/NCT00000000?very=long&query=string" in text.replace(" ", "")
    assert "Ce document ne remplace pas un avis médical." in text
    assert "NF-κB inhibition → reduced cytokine signalling" in text
    reader = PdfReader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata["/CreationDate"].startswith("D:20260305")  # the review's date wins
    links = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])
             if a.get_object().get("/A", {}).get("/URI")]
    assert "https://pubmed.ncbi.nlm.nih.gov/12345678/" in links


def test_hostile_text_stays_text(unseen_built):
    source = (unseen_built / "html/zz-hostile/zz-hostile--hostile.html").read_text(encoding="utf-8")
    assert "<script>" not in source and "<img" not in source and "<b>bold" not in source
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in source
    assert "49" not in source
    assert "<link rel=attachment" not in source and "<style>@import" not in source
    text = squash("".join(p.extract_text() for p in PdfReader(unseen_built / "pdf/zz-hostile/zz-hostile--hostile.pdf").pages))
    assert '<script>alert(1)</script> {{ 7*7 }} {% raw %} <img src="file:///etc/passwd">' in text
    assert "Ünïcödé <i>Condition</i> {{ 7*7 }}" in text
    assert "<style>@import url(http://127.0.0.1/x.css)</style>".replace(" ", "") in text.replace(" ", "")
    assert "root:x:0" not in text
    assert not PdfReader(unseen_built / "pdf/zz-hostile/zz-hostile--hostile.pdf").attachments


@pytest.mark.slow
def test_rebuild_is_byte_identical(unseen_built, tmp_path):
    catalog = unseen(tmp_path / "catalog")
    build(catalog, tmp_path / "again")
    assert tree_digests(tmp_path / "again") == tree_digests(unseen_built)


def test_second_build_rewrites_nothing(unseen_built, tmp_path):
    catalog = unseen(tmp_path / "catalog")
    report = build(catalog, copy_of(unseen_built, tmp_path / "out"))  # a copy: others read the original
    assert report.written == [] and len(report.unchanged) > 0


def test_interrupted_write_leaves_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "pdf" / "a.pdf"
    Folder(tmp_path).write("pdf/a.pdf", b"%PDF old and complete")

    def crash(fd):
        raise KeyboardInterrupt  # the user pressed ^C between writing and renaming
    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        Folder(tmp_path).write("pdf/a.pdf", b"%PDF new")
    assert target.read_bytes() == b"%PDF old and complete"
    assert [p.name for p in target.parent.iterdir()] == ["a.pdf"]


def test_limited_compound_skips_other_conditions(unseen_built):
    assert not (unseen_built / "html/curcumin/curcumin--not-for-curcumin.html").exists()
    # Without a review date, the site's edition date stamps the PDF.
    meta = PdfReader(unseen_built / "pdf/zz-hostile/zz-hostile--sjogrens-syndrome.pdf").metadata
    assert meta["/CreationDate"].startswith("D:20260201")
