"""For the record (issue 26): document ids and content versions, FHIR R4 DocumentReferences and
their Bundle (validated with fhir.resources, each hash checked against its PDF, relatesTo after an
edit), the "education given" Communication of ``publisher handout --record``, the versions in
catalog.json, zip manifests and portal cards, schema.org JSON-LD, and the code lookup page in a
real browser."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from publisher import build
from publisher.catalog import load_catalog
from publisher.cli import main
from publisher.render import Renderer
from publisher.versions import content_text, handout_version

from conftest import copy_of
from helpers import (HOSTILE, LDN, assert_every_footer_names, chromium, make_catalog, pdf_identity, raw_pages,
                     require_module, write_yaml)

ROOT = Path(__file__).resolve().parent.parent
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
VERSION = re.compile(r"(\d{4}-\d{2}-\d{2}\.)?[0-9a-f]{8}")


def r4(kind: str, data: dict):
    """``data`` validated as the FHIR resource ``kind`` (fhir.resources' R4B models: R4B left
    DocumentReference, Bundle and Communication as R4 has them)."""
    module = require_module(f"fhir.resources.R4B.{kind.lower()}", "fhir.resources")
    return getattr(module, kind).model_validate(data)


def versions(catalog: Path, **settings) -> dict[str, str]:
    loaded = load_catalog(catalog)
    renderer = Renderer.create(loaded.site, **settings)
    return {r.key: handout_version(renderer, r) for r in loaded.reviews}


def test_editing_one_review_changes_its_version_and_no_other(catalog_copy):
    before = versions(catalog_copy)
    assert len(set(before.values())) == len(before)
    assert all(re.fullmatch(r"2026-11-01\.[0-9a-f]{8}", v) for v in before.values())  # site.yaml's edition date
    write_yaml(catalog_copy / "reviews/low-dose-naltrexone/fibromyalgia.yaml",
               {"research_note": "Two small trials reported no serious adverse events.", "reviewed_on": "2026-03-05"})
    after = versions(catalog_copy)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"low-dose-naltrexone/fibromyalgia"}
    assert after["low-dose-naltrexone/fibromyalgia"].startswith("2026-03-05.")  # the review's own date
    # the same text on other paper, or in other colours (the brand's CSS in every page's <head>)
    assert versions(catalog_copy, paper="a4") == after
    from publisher.catalog.brand import load_brand

    brands = [load_brand(write_yaml(catalog_copy.parent / f"{colour}.yaml", {
        "name": "Riverside Clinic", "phone": "555 0100", "accent_color": f"#{colour}"})) for colour in ("1a5276", "7a1a1a")]
    first, second = (versions(catalog_copy, brand=brand) for brand in brands)
    assert first == second and first != after  # the clinic's name and phone are printed: its own versions


def test_a_booklet_version_follows_its_reviews_not_its_paper(catalog_copy):
    from publisher.catalog.bundles import bundles
    from publisher.paths import bundle_stem
    from publisher.versions import bundle_version

    def booklets(**settings) -> dict[str, str]:
        loaded = load_catalog(catalog_copy)
        renderer = Renderer.create(loaded.site, **settings)
        return {bundle_stem(b): bundle_version(renderer, b.volumes[0]) for b in bundles(list(loaded.reviews))}

    before = booklets()
    assert len(before) == 11 and before == booklets(paper="a4", duplex=True)
    write_yaml(catalog_copy / "reviews/low-dose-naltrexone/psoriasis.yaml", {"research_note": "No trial yet."})
    changed = {stem for stem, version in booklets().items() if version != before[stem]}
    assert changed == {"low-dose-naltrexone--all-conditions", "all-compounds--psoriasis"}


def test_a_booklet_has_no_version_while_a_handout_record_is_missing():
    loaded = load_catalog(ROOT / "catalog")
    renderer = Renderer.create(loaded.site)
    from publisher.catalog.bundles import bundles
    from publisher.versions import bundle_version

    volume = next(b for b in bundles(list(loaded.reviews)) if b.slug == "liver-cancer").volumes[0]
    known = {e.review.key: handout_version(renderer, e.review) for e in volume.entries}
    assert bundle_version(renderer, volume, known) == bundle_version(renderer, volume)  # read or worked out: one version
    assert bundle_version(renderer, volume, {}) is None


def test_the_content_hashed_is_what_the_page_says():
    page = ('<html><head><title>x</title><style>p { color: red }</style></head><body class="a">'
            '<div class="masthead" data-page-word="Page">Hi&nbsp;there</div><script>var x = 1;</script>'
            '<!-- a comment --><img src="file:///home/me/logo.png" alt="Clinic logo"><p>\n  Two   words</p></body></html>')
    assert content_text(page) == "Page Hi there Clinic logo Two words"
    assert content_text(page.replace('class="a"', 'class="b"').replace("red", "blue")) == content_text(page)


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """A two-review catalog without a site address (one review a draft), built as PDFs and FHIR."""
    root = tmp_path_factory.mktemp("records")
    catalog = make_catalog(root / "catalog", compounds={"ldn": {**LDN, "codes": {"rxnorm": 7243, "atc": "N07BB04"}}},
                           conditions={"gout": {"name": "Gout", "specialist": "rheumatologist",
                                                "codes": {"icd10cm": "M10.9", "snomed": 90560007}},
                                       "acne": {"name": "Acne", "specialist": "dermatologist"}},
                           reviews={("ldn", "acne"): {"status": "draft", "reviewed_on": "2026-02-03"}},
                           site={"publisher": "Clinic A", "edition_date": "2026-01-01"})
    build(catalog, root / "out", formats="fhir", jobs=1)
    return catalog, root / "out"


def documents(out: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "fhir/DocumentReference").glob("*.json"))}


def test_every_fhir_file_validates_and_its_hash_is_the_pdf(records):
    catalog, out = records
    found = documents(out)
    assert sorted(found) == ["ldn--acne--en.json", "ldn--gout--en.json"]
    for name, data in found.items():
        resource = r4("DocumentReference", data)
        assert FHIR_ID.fullmatch(resource.id) and name == f"{resource.id}.json"
        assert (data["status"], data["type"]["coding"]) == ("current", [
            {"system": "http://loinc.org", "code": "69730-0", "display": "Instructions"}])
        attachment = data["content"][0]["attachment"]
        pdf = (out / "fhir" / urlsplit(attachment["url"]).path).resolve()  # relative to fhir/, FHIR's base
        assert pdf.is_relative_to(out.resolve()) and pdf.suffix == ".pdf"
        assert attachment["size"] == pdf.stat().st_size and attachment["contentType"] == "application/pdf"
        assert base64.b64decode(attachment["hash"]) == hashlib.sha1(pdf.read_bytes()).digest()
        assert "subject" not in data and "relatesTo" not in data  # about no patient; a first version
        assert VERSION.fullmatch(data["masterIdentifier"]["value"].rpartition("|")[2])
    gout, acne = found["ldn--gout--en.json"], found["ldn--acne--en.json"]
    assert (gout["docStatus"], acne["docStatus"]) == ("final", "preliminary")
    assert (gout["date"], acne["date"]) == ("2026-01-01T00:00:00Z", "2026-02-03T00:00:00Z")
    assert gout["description"] == "Is Low-Dose Naltrexone (LDN) Safe for Gout Patients?"
    assert [[(c["system"], c["code"]) for c in concept["coding"]] for concept in gout["category"]] == [
        [("http://hl7.org/fhir/sid/icd-10-cm", "M10.9"), ("http://snomed.info/sct", "90560007")],
        [("http://www.nlm.nih.gov/research/umls/rxnorm", "7243"), ("http://www.whocc.no/atc", "N07BB04")]]
    bundle = json.loads((out / "fhir/Bundle.json").read_text(encoding="utf-8"))
    r4("Bundle", bundle)
    assert bundle["type"] == "collection" and bundle["timestamp"] == "2026-01-01T00:00:00Z"
    assert [e["resource"] for e in bundle["entry"]] == [acne, gout]  # catalog order: conditions by slug
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in bundle["entry"])


def test_each_pdf_prints_on_every_page_the_version_its_xmp_and_fhir_name(records):
    catalog, out = records
    for data in documents(out).values():
        pdf = (out / "fhir" / urlsplit(data["content"][0]["attachment"]["url"]).path).resolve()
        document_id, version = pdf_identity(pdf)
        assert (data["identifier"][0]["value"], data["masterIdentifier"]["value"]) == (
            f"{document_id}--en", f"{document_id}--en|{version}")
        assert_every_footer_names(pdf, document_id, version)
        for page in raw_pages(pdf):  # beside the footer's publisher and page number, in that order
            assert f"\nClinic A\n{document_id} · Version {version}\nPage " in page


def test_editing_a_review_changes_the_version_its_pdfs_print_and_no_other(tmp_path):
    catalog = make_catalog(tmp_path / "catalog", compounds={"ldn": LDN},
                           conditions={"gout": {"name": "Gout", "specialist": "rheumatologist"},
                                       "acne": {"name": "Acne", "specialist": "dermatologist"}},
                           site={"publisher": "Clinic A", "edition_date": "2026-01-01"})
    out = tmp_path / "out"

    def identities() -> dict[str, tuple[str, str]]:
        build(catalog, out, formats="pdf,booklet", jobs=1)
        return {p.relative_to(out).as_posix(): pdf_identity(p) for p in sorted(out.rglob("*.pdf"))}

    before = identities()
    assert before["pdf/ldn/ldn--gout.pdf"][0] == "ldn--gout"
    assert before["booklets/ldn--all-conditions.pdf"][0] == "ldn--all-conditions"
    write_yaml(catalog / "reviews/ldn/gout.yaml", {"research_note": "One small trial reported no serious events."})
    after = identities()
    assert {path for path in before if before[path] != after[path]} == {
        "pdf/ldn/ldn--gout.pdf", "booklets/ldn--all-conditions.pdf", "booklets/by-condition/all-compounds--gout.pdf"}
    assert {path: i[0] for path, i in before.items()} == {path: i[0] for path, i in after.items()}  # the ids stay
    for path, (document_id, version) in after.items():
        assert_every_footer_names(out / path, document_id, version)


@pytest.mark.slow
def test_the_longest_document_id_keeps_its_large_print_foot_on_the_paper(tmp_path):
    """Two 40-character slugs: at 18 pt the id takes two lines, and the foot grows to hold them:
    its last line as far from the paper's edge as a short id's, a quarter inch or more."""
    compound, condition = "abcdefghij-klmnopqrst-uvwxyzabcd-efghijk", "chronic-inflammatory-demyelinating-polyn"
    catalog = make_catalog(tmp_path / "catalog", compounds={compound: LDN, "ldn": LDN},
                           conditions={condition: {"name": "CIDP", "specialist": "neurologist"}},
                           site={"publisher": "Clinic A", "edition_date": "2026-01-01"})
    out = tmp_path / "out"
    build(catalog, out, formats="pdf", edition="large-print", jobs=1)
    lowest = {}
    for path in sorted(out.rglob("*.pdf")):
        document, version = pdf_identity(path)
        assert_every_footer_names(path, document, version)
        boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
        height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', boxes)[1])
        lowest[document] = height - max(float(y) for y in re.findall(r'<word [^>]*yMax="([\d.]+)"', boxes))
    assert len(lowest) == 2 and min(lowest.values()) >= 0.25 * 72, lowest  # points between text and edge
    assert abs(lowest[f"{compound}--{condition}"] - lowest["ldn--" + condition]) < 1, lowest


def test_an_edited_review_replaces_its_previous_version(records, tmp_path):
    catalog, built = records
    catalog, out = copy_of(catalog, tmp_path / "catalog"), copy_of(built, tmp_path / "out")
    before = documents(out)
    write_yaml(catalog / "reviews/ldn/gout.yaml", {"research_note": "One small trial in gout reported no harm."})
    build(catalog, out, formats="fhir", jobs=1)
    after = documents(out)
    assert after["ldn--acne--en.json"] == before["ldn--acne--en.json"]
    old, new = before["ldn--gout--en.json"], after["ldn--gout--en.json"]
    assert new["masterIdentifier"]["value"] != old["masterIdentifier"]["value"]
    assert new["relatesTo"] == [{"code": "replaces", "target": {
        "type": "DocumentReference", "identifier": old["masterIdentifier"],
        "display": old["masterIdentifier"]["value"].rpartition("|")[2]}}]
    r4("DocumentReference", new)
    # other paper: new PDFs, the same content: versions kept, and what they replace
    build(catalog, out, formats="fhir", paper="a4", jobs=1)
    again = documents(out)
    assert again["ldn--gout--en.json"]["content"] != new["content"]
    for name in after:
        assert again[name]["masterIdentifier"] == after[name]["masterIdentifier"]
        assert again[name].get("relatesTo") == after[name].get("relatesTo")


def test_a_tampered_previous_file_is_no_history(records, tmp_path):
    catalog, built = records
    out = copy_of(built, tmp_path / "out")
    path = out / "fhir/DocumentReference/ldn--gout--en.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["masterIdentifier"]["value"] = "ldn--gout--en|</script><script>alert(1)</script>"
    path.write_text(json.dumps(data), encoding="utf-8")
    build(catalog, out, formats="fhir", jobs=1, force=True)
    again = json.loads(path.read_text(encoding="utf-8"))
    assert "relatesTo" not in again and again == json.loads((built / path.relative_to(out)).read_text(encoding="utf-8"))


def test_handout_record_is_a_communication_naming_the_version_given(records, tmp_path, monkeypatch):
    catalog, out = records
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["handout", "ldn", "gout", "--catalog", str(catalog), "--given", "2026-12-01",
                                       "-o", "p.pdf", "--record", "given.json",
                                       "--patient-ref", "https://ehr.example.org/fhir/Patient/a-17"])
    assert result.exit_code == 0, result.output
    assert "a-17" not in result.output  # the patient is never printed
    record = json.loads((tmp_path / "given.json").read_text(encoding="utf-8"))
    r4("Communication", record)
    assert (record["status"], record["sent"]) == ("completed", "2026-12-01")
    assert record["subject"] == {"reference": "https://ehr.example.org/fhir/Patient/a-17", "type": "Patient"}
    assert {"system": "http://snomed.info/sct", "code": "311401005", "display": "Patient education (procedure)"} in [
        c for concept in record["category"] for c in concept["coding"]]
    given = record["payload"][0]["contentReference"]["identifier"]
    assert given == documents(out)["ldn--gout--en.json"]["masterIdentifier"]  # the version the build describes
    document, version = pdf_identity(tmp_path / "p.pdf")  # and the patient's copy prints
    assert given["value"] == f"{document}--en|{version}"
    assert_every_footer_names(tmp_path / "p.pdf", document, version)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["given.json", "p.pdf"]


TOGETHER = "Error: --record and --patient-ref go together: the record says who was given the handout"
NOT_A_PATIENT = ("Error: --patient-ref: not a FHIR reference to a patient: give Patient/<id>, or an absolute http(s) "
                 "URL ending in /Patient/<id> (an id is 1 to 64 letters, digits, '-' or '.')")


@pytest.mark.parametrize("args, code, message", [
    (["--record", "r.json"], 2, TOGETHER),
    (["--patient-ref", "Patient/1"], 2, TOGETHER),
    (["--record", "-", "-o", "-", "--patient-ref", "Patient/1"], 2,
     "Error: -o - and --record - cannot both use standard output: write one of them to a file"),
    (["--record", "r.json", "--patient-ref", "Patient/12 3<script>"], 1, NOT_A_PATIENT),
    (["--record", "r.json", "--patient-ref", "Observation/1"], 1, NOT_A_PATIENT),
    (["--record", "r.json", "--patient-ref", "ftp://ehr.example.org/Patient/1"], 1, NOT_A_PATIENT),
])
def test_handout_record_refuses_a_bad_patient_reference_and_writes_nothing(records, tmp_path, monkeypatch, args, code,
                                                                           message):
    catalog, _ = records
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["handout", "ldn", "gout", "--catalog", str(catalog), *args])
    assert (result.exit_code, result.output.splitlines()) == (code, [message])
    assert list(tmp_path.iterdir()) == []


def ld_json(page: str) -> list[dict]:
    """Every JSON-LD block of a page, as a browser splits it: up to the first ``</script``."""
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script', page, re.S)]


def test_json_ld_keeps_a_hostile_name_inside_its_script(unseen_built):
    page = (unseen_built / "compounds/zz-hostile.html").read_text(encoding="utf-8")
    (data,) = ld_json(page)
    assert (data["@type"], data["audience"]) == ("MedicalWebPage", {"@type": "Patient"})
    drug = data["about"][0]
    assert drug["@type"] == "Drug" and drug["name"] == f"{HOSTILE} (<b>bold</b>)"
    assert "</script>" not in page.split('type="application/ld+json">')[1].split("</script>")[0]


@pytest.mark.slow
def test_versions_are_in_catalog_json_zip_manifests_cards_and_json_ld(shipped):
    docs = documents(shipped)
    assert len(docs) == 10
    for data in docs.values():
        r4("DocumentReference", data)
        attachment = data["content"][0]["attachment"]
        assert attachment["url"].startswith("https://insightswarm.ai/pdf/low-dose-naltrexone/")
        pdf = shipped / attachment["url"].removeprefix("https://insightswarm.ai/")
        assert base64.b64decode(attachment["hash"]) == hashlib.sha1(pdf.read_bytes()).digest()
    by_id = {d["identifier"][0]["value"].removesuffix("--en"): d["masterIdentifier"]["value"].rpartition("|")[2]
             for d in docs.values()}
    catalog = json.loads((shipped / "catalog.json").read_text(encoding="utf-8"))
    assert {r["id"]: r["version"] for r in catalog["reviews"]} == by_id
    with zipfile.ZipFile(shipped / "downloads/all-compounds--liver-cancer.zip") as archive:
        (entry,) = [f for f in json.loads(archive.read("manifest.json"))["files"] if "condition" in f]  # the handout
        assert not [name for name in archive.namelist() if name.endswith(".json") and name != "manifest.json"]
    assert entry["version"] == by_id[entry["id"]] == by_id["low-dose-naltrexone--liver-cancer"]
    page = (shipped / "conditions/liver-cancer.html").read_text(encoding="utf-8")
    assert f'<p class="version">Version {entry["version"]}</p>' in page
    # each booklet: the id and version its PDF prints and names in XMP, in catalog.json, its zip's
    # manifest and beside its link
    for found in catalog["bundles"]:
        booklet = found["files"]["booklet"]
        document, version = pdf_identity(shipped / booklet["path"])
        assert (booklet["id"], booklet["version"]) == (document, version) == (Path(booklet["path"]).stem, version)
        with zipfile.ZipFile(shipped / found["files"]["zip"]["path"]) as archive:
            listed = json.loads(archive.read("manifest.json"))["files"]
        assert [(f["id"], f["version"]) for f in listed if f["name"] == Path(booklet["path"]).name] == [(document, version)]
        listing = (shipped / f"{found['kind']}s/{found['slug']}.html").read_text(encoding="utf-8")
        assert f" · Version {version}</span></li>" in listing
    (data,) = ld_json(page)
    assert data["@type"] == "MedicalWebPage" and data["url"] == "https://insightswarm.ai/conditions/liver-cancer.html"
    assert [a["@type"] for a in data["about"]] == ["MedicalCondition", "Drug"]
    assert {"@type": "MedicalCode", "codeValue": "C22.9", "codingSystem": "ICD-10-CM"} in data["about"][0]["code"]
    assert data["about"][1]["rxcui"] == "7243"
    assert data["reviewedBy"] == [{"@type": "Person", "name": "Nikhil Joshi, MD, FRCPC"}]  # no review names one
    lookup = json.loads((shipped / "lookup.json").read_text(encoding="utf-8"))
    liver = next(h for h in lookup["handouts"] if "Liver" in h["title"])
    assert "http://hl7.org/fhir/sid/icd-10-cm|C229" in liver["codes"] and (shipped / liver["pdf"]).is_file()


@pytest.mark.slow
def test_paper_and_css_change_no_version_in_a_build(shipped, tmp_path):
    out = copy_of(shipped, tmp_path / "out")
    before = {name: d["masterIdentifier"] for name, d in documents(out).items()}
    report = build(ROOT / "catalog", out, formats="fhir", paper="a4", jobs=2)
    assert any(p.startswith("fhir/DocumentReference/") for p in report.written)  # new PDFs: new sizes and hashes
    assert {name: d["masterIdentifier"] for name, d in documents(out).items()} == before


LOOKUP = "lookup.html?"
ICD10, RXNORM = "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.88"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("query, found", [
    (f"mainSearchCriteria.v.c=C22.9&mainSearchCriteria.v.cs={ICD10}", ["Liver Cancer"]),
    (f"mainSearchCriteria.v.c=7243&mainSearchCriteria.v.cs={RXNORM}", 10),
    ("mainSearchCriteria.v.c=m79.7&mainSearchCriteria.v.cs=http://hl7.org/fhir/sid/icd-10-cm"
     f"&mainSearchCriteria.v.c=C22.9&mainSearchCriteria.v.cs=urn:oid:{ICD10}", ["Fibromyalgia", "Liver Cancer"]),
    (f"mainSearchCriteria.v.c0=G35&mainSearchCriteria.v.cs0={ICD10}&mainSearchCriteria.v.c1=F33.9"
     f"&mainSearchCriteria.v.cs1={ICD10}", ["Major Depressive Disorder", "Multiple Sclerosis"]),
    (f"mainSearchCriteria.v.c=K76.0&mainSearchCriteria.v.cs={ICD10}", []),
    (f"mainSearchCriteria.v.c=C22.9&mainSearchCriteria.v.cs={RXNORM}", []),  # the right code in the wrong system
])
def test_a_browser_resolves_infobutton_lookups_from_disk(shipped, query, found):
    from selenium.webdriver.common.by import By

    driver = chromium()
    try:
        driver.get((shipped / "lookup.html").as_uri() + "?" + query)
        results = driver.find_element(By.CSS_SELECTOR, "[data-lookup]")
        every = driver.find_element(By.CSS_SELECTOR, "[data-all]")
        none = driver.find_element(By.CSS_SELECTOR, "[data-none]")
        if found:
            titles = [a.text for a in results.find_elements(By.CSS_SELECTOR, "li > a:first-child")]
            if isinstance(found, int):
                assert len(titles) == found
            else:
                assert [re.search(r"Safe for (.*) Patients", t)[1] for t in titles] == found
            assert results.is_displayed() and not every.is_displayed() and not none.is_displayed()
            link = results.find_element(By.CSS_SELECTOR, "li > a")
            assert Path(urlsplit(link.get_attribute("href")).path).is_file()
        else:
            assert none.is_displayed() and not results.is_displayed() and every.is_displayed()
            assert none.text.startswith("No handout matches the codes ") and "K76.0" in none.text or "C22.9" in none.text
            assert len(every.find_elements(By.CSS_SELECTOR, "li")) == 10
    finally:
        driver.quit()
