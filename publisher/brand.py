"""A clinic's own identity on its handouts (``--brand FILE``): name, phone, address,
website, an optional logo and an accent colour that never costs legibility.

The file is checked like the catalog: every problem at once, as ``path:line: message``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from . import records as r
from .errors import BrandError, Problem

BRAND_FIELDS = {
    "name": r.Field(r.text, required=True),
    "phone": r.Field(r.text, required=True),
    "address": r.Field(r.text),
    "website": r.Field(r.url),
    "logo": r.Field(r.text),
    "accent_color": r.Field(r.text),
}
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
AA_CONTRAST = 4.5  # WCAG 2 AA for body text, against the white page


@dataclass(frozen=True)
class Brand:
    name: str
    phone: str
    address: str | None = None
    website: str | None = None
    logo: Path | None = None
    accent_color: str | None = None

    @property
    def logo_data_uri(self) -> str | None:
        """The logo inline, for HTML that must open from disk with nothing beside it."""
        if self.logo is None:
            return None
        data = base64.b64encode(self.logo.read_bytes()).decode("ascii")
        return f"data:{LOGO_TYPES[self.logo.suffix.lower()]};base64,{data}"

    def fingerprint(self) -> dict:
        """What the outputs depend on: the fields, and the logo's bytes rather than its path."""
        logo = hashlib.sha256(self.logo.read_bytes()).hexdigest() if self.logo else None
        return {**asdict(self), "logo": logo}


def contrast_with_white(color: str) -> float:
    """WCAG 2 contrast ratio of ``#rrggbb`` text on white."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    return 1.05 / (luminance + 0.05)


def load_brand(path: str | Path) -> Brand:
    path = Path(path)
    shown = path.as_posix()
    problems: list[Problem] = []
    if not path.is_file():
        raise BrandError([Problem(shown, 0, "no brand file here")])
    node = r.compose(path, shown, problems)
    if node is None:
        raise BrandError(problems)
    record = r.read_mapping(node, BRAND_FIELDS, shown, problems, what="brand")
    values = dict(record.values)
    if "logo" in values:
        logo = (path.parent / values["logo"]).resolve()
        if logo.suffix.lower() not in LOGO_TYPES:
            problems.append(Problem(shown, record.line("logo"), "the logo must be an .svg or .png file"))
        elif not logo.is_file():
            problems.append(Problem(shown, record.line("logo"), f"no logo file at {logo.as_posix()}"))
        values["logo"] = logo
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
