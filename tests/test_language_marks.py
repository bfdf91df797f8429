"""What a language edition says about itself: a "partial translation" mark on every page
built with --allow-incomplete, the DRAFT mark of a draft translation, both in the page's
language; `{language}` in online_url; readability scored per language."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from publisher import build
from publisher.catalog import load_catalog
from publisher.cli import main
from publisher.pipeline.fingerprint import Fingerprints
from publisher.outputs import OUTPUTS
from publisher.i18n.readability import WORD, report
from publisher.i18n.readability_es import spanish_scores, syllables
from publisher.render import RenderSettings, make_environment

from conftest import ROOT
from helpers import page_tops, pdf_pages, require, squash, untranslate

PARTIAL = {"es": "Traducción parcial: parte del texto se muestra sin traducir",
           "ar": "ترجمة جزئية: بعض النصوص معروضة دون ترجمة"}
SHORT = {"es": "Traducción parcial", "ar": "ترجمة جزئية"}  # the mark above every later page's head
DRAFT = {"es": "BORRADOR — no apto para pacientes", "ar": "مسودة — غير مخصصة للمرضى"}
ONLINE = "https://example.org/{language}/{compound}/{condition}"


def catalog_in(root: Path, languages: str, online: bool = True) -> Path:
    catalog = Path(shutil.copytree(ROOT / "catalog", root / "catalog"))
    site = catalog / "site.yaml"
    extra = f"languages: [{languages}]\n" + (f"online_url: {ONLINE}\n" if online else "")
    site.write_text(site.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return catalog


def says(text: str, phrase: str) -> bool:
    """``phrase`` is on the page; for Arabic, every word of it (poppler gives right-to-left
    words in visual order, between embedding marks)."""
    if phrase.isascii() or phrase in text:
        return phrase in text
    return set(re.findall(r"\w+", phrase)) <= set(re.findall(r"\w+", text))


@pytest.fixture(scope="module")
def partial(tmp_path_factory) -> Path:
    """es and ar editions of Liver Cancer, each missing one string, built --allow-incomplete."""
    root = tmp_path_factory.mktemp("partial")
    catalog = catalog_in(root, "en, es, zh-Hans, ar")
    untranslate(catalog, "es")
    untranslate(catalog, "ar")
    build(catalog, root / "out", formats="html,pdf,booklet,epub", conditions=["liver-cancer"],
          languages=["es", "ar"], allow_incomplete=True, jobs=1)
    return root / "out"


def pdf(out: Path, language: str, kind: str) -> Path:
    return out / language / {
        "handout": f"pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--{language}.pdf",
        "booklet": f"booklets/by-condition/all-compounds--liver-cancer--{language}.pdf"}[kind]


@pytest.mark.parametrize("kind", ["handout", "booklet"])
@pytest.mark.parametrize("language", ["es", "ar"])
def test_every_pdf_page_says_partial_translation_in_its_language(partial, kind, language):
    pages = [squash(text) for text in pdf_pages(pdf(partial, language, kind))]
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert says(text, SHORT[language]), (number, text[:200])
        assert "Partial translation" not in text
    assert says(pages[0], PARTIAL[language])  # in full, boxed, on the handout's first page or the booklet's cover
    # A draft translation: its review pages also carry the DRAFT mark, in the language, beside it.
    reviews = pages if kind == "handout" else pages[2:]  # a booklet's cover and contents are not reviews
    for text in reviews:
        assert says(text, DRAFT[language])


def test_the_marks_head_every_page_after_the_first_draft_mark_first(partial):
    first, *rest = pdf_pages(pdf(partial, "es", "handout"))
    assert squash(first).index(DRAFT["es"].upper()) < squash(first).index(PARTIAL["es"])  # boxed, in that order
    tops = page_tops(pdf(partial, "es", "handout"))[1:]
    assert len(tops) == len(rest) >= 1
    for top in tops:  # above the rule: both marks on a line of their own, then the running head
        assert top.lines == [f"{DRAFT['es']} · {SHORT['es']}", "LDN · Liver Cancer"]  # the untranslated name


def test_html_and_every_epub_document_carry_the_mark(partial):
    html = (partial / "es/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--es.html").read_text(encoding="utf-8")
    assert f'<p class="partial-mark" role="note" data-head="{SHORT["es"]}">{PARTIAL["es"]}</p>' in html
    with zipfile.ZipFile(partial / "es/epub/by-condition/all-compounds--liver-cancer--es.epub") as book:
        documents = [n for n in book.namelist() if n.endswith(".xhtml")]
        assert {"EPUB/cover.xhtml", "EPUB/title.xhtml", "EPUB/nav.xhtml"} < set(documents) and len(documents) == 4
        for name in documents:
            mark = re.search(r'<p class="partial-mark" role="note"[^>]*>(.*?)</p>', book.read(name).decode("utf-8"))
            assert mark and mark.group(1) == PARTIAL["es"], name


def test_a_complete_translation_has_no_mark_and_an_approved_one_no_draft_mark(tmp_path):
    catalog = catalog_in(tmp_path, "en, es", online=False)
    out = tmp_path / "out"
    build(catalog, out, formats="pdf", conditions=["liver-cancer"], languages=["es"], jobs=1)
    pages = [squash(t) for t in pdf_pages(pdf(out, "es", "handout"))]
    assert all(DRAFT["es"] in t and PARTIAL["es"] not in t for t in pages)  # complete, but a draft
    (catalog / "translations/es.yaml").write_text(
        "status: approved\ntranslator: A. Traductora\nreviewed_on: 2026-10-01\n", encoding="utf-8")
    build(catalog, out, formats="pdf", conditions=["liver-cancer"], languages=["es"], jobs=1)
    pages = [squash(t) for t in pdf_pages(pdf(out, "es", "handout"))]
    assert pages and not any(DRAFT["es"] in t or PARTIAL["es"] in t or "BORRADOR" in t for t in pages)


def test_the_mark_is_part_of_the_fingerprint(tmp_path):
    catalog = load_catalog(ROOT / "catalog")
    settings = RenderSettings(catalog.site, "letter")
    marked = dataclasses.replace(settings, site=dataclasses.replace(catalog.site, partial_translation=True))
    output = OUTPUTS["pdf"]
    target = output.targets(list(catalog.reviews[:1]), settings)[0]
    assert (Fingerprints(make_environment(), settings).of(output, target)
            != Fingerprints(make_environment(), marked).of(output, target))


@pytest.mark.checker
def test_the_spanish_handout_links_to_the_spanish_page(partial, tmp_path):
    url = "https://example.org/es/low-dose-naltrexone/liver-cancer"
    handout = pdf(partial, "es", "handout")
    links = [a.get_object()["/A"]["/URI"] for page in PdfReader(handout).pages
             for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert url in links and not any("{language}" in link for link in links)
    on = next(n for n, text in enumerate(pdf_pages(handout), start=1) if url in squash(text).replace(" ", ""))
    subprocess.run([require("pdftoppm"), "-png", "-r", "150", "-f", str(on), "-l", str(on), str(handout), str(tmp_path / "p")],
                   check=True)
    decoded = subprocess.run([require("zbarimg"), "--quiet", "--raw", str(next(tmp_path.glob("p*.png")))],
                             capture_output=True, text=True).stdout.split()
    assert decoded == [url]
    arabic = PdfReader(pdf(partial, "ar", "handout"))
    assert any(a.get_object().get("/A", {}).get("/URI") == "https://example.org/ar/low-dose-naltrexone/liver-cancer"
               for page in arabic.pages for a in page.get("/Annots") or [])


def test_an_unknown_placeholder_is_a_catalog_error(tmp_path):
    catalog = catalog_in(tmp_path, "en, es", online=False)
    site = catalog / "site.yaml"
    text = site.read_text(encoding="utf-8") + "online_url: https://example.org/{lang}/{compound}\n"
    site.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--catalog", str(catalog)])
    assert result.exit_code == 1
    line = len(text.splitlines())
    assert result.output.splitlines()[0] == (
        f"{catalog.as_posix()}/site.yaml:{line}: field 'online_url' 'https://example.org/{{lang}}/{{compound}}' "
        "must contain {compound} and/or {condition}, may contain {language}, and no other braces")


# --- readability per language -------------------------------------------------------------

def test_spanish_syllables_follow_diphthong_and_hiatus_rules():
    counted = {w: syllables(w) for w in ("farmacéutico", "María", "guía", "lee", "hoy", "y", "pingüino",
                                         "buey", "ahumado", "ciudad", "caótico", "que", "reúne", "ayer")}
    assert counted == {"farmacéutico": 5, "María": 3, "guía": 2, "lee": 2, "hoy": 1, "y": 1, "pingüino": 3,
                       "buey": 1, "ahumado": 3, "ciudad": 2, "caótico": 4, "que": 1, "reúne": 3, "ayer": 2}


def test_spanish_scores_of_a_known_passage():
    # El(1) mé-di-co(3) re-vi-sa(3) la(1) do-sis(2): 5 words, 10 syllables.
    # Pre-gun-te(3) a(1) su(1) far-ma-céu-ti-co(5) si(1) tie-ne(2) du-das(2): 7 words, 15.
    # Ma-rí-a(3) le-e(2) el(1) pros-pec-to(3) dí-a(2) y(1) si-gue(2) la(1) guí-a(2): 9 words, 17.
    # 21 words, 42 syllables, 3 sentences:
    # Szigriszt-Pazos = 206.835 - 62.3 * 42 / 21 - 21 / 3 = 75.235 (INFLESZ 65-80: fairly easy)
    # Fernández-Huerta = 206.84 - 0.60 * (100 * 42 / 21) - 1.02 * 21 / 3 = 79.70
    text = ("El médico revisa la dosis. Pregunte a su farmacéutico si tiene dudas. "
            "María lee el prospecto día y sigue la guía.")
    found = spanish_scores(WORD.findall(text), 3)
    assert (found.words, found.sentences, found.syllables) == (21, 3, 42)
    assert (found.szigriszt_pazos, found.fernandez_huerta, found.inflesz) == (75.2, 79.7, "fairly easy")
    assert not found.difficult


def test_readability_per_language_of_site_yaml(tmp_path):
    catalog = catalog_in(tmp_path, "en, es, zh-Hans", online=False)
    found = report(load_catalog(catalog))
    assert found["language"] == "en" and found["formula"] == "Flesch-Kincaid grade, SMOG"
    spanish, chinese = found["languages"]
    assert spanish["language"] == "es" and not spanish["partial_translation"]
    row = next(r for r in spanish["reviews"] if r["review"] == "low-dose-naltrexone/liver-cancer")
    assert set(row) == {"review", "words", "sentences", "syllables", "fernandez_huerta", "szigriszt_pazos",
                        "inflesz", "difficult"}
    english = next(r for r in found["reviews"] if r["review"] == "low-dose-naltrexone/liver-cancer")
    assert row["words"] != english["words"]  # scored on the translated text
    assert chinese == {"language": "zh-Hans", "partial_translation": False,
                       "not_scored": "no recognised readability formula for zh-Hans is wired in"}
    table = CliRunner().invoke(main, ["check", "--catalog", str(catalog), "--readability"]).output.splitlines()
    assert "es: Fernández-Huerta, Szigriszt-Pazos (INFLESZ scale)" in table
    assert table[-1] == "zh-Hans: not scored (no recognised readability formula for zh-Hans is wired in)"
    assert not any("FK grade" in line for line in table[table.index("es: Fernández-Huerta, Szigriszt-Pazos (INFLESZ scale)"):])


def test_large_print_marks_every_page_well_inside_the_paper(tmp_path):
    """At 18 pt the draft's mark, the partial translation's and the running head each have a
    line above the rule of every page after the first, half an inch or more from the paper's
    edge."""
    catalog = catalog_in(tmp_path, "en, es", online=False)
    untranslate(catalog, "es")
    out = tmp_path / "out"
    build(catalog, out, formats="pdf", conditions=["liver-cancer"], languages=["es"], allow_incomplete=True,
          edition="large-print", jobs=1)
    handout = out / "es/large-print/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--large-print--es.pdf"
    pages = pdf_pages(handout)
    assert len(pages) >= 4 and PARTIAL["es"] in squash(pages[0]) and all(SHORT["es"] in squash(text) for text in pages)
    assert [top.lines for top in page_tops(handout)[1:]] == [[DRAFT["es"], SHORT["es"], "LDN · Liver Cancer"]] * (len(pages) - 1)
    bbox = subprocess.run(["pdftotext", "-bbox", str(handout), "-"], capture_output=True, text=True, check=True).stdout
    tops = [min(float(y) for y in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"', page))
            for page in bbox.split("<page ")[1:]]
    assert len(tops) == len(pages) and min(tops) > 36, tops
