"""A clinic's own identity on its handouts (``--brand FILE``): name, phone, address,
website, an optional logo and an accent colour that never costs legibility.

The file is checked like the catalog: every problem at once, as ``path:line: message``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict, dataclass, field
from pathlib import Path

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
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # entities can expand without bound
        return "the logo must be an SVG image without a DOCTYPE"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return "the logo is not an SVG image (not well-formed XML)"
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        return "the logo is not an SVG image (no <svg> root element)"
    return None
