"""From paper to the current online version (QR code), and how hard each handout is to read."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher import build
from publisher.cli import main
from publisher.i18n.readability import article_text, scores

from conftest import ROOT
from helpers import pdf_pages, require, squash, write_yaml


@pytest.fixture(scope="module")
def with_qr(tmp_path_factory):
    root = tmp_path_factory.mktemp("qr")
    catalog = Path(shutil.copytree(ROOT / "catalog", root / "catalog"))
    site = (catalog / "site.yaml").read_text() + "online_url: https://insightswarm.ai/reviews/{compound}/{condition}\n"
    (catalog / "site.yaml").write_text(site)
    build(catalog, root / "out", formats="pdf,html,epub", conditions=["liver-cancer", "psoriasis"], jobs=1)
    return root / "out"


def decode_qr(pdf: Path, page: int, tmp: Path) -> list[str]:
    subprocess.run([require("pdftoppm"), "-png", "-r", "150", "-f", str(page), "-l", str(page), str(pdf), str(tmp / "p")],
                   check=True)
    image = next(tmp.glob("p*.png"))
    result = subprocess.run([require("zbarimg"), "--quiet", "--raw", str(image)], capture_output=True, text=True)
    image.unlink()
    return result.stdout.split()


@pytest.mark.checker
def test_the_qr_code_decodes_to_the_reviews_online_address(with_qr, tmp_path):
    for condition in ("liver-cancer", "psoriasis"):
        pdf = with_qr / f"pdf/low-dose-naltrexone/low-dose-naltrexone--{condition}.pdf"
        url = f"https://insightswarm.ai/reviews/low-dose-naltrexone/{condition}"
        pages = pdf_pages(pdf)
        on = [n for n, text in enumerate(pages, start=1) if url in squash(text).replace(" ", "")]
        assert on, "the address is printed beside the code"
        assert decode_qr(pdf, on[0], tmp_path) == [url]


def test_the_qr_code_is_vector_and_labelled(with_qr):
    html = (with_qr / "html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.html").read_text(encoding="utf-8")
    assert '<div class="qr" role="img" aria-label="QR code for https://insightswarm.ai/reviews/low-dose-naltrexone/liver-cancer">' in html
    assert '<svg viewBox="0 0 ' in html and "<img" not in html.split('class="qr"')[1].split("</div>")[0]


@pytest.mark.checker
def test_no_pattern_no_qr_code(shipped_pdf, tmp_path):
    shipped = shipped_pdf  # the handouts are all it reads
    assert 'class="qr"' not in (shipped / "html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.html").read_text(encoding="utf-8")
    assert decode_qr(shipped / "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf", 3, tmp_path) == []


def test_a_bad_pattern_is_a_catalog_error(catalog_copy):
    (catalog_copy / "site.yaml").write_text((catalog_copy / "site.yaml").read_text() +
                                            "online_url: https://example.org/{review}\n")
    result = CliRunner().invoke(main, ["check", "--catalog", str(catalog_copy)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{catalog_copy.as_posix()}/site.yaml:12: field 'online_url' 'https://example.org/{{review}}' "
        "must contain {compound} and/or {condition}, may contain {language}, and no other braces")


def test_scores_of_known_texts():
    # 9 words, 2 sentences, 9 syllables: FK = 0.39 * 4.5 + 11.8 * 1 - 15.59 = -2.0; SMOG = 3.1291
    easy = scores("The cat sat on the mat. The dog ran.")
    assert (easy.words, easy.sentences, easy.syllables, easy.polysyllables) == (9, 2, 9, 0)
    assert (easy.flesch_kincaid_grade, easy.smog_index) == (-2.0, 3.1)
    # 12 words, 2 sentences, 28 syllables by the CMU dictionary (always 2, consult 2, physician 3,
    # before 2, any 2, medication 4, patients 2, understanding 4, treatment 2, matters 2, today 2),
    # 3 polysyllables: FK = 0.39 * 6 + 11.8 * 28 / 12 - 15.59 = 14.3; SMOG = 1.043 * sqrt(45) + 3.1291 = 10.1
    hard = scores("Always consult your physician before any medication. Patients understanding treatment matters today!")
    assert (hard.words, hard.sentences, hard.syllables, hard.polysyllables) == (12, 2, 28, 3)
    assert (hard.flesch_kincaid_grade, hard.smog_index) == (14.3, 10.1)


def test_words_are_counted_as_the_formulas_authors_counted_them():
    """A hyphenated word and a contraction are one word each, a number is a word, quotes and
    punctuation are not; 'every' has the dictionary's 3 syllables (Pyphen's hyphenation gave 2)
    and 'mg' its 2 (M-G); a word the dictionary lacks ('lowdose', '50') falls back to Pyphen."""
    found = scores("Don't take low-dose “every” 50 mg.")
    assert (found.words, found.syllables) == (6, 1 + 1 + 2 + 3 + 1 + 2)
    assert scores("Zzyzxqt.").syllables == 1  # in no dictionary, no hyphenation point


def test_article_text_takes_headings_and_items_as_sentences():
    html = "<p>masthead</p><article><h2>Bottom Line</h2><ul><li>One item</li><li>Two.</li></ul><p>Text here.</p></article>"
    assert article_text(html) == "Bottom Line.\nOne item.\nTwo.\nText here."


def test_check_readability_json_and_table(catalog_copy):
    write_yaml(catalog_copy / "site.yaml", {"publisher": "Test Press", "reading_grade_max": 12})
    result = CliRunner().invoke(main, ["check", "--catalog", str(catalog_copy), "--readability", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["wording"], data["reading_grade_max"], data["reading_grade_strict"]) == ("standard", 12, False)
    assert len(data["reviews"]) == 10
    row = data["reviews"][0]
    assert set(row) == {"review", "words", "sentences", "syllables", "polysyllables",
                        "flesch_kincaid_grade", "smog_index", "above_max"}
    assert row["review"] == "low-dose-naltrexone/chronic-kidney-disease"
    assert 400 < row["words"] < 800 and 8 < row["flesch_kincaid_grade"] < 16
    assert row["above_max"] == (row["flesch_kincaid_grade"] > 12 or row["smog_index"] > 12)
    table = CliRunner().invoke(main, ["check", "--catalog", str(catalog_copy), "--readability"]).output.splitlines()
    assert table[0] == "standard wording"
    assert table[1].split() == ["review", "FK", "grade", "SMOG", "words"]
    assert len(table) == 13
    above = sum(r["above_max"] for r in data["reviews"])
    assert table[-1] == f"{above} of 10 handout(s) above grade 12 (reading_grade_max in site.yaml)"


ADDRESS = "https://example.org/low-dose-naltrexone/liver-cancer/"  # 53 bytes, then padding


def longest_address_catalog(root: Path, length: int) -> Path:
    """The shipped catalog, Liver Cancer only, its online address ``length`` bytes long."""
    catalog = Path(shutil.copytree(ROOT / "catalog", root / "catalog"))
    for condition in (catalog / "conditions").glob("*.yaml"):
        if condition.stem != "liver-cancer":
            condition.unlink()
    site = catalog / "site.yaml"
    site.write_text(site.read_text() + f"online_url: https://example.org/{{compound}}/{{condition}}/{'b' * (length - len(ADDRESS))}\n")
    return catalog


def test_an_address_too_long_for_a_readable_code_is_refused(tmp_path):
    """Finding 10: an address check accepted (about 1,950 characters) made every handout
    exceed its time limit, and its code (version 40, 0.14 mm modules) could not be scanned."""
    catalog = longest_address_catalog(tmp_path, 214)
    result = CliRunner().invoke(main, ["check", "--catalog", str(catalog)])
    assert result.exit_code == 1
    line = next(n for n, text in enumerate((catalog / "site.yaml").read_text().splitlines(), 1) if "online_url" in text)
    assert f"site.yaml:{line}: field 'online_url' gives addresses up to 214 bytes long; the handout's one-inch " \
           "QR code stays readable up to 213" in result.output


@pytest.mark.checker
def test_the_longest_address_allowed_is_printed_beside_a_code_that_scans(tmp_path):
    catalog = longest_address_catalog(tmp_path, 213)
    build(catalog, tmp_path / "out", formats="pdf", jobs=1)
    pdf = tmp_path / "out/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf"
    url = ADDRESS + "b" * (213 - len(ADDRESS))
    from pypdf import PdfReader

    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        starts = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: starts.append((text, tm[4] * cm[0] + cm[4])))
        found = [x for text, x in starts if text.startswith("Read the current version")]
        if found:
            break
    left = min(x for text, x in starts if text.strip())  # the text column's left edge
    assert found and found[0] - left >= 72 + 12 - 0.5, "the address starts right of the one-inch code and its margin"
    assert decode_qr(pdf, number, tmp_path) == [url]
