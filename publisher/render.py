"""Catalog records -> HTML text, through the Jinja2 templates in ``layouts/``.

Autoescaping is always on and catalog values are only ever passed as data, so a value
such as ``{{ 7*7 }}`` or ``<script>`` is printed as it is, never evaluated or obeyed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import jinja2

from .catalog import Review, Site
from .resources import LAYOUTS

PAPER_SIZES = {"letter": "letter", "a4": "A4"}


def long_date(value: dt.date) -> str:
    """``2026-01-05`` -> ``January 5, 2026``: unambiguous for patients anywhere."""
    return f"{value:%B} {value.day}, {value.year}"


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(LAYOUTS),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = long_date
    return env


@dataclass
class Renderer:
    """Renders handouts; holds the Jinja environment so templates compile once per process."""

    site: Site
    paper: str
    env: jinja2.Environment

    @classmethod
    def create(cls, site: Site, paper: str | None = None) -> "Renderer":
        return cls(site=site, paper=paper or site.paper, env=make_environment())

    def handout(self, review: Review, stylesheet_href: str | None = None) -> str:
        """One review as a complete print HTML document."""
        return self.env.get_template("handout.html.j2").render(
            review=review,
            site=self.site,
            paper=PAPER_SIZES[self.paper],
            date=review.reviewed_on or self.site.edition_date,
            stylesheet_href=stylesheet_href,
        )
