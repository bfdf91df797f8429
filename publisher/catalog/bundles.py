"""Reviews grouped for multi-review outputs (booklets, EPUBs): one bundle per compound, holding
its reviews by condition, and one per condition, holding every compound reviewed for it.

A booklet is printed in volumes of at most ``VOLUME_SIZE`` reviews: WeasyPrint lays a document
out whole and keeps every page until it is written, so one booklet's time and memory grow with
its length (faster than linearly), and a volume bounds both whatever the catalog holds.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Iterable, NamedTuple

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
        return edition_date(site, (e.review for e in self.entries))

    @functools.cached_property
    def volumes(self) -> tuple[Volume, ...]:
        """Its booklet's volumes, in its order: one, the whole bundle, up to ``VOLUME_SIZE``
        reviews; else as few as hold them, their sizes differing by one at most (120 reviews:
        40, 40, 40, not 50, 50, 20)."""
        count = -(-len(self.entries) // VOLUME_SIZE) or 1
        size, larger = divmod(len(self.entries), count)
        made, start = [], 0
        for number in range(1, count + 1):
            end = start + size + (number <= larger)
            made.append(Volume(self.kind, self.subject, self.entries[start:end], self, number, count))
            start = end
        return tuple(made)


# The most reviews one booklet volume holds: about 150 pages, 300 in large print. Measured in one
# process as a worker makes them (bench/README.md, "Booklet volumes"): 500 reviews in ten volumes
# peak at 186 MiB (219 in large print) and cost 4 % more per review than 50 do; as one document
# they took 901 MiB and 21 % more per review. Volumes of 100 would take large print past 300 MiB.
VOLUME_SIZE = 50


@dataclass(frozen=True)
class Volume(Bundle):
    """One volume of a bundle's booklet: ``number`` of ``of``, holding a run of its ``whole``
    bundle's entries (all of them when ``of`` is 1). Its edition and list of volumes are the
    whole bundle's."""

    whole: Bundle
    number: int
    of: int

    @property
    def volumes(self) -> tuple[Volume, ...]:
        return self.whole.volumes

    def edition_date(self, site: Site) -> dt.date | None:
        return self.whole.edition_date(site)


def edition_date(site: Site, reviews: Iterable[Review]) -> dt.date | None:
    """The date of a file holding ``reviews``: the site's edition date, else the newest of their
    review dates (None when neither the site nor any of them has one)."""
    return site.edition_date or max((r.reviewed_on for r in reviews if r.reviewed_on), default=None)


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
