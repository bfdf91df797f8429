"""EPUBs as stores, e-readers and screen readers meet them: EPUBCheck (with usage checks) and
Ace by DAISY find nothing, the navigation matches the catalog, the cover is drawn in the
book's typeface, the book keeps its identity, hostile text stays text."""

from __future__ import annotations

import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont
from PIL import Image

from publisher import build, load_catalog
from publisher.catalog.bundles import bundles
from publisher.paths import bundle_path
from publisher.resources import FONTS

from conftest import ROOT
from helpers import ace, epubcheck, squash, unseen

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "ncx": "http://www.daisy.org/z3986/2005/ncx/",
      "svg": "http://www.w3.org/2000/svg"}
OPS_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def opf(book: zipfile.ZipFile) -> ET.Element:
    container = ET.fromstring(book.read("META-INF/container.xml"))
    path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
    return ET.fromstring(book.read(path))


def all_epubs(out: Path) -> list[Path]:
    return sorted((out / "epub").rglob("*.epub"))


def representative_epubs(shipped: Path, unseen_built: Path) -> list[Path]:
    """One book of each kind the checkers judge: the shipped compound book (ten reviews), a
    shipped condition book, and the unseen catalog's hostile compound book (French, hostile
    text). The other 13 books are made by the same code from the same templates; the Chinese
    and Arabic books are checked in test_language_checkers.py."""
    books = [shipped / "epub/low-dose-naltrexone--all-conditions.epub",
             shipped / "epub/by-condition/all-compounds--liver-cancer.epub",
             unseen_built / "epub/zz-hostile--all-conditions.epub"]
    assert set(books) <= set(all_epubs(shipped) + all_epubs(unseen_built))
    return books


@pytest.mark.checker
@pytest.mark.slow
def test_shipped_and_unseen_epubs_pass_epubcheck_with_usage_checks_silently(shipped, unseen_built):
    """EPUBCheck (one JVM per book, about 5-20 s each) on the representative books only
    (``representative_epubs``), not on all 16 the two builds make."""
    books = all_epubs(shipped) + all_epubs(unseen_built)
    assert len(books) == 11 + 5
    books = representative_epubs(shipped, unseen_built)
    with ThreadPoolExecutor(2) as pool:  # one JVM per book; two at once on two cores
        for path, printed in zip(books, pool.map(epubcheck, books)):
            assert printed == "", path


@pytest.mark.checker
@pytest.mark.slow
def test_ace_finds_no_serious_violation_and_the_conformance_claim(shipped, unseen_built, tmp_path):
    """Ace by DAISY (a Chromium per book) on the representative books only (``representative_epubs``)."""
    books = representative_epubs(shipped, unseen_built)
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda b: ace(b[1], tmp_path / str(b[0])), enumerate(books)))
    for path, report in zip(books, reports):
        violations = [(t["earl:test"]["earl:impact"], t["earl:test"]["dct:title"])
                      for doc in report["assertions"] for t in doc["assertions"]]
        assert [v for v in violations if v[0] in ("serious", "critical")] == [], path
        assert {"dcterms:conformsTo", "a11y:certifiedBy"} <= set(report["a11y-metadata"]["present"]), path


@pytest.mark.slow
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


@pytest.mark.slow
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
        assert props["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
        assert props["a11y:certifiedBy"] == ["Insight Swarm Research Team"]


@pytest.mark.slow
def test_cover_is_drawn_in_the_books_typeface_with_a_png_for_epub2_readers(shipped):
    with zipfile.ZipFile(shipped / "epub/low-dose-naltrexone--all-conditions.epub") as book:
        package = opf(book)
        items = {i.get("id"): i for i in package.find("opf:manifest", NS)}
        # EPUB 3: the SVG is the cover-image; EPUB 2: meta name="cover" names the PNG
        svg_item = [i for i in items.values() if "cover-image" in (i.get("properties") or "")]
        assert len(svg_item) == 1 and svg_item[0].get("media-type") == "image/svg+xml"
        png_item = items[package.find("opf:metadata/opf:meta[@name='cover']", NS).get("content")]
        assert png_item.get("media-type") == "image/png"
        svg = ET.fromstring(book.read("EPUB/" + svg_item[0].get("href")))
        assert svg.find("svg:title", NS).text == "Low-Dose Naltrexone (LDN)"
        # no text left to fall back to a reader's font: every line is a path of Atkinson's outlines
        assert svg.find(".//svg:text", NS) is None
        paths = svg.findall("svg:path", NS)
        assert len(paths) == 6  # publisher, kind, two title lines, subtitle, edition
        bold = TTFont(FONTS / "AtkinsonHyperlegible-Bold.ttf")
        pen = SVGPathPen(bold.getGlyphSet(), ntos=lambda v: f"{v:.1f}".rstrip("0").rstrip("."))
        bold.getGlyphSet()["I"].draw(TransformPen(pen, (0.028, 0, 0, -0.028, 40, 74)))  # "Insight…", 28 px
        assert paths[0].get("d").startswith(pen.getCommands()) and paths[0].get("fill") == "#ffffff"
        # the PNG: the same cover, twice the size; white words on the black band, black title on white
        png = Image.open(io.BytesIO(book.read("EPUB/" + png_item.get("href")))).convert("L")
        assert png.size == (1200, 1800)
        assert png.crop((0, 0, 1200, 240)).getextrema() == (0, 255)
        assert png.crop((0, 260, 1200, 400)).getextrema() == (255, 255)  # the gap above the kind line
        assert png.crop((80, 570, 1120, 760)).getextrema()[0] == 0  # the title
        # the cover page: the SVG where the reader takes it, else the PNG, described either way
        page = ET.fromstring(book.read("EPUB/cover.xhtml"))
        picture = page.find(".//x:picture", NS)
        assert picture.find("x:source", NS).get("srcset") == svg_item[0].get("href")
        img = picture.find("x:img", NS)
        assert img.get("src") == png_item.get("href")
        assert img.get("alt").startswith("Cover: Low-Dose Naltrexone (LDN). Safety reviews for 10 conditions.")


@pytest.mark.slow
def test_every_part_declares_its_language_and_landmarks_are_hidden(shipped, unseen_built):
    for path in all_epubs(shipped) + all_epubs(unseen_built):
        with zipfile.ZipFile(path) as book:
            package = opf(book)
            language = package.find("opf:metadata/dc:language", NS).text
            assert package.get(XML_LANG) == language, path
            documents = [i.get("href") for i in package.find("opf:manifest", NS)
                         if i.get("media-type") == "application/xhtml+xml"]
            assert len(documents) >= 4
            for name in documents:
                html = ET.fromstring(book.read("EPUB/" + name))
                assert html.get("lang") == html.get(XML_LANG) == language, (path, name)
                types = {t for e in html.iter() for t in (e.get(OPS_TYPE) or "").split()}
                assert "title-page" not in types, (path, name)  # the EPUB 3 vocabulary says titlepage
            nav = ET.fromstring(book.read("EPUB/nav.xhtml"))
            landmarks = nav.find(f".//x:nav[@{OPS_TYPE}='landmarks']", NS)
            assert landmarks.get("hidden") is not None, path
            assert nav.find(f".//x:nav[@{OPS_TYPE}='toc']", NS).get("hidden") is None
            assert [a.get(OPS_TYPE) for a in landmarks.iter("{http://www.w3.org/1999/xhtml}a")] == [
                "cover", "titlepage", "bodymatter"]
            guide = [r.get("type") for r in package.find("opf:guide", NS)]
            assert guide == ["cover", "title-page", "text"]  # the EPUB 2 guide's own vocabulary


@pytest.mark.slow
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
        everything = b"".join(book.read(n) for n in book.namelist() if not n.startswith("EPUB/images/")).decode("utf-8")
        assert "<script>" not in everything and "<b>bold" not in everything and "<img src=\"file:" not in everything
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything
        assert "49" not in everything.replace("2026", "")
        package = opf(book)
        assert package.find("opf:metadata/dc:title", NS).text.startswith('<script>alert(1)</script> {{ 7*7 }}')
        assert package.find("opf:metadata/dc:language", NS).text == "fr"
        svg = ET.fromstring(book.read("EPUB/images/cover.svg"))  # words are paths; the title names it
        assert svg.find("svg:title", NS).text.startswith('<script>alert(1)</script> {{ 7*7 }}')
        assert svg.find(".//svg:text", NS) is None and svg.find(".//svg:script", NS) is None


def test_rebuild_is_byte_identical(unseen_built, tmp_path):
    build(unseen(tmp_path / "catalog"), tmp_path / "out", formats="epub")
    for path in all_epubs(unseen_built):
        assert (tmp_path / "out" / path.relative_to(unseen_built)).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("fmt", ["epub", "booklet,epub", "html,pdf,booklet,epub"])
def test_epub_mixes_with_other_formats(tmp_path, fmt):
    report = build(ROOT / "catalog", tmp_path, formats=fmt, conditions=["psoriasis"])
    assert "epub" in report.formats
    assert (tmp_path / "epub/by-condition/all-compounds--psoriasis.epub").is_file()


def test_arabic_cover_words_are_shaped_joined_and_laid_right_to_left():
    from publisher.outputs.epub_cover import draw_cover, font, layout

    (run,), width = layout("سرطان الكبد", "bold", 44, 0, rtl=True)
    assert run.face == "NotoSansArabic-Bold.ttf" and run.joined and run.rtl
    names = [font(run.face).getGlyphName(gid) for gid, _, _ in run.glyphs]
    # joined forms left to right on the page: the last letter (final dal) first, the first (initial seen) last
    assert names == ["uniFEAA", "uniFE92", "uniFEDC", "uniFEDF", "uni0627", "space",
                     "uni0646", "uniFE8E", "uniFEC3", "uniFEAE", "uniFEB3"]
    assert [x for _, x, _ in run.glyphs] == sorted(x for _, x, _ in run.glyphs) and 220 < width < 260
    # a Latin name inside Arabic keeps its own order, left of the Arabic words that come first
    latin, arabic = layout("فريق أبحاث Insight Swarm", "bold", 28, 0, rtl=True)[0]
    assert (latin.text, latin.rtl, arabic.text, arabic.rtl) == ("Insight Swarm", False, "فريق أبحاث ", True)
    assert latin.x < arabic.x
    svg, png = draw_cover('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="900">'
                          '<text x="560" text-anchor="end" y="320" font-size="44" font-weight="bold">سرطان الكبد</text></svg>')
    ink = Image.open(io.BytesIO(png)).convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    assert 1100 <= ink[2] <= 1120 and abs((ink[2] - ink[0]) - 2 * width) < 12  # right-aligned at 560 pt, twice the size
    xs = [float(v) for v in re.findall(r"M(-?[\d.]+)", ET.fromstring(svg).find("svg:path", NS).get("d"))]
    assert 300 < min(xs) and max(xs) <= 560
