"""The conformance checkers on the language editions, not only on English: outloud (PDF/UA-1)
on the Spanish, Chinese and Arabic Liver Cancer handout and condition booklet, EPUBCheck and
Ace by DAISY on the condition's Chinese and Arabic EPUBs (one per script: the Latin script's
books are checked in test_epub.py). One condition of the one compound: seconds per check."""

from __future__ import annotations

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader


from conftest import TRANSLATED
from helpers import ace, epubcheck, require

LANGUAGES = TRANSLATED  # es, zh-Hans, ar
SCRIPTS = ["zh-Hans", "ar"]  # the non-Latin scripts: one EPUB each for EPUBCheck and Ace

pytestmark = pytest.mark.slow  # the Liver Cancer editions in three languages (conftest.py)


@pytest.fixture
def editions(liver_cancer_editions) -> Path:
    """The Liver Cancer outputs in es, zh-Hans and ar (conftest.py, built once per session)."""
    return liver_cancer_editions


def outputs(out: Path, language: str) -> dict[str, Path]:
    return {"handout": out / f"{language}/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--{language}.pdf",
            "booklet": out / f"{language}/booklets/by-condition/all-compounds--liver-cancer--{language}.pdf",
            "epub": out / f"{language}/epub/by-condition/all-compounds--liver-cancer--{language}.epub"}


def test_each_pdf_names_its_language_in_the_catalog_and_the_xmp(editions):
    for lang in LANGUAGES:
        for kind in ("handout", "booklet"):
            reader = PdfReader(outputs(editions, lang)[kind])
            xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
            assert reader.trailer["/Root"]["/Lang"] == lang
            assert re.search(r"<dc:language>\s*<rdf:Bag>\s*<rdf:li>" + re.escape(lang) + "</rdf:li>", xmp), (lang, kind)


@pytest.mark.checker
def test_outloud_passes_each_languages_handout_and_booklet(editions):
    files = {str(outputs(editions, lang)[kind]): lang for lang in LANGUAGES for kind in ("handout", "booklet")}
    result = subprocess.run([require("outloud"), "--fail-on", "never", "--json", "-", *files], capture_output=True, text=True)
    reports = {r["path"]: r for r in json.loads(result.stdout)["results"]}
    assert sorted(reports) == sorted(files), result.stderr
    for path, report in reports.items():
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        # outloud calls an /Artifact line "prose" when it has 8 words, 4 of them lower case, and
        # does not recur on 2 pages of a 2-page handout: the Spanish running head (sentence case),
        # which is a /Pagination artifact as PDF/UA wants (a draft's starts with its DRAFT mark).
        # Nothing else may be an error.
        heads = [f for f in errors if f["rule"] == "TAG-002" and f["evidence"].startswith(("¿Es seguro", "BORRADOR"))]
        assert heads == [] or files[path] == "es"
        assert [f for f in errors if f not in heads] == [], path
        assert report["verdict"] in ("pass", "review") or heads, path


@pytest.mark.checker
def test_epubcheck_passes_each_languages_epub(editions):
    """EPUBCheck on one EPUB per non-Latin script: the Chinese and the Arabic book (the Spanish
    one is built as the English and French books test_epub.py checks are)."""
    books = [outputs(editions, lang)["epub"] for lang in SCRIPTS]
    with ThreadPoolExecutor(2) as pool:
        for path, printed in zip(books, pool.map(epubcheck, books)):
            assert printed == "", path


@pytest.mark.checker
def test_ace_passes_each_languages_epub_with_its_language_and_claim(editions, tmp_path):
    """Ace on one EPUB per non-Latin script: the Chinese and the Arabic book."""
    for lang in SCRIPTS:
        report = ace(outputs(editions, lang)["epub"], tmp_path / lang)
        violations = [(t["earl:test"]["earl:impact"], t["earl:test"]["dct:title"])
                      for doc in report["assertions"] for t in doc["assertions"]]
        assert violations == [], lang
        assert report["earl:result"]["earl:outcome"] == "pass", lang
        assert {"dcterms:conformsTo", "a11y:certifiedBy"} <= set(report["a11y-metadata"]["present"]), lang
        assert report["earl:testSubject"]["metadata"]["dc:language"] == lang
