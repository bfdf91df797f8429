"""An HTML handout is a light, accessible web page: WOFF2 subset fonts that swap in, a
<main> landmark, at most 150 KB with what it loads, and no axe-core violation in Chromium.

The browser checks need Chromium, chromedriver, selenium and axe-core
(``npm ci --prefix tests/browser``); they are skipped, saying which is missing, without them.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from publisher import webfonts
from publisher.resources import FONTS, WEB_FONTS, WEB_FONTS_CSS
from publisher.resources import faces as vendored_faces

from helpers import axe_violations, chromium, serve_folder

PAGE = "html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.html"
FACE = re.compile(r"@font-face\s*{(.*?)}", re.S)


@pytest.fixture
def out(shipped_pdf):
    """The shipped catalog's HTML (built once per session, with the PDFs)."""
    return shipped_pdf


class _Page(html.parser.HTMLParser):
    """A page's stylesheets, its text (what fonts must draw) and its tags."""

    def __init__(self, source: str):
        super().__init__()
        self.stylesheets, self.text, self.tags = [], [], []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        self.text += [v for k, v in attrs.items() if k in ("alt", "aria-label") and v]

    def handle_data(self, data):
        self.text.append(data)


def _codes(unicode_range: str) -> set[int]:
    codes = set()
    for part in unicode_range.split(","):
        lo, _, hi = part.strip()[2:].partition("-")
        codes.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return codes


def _faces(css: str) -> list[dict[str, str]]:
    return [dict(re.findall(r"([\w-]+)\s*:\s*([^;]+);", body)) for body in FACE.findall(css)]


def test_one_handout_with_everything_it_loads_weighs_at_most_150_kb(out):
    """Counted as a browser with an empty cache could fetch at most: the page, its
    stylesheets, and every face whose unicode-range meets a character of the page."""
    page_file = out / PAGE
    page = _Page(page_file.read_text(encoding="utf-8"))
    chars = {ord(c) for c in "".join(page.text)}
    assert 0x2192 in chars  # the arrow Atkinson lacks: a DejaVu chunk is counted
    files = [page_file]
    for href in page.stylesheets:
        css_file = (page_file.parent / href).resolve()
        files.append(css_file)
        for face in _faces(css_file.read_text(encoding="utf-8")):
            if "unicode-range" not in face or chars & _codes(face["unicode-range"]):
                files.append((css_file.parent / re.search(r"url\(([^)]+)\)", face["src"])[1]).resolve())
    weight = sum(f.stat().st_size for f in files)
    assert weight <= 150_000, [(f.name, f.stat().st_size) for f in files]
    assert any(f.name == "DejaVuSans-arrows.woff2" for f in files)
    assert not any(f.name.startswith("DejaVuSans-other") for f in files)


def test_fonts_are_woff2_subsets_that_swap_in(out):
    assets = out / "html/_assets"
    assert not list(assets.rglob("*.ttf"))
    faces = _faces((assets / "web-fonts.css").read_text(encoding="utf-8"))
    assert len(faces) == len(list((assets / "fonts/web").glob("*.woff2"))) > 4
    for face in faces:
        assert face["font-display"] == "swap"
        file = assets / re.fullmatch(r'url\((fonts/web/[\w-]+\.woff2)\) format\("woff2"\)', face["src"])[1]
        assert file.read_bytes()[:4] == b"wOF2"
        assert ("unicode-range" in face) == (face["font-family"] == '"DejaVu Sans Vendored"')


def test_the_subsets_cover_every_character_the_print_fonts_have():
    """Any text the catalog may hold is drawn on screen by the fonts the PDF embeds."""
    faces = _faces(WEB_FONTS_CSS.read_text(encoding="utf-8"))
    for dejavu in vendored_faces("DejaVu Sans Vendored"):
        weight = dejavu.weight
        ttfs = [FONTS / dejavu.file, FONTS / "AtkinsonHyperlegible-Regular.ttf"]
        wanted = set().union(*(TTFont(t).getBestCmap() for t in ttfs))
        served = set()
        for face in faces:
            if face["font-weight"] == str(weight) and face["font-style"] == "normal":
                cmap = set(TTFont(WEB_FONTS / Path(face["src"].split(")")[0]).name).getBestCmap())
                assert "unicode-range" not in face or cmap == _codes(face["unicode-range"])
                served |= cmap
        assert served == wanted


def test_the_committed_web_fonts_are_what_the_generator_makes():
    """Up to date with the TTFs, and reproducible byte for byte (no timestamps)."""
    faces = webfonts.faces()
    assert WEB_FONTS_CSS.read_text(encoding="utf-8") == webfonts.stylesheet(faces)
    assert sorted(p.name for p in WEB_FONTS.glob("*.woff2")) == sorted(f.file for f in faces)
    smallest = min(faces, key=lambda f: len(f.codes))
    assert webfonts.woff2(smallest.ttf, smallest.codes) == (WEB_FONTS / smallest.file).read_bytes()


def test_the_page_has_one_main_landmark(out):
    assert _Page((out / PAGE).read_text(encoding="utf-8")).tags.count("main") == 1


@pytest.fixture(scope="module")
def browser(shipped_pdf):
    """Headless Chromium on the built pages, served over HTTP as a web site would serve them."""
    server = serve_folder(shipped_pdf)
    driver = chromium(axe=True)
    driver.get(f"http://127.0.0.1:{server.server_address[1]}/{PAGE}")
    driver.execute_async_script("document.fonts.ready.then(arguments[0])")
    yield driver
    driver.quit()
    server.shutdown()


@pytest.mark.browser
def test_axe_core_reports_no_violations_best_practices_included(browser):
    results = axe_violations(browser)
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]] == []
    ran = {rule["id"] for kind in ("passes", "inapplicable", "incomplete") for rule in results[kind]}
    assert {"landmark-one-main", "region", "color-contrast"} <= ran  # best-practice and WCAG rules ran


@pytest.mark.browser
def test_chromium_draws_the_page_in_the_web_fonts_at_phone_and_desktop_widths(browser, tmp_path):
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name.split('/').pop())")
    assert "AtkinsonHyperlegible-Regular.woff2" in fetched and "DejaVuSans-arrows.woff2" in fetched
    assert not [name for name in fetched if name.endswith(".ttf") or "-other" in name]
    for width in (390, 1280):
        browser.set_window_size(width, 900)
        inner = browser.execute_script("return window.innerWidth")
        browser.set_window_size(2 * width - inner, 900)  # the viewport, not the window, is `width` wide
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        browser.save_screenshot(str(tmp_path / f"handout-{width}.png"))


@pytest.mark.browser
def test_an_unbreakable_word_does_not_push_a_handout_sideways_on_a_phone(tmp_path):
    """Issue 25: a 120-letter word made a 375 px page 403 px wide, clipped at the edge."""
    from publisher import build

    from helpers import LDN, make_catalog

    long_word = "Hydroxy" + "methyl" * 19  # 121 letters, no break opportunity
    catalog = make_catalog(tmp_path / "catalog", compounds={"ldn": {**LDN, "name": long_word}},
                           conditions={"gout": {"name": "Gout", "specialist": "rheumatologist"}},
                           site={"publisher": "Test Press", "edition_date": "2026-01-01"})
    build(catalog, tmp_path / "out", formats="html", jobs=1)
    server = serve_folder(tmp_path / "out")
    driver = chromium(320, 800)
    try:
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/html/ldn/ldn--gout.html")
        driver.set_window_size(320, 800)
        driver.set_window_size(640 - driver.execute_script("return window.innerWidth"), 800)  # a 320 px viewport
        assert driver.execute_script("return window.innerWidth") == 320
        assert long_word in driver.find_element("tag name", "h1").text.replace("\n", "")
        width = driver.execute_script("var e = document.documentElement; return [e.scrollWidth, e.clientWidth]")
        assert width[0] <= width[1], width
    finally:
        driver.quit()
        server.shutdown()
