"""Reviews grouped for multi-review outputs (booklets, EPUBs): one bundle per compound, holding
its reviews by condition, and one per condition, holding every compound reviewed for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from .model import Compound, Condition, Review, Site


class BundleEntry(NamedTuple):
    """One review inside a bundle: its name in the contents and outline, and its own id prefix
    (every review reuses the same element ids, which must stay unique in one document). A
    named tuple: a large catalog's bundles hold two entries per review."""

    label: str
    review: Review
    prefix: str

    @property
    def anchor(self) -> str:
        return f"{self.prefix}title"


@dataclass(frozen=True)
class Bundle:
    """A compound's reviews (``kind == "compound"``) or a condition's (``kind == "condition"``)."""

    kind: str
    subject: Compound | Condition
    entries: tuple[BundleEntry, ...]

    @property
    def slug(self) -> str:
        return self.subject.slug

    @property
    def name(self) -> str:
        return self.subject.display_name if self.kind == "compound" else self.subject.name

    def edition_date(self, site: Site) -> dt.date | None:
        """The site's edition date, else the latest review date: from the catalog, never the clock."""
        dates = [e.review.reviewed_on for e in self.entries if e.review.reviewed_on]
        return site.edition_date or (max(dates) if dates else None)


_last: list = []  # (reviews, bundles) of the last call: every format of a plan asks for the same


def bundles(reviews: list[Review]) -> list[Bundle]:
    """Compound bundles, then condition bundles, each keeping the reviews' catalog order."""
    if _last and _last[0] is reviews:
        return _last[1]
    made = _bundles(reviews)
    _last[:] = [reviews, made]
    return made


def _bundles(reviews: list[Review]) -> list[Bundle]:
    by_compound: dict[str, list[Review]] = {}
    by_condition: dict[str, list[Review]] = {}
    for review in reviews:
        by_compound.setdefault(review.compound.slug, []).append(review)
        by_condition.setdefault(review.condition.slug, []).append(review)
    made = [_bundle("compound", group[0].compound, group, lambda r: r.condition.name)
            for group in by_compound.values()]
    conditions = sorted(by_condition.values(), key=lambda g: (g[0].condition.name.casefold(), g[0].condition.slug))
    made += [_bundle("condition", group[0].condition, group, lambda r: r.compound.display_name)
             for group in conditions]
    return made


def _bundle(kind, subject, reviews, label) -> Bundle:
    entries = tuple(BundleEntry(label(r), r, f"r{n}-") for n, r in enumerate(reviews, start=1))
    return Bundle(kind, subject, entries)
