"""Which characters the vendored faces can draw, so text they cannot is refused at load.

WeasyPrint falls back to whatever fonts the machine has for a character missing from
``styles/fonts``: the same catalog would then give different PDFs on different machines.
A face family covers a character when all its faces (regular, bold, italic...) do.
"""

from __future__ import annotations

from functools import lru_cache

from ..resources import FONTS, faces


@lru_cache(maxsize=None)
def covered() -> frozenset[int]:
    """Code points some vendored family draws in every one of its faces: HarfBuzz reads a
    face's cmap in a tenth of a millisecond (fontTools took 0.1 s, paid by every command)."""
    import uharfbuzz

    chars: set[int] = set()
    for family in dict.fromkeys(face.family for face in faces()):  # the Latin families
        found = [set(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(FONTS / face.file))).unicodes)
                 for face in faces(family)]
        chars |= set.intersection(*found)
    return frozenset(chars)


def undrawable(text: str) -> list[str]:
    """The distinct characters of ``text`` no vendored face draws, in order of appearance.

    One place to extend when faces for other scripts (Noto CJK, Arabic) are vendored,
    for instance by the catalog's language.
    """
    have = covered()
    if all(ord(c) in have for c in set(text)):  # the usual answer, from distinct characters
        return []
    return [c for c in dict.fromkeys(text) if ord(c) not in have]
