"""The template wording per language: gettext messages in layouts/locale, faces per script,
right to left for Arabic. The English output is unchanged (test_golden_html.py)."""

from __future__ import annotations

import datetime as dt
import gettext
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

from publisher.catalog import load_catalog
from publisher.outputs.pdf import PdfOutput
from publisher.render import Renderer
from publisher.i18n.wording import fingerprint_parts, long_date, script_fonts, wording_po_path as po_path
from publisher.resources import FONTS
from publisher.i18n.translate import load_translation, translate_catalog

from conftest import ROOT

LAYOUTS = ROOT / "layouts"
VENDORED = ("Atkinson-Hyperlegible", "DejaVu-Sans-Vendored", "Script-Vendored")


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> dict[str, tuple[str, Path]]:
    """The Liver Cancer handout (first compound) in es, zh-Hans and ar: its HTML and its PDF."""
    out = tmp_path_factory.mktemp("i18n")
    catalog = load_catalog(ROOT / "catalog")
    made = {}
    for language in ("es", "zh-Hans", "ar"):
        translated = translate_catalog(catalog, load_translation(catalog, language, allow_incomplete=True))
        review = next(v for v in translated.reviews if v.condition.slug == "liver-cancer")
        renderer = Renderer.create(translated.site)
        html = renderer.handout(review)
        pdf = out / f"{language}.pdf"
        pdf.write_bytes(PdfOutput(renderer).pdf_bytes(html))
        made[language] = (html, pdf)
    return made


def visible_text(html: str) -> str:
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_spanish_handout_has_no_template_sentence_left_in_english(handouts):
    text = " ".join(visible_text(handouts["es"][0]).split())
    for english in ("Frequently Asked Questions", "Bottom Line on Safety", "Medical Disclaimer",
                    "the following factors must be considered", "Patient Handout", "Last reviewed"):
        assert english not in text
    for spanish in ("Preguntas frecuentes", "Conclusión sobre la seguridad", "Aviso médico:",
                    "hay que tener en cuenta estos factores", "Hoja informativa para pacientes"):
        assert spanish in text
    assert 'data-page-word="Página" data-of-word="de"' in handouts["es"][0]


def test_dates_in_the_language_own_long_form():
    day = dt.date(2026, 1, 5)
    assert long_date(day) == "January 5, 2026"
    assert long_date(day, "es") == "5 de enero de 2026"
    assert long_date(day, "zh-Hans") == "2026年1月5日"


def test_every_translation_keeps_the_placeholders_of_its_message():
    """Every placeholder, except the count in a plural form that serves one number only (Arabic's
    "نشرتان", two handouts, says its number in the word), as GNU msgfmt --check-format allows."""
    for language in ("es", "zh-Hans", "ar"):
        with po_path(language).open("rb") as f:
            catalog = read_po(f)
        form = gettext.c2py(catalog.plural_expr)
        single = {index for index, used in Counter(map(form, range(1000))).items() if used == 1}
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(re.findall(r"%\((\w+)\)s", ids[-1]))
            for index, string in enumerate(strings):
                assert string or message.context, f"{language}: {message.id!r} is not translated"
                found = set(re.findall(r"%\((\w+)\)s", string))
                if string and len(ids) > 1 and index in single:
                    assert wanted - {"count"} <= found <= wanted, (language, message.id, index)
                elif string:
                    assert found == wanted, (language, message.id)


def test_arabic_plural_forms_are_cldrs_six_in_cldrs_order():
    """Babel's old table (in the PO header until issue 25) gave 100–102 form 4 and 11–99 form 5,
    the other way round from CLDR (zero, one, two, few, many, other) and from GNU gettext."""
    with po_path("ar").open("rb") as f:
        catalog = read_po(f)
    form = gettext.c2py(catalog.plural_expr)
    rule = Locale.parse("ar").plural_form
    order = ["zero", "one", "two", "few", "many", "other"]
    assert catalog.num_plurals == 6
    assert all(form(n) == order.index(rule(n)) for n in range(1000))


@pytest.mark.parametrize("language", ["zh-Hans", "ar"])
def test_pdf_fonts_are_only_vendored_faces_and_cover_every_character(handouts, language):
    html, pdf = handouts[language]
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    names = [row.split()[0] for row in rows]
    assert any("Script-Vendored" in n for n in names)
    for name, row in zip(names, rows):
        assert any(face in name for face in VENDORED), name
        assert " yes yes yes " in row
    # no .notdef: every character printed is in one of the vendored faces
    covered = set()
    for path in [*(FONTS / f for f in script_fonts(language)), FONTS / "AtkinsonHyperlegible-Regular.ttf",
                 FONTS / "DejaVuSans.ttf"]:
        covered |= set(TTFont(path).getBestCmap())
    missing = {c for c in visible_text(html) if not c.isspace() and ord(c) not in covered}
    assert not missing


def test_arabic_is_right_to_left_and_chinese_is_not(handouts):
    assert '<html lang="ar" dir="rtl">' in handouts["ar"][0]
    assert '<html lang="zh-Hans">' in handouts["zh-Hans"][0]


def test_rtl_lines_are_right_aligned_and_bullets_right_of_the_text(handouts):
    bbox = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox-layout", str(handouts["ar"][1]), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [(float(a), float(b)) for a, b in re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox)]
    right_edge = max(x_max for _, x_max in lines)
    flush_right = [x_max for _, x_max in lines if abs(x_max - right_edge) < 12]  # bullet items are indented
    ragged_left = {round(x_min) for x_min, _ in lines}
    assert len(flush_right) > 0.6 * len(lines) and len(ragged_left) > 5
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox)
    bullets = [(float(x0), float(y)) for x0, y, _, w in words if w == "•"]
    assert bullets
    for x0, y in bullets:
        same_line = [float(x1) for a, b, x1, w in words if w != "•" and abs(float(b) - y) < 8]
        assert x0 > max(same_line)


def test_page_n_of_m_reads_in_chinese(handouts):
    text = subprocess.run(["pdftotext", str(handouts["zh-Hans"][1]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"第 1 页，共 \d 页", text)


def test_only_translated_languages_add_to_fingerprints():
    assert fingerprint_parts("en") == ()
    assert po_path("zh-Hans").name.encode() in fingerprint_parts("zh-Hans")
    assert b"NotoSansArabic-Regular.ttf" in fingerprint_parts("ar")


def test_extracted_messages_are_up_to_date(tmp_path):
    pot = tmp_path / "messages.pot"
    # pybabel, as Babel (a dependency) installs it; run from this Python, not looked up on PATH
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(LAYOUTS / "babel.cfg"), "-o", str(pot), str(LAYOUTS)],
                   check=True, capture_output=True)

    def ids(path: Path) -> set:
        with path.open("rb") as f:
            return {(m.context, m.id) for m in read_po(f) if m.id}

    assert ids(pot) == ids(LAYOUTS / "locale" / "messages.pot")
    for language in ("es", "zh-Hans", "ar"):
        assert ids(po_path(language)) == ids(pot), language


def test_arabic_booklet_contents_put_page_numbers_left_of_the_entries(tmp_path):
    from publisher.outputs.booklet import BookletOutput

    catalog = load_catalog(ROOT / "catalog")
    translated = translate_catalog(catalog, load_translation(catalog, "ar", allow_incomplete=True))
    renderer = Renderer.create(translated.site)
    output = BookletOutput(renderer)
    target = next(t for t in output.targets(list(translated.reviews), renderer) if "liver-cancer" in t.path)
    pdf = tmp_path / "booklet.pdf"
    pdf.write_bytes(output.make(target))
    bbox = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-bbox-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = re.findall(r'<line xMin="([\d.]+)"[^>]*>(.*?)</line>', bbox, flags=re.S)
    entries = [(float(x), re.findall(r">([^<]+)</word>", words)) for x, words in lines]
    numbered = [(x, words) for x, words in entries if words and words[0].strip(".").isdigit()]
    assert len(numbered) == len(target.bundle.entries)
    assert all(x < 100 for x, _ in numbered)  # the number starts the line at the left margin
    footer = subprocess.run(["pdftotext", "-f", "3", "-l", "3", "-layout", str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    *_, numbered_line, version_line = [re.sub("[\u202a-\u202e]", "", line) for line in footer if line.strip()]  # bidi marks
    assert numbered_line.lstrip().startswith("صفحة")  # "Page 1 of N" at the left, the publisher at the right
    # under the publisher, at the right: the booklet's id, then its version, read left to right
    assert re.fullmatch(r" {40,}· all-compounds--liver-cancer\S+ 2026-11-01\.[0-9a-f]{8}", version_line), version_line
