"""The portal's search box and its downloads' dates (issue 25): the count counts each handout
once (a review is listed under its compound and its condition), in the page's language with
its CLDR plural forms (Arabic's six); case, accents, apostrophes and quotes are folded; no
match says so instead of leaving empty headings; nothing is wider than a 320 px phone. Zips
and the OPDS feed are dated from the catalog even without an edition date, and a zip's
README.txt names the paper built."""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from publisher import build
from publisher.catalog import load_catalog
from publisher.catalog.bundles import bundles
from publisher.outputs import Target
from publisher.outputs.base import Source
from publisher.outputs.portal import PortalOutput
from publisher.outputs.zips import ZipsOutput
from publisher.paths import bundle_files
from publisher.render import Renderer
from publisher.resources import STYLES

from helpers import LDN, chromium, make_catalog, tree_digests, write_yaml

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
COMPOUND = {key: value for key, value in LDN.items() if key != "short_name"}
LONG = "Pneumonoultramicroscopicsilicovolcanoconiosisextraordinarilylongname"  # wider than 320 px


def typed(driver, text: str) -> str:
    """Types ``text`` into the search box (emptied first, as a user would: clear() fires no
    input event) and reads the count sentence."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.ID, "filter")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE, text)
    return driver.find_element(By.ID, "filter-count").text


def shown(driver, selector: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def sideways(driver) -> bool:
    return driver.execute_script("var e = document.documentElement; return e.scrollWidth > e.clientWidth")


def phone(driver, width: int = 320) -> None:
    """A phone's viewport (a headless window is never narrower than 500 px)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True})


# --- the count's plural forms, on an index rendered from a catalog made for them -------------

# A compound reviewed for 1, 2, 3, 11 and 100 conditions: one query each reaches every Arabic
# plural category a count can be in (one, two, few, many, other).
SIZES = {"alpha": 1, "bravo": 2, "charlie": 3, "delta": 11, "echo": 100}
FORMS = {
    "en": ["1 handout matches", "2 handouts match", "3 handouts match", "11 handouts match", "100 handouts match"],
    "es": ["1 hoja informativa coincide", "2 hojas informativas coinciden", "3 hojas informativas coinciden",
           "11 hojas informativas coinciden", "100 hojas informativas coinciden"],
    "zh-Hans": ["找到 1 份患者须知", "找到 2 份患者须知", "找到 3 份患者须知", "找到 11 份患者须知", "找到 100 份患者须知"],
    # one and two say their number in the word; 3–10 take the plural, 11–99 and 100 the singular
    "ar": ["نشرة واحدة مطابقة", "نشرتان مطابقتان", "3 نشرات مطابقة", "11 نشرة مطابقة", "100 نشرة مطابقة"],
}
NO_MATCH = {"en": "No handout matches “zzz”", "es": "Ninguna hoja informativa coincide con «zzz»",
            "zh-Hans": "没有与“zzz”匹配的患者须知", "ar": "لا توجد نشرة تطابق «zzz»"}


def rendered_portal(root: Path, language: str) -> Path:
    """The index and one compound page of a catalog in ``language`` (its own language: no
    translation), rendered as the portal renders them, with the portal's script and style;
    no document is built (the pages link files that are not there)."""
    conditions = {f"c{n:03}": {"name": f"Condition {n:03}", "specialist": "rheumatologist"} for n in range(1, 101)}
    compounds = {slug: {**COMPOUND, "name": slug.title(), "conditions": list(conditions)[:size]}
                 for slug, size in SIZES.items()}
    compounds["long"] = {**COMPOUND, "name": LONG, "conditions": ["c001"]}
    catalog = load_catalog(make_catalog(root / "catalog", compounds, conditions,
                                        site={"publisher": "Test Press", "language": language,
                                              "edition_date": "2026-01-01"}))
    portal, groups = PortalOutput(Renderer.create(catalog.site)), tuple(bundles(list(catalog.reviews)))
    long = next(group for group in groups if group.slug == "long")
    site = root / "site"
    for target in (Target("index.html", group=groups, inputs={}),
                   Target(bundle_files(long)["page"], bundle=long, inputs={})):
        (site / target.path).parent.mkdir(parents=True, exist_ok=True)
        (site / target.path).write_bytes(portal.make(target))
    (site / "assets").mkdir()
    for name in ("portal.js", "portal.css"):
        shutil.copy(STYLES / name, site / "assets" / name)
    return site


@pytest.mark.browser
@pytest.mark.parametrize("language", list(FORMS))
def test_the_count_is_in_the_page_language_with_its_plural_forms(tmp_path, language):
    site = rendered_portal(tmp_path, language)
    driver = chromium(1280, 900)
    try:
        driver.get((site / "index.html").as_uri())
        assert [typed(driver, name) for name in SIZES] == FORMS[language]
        assert typed(driver, "zzz") == NO_MATCH[language]
        assert shown(driver, "main section") == [] and shown(driver, "main h2") == []  # no empty heading
        assert typed(driver, "") == "" and len(shown(driver, "main section")) == 2
    finally:
        driver.quit()


@pytest.mark.browser
def test_a_name_wider_than_a_phone_breaks_instead_of_the_page(tmp_path):
    site = rendered_portal(tmp_path, "ar")
    driver = chromium(1280, 900)
    try:
        phone(driver)
        for page in ("index.html", "compounds/long.html"):
            driver.get((site / page).as_uri())
            assert LONG in driver.page_source and not sideways(driver), page
    finally:
        driver.quit()


# --- the search on real portals ----------------------------------------------------------------

@pytest.mark.browser
def test_quotes_case_and_accents_are_folded(unseen_built):
    """The catalog writes "Sjögren’s" (curly apostrophe, o with diaeresis) and "Ünïcödé"; a
    keyboard types neither. Its site is in French, without French wording: the count is in the
    wording's English, with English plural forms (French would call 0 and 1 singular)."""
    driver = chromium(1280, 900)
    try:
        driver.get((unseen_built / "index.html").as_uri())
        assert typed(driver, "sjogren's") == "2 handouts match"  # curcumin's and the hostile compound's
        assert typed(driver, "SJOGREN`S SYNDROME") == "2 handouts match"
        assert typed(driver, "“sjögren’s”") == "2 handouts match"
        assert typed(driver, "unicode") == "2 handouts match"
        assert typed(driver, "gout") == "1 handout matches"
        assert shown(driver, "main h2") == ["Compounds", "Conditions"]
        assert typed(driver, "sjogrens gout") == "No handout matches “sjogrens gout”"
        assert shown(driver, "main h2") == []
    finally:
        driver.quit()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("language, queries", [
    ("en", {"crohn's": "1 handout matches", "cancer": "2 handouts match", "LDN": "10 handouts match",
            "zzz": "No handout matches “zzz”"}),
    ("es", {"higado": "1 hoja informativa coincide", "cancer": "2 hojas informativas coinciden",
            "ldn": "10 hojas informativas coinciden", "zzz": "Ninguna hoja informativa coincide con «zzz»"}),
    ("zh-Hans", {"肝癌": "找到 1 份患者须知", "癌": "找到 2 份患者须知", "ldn": "找到 10 份患者须知",
                 "zzz": "没有与“zzz”匹配的患者须知"}),
    ("ar", {"الكبد": "نشرة واحدة مطابقة", "سرطان": "نشرتان مطابقتان", "ldn": "10 نشرات مطابقة",
            "zzz": "لا توجد نشرة تطابق «zzz»"}),
])
def test_typing_in_each_language_portal(multilingual_site, language, queries):
    """The shipped catalog's portal in its four languages: one compound, ten conditions, each
    handout listed twice and counted once."""
    page = multilingual_site / ("" if language == "en" else language) / "index.html"
    driver = chromium(1280, 900)
    try:
        driver.get(page.as_uri())
        assert {query: typed(driver, query) for query in queries} == queries
        assert shown(driver, "main h2") == []  # after the last query, which matches nothing
        typed(driver, list(queries)[1])  # two conditions with cancer: under the compound, and each its own
        assert len(shown(driver, ".group .reviews li")) == 4 and len(shown(driver, "main h2")) == 2
    finally:
        driver.quit()


@pytest.mark.browser
@pytest.mark.slow
def test_no_portal_page_is_wider_than_a_320_px_phone(multilingual_site):
    driver = chromium(1280, 900)
    try:
        phone(driver)
        for language in ("", "es", "zh-Hans", "ar"):
            for page in ("index.html", "compounds/low-dose-naltrexone.html", "conditions/liver-cancer.html"):
                driver.get((multilingual_site / language / page).as_uri())
                assert not sideways(driver), (language, page)
    finally:
        driver.quit()


def test_without_the_script_the_index_lists_everything(unseen_built):
    """Search is an enhancement: the box is hidden until the script shows it, and every review
    is listed (twice: under its compound and its condition, by the same ``data-review``)."""
    page = (unseen_built / "index.html").read_text(encoding="utf-8")
    assert '<div class="search" hidden data-search>' in page
    reviews = re.findall(r'<li data-review="([^"]+)"><a href', page)
    assert len(reviews) == 2 * 5 and len(set(reviews)) == 5 and reviews.count("curcumin/sjogrens-syndrome") == 2
    assert 'data-one="{count} handout matches"' in page and 'data-other="{count} handouts match"' in page


# --- dates and paper ---------------------------------------------------------------------------

def catalog_without_edition_date(root: Path) -> Path:
    """Three reviews, two dated: LDN for gout (2026-03-05) and for psoriasis (2025-07-01);
    curcumin for eczema undated, so its compound and its condition have no date of their own."""
    return make_catalog(
        root, compounds={"ldn": {**LDN, "conditions": ["gout", "psoriasis"]},
                         "curcumin": {**COMPOUND, "name": "Curcumin", "conditions": ["eczema"]}},
        conditions={"gout": {"name": "Gout", "specialist": "rheumatologist"},
                    "psoriasis": {"name": "Psoriasis", "specialist": "dermatologist"},
                    "eczema": {"name": "Eczema", "specialist": "dermatologist"}},
        reviews={("ldn", "gout"): {"reviewed_on": "2026-03-05"}, ("ldn", "psoriasis"): {"reviewed_on": "2025-07-01"}},
        site={"publisher": "Test Press"})


DATES = {"ldn": (2026, 3, 5), "gout": (2026, 3, 5), "psoriasis": (2025, 7, 1),
         "curcumin": (2026, 3, 5), "eczema": (2026, 3, 5)}  # the last two: the catalog's newest review


def zips_of(catalog_root: Path, paper: str | None = None) -> dict[str, zipfile.ZipFile]:
    """Each bundle's zip as ZipsOutput makes it (its documents stood in for by a few bytes)."""
    catalog = load_catalog(catalog_root)
    renderer = Renderer.create(catalog.site, paper=paper)
    made = {}
    for target in ZipsOutput.targets(list(catalog.reviews), renderer):
        inputs = {path: Source(1, "0" * 64, b"%") for part in target.sources for path in part}
        data = ZipsOutput(renderer).make(target._replace(inputs=inputs))
        made[target.bundle.slug] = zipfile.ZipFile(io.BytesIO(data))
    return made


def test_zip_entries_are_dated_from_the_catalog_without_an_edition_date(tmp_path):
    """A bundle's newest review date, else the catalog's (they were 1980-01-01, zip's epoch)."""
    made = zips_of(catalog_without_edition_date(tmp_path / "catalog"))
    assert {slug: {info.date_time for info in archive.infolist()} for slug, archive in made.items()} == {
        slug: {(*day, 0, 0, 0)} for slug, day in DATES.items()}


def test_opds_entries_are_dated_from_the_catalog_without_an_edition_date(tmp_path):
    catalog = load_catalog(catalog_without_edition_date(tmp_path / "catalog"))
    groups = tuple(bundles(list(catalog.reviews)))
    feed = PortalOutput(Renderer.create(catalog.site)).make(Target("opds.xml", group=groups, inputs={}))
    root = ET.fromstring(feed)
    assert root.find(f"{ATOM}updated").text == "2026-03-05T00:00:00Z"
    entries = {e.find(f"{ATOM}link[@rel='alternate']").get("href").split("/")[-1].removesuffix(".html"): e
               for e in root.iter(f"{ATOM}entry")}
    assert {slug: e.find(f"{ATOM}updated").text for slug, e in entries.items()} == {
        slug: "%04d-%02d-%02dT00:00:00Z" % day for slug, day in DATES.items()}
    issued = {slug: e.find("{http://purl.org/dc/terms/}issued") for slug, e in entries.items()}
    assert [slug for slug, found in issued.items() if found is None] == ["curcumin", "eczema"]  # no date of its own
    assert b"1980" not in feed


@pytest.mark.parametrize("paper, says", [
    (None, "Every .pdf file is sized for US letter paper (8.5 × 11 inches)."),  # site.yaml's: letter
    ("a4", "Every .pdf file is sized for A4 paper (210 × 297 mm)."),
])
def test_readme_names_the_paper_built(paper, says):
    for archive in zips_of(ROOT / "catalog", paper).values():
        readme = archive.read("README.txt").decode("utf-8")
        assert says in readme.splitlines() and "letter or A4" not in readme


@pytest.mark.slow  # three small sites, every format
def test_a_zip_of_undated_reviews_follows_the_catalogs_newest_date(tmp_path):
    """Its date comes from other reviews than its own, so it is part of its fingerprint: a
    changed date elsewhere remakes it, byte-identical to a clean build; and --paper a4 reaches
    README.txt."""
    catalog = catalog_without_edition_date(tmp_path / "catalog")
    out = tmp_path / "out"
    build(catalog, out, formats="site", jobs=1)
    write_yaml(catalog / "reviews/ldn/gout.yaml", {"reviewed_on": "2026-06-01"})
    build(catalog, out, formats="site", jobs=1)
    with zipfile.ZipFile(out / "downloads/curcumin--all-conditions.zip") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 6, 1, 0, 0, 0)}
    clean = tmp_path / "clean"
    build(catalog, clean, formats="site", jobs=1)
    # The zips and feed as a clean build makes them. (The edited review's FHIR DocumentReference
    # is not: it names the version it replaces, and catalog.json, the Bundle and SHA256SUMS list
    # its hash: test_fhir.py.)
    assert tree_digests(out / "downloads") == tree_digests(clean / "downloads")
    assert (out / "opds.xml").read_bytes() == (clean / "opds.xml").read_bytes()
    a4 = tmp_path / "a4"
    build(catalog, a4, formats="site", paper="a4", jobs=1)
    with zipfile.ZipFile(a4 / "downloads/all-compounds--eczema.zip") as archive:
        assert "Every .pdf file is sized for A4 paper (210 × 297 mm)." in archive.read("README.txt").decode("utf-8")
