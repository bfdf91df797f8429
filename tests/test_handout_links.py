"""The HTML handout's header (its PDFs and the portal's pages, where the folder has them; on
screen only), and each print edition's files linked by the build that makes them, whichever
edition is built first (issue 25). One review (Liver Cancer) keeps every build to seconds."""

from __future__ import annotations

import hashlib
import html.parser
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from publisher import BuildOptions, build
from publisher.pipeline.plan import plans

from conftest import catalog_with_languages
from helpers import LDN, axe_violations, chromium, make_catalog, require, serve_folder, tree_digests, write_yaml

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog"
ONE = {"conditions": ["liver-cancer"], "jobs": 2}
LARGE = {"edition": "large-print", "formats": "html,pdf,booklet"}  # large print has no portal of its own
HANDOUT = "html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.html"
LARGE_HANDOUT = "large-print/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--large-print.html"
LARGE_PDF = "large-print/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--large-print.pdf"
LARGE_BOOKLET = "large-print/booklets/by-condition/all-compounds--liver-cancer--large-print.pdf"
PAGES = {"conditions/liver-cancer.html": LARGE_BOOKLET,  # each with its bundle's large-print booklet
         "compounds/low-dose-naltrexone.html": "large-print/booklets/low-dose-naltrexone--all-conditions--large-print.pdf"}
SKIP = (".publisher-manifest.json", ".publisher.lock")


class Header(html.parser.HTMLParser):
    """The handout's ``<nav>``: its label, and each link's href and text, in order."""

    def __init__(self, source: str):
        super().__init__()
        self.label, self.links, self.navs, self._in, self._a = None, [], 0, False, False
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self.navs += 1
            self.label, self._in = attrs.get("aria-label"), True
        elif tag == "a" and self._in:
            self.links.append([attrs["href"], ""])
            self._a = True

    def handle_endtag(self, tag):
        self._in = self._in and tag != "nav"
        self._a = self._a and tag != "a"

    def handle_data(self, data):
        if self._a:
            self.links[-1][1] += data


def header(page: Path) -> Header:
    return Header(page.read_text(encoding="utf-8"))


def dangling(page: Path) -> list[str]:
    """The header's links that do not lead to a file, opened from disk."""
    return [href for href, _ in header(page).links if not (page.parent / href).resolve().is_file()]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def orders(tmp_path_factory) -> dict[str, Path]:
    """Liver Cancer in both editions, one folder per order: the standard edition (every format,
    the portal too) then large print, and large print then the standard edition; with a copy of
    the large-print-first folder as its first build left it."""
    root = tmp_path_factory.mktemp("orders")
    build(CATALOG, root / "standard-first", **ONE)
    build(CATALOG, root / "standard-first", **ONE, **LARGE)
    build(CATALOG, root / "large-first", **ONE, **LARGE)
    shutil.copytree(root / "large-first", root / "large-alone", symlinks=True)
    build(CATALOG, root / "large-first", **ONE)
    return {name: root / name for name in ("standard-first", "large-first", "large-alone")}


@pytest.mark.slow
@pytest.mark.parametrize("order", ["standard-first", "large-first"])
def test_large_print_files_are_linked_after_the_second_build_whichever_came_first(orders, order):
    out = orders[order]
    for page, booklet in PAGES.items():
        text = (out / page).read_text(encoding="utf-8")
        assert f'href="../{LARGE_PDF}" download>Large print (PDF)</a>' in text
        assert f'href="../{booklet}" download>Large-print booklet (PDF)</a>' in text
    data = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    (review,) = data["reviews"]
    assert review["files"]["large_print_pdf"] == {"path": LARGE_PDF, "size": (out / LARGE_PDF).stat().st_size,
                                                  "sha256": sha256(out / LARGE_PDF)}
    condition = next(b for b in data["bundles"] if b["kind"] == "condition")
    assert condition["files"]["large_print_booklet"]["sha256"] == sha256(out / LARGE_BOOKLET)
    # and each edition's handout links the other's files
    assert [text for _, text in header(out / HANDOUT).links] == [
        "Handout (PDF)", "Large print (PDF)", "Low-Dose Naltrexone (LDN): Safety Reviews by Condition",
        "Liver Cancer: Safety Reviews by Compound", "All handouts"]
    assert [href for href, _ in header(out / LARGE_HANDOUT).links] == [
        "../../pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--large-print.pdf",
        "../../../compounds/low-dose-naltrexone.html", "../../../conditions/liver-cancer.html", "../../../index.html"]


@pytest.mark.slow
def test_either_order_gives_the_same_bytes(orders):
    assert tree_digests(orders["standard-first"], SKIP) == tree_digests(orders["large-first"], SKIP)


@pytest.mark.slow
def test_building_again_in_either_edition_changes_nothing(orders, tmp_path):
    out = shutil.copytree(orders["standard-first"], tmp_path / "out", symlinks=True)
    before = tree_digests(out)
    for edition in ({}, LARGE):
        again = BuildOptions(CATALOG, out, **ONE, **edition)
        assert [p.make for p in plans(again)] == [[]]  # no refresh of the other edition either
        assert build(again).built == []
    assert tree_digests(out) == before


@pytest.mark.slow
def test_large_print_alone_writes_no_portal_and_links_only_its_pdf(orders):
    out = orders["large-alone"]
    assert sorted(p.name for p in out.iterdir()) == ["large-print"]  # no index, no SHA256SUMS, no lock
    assert [text for _, text in header(out / LARGE_HANDOUT).links] == ["Large print (PDF)"]
    assert dangling(out / LARGE_HANDOUT) == []


@pytest.mark.slow  # both editions built in turn
def test_the_large_print_build_plans_the_standard_portal_it_changes(tmp_path):
    out = tmp_path / "out"
    build(CATALOG, out, **ONE)
    large, refresh = plans(BuildOptions(CATALOG, out, **ONE, **LARGE))
    assert large.root == out / "large-print" and refresh.root == out and refresh.stale == []
    assert {s.path for s in refresh.make} == {
        HANDOUT, *PAGES, "index.html", "catalog.json", "opds.xml", "sitemap.xml", "lookup.html", "lookup.json", "SHA256SUMS"}
    assert {s.reason for s in refresh.make} == {"changed input"}


@pytest.mark.slow
@pytest.mark.parametrize("order", ["standard-first", "large-first"])
def test_every_header_link_leads_to_a_file(orders, order):
    out = orders[order]
    handouts = sorted(out.glob("html/*/*.html")) + sorted(out.glob("large-print/html/*/*.html"))
    assert len(handouts) == 2
    for page in handouts:
        found = header(page)
        assert found.navs == 1 and found.label == "Downloads and more handouts"
        assert len(found.links) == (4 if "large-print" in page.parts else 5)
        assert dangling(page) == []


@pytest.mark.slow
def test_pdf_has_no_trace_of_the_header(orders, tmp_path):
    require("pdftotext")
    pdf = orders["standard-first"] / "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Liver Cancer" in text
    for label in ("Downloads and more", "Handout (PDF)", "Large print (PDF)", "Safety Reviews by", "All handouts"):
        assert label not in text
    build(CATALOG, tmp_path / "alone", formats="pdf", **ONE)  # nothing for a header to link
    assert (tmp_path / "alone" / pdf.relative_to(orders["standard-first"])).read_bytes() == pdf.read_bytes()


@pytest.mark.slow
@pytest.mark.browser
def test_chromium_shows_the_header_on_screen_only_and_axe_finds_nothing(orders):
    """Both editions' headers in full (five and four links): no axe-core violation (best
    practices included), no sideways scroll at 320 px, and gone when the page is printed."""
    server = serve_folder(orders["standard-first"])
    driver = chromium(320, 800, axe=True)
    try:
        for page in (HANDOUT, LARGE_HANDOUT):
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})
            driver.get(f"http://127.0.0.1:{server.server_address[1]}/{page}")
            results = axe_violations(driver)
            assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]] == []
            shown = "return getComputedStyle(document.querySelector('nav.handout-links')).display"
            assert driver.execute_script(shown) == "block"
            assert driver.execute_script("return document.documentElement.scrollWidth <= innerWidth")
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            assert driver.execute_script(shown) == "none"
    finally:
        driver.quit()
        server.shutdown()


def small(root: Path) -> Path:
    return make_catalog(root, compounds={"low-dose-naltrexone": LDN},
                        conditions={"gout": {"name": "Gout", "specialist": "rheumatologist"},
                                    "asthma": {"name": "Asthma", "specialist": "pulmonologist"}},
                        site={"publisher": "Test Press", "edition_date": "2026-01-01"})


def test_a_handout_with_nothing_to_link_has_no_header_until_its_pdf_is_built(tmp_path):
    catalog, out = small(tmp_path / "c"), tmp_path / "out"
    page = out / "html/low-dose-naltrexone/low-dose-naltrexone--gout.html"
    build(catalog, out, formats="html", jobs=1)
    alone = page.read_text(encoding="utf-8")
    assert "<nav" not in alone and "<body class=\"handout\">\n<main>" in alone
    made = build(catalog, out, formats="pdf", jobs=1)  # html not asked for: its links changed all the same
    assert "html/low-dose-naltrexone/low-dose-naltrexone--gout.html" in made.built
    assert header(page).links == [["../../pdf/low-dose-naltrexone/low-dose-naltrexone--gout.pdf", "Handout (PDF)"]]
    assert page.read_text(encoding="utf-8").replace(
        '<nav class="handout-links" aria-label="Downloads and more handouts">\n<ul>\n<li><a href="../../pdf/'
        'low-dose-naltrexone/low-dose-naltrexone--gout.pdf">Handout (PDF)</a></li>\n</ul>\n</nav>\n', "") == alone
    assert build(catalog, out, formats="pdf", jobs=1).built == []


@pytest.mark.slow  # both editions built in turn
def test_a_handout_out_of_date_for_other_reasons_is_left_to_its_own_edition(tmp_path):
    """A large-print build relinks the standard handouts that were up to date; one whose review
    changed since is the standard build's to make, from the new text, not this build's."""
    catalog, out = small(tmp_path / "c"), tmp_path / "out"
    build(catalog, out, formats="html,pdf", jobs=2)
    gout, asthma = (out / f"html/low-dose-naltrexone/low-dose-naltrexone--{c}.html" for c in ("gout", "asthma"))
    before = gout.read_bytes()
    write_yaml(catalog / "conditions/gout.yaml", {"name": "Gouty Arthritis", "specialist": "rheumatologist"})
    build(catalog, out, formats="pdf", edition="large-print", jobs=2)
    assert gout.read_bytes() == before
    assert "Large print (PDF)" in [text for _, text in header(asthma).links]
    made = build(catalog, out, formats="html,pdf", jobs=2)
    assert {"html/low-dose-naltrexone/low-dose-naltrexone--gout.html",
            "pdf/low-dose-naltrexone/low-dose-naltrexone--gout.pdf"} <= set(made.written)
    assert "Gouty Arthritis" in gout.read_text(encoding="utf-8") and dangling(gout) == []
    assert [text for _, text in header(gout).links] == ["Handout (PDF)", "Large print (PDF)"]


def test_the_header_speaks_the_handouts_language(tmp_path):
    catalog = catalog_with_languages(tmp_path, ["en", "es", "ar"])
    out = tmp_path / "out"
    build(catalog, out, formats="html,pdf", languages=["es", "ar"], **ONE)
    es = header(out / "es/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--es.html")
    assert es.label == "Descargas y más hojas informativas"
    assert es.links == [["../../pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--es.pdf",
                         "Hoja informativa (PDF)"]]
    ar = out / "ar/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--ar.html"
    assert header(ar).label == "التنزيلات ومزيد من النشرات"
    assert [text for _, text in header(ar).links] == ["النشرة (PDF)"] and dangling(ar) == []


@pytest.mark.slow
def test_plain_wording_handouts_link_their_own_wordings_files(tmp_path):
    """The plain wording's roots (plain/, plain/large-print/) link each other, never the
    standard wording's files; its large-print build refreshes its own portal."""
    out = tmp_path / "out"
    build(CATALOG, out, wording="plain", **ONE)
    build(CATALOG, out, wording="plain", **ONE, **LARGE)
    assert sorted(p.name for p in out.iterdir()) == ["plain"]
    handout = out / "plain/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--plain.html"
    assert [href for href, _ in header(handout).links] == [
        "../../pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--plain.pdf",
        "../../large-print/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--large-print--plain.pdf",
        "../../compounds/low-dose-naltrexone.html", "../../conditions/liver-cancer.html", "../../index.html"]
    large = out / "plain/large-print/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--large-print--plain.html"
    assert dangling(handout) == [] and dangling(large) == [] and len(header(large).links) == 4
    assert "large-print--plain.pdf" in (out / "plain/conditions/liver-cancer.html").read_text(encoding="utf-8")
