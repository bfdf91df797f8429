"""How hard a handout is to read, from the text a patient actually gets (the rendered review,
translated for each language of site.yaml), for ``publisher check --readability``.

English: Flesch-Kincaid grade and SMOG index. A word is what the formulas' authors counted,
a run of text between spaces (``low-dose`` is one word, ``50`` is one); its syllables are
those of its first pronunciation in the CMU Pronouncing Dictionary (``data/``, 125,000
words, BSD-licensed, as textstat counts them), and for a word it lacks, one more than
Pyphen's hyphenation points (installed with WeasyPrint), which undercounts ("every": 2).
Spanish: readability_es.py. Any other language is listed as not scored: an English formula says
nothing about Chinese or Arabic. Headings and list items without a full stop count as
sentences of their own, as a reader takes them.
"""

from __future__ import annotations

import lzma
import math
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from ..paths import translated_languages

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")  # letters only: the Spanish formulas' words
# Punctuation is no part of a word, but an English contraction's apostrophe is ("don't").
NOT_CONTRACTION = re.compile(r"'(?![tsd]\b|ve\b|ll\b|re\b)")
PUNCTUATION = re.compile(r"[^\w\s']")
HAS_WORD = re.compile(r"[^\W_]")
# Words by syllable count, from the CMU Pronouncing Dictionary 0.7b's cmudict.dict (first
# pronunciation of each word; a vowel phoneme carries a stress digit): lines "<n> <word> ...".
SYLLABLES_FILE = Path(__file__).parent / "data" / "cmudict-syllables.txt.xz"
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "div", "section", "aside", "header"}
MARKS = {"draft-mark", "partial-mark"}  # what the page says about itself, not what it tells
FORMULAS = {"en": "Flesch-Kincaid grade, SMOG", "es": "Fernández-Huerta, Szigriszt-Pazos (INFLESZ scale)"}


@dataclass(frozen=True)
class Scores:
    words: int
    sentences: int
    syllables: int
    polysyllables: int  # words of three syllables or more
    flesch_kincaid_grade: float
    smog_index: float


@lru_cache(maxsize=1)
def pronounced() -> dict[str, int]:
    """The CMU dictionary's syllable count of each word it has (read on first use: 60 ms)."""
    counts = {}
    for line in lzma.decompress(SYLLABLES_FILE.read_bytes()).decode("ascii").splitlines():
        n, *words = line.split(" ")
        counts.update(dict.fromkeys(words, int(n)))
    return counts


def english_words(text: str) -> list[str]:
    """The words of ``text``, lower case, as the formulas count them (see the module's docstring)."""
    text = PUNCTUATION.sub("", NOT_CONTRACTION.sub("", text.replace("’", "'").lower()))
    return [word for word in text.split() if HAS_WORD.search(word)]


def syllable_count(word: str, dictionary) -> int:
    """``word`` (lower case) by the CMU dictionary, else by ``dictionary`` (Pyphen's)."""
    return pronounced().get(word) or max(1, len(dictionary.positions(word)) + 1)


def scores(text: str) -> Scores:
    import pyphen

    dictionary = pyphen.Pyphen(lang="en")
    words = english_words(text)
    sentences = max(1, len(SENTENCE_END.findall(text)))
    counts = [syllable_count(w, dictionary) for w in words]
    n_words, n_syllables = max(1, len(words)), sum(counts)
    poly = sum(1 for c in counts if c >= 3)
    grade = 0.39 * n_words / sentences + 11.8 * n_syllables / n_words - 15.59
    smog = 1.0430 * math.sqrt(poly * 30 / sentences) + 3.1291
    return Scores(len(words), sentences, n_syllables, poly, round(grade, 1), round(smog, 1))


class _Text(HTMLParser):
    """The text inside <article>, one line per block, each line ending as a sentence."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.mark = False  # inside a draft or partial-translation mark (a <p>)
        self.lines: list[str] = [""]

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if tag in BLOCKS or tag == "br":
            self.lines.append("")
        self.mark = self.mark or (tag == "p" and dict(attrs).get("class") in MARKS)

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag in BLOCKS:
            self.lines.append("")
        self.mark = self.mark and tag != "p"

    def handle_data(self, data):
        if self.depth and not self.mark:
            self.lines[-1] += data

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in self.lines]
        return "\n".join(line if line[-1] in ".!?:" else line + "." for line in lines if line)


def article_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return parser.text()


def as_dict(key: str, result: Scores, grade_max: float) -> dict:
    return {"review": key, **asdict(result),
            "above_max": result.flesch_kincaid_grade > grade_max or result.smog_index > grade_max}


def spanish_row(key: str, text: str) -> dict:
    from .readability_es import spanish_scores

    result = spanish_scores(WORD.findall(text), max(1, len(SENTENCE_END.findall(text))))
    return {"review": key, **asdict(result), "difficult": result.difficult}


def language_report(catalog, partial: bool = False, plain: bool = False) -> dict:
    """One language's scores: the catalog (translated, and in its wording) rendered in
    ``catalog.site.language``."""
    from ..render import Renderer
    from .wording import has_plain_wording

    language = catalog.site.language
    found = {"language": language, "partial_translation": partial}
    if plain and not has_plain_wording(language):
        found["no_plain_wording"] = True  # the standard template wording stands in
    primary = language.split("-")[0].lower()
    if primary not in FORMULAS:
        return {**found, "not_scored": f"no recognised readability formula for {language} is wired in"}
    renderer = Renderer.create(catalog.site, plain=plain)
    texts = [(r.key, article_text(renderer.handout(r))) for r in catalog.reviews]
    limit = catalog.site.reading_grade_max
    rows = ([as_dict(key, scores(text), limit) for key, text in texts] if primary == "en"
            else [spanish_row(key, text) for key, text in texts])
    return {**found, "formula": FORMULAS[primary], "reviews": rows}


def report(catalog, plain: bool = False) -> dict:
    """Every review's scores in every language of site.yaml and one wording, as ``check
    --readability [--wording plain] [--json]`` prints them: the catalog's own language at the
    top level, the others (on their translated text, missing strings in the source text)
    under ``languages``; for the plain wording, the fields printed in their standard text."""
    from ..catalog.plain import without_plain
    from .translate import load_translation, translate_catalog

    def worded(language):
        translation = load_translation(catalog, language, allow_incomplete=True)
        return translate_catalog(catalog, translation, plain) if plain or not translation.is_source else catalog, translation

    others = []
    for language in translated_languages(catalog.site):
        translated, translation = worded(language)
        others.append(language_report(translated, translation.partial, plain))
    own = language_report(worded(catalog.site.languages[0])[0], plain=plain)
    own.pop("partial_translation")
    site = catalog.site
    found = {"wording": "plain" if plain else "standard", "reading_grade_max": site.reading_grade_max,
             "reading_grade_strict": site.reading_grade_strict, **own, "languages": others}
    if plain:
        found["without_plain"] = without_plain(catalog)
    return found


def above_max(found: dict) -> list[str]:
    """The handouts of a ``report`` above ``reading_grade_max`` (by a grade formula), as
    ``<review> (<language>)``: what a strict check or release refuses."""
    return [f"{row['review']} ({one['language']})" for one in (found, *found["languages"])
            for row in one.get("reviews", ()) if row.get("above_max")]


def release_problems(catalog, reviews, plain: bool) -> list:
    """With site.yaml's ``reading_grade_strict``, a release refuses every selected handout above
    ``reading_grade_max``; ``catalog`` is already in the build's language and wording."""
    import dataclasses

    from ..errors import Problem

    found = language_report(dataclasses.replace(catalog, reviews=tuple(reviews)), plain=plain)
    wording = "plain" if plain else "standard"
    return [Problem(row["review"], 0, f"reads at grade {row['flesch_kincaid_grade']:g} (Flesch-Kincaid) and "
                                      f"{row['smog_index']:g} (SMOG) in the {wording} wording, above "
                                      f"reading_grade_max {catalog.site.reading_grade_max:g} (reading_grade_strict "
                                      f"in site.yaml)")
            for row in found.get("reviews", ()) if row.get("above_max")]
