"""A clinic's own identity on its handouts (``--brand FILE``): name, phone, address,
website, an optional logo and an accent colour that never costs legibility.

The file is checked like the catalog: every problem at once, as ``path:line: message``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.parsers import expat

from . import records as r
from ..errors import BrandError, Problem
from .files import Tree, Unsafe

BRAND_FIELDS = {
    "name": r.Field(r.text, required=True),
    "phone": r.Field(r.text, required=True),
    "address": r.Field(r.text),
    "website": r.Field(r.url),
    "logo": r.Field(r.text),
    "accent_color": r.Field(r.text),
}
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
MAX_LOGO_BYTES = 500_000
AA_CONTRAST = 4.5  # WCAG 2 AA for body text, against the white page
SVG_NS = "http://www.w3.org/2000/svg"
# What could run, or change what runs, if the logo were ever shown as a document or inlined
# rather than in <img>: by lower-case local name, as an HTML parser would read an inlined one.
# Animation elements can turn a link into a javascript: one; a printed logo is still anyway.
LOGO_ELEMENTS_REFUSED = {name.lower(): name for name in (
    "script", "foreignObject", "iframe", "object", "embed", "handler", "listener",
    "set", "animate", "animateMotion", "animateTransform", "animateColor")}
# What an href or src may lead to: a part of the logo, or a raster image inside it.
_OWN_REFERENCE = re.compile(r"#|data:image/(?:png|jpeg|gif|webp)[;,]", re.IGNORECASE)
# CSS that fetches something, in a <style> or an attribute in no namespace (style= and the
# presentation attributes, fill= and the like, are CSS); escapes are refused too, since
# ``\75 rl(`` is url( to a browser. (Editors' own attributes, inkscape:export-filename and
# the like, are in a namespace: a Windows path there is not CSS.)
_FETCHING_STYLE = ("a style that fetches something", " (url() other than #id, @import, image-set() or a \\ escape)")
_OUTSIDE_LINK = ("a link to something outside it", " (it may link to #id, or embed a PNG, JPEG, GIF or WebP image)")
_CSS_FETCH = re.compile(r"url\s*\(\s*['\"]?\s*(?![\s'\"#])|@import|image-set\s*\(|\\", re.IGNORECASE)


@dataclass(frozen=True)
class Brand:
    name: str
    phone: str
    address: str | None = None
    website: str | None = None
    logo: Path | None = None  # its real path: no link left in it
    accent_color: str | None = None
    logo_bytes: bytes | None = field(default=None, repr=False)  # as checked at load, read once

    @property
    def logo_data_uri(self) -> str | None:
        """The logo inline, for HTML that must open from disk with nothing beside it."""
        if self.logo is None:
            return None
        data = base64.b64encode(self.logo_bytes).decode("ascii")
        return f"data:{LOGO_TYPES[self.logo.suffix.lower()]};base64,{data}"

    def fingerprint(self) -> dict:
        """What the outputs depend on: the fields, and the logo's bytes rather than its path."""
        logo = hashlib.sha256(self.logo_bytes).hexdigest() if self.logo else None
        return {**asdict(self), "logo": logo, "logo_bytes": None}


def contrast_with_white(color: str) -> float:
    """WCAG 2 contrast ratio of ``#rrggbb`` text on white."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    return 1.05 / (luminance + 0.05)


def load_brand(path: str | Path) -> Brand:
    """Read and check a brand file and its logo, both read as catalog files are (files.py)
    from the brand file's folder: a link leaving that folder, a FIFO or a device is refused."""
    path = Path(path)
    shown = r.printable(path.as_posix())
    problems: list[Problem] = []
    tree = Tree(path.parent, "the brand file's folder")
    try:
        data = tree.read(path)
    except Unsafe as error:
        raise BrandError([Problem(shown, 0, str(error))]) from None
    node = r.compose(data, shown, problems)
    if node is None:
        raise BrandError(problems)
    record = r.read_mapping(node, BRAND_FIELDS, shown, problems, what="brand")
    values = dict(record.values)
    if "logo" in values:
        logo = path.parent / values["logo"]
        problem = None
        if logo.suffix.lower() not in LOGO_TYPES:
            problem = "the logo must be an .svg or .png file"
        elif not logo.exists() and not logo.is_symlink():
            problem = f"no logo file at {r.excerpt(logo.resolve().as_posix(), 200)}"
        else:
            try:
                values["logo"], values["logo_bytes"] = tree.inside(logo), tree.read(logo, MAX_LOGO_BYTES)
                problem = _logo_problem(values["logo_bytes"], logo.suffix.lower())
            except Unsafe as error:
                problem = f"the logo {error}"
        if problem:
            problems.append(Problem(shown, record.line("logo"), problem))
    color = values.get("accent_color")
    if color is not None:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
            problems.append(Problem(shown, record.line("accent_color"), "accent_color must be a colour such as #1a5276"))
        elif (ratio := contrast_with_white(color)) < AA_CONTRAST:
            problems.append(Problem(shown, record.line("accent_color"),
                                    f"accent_color {color} has contrast {ratio:.1f}:1 on white; "
                                    f"WCAG AA needs {AA_CONTRAST}:1 (choose a darker colour)"))
        else:
            values["accent_color"] = color.lower()
    if problems:
        raise BrandError(problems)
    return Brand(**values)


def _logo_problem(data: bytes, suffix: str) -> str | None:
    """Why these bytes are not the image their name says (None if they are)."""
    if suffix == ".png":
        return None if data.startswith(b"\x89PNG\r\n\x1a\n") else "the logo is not a PNG image"
    try:
        _SvgReader().read(data)
    except _LogoRefused as refused:
        return str(refused)
    except expat.ExpatError:
        return "the logo is not an SVG image (not well-formed XML)"
    return None


class _LogoRefused(Exception):
    """What is wrong with the logo's content, said without quoting it."""


class _SvgReader:
    """Reads an SVG logo with expat, event by event, and refuses at the first thing that is
    not a still picture made of itself: a DOCTYPE (its entities can expand without bound, or
    fetch files) before any of it is expanded, processing instructions (``xml-stylesheet``),
    the elements ``LOGO_ELEMENTS_REFUSED``, event handler attributes, and every reference to
    something outside the logo. Problems name the line in the logo, never its text."""

    def __init__(self):
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.ProcessingInstructionHandler = self.instruction
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.characters
        self.open: list[str] = []  # local names of the elements open, outermost first
        self.style: list[str] = []  # the text of the <style> element open, if any
        self.style_line = 0

    def read(self, data: bytes) -> None:
        self.parser.Parse(data, True)

    def refuse(self, what: str, why: str = "", line: int | None = None) -> None:
        line = line or self.parser.CurrentLineNumber
        raise _LogoRefused(f"the logo has {what} on its line {line}, which a logo may not have{why}")

    def doctype(self, *_):
        raise _LogoRefused("the logo must be an SVG image without a DOCTYPE")

    def instruction(self, *_):
        self.refuse("a processing instruction (<?...?>)")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        if not self.open and name not in ("svg", f"{SVG_NS} svg"):
            raise _LogoRefused("the logo is not an SVG image (no <svg> root element)")
        if local.lower() in LOGO_ELEMENTS_REFUSED:
            self.refuse(f"a <{LOGO_ELEMENTS_REFUSED[local.lower()]}> element")
        for attribute, value in attributes.items():
            key = attribute.rsplit(" ", 1)[-1].lower()
            if key.startswith("on"):
                self.refuse("an event handler attribute (on...)")
            if key in ("href", "src"):
                bare = re.sub(r"[\x00-\x20]", "", value)  # as a browser reads "java script:"
                if bare.lower().startswith("javascript:"):
                    self.refuse("a javascript: link")
                if not _OWN_REFERENCE.match(bare):
                    self.refuse(*_OUTSIDE_LINK)
            if " " not in attribute and _CSS_FETCH.search(value):
                self.refuse(*_FETCHING_STYLE)
        self.open.append(local)
        if local.lower() == "style":
            self.style, self.style_line = [], self.parser.CurrentLineNumber

    def characters(self, data: str) -> None:
        if self.open and self.open[-1].lower() == "style":
            self.style.append(data)

    def end(self, name: str) -> None:
        if self.open.pop().lower() == "style" and _CSS_FETCH.search("".join(self.style)):
            self.refuse(*_FETCHING_STYLE, line=self.style_line)
