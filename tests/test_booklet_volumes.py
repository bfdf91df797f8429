"""Booklets in volumes (finding #11 of reliability-findings-2.md, issue 23): a bundle of more
than ``VOLUME_SIZE`` reviews is printed as balanced volumes, each a whole booklet of its own
("Volume 2 of 3": cover, contents with exact page numbers, bookmarks, numbering from 1) that
lists every volume; everything that lists a booklet lists every volume; a bundle within the
limit is made as before; a volume's time limit is minutes, whatever the catalog holds.

``VOLUME_SIZE`` is lowered to 2 so that five reviews make three volumes in seconds.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from publisher import build
from publisher.catalog import bundles as bundles_module
from publisher.catalog import load_catalog
from publisher.catalog.bundles import Bundle, BundleEntry, bundles
from publisher.outputs import Source, Target
from publisher.outputs.previews import PreviewsOutput
from publisher.paths import booklet_files, bundle_file, bundle_files, review_path
from publisher.pipeline.workers import time_limit
from publisher.render import Renderer

from helpers import LDN, make_catalog, pdf_identity, pdf_pages, qpdf_check, require, squash
from test_booklet import Expected, check_booklet, expected_entry

PUBLISHER = "Cedar Press"
FIVE = ["alpha", "bravo", "charlie", "delta", "echo"]  # compounds reviewed for Liver Cancer, in catalog order
SPLIT = "booklets/by-condition/all-compounds--liver-cancer"


def volumes_catalog(root: Path) -> Path:
    """Five compounds reviewed for Liver Cancer (three volumes of 2, 2, 1 when at most two
    reviews make a volume); alpha and bravo also for Gout (two: one volume, the whole)."""
    compounds = {slug: {**LDN, "name": f"Compound {slug.title()}", "short_name": slug[:3].upper(),
                        "conditions": ["liver-cancer", "gout"] if slug in ("alpha", "bravo") else ["liver-cancer"]}
                 for slug in FIVE}
    return make_catalog(root, compounds=compounds,
                        conditions={"liver-cancer": {"name": "Liver Cancer", "specialist": "hepatologist"},
                                    "gout": {"name": "Gout", "specialist": "rheumatologist"}},
                        site={"publisher": PUBLISHER, "edition_date": "2026-11-01", "url": "https://example.org"})


@pytest.fixture(scope="module")
def two_per_volume():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bundles_module, "VOLUME_SIZE", 2)
        yield


@pytest.fixture(scope="module")
def volumes_site(two_per_volume, tmp_path_factory) -> Path:
    """The catalog above built in every format, at most two reviews a volume."""
    root = tmp_path_factory.mktemp("volumes")
    build(volumes_catalog(root / "catalog"), root / "out", jobs=1)
    return root / "out"


def fake_bundle(count: int, slug: str = "liver-cancer") -> Bundle:
    """A condition bundle of ``count`` entries (labels and places only: enough to split and name)."""
    return Bundle("condition", SimpleNamespace(slug=slug),
                  tuple(BundleEntry(f"review {n}", None, f"r{n}-") for n in range(1, count + 1)))


@pytest.mark.parametrize("size", [1, 2, 3, 7, 100])
def test_volumes_partition_the_bundle_in_order_and_balanced(monkeypatch, size):
    monkeypatch.setattr(bundles_module, "VOLUME_SIZE", size)
    for count in range(1, 3 * size + 2):
        bundle = fake_bundle(count)
        volumes = bundle.volumes
        assert len(volumes) == -(-count // size)  # as few as hold them
        assert [e for v in volumes for e in v.entries] == list(bundle.entries)  # every review once, in order
        sizes = [len(v.entries) for v in volumes]
        assert max(sizes) - min(sizes) <= 1 and max(sizes) <= size, sizes
        assert [(v.number, v.of, v.whole) for v in volumes] == [(n, len(volumes), bundle) for n in range(1, len(volumes) + 1)]
        assert all(v.volumes is volumes for v in volumes)
    assert [len(v.entries) for v in fake_bundle(3 * size + 1).volumes][-1] >= size * 3 // 4  # no runt last volume


def test_volume_paths_say_which_volume_and_a_whole_booklet_keeps_its_name(monkeypatch):
    monkeypatch.setattr(bundles_module, "VOLUME_SIZE", 2)
    split, whole = fake_bundle(5), fake_bundle(2, "gout")
    assert booklet_files(split) == [f"{SPLIT}--volume-{n}-of-3.pdf" for n in (1, 2, 3)]
    assert bundle_file("booklet", split.volumes[1]) == f"{SPLIT}--volume-2-of-3.pdf"
    assert booklet_files(whole) == ["booklets/by-condition/all-compounds--gout.pdf"]
    files = bundle_files(split, "--es")
    assert files["booklet"] == [f"{SPLIT}--volume-{n}-of-3--es.pdf" for n in (1, 2, 3)]
    assert files["large_print_booklet"] == [f"large-print/{SPLIT}--volume-{n}-of-3--large-print--es.pdf" for n in (1, 2, 3)]
    twelve = booklet_files(fake_bundle(23))  # numbers as wide as the count: they list in order
    assert twelve[1] == f"{SPLIT}--volume-02-of-12.pdf" and sorted(twelve) == twelve
    # one EPUB, zip, preview and page for the whole bundle
    assert [files[k] for k in ("epub", "zip", "preview", "page")] == [
        "epub/by-condition/all-compounds--liver-cancer--es.epub", "downloads/all-compounds--liver-cancer--es.zip",
        "previews/by-condition/all-compounds--liver-cancer--es.png", "conditions/liver-cancer.html"]


def test_a_volume_time_limit_is_minutes_however_large_the_bundle():
    """Before, a booklet of 2,000 reviews had 30 + 30 s a review: 60,030 s (finding #11)."""
    bundle = fake_bundle(2000)
    limits = {time_limit(Target(bundle_file("booklet", v), bundle=v)) for v in bundle.volumes}
    assert max(limits) == 60 + 4 * max(len(v.entries) for v in bundle.volumes) <= 5 * 60
    assert time_limit(Target("epub/x.epub", bundle=fake_bundle(3))) == 60  # an EPUB's is its own
    assert time_limit(Target("epub/x.epub", bundle=fake_bundle(2000))) == 260
    assert time_limit(Target("epub/x.epub", bundle=fake_bundle(100_000))) == 600  # ten minutes at most


def expected(out: Path, catalog: Path, path: str) -> list[Expected]:
    """What check_booklet (test_booklet.py) expects of one volume: its entries, each with its handout."""
    volume = next(v for b in bundles(list(load_catalog(catalog).reviews)) for v in b.volumes
                  if bundle_file("booklet", v) == path)
    return [expected_entry(e, out / review_path("pdf", e.review, "pdf")) for e in volume.entries]


@pytest.mark.slow
def test_each_volume_is_a_whole_booklet_of_its_reviews(volumes_site, two_per_volume):
    catalog = volumes_site.parent / "catalog"
    made = sorted(p.relative_to(volumes_site).as_posix() for p in (volumes_site / "booklets").rglob("*.pdf"))
    assert made == sorted([*(f"{SPLIT}--volume-{n}-of-3.pdf" for n in (1, 2, 3)),
                           "booklets/by-condition/all-compounds--gout.pdf",
                           *(f"booklets/{c}--all-conditions.pdf" for c in FIVE)])
    labels = []
    for n in (1, 2, 3):
        path = f"{SPLIT}--volume-{n}-of-3.pdf"
        reviews = expected(volumes_site, catalog, path)
        # contents with the exact page of each review, links, bookmarks, "Page N of M" from 1,
        # each review word for word its handout (test_booklet.py's every check)
        check_booklet(volumes_site / path, reviews, PUBLISHER)
        reader = PdfReader(volumes_site / path)
        assert reader.metadata.title == f"Liver Cancer: Safety Reviews by Compound (Volume {n} of 3)"
        pages = pdf_pages(volumes_site / path)
        cover, front = squash(pages[0]), squash(pages[1])
        assert f"Volume {n} of 3" in cover and f"Safety reviews of {len(reviews)} compound" in cover
        assert "Page" not in cover
        # the list of volumes, before the contents, says which reviews each holds
        listed = front[front.index("Volumes"):front.index("Contents")]
        assert listed == ("Volumes Volume 1 of 3: Compound Alpha (ALP) to Compound Bravo (BRA)"
                          "{} Volume 2 of 3: Compound Charlie (CHA) to Compound Delta (DEL){} "
                          "Volume 3 of 3: Compound Echo (ECH){} ").format(
                              *(" (this volume)" if n == k else "" for k in (1, 2, 3)))
        labels += [e.label for e in reviews]
        fonts = {(ref.idnum, str(ref.get_object()["/BaseFont"]))
                 for page in reader.pages for ref in page["/Resources"].get("/Font", {}).values()}
        assert len(fonts) == len({name for _, name in fonts}) >= 3  # each face embedded once a volume
    assert labels == [f"Compound {c.title()} ({c[:3].upper()})" for c in FIVE]  # the bundle, in order, once


@pytest.mark.slow
@pytest.mark.checker
def test_every_volume_passes_qpdf_and_outloud(volumes_site, two_per_volume):
    volumes = [str(volumes_site / f"{SPLIT}--volume-{n}-of-3.pdf") for n in (1, 2, 3)]
    qpdf_check(*volumes)
    result = subprocess.run([require("outloud"), "--fail-on", "error", "--json", "-", *volumes], capture_output=True, text=True)
    verdicts = {r["path"]: (r["verdict"], r["counts"]["error"]) for r in json.loads(result.stdout)["results"]}
    assert verdicts == {path: ("pass", 0) for path in volumes}, result.stderr


@pytest.mark.slow
def test_a_bundle_within_the_limit_is_made_as_before(volumes_site, two_per_volume, tmp_path):
    """Gout's two reviews (the limit): one file under the bundle's own name, no list of
    volumes, and the same bytes as when the limit is far away."""
    path = "booklets/by-condition/all-compounds--gout.pdf"
    front = squash(" ".join(pdf_pages(volumes_site / path)[:2]))
    assert "Volume" not in front
    assert PdfReader(volumes_site / path).metadata.title == "Gout: Safety Reviews by Compound"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bundles_module, "VOLUME_SIZE", 100)
        build(volumes_site.parent / "catalog", tmp_path, formats="booklet", conditions=["gout"], jobs=1)
    assert (tmp_path / path).read_bytes() == (volumes_site / path).read_bytes()


@pytest.mark.slow
def test_portal_zip_feed_and_checksums_list_every_volume(volumes_site, two_per_volume):
    paths = [f"{SPLIT}--volume-{n}-of-3.pdf" for n in (1, 2, 3)]
    page = (volumes_site / "conditions/liver-cancer.html").read_text(encoding="utf-8")
    links = re.findall(r'<li><a href="\.\./([^"]+\.pdf)" download>([^<]+)</a> <span class="meta">([^<]+)</span>', page)
    assert [(href, text) for href, text, _ in links] == [
        (p, f"Booklet, volume {n} of 3 (PDF)") for n, p in enumerate(paths, start=1)]
    assert links[0][2].startswith("Compound Alpha (ALP) to Compound Bravo (BRA) · ")
    assert re.fullmatch(r"Compound Echo \(ECH\) · \d+ pages, \d+ KB · Version 2026-11-01\.[0-9a-f]{8}", links[2][2])
    assert len({meta.rpartition(" · ")[2] for _, _, meta in links}) == 3  # each volume a version of its own
    assert "Booklet (PDF)" in (volumes_site / "conditions/gout.html").read_text(encoding="utf-8")

    bundle = next(b for b in json.loads((volumes_site / "catalog.json").read_text())["bundles"] if b["slug"] == "liver-cancer")
    assert "booklet" not in bundle["files"]
    assert [v["path"] for v in bundle["files"]["booklet_volumes"]] == paths
    for described in bundle["files"]["booklet_volumes"]:
        data = (volumes_site / described["path"]).read_bytes()
        assert described["size"] == len(data) and described["sha256"] == hashlib.sha256(data).hexdigest()
        assert (described["id"], described["version"]) == pdf_identity(volumes_site / described["path"])  # its own
    assert bundle["files"]["epub"]["path"] == "epub/by-condition/all-compounds--liver-cancer.epub"  # one EPUB
    assert not list((volumes_site / "epub").rglob("*volume*"))

    feed = (volumes_site / "opds.xml").read_text(encoding="utf-8")
    for n, path in enumerate(paths, start=1):
        assert f'href="{path}" type="application/pdf"' in feed and f'title="Volume {n} of 3"' in feed
    sums = (volumes_site / "SHA256SUMS").read_text().splitlines()
    for path in paths:
        assert f"{hashlib.sha256((volumes_site / path).read_bytes()).hexdigest()}  {path}" in sums

    with zipfile.ZipFile(volumes_site / "downloads/all-compounds--liver-cancer.zip") as archive:
        names = archive.namelist()
        assert [n for n in names if n.endswith(".pdf") and "volume" in n] == [Path(p).name for p in paths]
        manifest = json.loads(archive.read("manifest.json"))
        volumes = [f["volume"] for f in manifest["files"] if "volume" in f]
        assert volumes == [{"number": 1, "of": 3, "first": "Compound Alpha (ALP)", "last": "Compound Bravo (BRA)"},
                           {"number": 2, "of": 3, "first": "Compound Charlie (CHA)", "last": "Compound Delta (DEL)"},
                           {"number": 3, "of": 3, "first": "Compound Echo (ECH)", "last": "Compound Echo (ECH)"}]
        readme = archive.read("README.txt").decode("utf-8")
        assert "- all-compounds--liver-cancer--volume-2-of-3.pdf: Volume 2 of 3, Compound Charlie (CHA) to Compound Delta (DEL)" in readme
    with zipfile.ZipFile(volumes_site / "downloads/all-compounds--gout.zip") as archive:
        assert "volume" not in archive.read("README.txt").decode("utf-8").lower()


@pytest.mark.slow
def test_the_preview_is_the_first_volume_cover(volumes_site, two_per_volume):
    first = volumes_site / f"{SPLIT}--volume-1-of-3.pdf"
    data = first.read_bytes()
    source = Source(len(data), hashlib.sha256(data).hexdigest(), data)
    renderer = Renderer.create(load_catalog(volumes_site.parent / "catalog").site)
    made = PreviewsOutput(renderer).make(Target("preview.png", inputs={str(first): source}))
    assert (volumes_site / "previews/by-condition/all-compounds--liver-cancer.png").read_bytes() == made


@pytest.mark.slow
def test_renaming_a_review_in_the_last_volume_remakes_every_volume(volumes_site, two_per_volume, tmp_path):
    """Each volume lists every volume's first and last review, so each depends on them all."""
    from conftest import copy_of
    from helpers import write_yaml

    catalog, out = copy_of(volumes_site.parent / "catalog", tmp_path / "catalog"), copy_of(volumes_site, tmp_path / "out")
    write_yaml(catalog / "compounds/echo.yaml", {**LDN, "name": "Compound Epsilon", "short_name": "EPS",
                                                  "conditions": ["liver-cancer"]})
    report = build(catalog, out, formats="booklet", jobs=1)
    assert sorted(p for p in report.built if p.startswith("booklets/")) == sorted([*(f"{SPLIT}--volume-{n}-of-3.pdf" for n in (1, 2, 3)),
                                          "booklets/echo--all-conditions.pdf"])
    assert "Volume 3 of 3: Compound Epsilon (EPS)" in squash(pdf_pages(out / f"{SPLIT}--volume-1-of-3.pdf")[1])


@pytest.mark.slow
def test_the_large_print_volumes_are_linked_when_built(volumes_site, two_per_volume, tmp_path):
    from conftest import copy_of

    out = copy_of(volumes_site, tmp_path / "out")
    catalog = volumes_site.parent / "catalog"
    build(catalog, out, formats="pdf,booklet", edition="large-print", conditions=["liver-cancer"], jobs=1)
    build(catalog, out, formats="site", jobs=1)
    large = [f"large-print/{SPLIT}--volume-{n}-of-3--large-print.pdf" for n in (1, 2, 3)]
    assert all((out / path).is_file() for path in large)
    page = (out / "conditions/liver-cancer.html").read_text(encoding="utf-8")
    for n, path in enumerate(large, start=1):
        assert f'<a href="../{path}" download>Large-print booklet, volume {n} of 3 (PDF)</a>' in page
    bundle = next(b for b in json.loads((out / "catalog.json").read_text())["bundles"] if b["slug"] == "liver-cancer")
    assert [v["path"] for v in bundle["files"]["large_print_booklet_volumes"]] == large
    assert "Volume 2 of 3" in squash(pdf_pages(out / large[1])[0])
