"""A review's running head: "compound · condition", on one line above every page but the first.

The compound goes by its short name when it has one ("LDN · Liver Cancer"); the page's title
gives the whole name. A head too long for its line loses the last word (of a single word, the
last letter) of the longer of its two parts, which then ends in an ellipsis, until it fits:
both parts stay in view. It is measured as the page will draw it: shaped by HarfBuzz in the
vendored faces of the page's script, at the size and weight of the @top-left margin box, against
the width between the page's side margins (handout.css, large-print.css: keep ``BOX`` in step).
WeasyPrint's ``text-overflow: ellipsis`` cannot do this in a margin box: it draws an ellipsis
but leaves the whole text in the PDF's text layer, behind a malformed ToUnicode entry.

At most seven words, too: a running head is a label, and an /Artifact line of eight words, four
of them lower case, is taken for prose hidden from screen readers (outloud's TAG-002).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .catalog.model import Review
from .resources import FONTS, faces

SEPARATOR = " · "
ELLIPSIS = "…"
MAX_WORDS = 7
WORD = re.compile(r"[^\W\d_]+")  # a run of letters ("Low-Dose": two words); outloud counts those of 2 or more

# The @top-left box of each edition: font size (pt) and the page's left and right margins (in).
BOX = {False: (9.5, 0.85), True: (18.0, 0.9)}  # keyed by large print
PAPER_WIDTH = {"letter": 8.5, "a4": 210 / 25.4}  # inches
SLACK = 0.97  # HarfBuzz here and Pango in WeasyPrint shape alike; kerning and rounding aside


def running_head(review: Review, paper: str, large_print: bool, script: str | None) -> str:
    """The head of ``review``'s pages after the first, fitted to one line of its edition, paper
    and script (``script``: ``zh``, ``ar`` or None for Latin). Draft pages set it in bold."""
    size, room = _line(paper, large_print)
    stack = faces_for(script, 700 if review.is_draft else 400)
    compound = review.compound.short_name or review.compound.name
    return fit(compound, review.condition.name, lambda text: width(text, stack, size) <= room)


def fits_one_line(text: str, paper: str, large_print: bool, script: str | None) -> bool:
    """Whether ``text`` fits one line of the page's margin boxes (measured at the running head's
    size): the footer's document id, which large print gives a line of its own."""
    size, room = _line(paper, large_print)
    return width(text, faces_for(script, 400), size) <= room


def _line(paper: str, large_print: bool) -> tuple[float, float]:
    """A margin box line's font size and the width it may fill, in points."""
    size, margin = BOX[large_print]
    return size, (PAPER_WIDTH[paper] - 2 * margin) * 72 * SLACK


def fit(compound: str, condition: str, fits) -> str:
    """``compound · condition``, its longer part cut a word at a time until ``fits(text)`` and
    the whole has at most ``MAX_WORDS`` words."""
    parts, cut = [compound.strip(), condition.strip()], [False, False]

    def text() -> str:
        return SEPARATOR.join(part + ELLIPSIS if was_cut else part for part, was_cut in zip(parts, cut))

    while len(WORD.findall(text())) > MAX_WORDS or not fits(text()):
        longer = 0 if len(parts[0]) >= len(parts[1]) else 1
        if not parts[longer]:
            break  # "… · …": nothing left to cut
        parts[longer], cut[longer] = shortened(parts[longer]), True
    return text()


def shortened(text: str) -> str:
    """``text`` less its last word, or its last character when it is one word; no space or
    punctuation left dangling before the ellipsis."""
    space = text.rfind(" ")
    kept = text[:space] if space > 0 else text[:-1]
    return kept.rstrip(" ,.;:·-–—(/&")


def faces_for(script: str | None, weight: int) -> tuple[str, ...]:
    """The faces a margin box draws with, in fallback order: the script's own first
    (script-style.j2), then Atkinson Hyperlegible and DejaVu Sans (handout.css)."""
    own = [f.file for f in faces(script=script) if f.weight == weight] if script else []
    latin = [f.file for family in ("Atkinson Hyperlegible", "DejaVu Sans Vendored")
             for f in faces(family) if f.weight == weight and f.style == "normal"]
    return tuple(own + latin)


def width(text: str, stack: tuple[str, ...], size: float) -> float:
    """The advance of ``text`` at ``size`` points: each run of one face shaped as one (Arabic
    letters join), a character in the first face of ``stack`` that has it."""
    total, run, face = 0.0, "", None
    for char in text:
        has = next((f for f in stack if ord(char) in _font(f)[1]), stack[0])
        if face is not None and has != face:
            total += _advance(face, run, size)
            run = ""
        run, face = run + char, has
    return total + (_advance(face, run, size) if run else 0.0)


def _advance(face: str, text: str, size: float) -> float:
    import uharfbuzz as hb

    font, _, upem = _font(face)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf)
    return sum(p.x_advance for p in buf.glyph_positions) * size / upem


@lru_cache(maxsize=None)
def _font(name: str):
    """A vendored face for HarfBuzz: the font, the characters it has, its units per em."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(FONTS / name)))
    return hb.Font(face), frozenset(face.unicodes), face.upem
