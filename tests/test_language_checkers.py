"""The conformance checkers on the language editions, not only on English: outloud (PDF/UA-1)
on the Spanish, Chinese and Arabic Liver Cancer handout and condition booklet, and on every PDF
of a partial Spanish translation, of a catalog with long names and of the large-print edition;
EPUBCheck and Ace by DAISY on the condition's Chinese and Arabic EPUBs (one per script: the
Latin script's books are checked in test_epub.py). The language editions are one condition of
the one compound: seconds per check."""

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


def outloud_errors(files: list[str]) -> dict[str, list]:
    """outloud's errors in each of ``files`` (``--fail-on error``: the exit status says the same)."""
    result = subprocess.run([require("outloud"), "--fail-on", "error", "--json", "-", *files], capture_output=True, text=True)
    reports = {r["path"]: r for r in json.loads(result.stdout)["results"]}
    assert sorted(reports) == sorted(files), result.stderr
    errors = {path: [(f["rule"], f["evidence"]) for f in r["findings"] if f["severity"] == "error"]
              for path, r in reports.items()}
    assert (result.returncode == 0) == (not any(errors.values())), result.stderr
    return errors


@pytest.mark.checker
def test_outloud_passes_each_languages_handout_and_booklet(editions):
    files = [str(outputs(editions, lang)[kind]) for lang in LANGUAGES for kind in ("handout", "booklet")]
    assert {path: found for path, found in outloud_errors(files).items() if found} == {}


@pytest.mark.checker
def test_outloud_passes_every_pdf_of_long_names_partial_translations_and_large_print(
        long_names_built, partial_spanish, large_print):
    """No finding accepted: every handout and booklet, standard and large print, of a catalog with
    long and hostile names, of a partial Spanish translation (a draft: both marks on every page),
    and of the shipped catalog in large print. Their running heads once carried whole titles,
    which outloud took for prose hidden as /Artifact (TAG-002)."""
    files = sorted(str(p) for root in (long_names_built, partial_spanish, large_print) for p in root.rglob("*.pdf"))
    assert len(files) == 16 + 14 + 21
    assert {path: found for path, found in outloud_errors(files).items() if found} == {}


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
