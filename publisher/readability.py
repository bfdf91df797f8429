"""How hard a handout is to read: Flesch-Kincaid grade and SMOG index, from the text a
patient actually gets (the rendered review), for ``publisher check --readability``.

Syllables are counted with Pyphen's hyphenation dictionary (already installed with
WeasyPrint), as textstat did for years; headings and list items without a full stop count
as sentences of their own, as a reader takes them.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "div", "section", "aside", "header"}


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
        self.lines: list[str] = [""]

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if tag in BLOCKS or tag == "br":
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag in BLOCKS:
            self.lines.append("")

    def handle_data(self, data):
        if self.depth:
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


def report(catalog) -> dict:
    """Every review's scores, as ``check --readability [--json]`` prints them."""
    from .render import Renderer

    renderer = Renderer.create(catalog.site)
    limit = catalog.site.reading_grade_max
    rows = [as_dict(r.key, scores(article_text(renderer.handout(r)), catalog.site.language), limit)
            for r in catalog.reviews]
    return {"reading_grade_max": limit, "reviews": rows}
