"""Where the project's own templates, styles and fonts are: the only files a build may read
besides the catalog.

In a checkout (or ``pip install -e .``) these are the top-level ``layouts/`` and ``styles/``
folders; ``pip install .`` installs the same folders inside the package.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


def _folder(name: str) -> Path:
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    return Path(__file__).resolve().parent / name  # installed by `pip install .`


LAYOUTS = _folder("layouts")
STYLES = _folder("styles")
FONTS = STYLES / "fonts"
WEB_FONTS = FONTS / "web"  # WOFF2 subsets for the HTML handouts (publisher/webfonts.py)


class Face(NamedTuple):
    file: str  # in styles/fonts/
    family: str  # as handout.css and print-fonts.css name it
    weight: int
    style: str = "normal"
    script: str | None = None  # None: every page has it; "zh", "ar": pages in that script's languages


# Every vendored face, once: no output depends on the fonts of the machine that builds it.
# Atkinson Hyperlegible for Latin (low vision), DejaVu Sans for the few glyphs it lacks (such
# as an arrow), and Noto faces for the scripts the languages need; in fallback order.
FACES = (
    Face("AtkinsonHyperlegible-Regular.ttf", "Atkinson Hyperlegible", 400),
    Face("AtkinsonHyperlegible-Bold.ttf", "Atkinson Hyperlegible", 700),
    Face("AtkinsonHyperlegible-Italic.ttf", "Atkinson Hyperlegible", 400, "italic"),
    Face("AtkinsonHyperlegible-BoldItalic.ttf", "Atkinson Hyperlegible", 700, "italic"),
    Face("DejaVuSans.ttf", "DejaVu Sans Vendored", 400),
    Face("DejaVuSans-Bold.ttf", "DejaVu Sans Vendored", 700),
    Face("NotoSansSC-Regular.otf", "Noto Sans SC", 400, script="zh"),
    Face("NotoSansSC-Bold.otf", "Noto Sans SC", 700, script="zh"),
    Face("NotoSansArabic-Regular.ttf", "Noto Sans Arabic", 400, script="ar"),
    Face("NotoSansArabic-Bold.ttf", "Noto Sans Arabic", 700, script="ar"),
)
# The faces a script needs beyond the Latin ones, regular then bold (keyed by language subtag).
SCRIPT_FONTS = {script: tuple(f.file for f in FACES if f.script == script) for script in ("zh", "ar")}


def faces(family: str | None = None, script: str | None = None) -> list[Face]:
    """The vendored faces of one family, or of one script (None: the Latin ones)."""
    return [f for f in FACES if f.script == script and (family is None or f.family == family)]


def print_font_files() -> list[Path]:
    """The TrueType faces a print stylesheet may load, sorted (part of every PDF's fingerprint)."""
    return sorted(FONTS / f.file for f in FACES if f.file.endswith(".ttf"))
PRINT_FONTS_CSS = STYLES / "print-fonts.css"
WEB_FONTS_CSS = STYLES / "web-fonts.css"


def script_web_fonts_css(script: str) -> Path:
    """``zh`` -> the stylesheet serving that script's WOFF2 chunks (publisher/webfonts.py)."""
    return STYLES / f"web-fonts-{script}.css"


HANDOUT_CSS = STYLES / "handout.css"
BOOKLET_CSS = STYLES / "booklet.css"
EPUB_CSS = STYLES / "epub.css"
LARGE_PRINT_CSS = STYLES / "large-print.css"


def style_files(*extra_css: Path, large_print: bool = False) -> list[Path]:
    """A print format's stylesheets in cascade order (the TTF faces, handout.css, ``extra_css``,
    then the large-print overrides when asked for), and every font they may load."""
    css = [PRINT_FONTS_CSS, HANDOUT_CSS, *extra_css, *([LARGE_PRINT_CSS] if large_print else [])]
    return [*css, *print_font_files()]
