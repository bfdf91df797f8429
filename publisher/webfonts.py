"""The HTML handouts' fonts: WOFF2 subsets of the vendored TTFs, and the stylesheet that
serves them (``styles/web-fonts.css``). Run ``python -m publisher.webfonts`` after changing a
font; the files are committed, since brotli at full strength takes seconds per font.

Atkinson Hyperlegible is kept whole (342 characters, all of Latin it has). DejaVu Sans only
supplies what Atkinson lacks, cut by Unicode block into chunks, each with its own
``unicode-range``: a browser fetches a chunk only for a page that uses one of its characters
(an arrow costs a few KB, not DejaVu's 760 KB), and any text the catalog may hold is covered
without the fonts depending on the catalog.

The script faces of other languages (template_i18n.SCRIPT_FONTS) are served the same way, from
``styles/fonts/web/<script>/`` with ``styles/web-fonts-<script>.css``, as family "Script
Vendored". Noto Sans Arabic is small and kept whole. Noto Sans SC (7,700 characters, 3 MB a
weight) is cut in two: the characters of the shipped Chinese PO files with the punctuation and
Latin around them (what this catalog's pages use: 150 KB), and the rest (2 MB), fetched only by
a page that uses one of its characters, so other Chinese text still gets the vendored face,
never a system font. Its ranges run over code points the face lacks (any font would lack
them), which keeps the stylesheet at 15 KB.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from .resources import FONTS, LAYOUTS, SCRIPT_FONTS, STYLES, WEB_FONTS, WEB_FONTS_CSS, faces as vendored, script_web_fonts_css

# Unicode blocks grouped so that one kind of text (Greek, arrows, maths ...) is one download.
CHUNKS = {
    "latin": [(0x0000, 0x036F), (0x1D00, 0x1DFF), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF)],
    "greek": [(0x0370, 0x03FF), (0x1F00, 0x1FFF)],
    "cyrillic": [(0x0400, 0x052F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)],
    "punctuation": [(0x2000, 0x218F)],
    "arrows": [(0x2190, 0x21FF), (0x27F0, 0x27FF), (0x2900, 0x297F), (0x2B00, 0x2BFF)],
    "math": [(0x2200, 0x22FF), (0x27C0, 0x27EF), (0x2980, 0x2AFF), (0x1D400, 0x1D7FF)],
    "symbols": [(0x2300, 0x27BF), (0x2800, 0x28FF)],
}


def _chunk_of(code: int) -> str:
    return next((name for name, ranges in CHUNKS.items()
                 if any(lo <= code <= hi for lo, hi in ranges)), "other")


def woff2(ttf: Path, unicodes: tuple[int, ...]) -> bytes:
    """``ttf`` cut to ``unicodes`` as WOFF2, every layout feature and name kept. Byte-identical
    on every run: the head table's modified date is the TTF's, not today's."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(layout_features=["*"], name_IDs=["*"], name_languages=["*"],
                             notdef_outline=True, recalc_timestamp=False, flavor="woff2",
                             drop_tables=[*subset.Options().drop_tables, "FFTM"])  # FontForge's own dates
    font = TTFont(ttf, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def unicode_range(codes: tuple[int, ...], among: tuple[int, ...] = ()) -> str:
    """``[0x41, 0x42, 0x43, 0x2192]`` -> ``U+41-43, U+2192``; with ``among`` (sorted), codes next
    to each other in it make one span."""
    after = dict(zip(among, among[1:]))
    spans: list[list[int]] = []
    for code in sorted(codes):
        if spans and code in (spans[-1][1] + 1, after.get(spans[-1][1])):
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return ", ".join(f"U+{lo:X}" if lo == hi else f"U+{lo:X}-{hi:X}" for lo, hi in spans)


def _cmap(ttf: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(ttf, lazy=True).getBestCmap())


@dataclass(frozen=True)
class WebFace:
    file: str  # under styles/fonts/web/
    ttf: Path
    family: str
    weight: int
    style: str
    codes: tuple[int, ...]
    ranged: bool  # a fallback face: served only for the characters it has (unicode-range)
    among: tuple[int, ...] = ()  # all its font's characters: a range may run over what it lacks

    def rule(self) -> str:
        rng = f"\n  unicode-range: {unicode_range(self.codes, self.among)};" if self.ranged else ""
        return (f'@font-face {{ font-family: "{self.family}"; font-weight: {self.weight};'
                f' font-style: {self.style}; font-display: swap;\n'
                f'  src: url(fonts/web/{self.file}) format("woff2");{rng} }}\n')


def faces() -> list[WebFace]:
    """Atkinson's four faces whole, then DejaVu's chunks of what Atkinson lacks, per weight."""
    atkinson_faces, dejavu_faces = vendored("Atkinson Hyperlegible"), vendored("DejaVu Sans Vendored")
    found = []
    for face in atkinson_faces:
        ttf = FONTS / face.file
        found.append(WebFace(f"{ttf.stem}.woff2", ttf, face.family, face.weight, face.style,
                             tuple(sorted(_cmap(ttf))), ranged=False))
    atkinson = _cmap(FONTS / atkinson_faces[0].file)
    for face in dejavu_faces:
        ttf = FONTS / face.file
        chunks: dict[str, list[int]] = {}
        for code in sorted(_cmap(ttf) - atkinson):
            chunks.setdefault(_chunk_of(code), []).append(code)
        found += [WebFace(f"{ttf.stem}-{chunk}.woff2", ttf, face.family, face.weight,
                          "normal", tuple(codes), ranged=True) for chunk, codes in chunks.items()]
    return found


def _han_chunks(codes: set[int]) -> dict[str, set[int]]:
    """Noto Sans SC's characters in two: what the shipped pages use, and the rest."""
    po = [LAYOUTS / "locale/zh_Hans/LC_MESSAGES/messages.po",
          STYLES.parent / "catalog/translations/zh-Hans.po"]  # the generator runs in a checkout
    used = {ord(c) for path in po if path.is_file() for c in path.read_text(encoding="utf-8")}
    around = {*range(0x20, 0x2070), *range(0x3000, 0x3040), *range(0xFF00, 0xFFF0)}  # Latin, punctuation
    page = {c for c in codes if c in used or c in around}
    return {"page": page, "rest": codes - page}


def script_faces(script: str) -> list[WebFace]:
    """One script's faces for the HTML, in chunks each with its ``unicode-range``."""
    found = []
    for weight, name in zip((400, 700), SCRIPT_FONTS[script]):
        ttf = FONTS / name
        codes = _cmap(ttf)
        chunks = _han_chunks(codes) if script == "zh" else {"all": codes}
        found += [WebFace(f"{script}/{ttf.stem}-{chunk}.woff2", ttf, "Script Vendored", weight, "normal",
                       tuple(sorted(part)), ranged=True, among=tuple(sorted(codes)))
                  for chunk, part in chunks.items() if part]
    return found


def stylesheet(all_faces: list[WebFace]) -> str:
    return ("/* Generated by `python -m publisher.webfonts` from styles/fonts/*.ttf: do not edit. */\n"
            + "".join(face.rule() for face in all_faces))


def _write(folder: Path, css: Path, all_faces: list[WebFace]) -> None:
    folder.mkdir(exist_ok=True)
    for stale in folder.glob("*.woff2"):
        stale.unlink()
    for face in all_faces:
        (WEB_FONTS / face.file).write_bytes(woff2(face.ttf, face.codes))
        print(f"{(WEB_FONTS / face.file).stat().st_size:>8} {face.file}")
    css.write_text(stylesheet(all_faces), encoding="utf-8")


if __name__ == "__main__":
    import sys

    if "--scripts-only" not in sys.argv:
        _write(WEB_FONTS, WEB_FONTS_CSS, faces())
    for script in SCRIPT_FONTS:
        _write(WEB_FONTS / script, script_web_fonts_css(script), script_faces(script))
