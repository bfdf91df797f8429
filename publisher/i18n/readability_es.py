"""How hard a Spanish handout is to read: Fernández-Huerta and Szigriszt-Pazos, the latter
read on Barrio-Cantalejo's INFLESZ scale (made for texts given to patients).

Formulas as given by legible.es (https://legible.es/blog/lecturabilidad-fernandez-huerta/,
https://legible.es/blog/perspicuidad-szigriszt-pazos/), with Gwillim Law's correction of
Fernández-Huerta's sign of sentence length (LINGUIST List 22.2332, 2011):

    Fernández-Huerta  L = 206.84 - 0.60 * (syllables per 100 words) - 1.02 * (words per sentence)
    Szigriszt-Pazos   P = 206.835 - 62.3 * syllables / words - words / sentences
    INFLESZ           < 40 very difficult, 40-55 somewhat difficult, 55-65 normal,
                      65-80 fairly easy, > 80 very easy

Pyphen's hyphenation points are not syllables in Spanish (it never splits a diphthong, nor
some hiatuses), so syllables are counted from the vowels with the spelling rules: a, e, o are
strong, i, u weak; two weak or a weak and a strong vowel make one syllable (diphthong,
triphthong), two strong ones two (hiatus), as does a weak vowel with an accent (día, reúne)
or the same weak vowel twice; u is silent in que, qui, gue, gui (not güe); y is a vowel only
when no vowel follows (hoy, muy, y); h between vowels does not part them (ahu-ma-do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STRONG = set("aeoáéó")
WEAK = set("iuü")
VOWELS = STRONG | WEAK | set("íú")  # í and ú are vowels that stand alone, as strong ones do
INFLESZ = ((40, "very difficult"), (55, "somewhat difficult"), (65, "normal"), (80, "fairly easy"))
NORMAL = 55  # INFLESZ: below this a text is hard for the average reader


def syllables(word: str) -> int:
    """Syllables of one Spanish word, from its spelling (see the module's docstring)."""
    w = word.lower()
    w = re.sub(r"(?<=[qg])u(?=[eéií])", "", w)  # que, qui, gue, gui: u silent
    w = re.sub(r"y(?![aeiouáéíóúü])", "i", w)  # hoy, muy, y: a vowel; yo, ayer: a consonant
    w = re.sub(r"(?<=[aeiouáéíóúü])h(?=[aeiouáéíóúü])", "", w)  # ahumado: h parts nothing
    count, previous = 0, None
    for letter in w:
        if letter not in VOWELS:
            previous = None
            continue
        joins = previous is not None and (previous in WEAK or letter in WEAK) and previous != letter
        count += 0 if joins else 1
        previous = letter
    return max(1, count)


@dataclass(frozen=True)
class SpanishScores:
    words: int
    sentences: int
    syllables: int
    fernandez_huerta: float
    szigriszt_pazos: float
    inflesz: str  # the band Szigriszt-Pazos's score falls in

    @property
    def difficult(self) -> bool:
        return self.szigriszt_pazos < NORMAL


def spanish_scores(words: list[str], sentences: int) -> SpanishScores:
    n_words = max(1, len(words))
    n_syllables = sum(syllables(w) for w in words)
    huerta = 206.84 - 0.60 * (100 * n_syllables / n_words) - 1.02 * n_words / sentences
    perspicuity = 206.835 - 62.3 * n_syllables / n_words - n_words / sentences
    band = next((name for limit, name in INFLESZ if perspicuity < limit), "very easy")
    return SpanishScores(len(words), sentences, n_syllables, round(huerta, 1), round(perspicuity, 1), band)
