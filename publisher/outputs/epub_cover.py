"""The EPUB cover in the book's own typeface, in every reader: the words of ``cover.svg.j2``
drawn as outlines of Atkinson Hyperlegible (Noto for Chinese and Arabic), and the same cover as
a PNG for EPUB 2 readers.

Outlines rather than embedded fonts: a cover is shown as an image (``<img>``, library
thumbnails, store listings), and an SVG loaded as an image fetches no font file, while
support for fonts inlined in it varies. Paths look the same everywhere and weigh less than
two font subsets; the SVG keeps its ``<title>`` and the cover page its alt text, and the
title page carries the same words as text. HarfBuzz (uharfbuzz) shapes each run of one face
and direction, so Arabic letters join and right-to-left runs read right to left (a small bidi
pass orders the runs). The PNG is drawn by Pillow's own FreeType with the same fonts at the
same positions: the same bytes every build.

The template may use ``rect`` and ``text`` (x, y, font-size, font-weight, letter-spacing,
fill) only; a line wider than the page's margins is scaled down to fit.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree as ET


from ..resources import FONTS, faces

SVG = "http://www.w3.org/2000/svg"


def _cover_faces(weight: int) -> tuple[str, ...]:
    """Atkinson first; Arabic letters in the face the book's Arabic pages use, not DejaVu's."""
    def upright(family=None, script=None):
        return next(f.file for f in faces(family, script) if f.weight == weight and f.style == "normal")

    return (upright("Atkinson Hyperlegible"), upright(script="ar"), upright("DejaVu Sans Vendored"),
            upright(script="zh"))


FACES = {"bold": _cover_faces(700), "normal": _cover_faces(400)}
PNG_SCALE = 2  # 1200 x 1800 pixels for a 600 x 900 cover


def cover_fonts() -> list[Path]:
    """The font files the cover is drawn with: part of the EPUB's fingerprint."""
    return sorted({FONTS / name for faces in FACES.values() for name in faces})


@lru_cache(maxsize=None)
def font(name: str):
    """The face as fontTools reads it (imported here: planning a build lists the cover's
    fonts, and only drawing a cover needs fontTools)."""
    from fontTools.ttLib import TTFont

    return TTFont(FONTS / name)


@lru_cache(maxsize=None)
def shaper(name: str):
    import uharfbuzz as hb

    return hb.Font(hb.Face((FONTS / name).read_bytes()))


def face_of(char: str, weight: str, previous: str | None) -> str:
    """Atkinson, else the first vendored face that has ``char``; a space, mark or punctuation
    stays on the face before it when that face has it (one Arabic or Chinese run, one shape)."""
    has = [f for f in FACES[weight] if ord(char) in font(f).getBestCmap()]
    if previous in has and unicodedata.category(char)[0] in "MPZ":
        return previous
    return has[0] if has else FACES[weight][0]


def levels(text: str, rtl: bool) -> list[int]:
    """Bidi embedding levels (Unicode's algorithm without explicit embeddings): right-to-left
    letters odd, left-to-right ones and numbers even and above them; neutrals take their
    neighbours' direction when both agree, else the paragraph's."""
    kinds = []
    strong = "R" if rtl else "L"
    for char in text:
        bidi = unicodedata.bidirectional(char)
        kind = "R" if bidi in ("R", "AL") else "L" if bidi == "L" else "N" if bidi in ("EN", "AN") else ""
        if kind == "N" and strong == "L":
            kind = "L"  # W7: a number after left-to-right text is part of it
        strong = kind if kind in ("L", "R") else strong
        kinds.append(kind)
    edge = "R" if rtl else "L"
    for i, kind in enumerate(kinds):
        if not kind:
            before = next((k for k in reversed(kinds[:i]) if k), edge)
            after = next((k for k in kinds[i + 1:] if k), edge)
            before, after = ("R" if k == "N" else k for k in (before, after))
            kinds[i] = before if before == after else edge
    table = {"L": 2, "R": 1, "N": 2} if rtl else {"L": 0, "R": 1, "N": 2}
    return [table[k] for k in kinds]


@dataclass(frozen=True)
class Run:
    """One face, one direction: shaped as one, drawn whole when its script joins its letters."""
    face: str
    text: str
    x: float  # left edge, in cover units
    glyphs: tuple[tuple[int, float, float], ...]  # glyph id, x, y offset (up)
    clusters: tuple[tuple[str, float], ...]  # the characters of each cluster, and its pen x
    rtl: bool
    joined: bool


JOINING_SCRIPTS = {"Arab", "Syrc", "Nkoo", "Mong", "Adlm", "Rohg", "Mand"}


def runs(text: str, weight: str, rtl: bool) -> list[tuple[str, str, int]]:
    """``text`` cut where its face or bidi level changes, in visual order: (face, text, level)."""
    found: list[list] = []
    face = None
    for char, level in zip(text, levels(text, rtl)):
        face = face_of(char, weight, face)
        if found and found[-1][0] == face and found[-1][2] == level:
            found[-1][1] += char
        else:
            found.append([face, char, level])
    for top in range(max((r[2] for r in found), default=0), 0, -1):  # rule L2
        i = 0
        while i < len(found):
            if found[i][2] >= top:
                j = i
                while j < len(found) and found[j][2] >= top:
                    j += 1
                found[i:j] = found[i:j][::-1]
                i = j
            i += 1
    return [tuple(r) for r in found]


def shape(face: str, text: str, rtl: bool, size: float, spacing: float, x: float) -> tuple[Run, float]:
    """HarfBuzz's glyphs and positions for one run starting at ``x``; letter-spacing after each
    cluster, except in scripts whose letters join. Returns the run and where the next begins."""
    import uharfbuzz as hb

    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    hb.shape(shaper(face), buf)
    joined = buf.script in JOINING_SCRIPTS
    scale, start = size / font(face)["head"].unitsPerEm, x
    glyphs, clusters = [], []
    infos, positions = buf.glyph_infos, buf.glyph_positions
    ends = sorted({i.cluster for i in infos} | {len(text)})
    for n, (info, pos) in enumerate(zip(infos, positions)):
        if n == 0 or info.cluster != infos[n - 1].cluster:
            end = ends[ends.index(info.cluster) + 1]
            clusters.append((text[info.cluster:end], x))
        glyphs.append((info.codepoint, x + pos.x_offset * scale, pos.y_offset * scale))
        x += pos.x_advance * scale
        if not joined and (n + 1 == len(infos) or infos[n + 1].cluster != info.cluster):
            x += spacing
    return Run(face, text, start, tuple(glyphs), tuple(clusters), rtl, joined), x


def layout(text: str, weight: str, size: float, spacing: float, rtl: bool = False) -> tuple[list[Run], float]:
    """The line's runs left to right, and its width (no letter-spacing after the last letter)."""
    shaped, x = [], 0.0
    for face, part, level in runs(text, weight, rtl):
        run, x = shape(face, part, level % 2 == 1, size, spacing, x)
        shaped.append(run)
    trailing = spacing if shaped and not shaped[-1].joined else 0.0
    return shaped, x - trailing if shaped else 0.0


@dataclass(frozen=True)
class Line:
    x: float
    y: float
    size: float
    fill: str
    runs: list[Run]


def lines(root: ET.Element, width: float) -> list[Line]:
    """The template's ``text`` elements, laid out; too wide a line shrinks to the margins.
    ``text-anchor="end"`` marks a right-to-left line: aligned right, its paragraph RTL."""
    out = []
    for text in root.iter(f"{{{SVG}}}text"):
        x, size = float(text.get("x")), float(text.get("font-size"))
        spacing = float(text.get("letter-spacing", 0))
        weight = "bold" if text.get("font-weight") == "bold" else "normal"
        rtl = text.get("text-anchor") == "end"
        shaped, advance = layout(text.text or "", weight, size, spacing, rtl)
        room = width - 2 * min(x, width - x)  # the same margin on both sides
        if advance > room:
            size, spacing = size * room / advance, spacing * room / advance
            shaped, advance = layout(text.text or "", weight, size, spacing, rtl)
        start = x - advance if rtl else x
        out.append(Line(start, float(text.get("y")), size, text.get("fill", "#000000"), shaped))
    return out


def number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def outline(line: Line) -> str:
    """One line of text as one SVG path's ``d``: every glyph moved to its place, y flipped."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen

    d = []
    for run in line.runs:
        scale, glyph_set = line.size / font(run.face)["head"].unitsPerEm, font(run.face).getGlyphSet()
        for gid, x, rise in run.glyphs:
            pen = SVGPathPen(glyph_set, ntos=number)
            glyph_set[font(run.face).getGlyphName(gid)].draw(
                TransformPen(pen, (scale, 0, 0, -scale, line.x + x, line.y - rise)))
            d.append(pen.getCommands())
    return "".join(d)


def outlined_svg(root: ET.Element, laid: list[Line]) -> bytes:
    """The cover with every ``text`` element replaced by a ``path`` drawing its words."""
    laid = iter(laid)
    for parent in root.iter():
        for i, child in enumerate(list(parent)):
            if child.tag == f"{{{SVG}}}text":
                line = next(laid)
                path = ET.Element(f"{{{SVG}}}path", {"d": outline(line), "fill": line.fill})
                path.tail = child.tail
                parent.remove(child)
                parent.insert(i, path)
    ET.register_namespace("", SVG)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@lru_cache(maxsize=None)
def pil_font(face: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONTS / face), size)


def png(root: ET.Element, laid: list[Line]) -> bytes:
    """The same cover as a PNG: the template's rectangles, then each cluster where the SVG has
    it; a run whose letters join is drawn whole, shaped by Pillow's own HarfBuzz the same way."""
    from PIL import Image, ImageDraw

    s = PNG_SCALE
    image = Image.new("RGB", (round(float(root.get("width")) * s), round(float(root.get("height")) * s)), "#ffffff")
    draw = ImageDraw.Draw(image)
    for rect in root.iter(f"{{{SVG}}}rect"):
        x, y = float(rect.get("x", 0)) * s, float(rect.get("y", 0)) * s
        draw.rectangle((x, y, x + float(rect.get("width")) * s - 1, y + float(rect.get("height")) * s - 1),
                       fill=rect.get("fill", "#000000"))
    for line in laid:
        for run in line.runs:
            face = pil_font(run.face, round(line.size * s))
            if run.joined:  # needs Pillow's libraqm (FriBiDi comes with Pango, WeasyPrint's own)
                draw.text(((line.x + run.x) * s, line.y * s), run.text, font=face, fill=line.fill,
                          anchor="ls", direction="rtl" if run.rtl else "ltr")
                continue
            for text, x in run.clusters:
                draw.text(((line.x + x) * s, line.y * s), text, font=face, fill=line.fill, anchor="ls")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def draw_cover(svg: str) -> tuple[bytes, bytes]:
    """``cover.svg.j2``'s output -> (the SVG with its words as outlines, the PNG)."""
    root = ET.fromstring(svg)
    laid = lines(root, float(root.get("width")))
    raster = png(root, laid)
    return outlined_svg(root, laid), raster
