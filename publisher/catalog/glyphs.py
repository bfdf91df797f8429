"""Which characters the vendored faces can draw, so text they cannot is refused at load.

WeasyPrint falls back to whatever fonts the machine has for a character missing from
``styles/fonts``: the same catalog would then give different PDFs on different machines.
A face family covers a character when all its faces (regular, bold, italic...) do.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from functools import lru_cache

from ..resources import FONTS, faces

# The script of the language the text being read is in (a translation's): its own faces
# (Noto Sans SC, Noto Sans Arabic) draw it too. None: the catalog's own text, Latin faces.
_script: ContextVar[str | None] = ContextVar("script", default=None)


@contextlib.contextmanager
def in_script(script: str | None):
    """Read text within as text of ``script`` (``wording.script_of(language)``)."""
    token = _script.set(script)
    try:
        yield
    finally:
        _script.reset(token)


def _drawn(family_faces) -> set[int]:
    """Code points every face of a family draws: HarfBuzz reads a face's cmap in a tenth of a
    millisecond (fontTools took 0.1 s, paid by every command)."""
    import uharfbuzz

    return set.intersection(*(set(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(FONTS / face.file))).unicodes)
                               for face in family_faces))


@lru_cache(maxsize=None)
def covered(script: str | None = None) -> frozenset[int]:
    """Code points some vendored family draws in every one of its faces: the Latin families,
    and the script's own faces for a translation into it."""
    chars: set[int] = set()
    for family in dict.fromkeys(face.family for face in faces()):  # the Latin families
        chars |= _drawn(faces(family))
    if script is not None:
        chars |= _drawn(faces(script=script))
    return frozenset(chars)


def undrawable(text: str) -> list[str]:
    """The distinct characters of ``text`` no vendored face draws, in order of appearance."""
    have = covered(_script.get())
    if all(ord(c) in have for c in set(text)):  # the usual answer, from distinct characters
        return []
    return [c for c in dict.fromkeys(text) if ord(c) not in have]
