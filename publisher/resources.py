"""Where the project's own templates, styles and fonts are: the only files a build may read
besides the catalog.

In a checkout (or ``pip install -e .``) these are the top-level ``layouts/`` and ``styles/``
folders; ``pip install .`` installs the same folders inside the package.
"""

from __future__ import annotations

from pathlib import Path


def _folder(name: str) -> Path:
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    return Path(__file__).resolve().parent / name  # installed by `pip install .`


LAYOUTS = _folder("layouts")
STYLES = _folder("styles")
FONTS = STYLES / "fonts"
WEB_FONTS = FONTS / "web"  # WOFF2 subsets for the HTML handouts (publisher/webfonts.py)
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
    return [*css, *sorted(p for p in FONTS.iterdir() if p.suffix == ".ttf")]
