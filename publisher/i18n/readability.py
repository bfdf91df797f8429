"""How hard a handout is to read, from the text a patient actually gets (the rendered review,
translated for each language of site.yaml), for ``publisher check --readability``.

English: Flesch-Kincaid grade and SMOG index, syllables counted with Pyphen's hyphenation
dictionary (already installed with WeasyPrint), as textstat did for years. Spanish:
readability_es.py. Any other language is listed as not scored: an English formula says
nothing about Chinese or Arabic. Headings and list items without a full stop count as
sentences of their own, as a reader takes them.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser

from ..paths import translated_languages

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
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


def syllable_count(word: str, dictionary) -> int:
    return max(1, len(dictionary.positions(word.lower())) + 1)


def scores(text: str, language: str = "en") -> Scores:
    import pyphen

    dictionary = pyphen.Pyphen(lang=language if language in pyphen.LANGUAGES else "en")
    words = WORD.findall(text)
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


def language_report(catalog, partial: bool = False) -> dict:
    """One language's scores: the catalog (translated) rendered in ``catalog.site.language``."""
    from ..render import Renderer

    language = catalog.site.language
    found = {"language": language, "partial_translation": partial}
    primary = language.split("-")[0].lower()
    if primary not in FORMULAS:
        return {**found, "not_scored": f"no recognised readability formula for {language} is wired in"}
    renderer = Renderer.create(catalog.site)
    texts = [(r.key, article_text(renderer.handout(r))) for r in catalog.reviews]
    limit = catalog.site.reading_grade_max
    rows = ([as_dict(key, scores(text, language), limit) for key, text in texts] if primary == "en"
            else [spanish_row(key, text) for key, text in texts])
    return {**found, "formula": FORMULAS[primary], "reviews": rows}


def report(catalog) -> dict:
    """Every review's scores in every language of site.yaml, as ``check --readability
    [--json]`` prints them: the catalog's own language at the top level, the others (on their
    translated text, missing strings in the source text) under ``languages``."""
    from .translate import load_translation, translate_catalog

    others = []
    for language in translated_languages(catalog.site):
        translation = load_translation(catalog, language, allow_incomplete=True)
        others.append(language_report(translate_catalog(catalog, translation), translation.partial))
    own = language_report(catalog)
    own.pop("partial_translation")
    return {"reading_grade_max": catalog.site.reading_grade_max, **own, "languages": others}
