"""The running head (issue 25): the compound, by its short name when it has one, and the
condition, on one line above every page after the first, in every edition and script, cut with an
ellipsis when too long; a draft's and a partial translation's marks on a line of their own above
it; the page's text at least 12 pt below its rule; a large-print first page filled.

Measured in the PDFs as a reader meets them (helpers.page_tops): the rule in pixels, the lines
above it and the text's ink by PDFium."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader

from publisher.catalog import load_catalog
from publisher.running_head import MAX_WORDS, WORD, faces_for, fit, running_head, width

from conftest import PARTIAL_CONDITIONS, ROOT
from helpers import HOSTILE, LONG_CONDITION, LONG_NAME, LONG_WORD, PageTop, long_names, page_tops

CLEAR = 12  # points between the rule and the page's text, at least
DRAFT = {"es": "BORRADOR — no apto para pacientes", "zh-Hans": "草稿 — 请勿交给患者使用", "ar": "مسودة — غير مخصصة للمرضى"}
LIVER_CANCER = {"en": "LDN · Liver Cancer", "es": "LDN · Cáncer de hígado", "zh-Hans": "LDN · 肝癌",
                "ar": "LDN · سرطان الكبد"}
SPANISH = {"liver-cancer": "Liver Cancer", "stage-iv-cancer": "Cáncer en estadio IV",  # Liver Cancer: untranslated
           "major-depressive-disorder": "Trastorno depresivo mayor"}


def review_of(catalog, condition: str):
    return next(r for r in catalog.reviews if r.condition.slug == condition)


# --- fitting the head (publisher/running_head.py) -------------------------------------------

def test_the_head_is_the_short_name_and_the_condition():
    review = review_of(load_catalog(ROOT / "catalog"), "major-depressive-disorder")
    for paper in ("letter", "a4"):
        for large_print in (False, True):
            assert running_head(review, paper, large_print, None) == "LDN · Major Depressive Disorder"
    unnamed = dataclasses.replace(review, compound=dataclasses.replace(review.compound, short_name=None))
    assert running_head(unnamed, "letter", False, None) == "Low-Dose Naltrexone · Major Depressive Disorder"


def parts(head: str) -> tuple[str, str]:
    compound, condition = head.split(" · ")
    return compound, condition


def test_a_long_head_keeps_both_parts_cut_at_words_and_fits_the_line(tmp_path):
    catalog = load_catalog(long_names(tmp_path / "catalog"))
    review = next(r for r in catalog.reviews if r.key == "hcq/cidp")
    for large_print, size, margins in ((False, 9.5, 1.7), (True, 18.0, 1.8)):
        head = running_head(review, "letter", large_print, None)
        compound, condition = parts(head)
        assert compound.endswith("…") and LONG_NAME.startswith(compound[:-1] + " ")
        assert condition.endswith("…") and LONG_CONDITION.startswith(condition[:-1] + " ")
        assert len(WORD.findall(head)) <= MAX_WORDS
        assert width(head, faces_for(None, 400), size) <= (8.5 - margins) * 72
    assert len(running_head(review, "letter", True, None)) < len(running_head(review, "letter", False, None))


def test_a_word_longer_than_the_line_is_cut_by_letters():
    head = fit("LDN", LONG_WORD, lambda text: len(text) <= 40)
    assert head == f"LDN · {LONG_WORD[:33]}…" and len(head) == 40


def test_the_longer_part_gives_way_first_and_never_more_than_seven_words():
    assert fit("one two three four five", "six seven", lambda text: True) == "one two three four five · six seven"
    assert fit("one two three four five", "six seven eight", lambda text: True) == "one two three four… · six seven eight"
    assert fit("a b c d e f g h", "Gout", lambda text: len(text) <= 13) == "a b c… · Gout"


def test_chinese_is_measured_in_its_own_face():
    """A Chinese character is about twice as wide as a Latin letter: fewer of them fit."""
    latin = fit("LDN", "x" * 120, lambda t: width(t, faces_for(None, 400), 18) <= 460)
    chinese = fit("LDN", "癌" * 120, lambda t: width(t, faces_for("zh", 400), 18) <= 460)
    assert 1.6 < (len(latin) - 7) / (len(chinese) - 7) < 2.6


# --- the heads in the PDFs ------------------------------------------------------------------

def later_pages(path: Path) -> list[int]:
    """The 0-based pages that carry a running head: a handout's after the first; a booklet's
    review pages but each review's first (its outline entry's page)."""
    reader = PdfReader(path)
    if "/booklets/" not in path.as_posix():
        return list(range(1, len(reader.pages)))
    starts = {reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)}
    numbered = [i for i, label in enumerate(reader.page_labels) if label.isdigit()]
    return [i for i in numbered if i not in starts]


def heads(path: Path) -> list[PageTop]:
    """The tops of the pages that carry a head, after checking every page: a rule where a head
    is, none on a first page, the page's text at least CLEAR below the rule."""
    tops, later = page_tops(path), later_pages(path)
    assert later, path
    for index, top in enumerate(tops):
        if index not in later:
            assert top.rule is None, (path.name, index + 1)
            continue
        assert top.rule is not None, (path.name, index + 1)
        assert top.text_top - top.rule >= CLEAR, (path.name, index + 1, top.text_top - top.rule)
    return [tops[i] for i in later]


def lines(top: PageTop) -> list[str]:
    return [line.replace("\u200f", "") for line in top.lines]  # a right-to-left page's head opens with RLM


@pytest.mark.slow
def test_shipped_handouts_and_booklets_standard_and_large_print(shipped_pdf, large_print):
    catalog = load_catalog(ROOT / "catalog")
    for root, variant, margin in ((shipped_pdf, "", 0.85 * 72), (large_print / "large-print", "--large-print", 0.9 * 72)):
        for review in catalog.reviews:
            path = root / f"pdf/{review.compound.slug}/{review.key.replace('/', '--')}{variant}.pdf"
            for top in heads(path):
                assert lines(top) == [f"LDN · {review.condition.name}"], path.name
                assert abs(top.head[0] - margin) < 2  # at the left margin (a letter's side bearing aside)
        if variant:
            booklets = sorted((root / "booklets").rglob("*.pdf"))
            assert len(booklets) == 11
            for path in booklets:
                found = {tuple(lines(top)) for top in heads(path)}
                assert found <= {(f"LDN · {r.condition.name}",) for r in catalog.reviews}, path.name


@pytest.mark.slow
@pytest.mark.parametrize("language", ["es", "zh-Hans", "ar"])
def test_each_script_draft_mark_above_the_head_arabic_mirrored(liver_cancer_editions, language):
    out = liver_cancer_editions / language
    for path in (out / f"pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--{language}.pdf",
                 out / f"booklets/by-condition/all-compounds--liver-cancer--{language}.pdf"):
        for top in heads(path):
            assert lines(top) == [DRAFT[language], LIVER_CANCER[language]], path.name
            left, right = top.head
            if language == "ar":
                assert abs(right - (612 - 0.85 * 72)) < 2 and left > 300  # right-aligned: the page mirrored
            else:
                assert abs(left - 0.85 * 72) < 2 and right < 300


@pytest.mark.slow
def test_partial_spanish_marks_on_their_own_line(partial_spanish):
    """A draft partial translation: both marks on one line in the standard edition, a line
    each at 18 pt; the head beneath them on its own line."""
    marks = {"": [f"{DRAFT['es']} · Traducción parcial"], "--large-print": [DRAFT["es"], "Traducción parcial"]}
    paths = sorted(partial_spanish.rglob("*.pdf"))
    assert len(paths) == 14
    for path in paths:
        variant = "--large-print" if "--large-print" in path.name else ""
        expected = {tuple(marks[variant] + [f"LDN · {SPANISH[c]}"]) for c in PARTIAL_CONDITIONS}
        found = {tuple(lines(top)) for top in heads(path)}
        assert found and found <= expected, (path.name, found)


@pytest.mark.slow
def test_long_names_cut_to_one_line_with_an_ellipsis(long_names_built):
    paths = sorted(long_names_built.rglob("*.pdf"))
    assert len(paths) == 16
    names, conditions = [LONG_NAME, f"{HOSTILE} {{{{ config }}}}"], [LONG_CONDITION, LONG_WORD]
    seen = set()
    for path in paths:
        for top in heads(path):
            [head] = lines(top)
            compound, condition = parts(head)
            assert compound.endswith("…") and any(name.startswith(compound[:-1]) for name in names), head
            assert condition.endswith("…") and any(name.startswith(condition[:-1]) for name in conditions), head
            assert len(WORD.findall(head)) <= MAX_WORDS
            seen.add(head)
    assert len(seen) >= 8  # each review's, in each edition


@pytest.mark.slow
def test_large_print_first_pages_are_full(large_print):
    """Below a first page's text, less than a tenth of the page is left before the footer (a
    quarter was, with the heading and paragraph after the introduction pushed over)."""
    handouts = sorted((large_print / "large-print/pdf").rglob("*.pdf"))
    assert len(handouts) == 10
    for path in handouts:
        first = page_tops(path)[0]
        assert first.footer_top - first.text_bottom < 79.2, (path.name, first.footer_top - first.text_bottom)
