"""The EPUB cover in the book's own typeface, in every reader: the words of ``cover.svg.j2``
drawn as outlines of Atkinson Hyperlegible, and the same cover as a PNG for EPUB 2 readers.

Outlines rather than embedded fonts: a cover is shown as an image (``<img>``, library
thumbnails, store listings), and an SVG loaded as an image fetches no font file, while
support for fonts inlined in it varies. Paths look the same everywhere and weigh less than
two font subsets; the SVG keeps its ``<title>`` and the cover page its alt text, and the
title page carries the same words as text. The PNG is drawn by Pillow's own FreeType with
the same fonts at the same glyph positions: no system library, the same bytes every build.

The template may use ``rect`` and ``text`` (x, y, font-size, font-weight, letter-spacing,
fill) only; a line wider than the page's margins is scaled down to fit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree as ET

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

from ..resources import FONTS

SVG = "http://www.w3.org/2000/svg"
FACES = {"bold": ("AtkinsonHyperlegible-Bold.ttf", "DejaVuSans-Bold.ttf", "NotoSansSC-Bold.otf",
                  "NotoSansArabic-Bold.ttf"),
         "normal": ("AtkinsonHyperlegible-Regular.ttf", "DejaVuSans.ttf", "NotoSansSC-Regular.otf",
                    "NotoSansArabic-Regular.ttf")}
PNG_SCALE = 2  # 1200 x 1800 pixels for a 600 x 900 cover


def cover_fonts() -> list[Path]:
    """The font files the cover is drawn with: part of the EPUB's fingerprint."""
    return sorted({FONTS / name for faces in FACES.values() for name in faces})


@lru_cache(maxsize=None)
def font(name: str) -> TTFont:
    return TTFont(FONTS / name)


@dataclass(frozen=True)
class Glyph:
    face: str  # font file name
    name: str  # glyph name in that font
    char: str
    x: float   # pen position, in cover units


def layout(text: str, weight: str, size: float, spacing: float) -> tuple[list[Glyph], float]:
    """Each character on Atkinson, or DejaVu for what Atkinson lacks; positions from the
    fonts' advance widths plus letter-spacing. Returns the glyphs and the line's width."""
    glyphs, x = [], 0.0
    for char in text:
        face = next((f for f in FACES[weight] if ord(char) in font(f).getBestCmap()), FACES[weight][0])
        name = font(face).getBestCmap().get(ord(char), ".notdef")
        glyphs.append(Glyph(face, name, char, x))
        x += font(face)["hmtx"][name][0] * size / font(face)["head"].unitsPerEm + spacing
    return glyphs, x - spacing if glyphs else 0.0


@dataclass(frozen=True)
class Line:
    x: float
    y: float
    size: float
    fill: str
    glyphs: list[Glyph]


def lines(root: ET.Element, width: float) -> list[Line]:
    """The template's ``text`` elements, laid out; too wide a line shrinks to the margins."""
    out = []
    for text in root.iter(f"{{{SVG}}}text"):
        x, size = float(text.get("x")), float(text.get("font-size"))
        spacing = float(text.get("letter-spacing", 0))
        weight = "bold" if text.get("font-weight") == "bold" else "normal"
        glyphs, advance = layout(text.text or "", weight, size, spacing)
        room = width - 2 * min(x, width - x)  # the same margin on both sides
        if advance > room:
            size, spacing = size * room / advance, spacing * room / advance
            glyphs, advance = layout(text.text or "", weight, size, spacing)
        start = x - advance if text.get("text-anchor") == "end" else x  # right-to-left covers
        out.append(Line(start, float(text.get("y")), size, text.get("fill", "#000000"), glyphs))
    return out


def number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def outline(line: Line) -> str:
    """One line of text as one SVG path's ``d``: every glyph moved to its place, y flipped."""
    d = []
    for g in line.glyphs:
        scale = line.size / font(g.face)["head"].unitsPerEm
        pen = SVGPathPen(font(g.face).getGlyphSet(), ntos=number)
        font(g.face).getGlyphSet()[g.name].draw(TransformPen(pen, (scale, 0, 0, -scale, line.x + g.x, line.y)))
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
    """The same cover as a PNG: the template's rectangles, then every glyph where the SVG has it."""
    from PIL import Image, ImageDraw

    s = PNG_SCALE
    image = Image.new("RGB", (round(float(root.get("width")) * s), round(float(root.get("height")) * s)), "#ffffff")
    draw = ImageDraw.Draw(image)
    for rect in root.iter(f"{{{SVG}}}rect"):
        x, y = float(rect.get("x", 0)) * s, float(rect.get("y", 0)) * s
        draw.rectangle((x, y, x + float(rect.get("width")) * s - 1, y + float(rect.get("height")) * s - 1),
                       fill=rect.get("fill", "#000000"))
    for line in laid:
        for g in line.glyphs:
            draw.text(((line.x + g.x) * s, line.y * s), g.char, font=pil_font(g.face, round(line.size * s)),
                      fill=line.fill, anchor="ls")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def draw_cover(svg: str) -> tuple[bytes, bytes]:
    """``cover.svg.j2``'s output -> (the SVG with its words as outlines, the PNG)."""
    root = ET.fromstring(svg)
    laid = lines(root, float(root.get("width")))
    raster = png(root, laid)
    return outlined_svg(root, laid), raster
