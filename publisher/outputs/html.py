"""HTML handouts that open straight from disk: the stylesheets and fonts are copied beside them,
and a header links the handout's PDFs and the portal where the folder has them (the plan says
which: pipeline/handout_links.py).

The print stylesheets serve, with WOFF2 subsets of the fonts in place of the TTFs
(web-fonts.css, made by ``publisher.webfonts``), so a page and what it loads stay light."""

from __future__ import annotations

from pathlib import Path

from ..catalog.model import Review
from ..render import Renderer, RenderSettings
from ..i18n.wording import script_of
from ..resources import HANDOUT_CSS, LARGE_PRINT_CSS, STYLES, WEB_FONTS, WEB_FONTS_CSS, script_web_fonts_css
from ..paths import HTML_ASSETS, edition_path, handout_links, is_large_print, language_variant, review_file, variant
from .base import Output, Target


class HtmlOutput(Output):
    name = "html"
    templates = ("handout.html.j2",)

    def __init__(self, renderer: Renderer):
        super().__init__(renderer)
        # Inline, so the page opens from disk on its own; encoded once for every page.
        self.logo_href = renderer.brand.logo_data_uri if renderer.brand else None

    @staticmethod
    def styles(large_print: bool = False) -> list[Path]:
        css = [WEB_FONTS_CSS, HANDOUT_CSS, *([LARGE_PRINT_CSS] if large_print else [])]
        return [*css, *sorted(WEB_FONTS.glob("*.woff2"))]

    @classmethod
    def targets(cls, reviews: list[Review], settings: RenderSettings) -> list[Target]:
        script = script_of(settings.site.language)  # zh, ar: WOFF2 chunks of their own faces
        scripts = [script_web_fonts_css(script), *sorted((WEB_FONTS / script).glob("*.woff2"))] if script else []
        assets = [Target(f"{HTML_ASSETS}/{p.relative_to(STYLES).as_posix()}", asset=p)
                  for p in [*cls.styles(settings.large_print), *scripts]]
        named = variant(settings)
        return [Target(review_file("html", r, named), r) for r in reviews] + (assets if reviews else [])

    def make(self, target: Target) -> bytes:
        if target.asset is not None:
            return target.asset.read_bytes()
        return self.renderer.handout(target.review, assets_href="../_assets/", logo_href=self.logo_href,
                                     links=hrefs(target.review, self.renderer, target.links)).encode("utf-8")


def hrefs(review: Review, settings: RenderSettings, kinds: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """A handout's header links (``kinds``: which, as the plan found them) as (kind, href),
    relative to the handout's own file (``html/<compound>/`` in its edition's folder), so they
    work opened from disk."""
    paths = handout_links(review, language_variant(settings))  # from the language's standard root
    if not settings.large_print:
        return tuple((kind, "../../" + paths[kind]) for kind in kinds)
    return tuple((kind, "../../" + edition_path(paths[kind]) if is_large_print(paths[kind])
                  else "../../../" + paths[kind]) for kind in kinds)
