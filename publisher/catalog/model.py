"""The catalog's model: compounds, conditions, per-review overrides and the site's identity,
as frozen records (their printed fields are what an output's fingerprint is made from)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

STATUSES = ("draft", "reviewed", "approved")  # a review's or a translation's; only approved may be released


def _plain():
    """A record's plain-language versions of its text fields (attribute -> text), from its
    file's ``plain:`` block: not printed as such (plain.py puts them in place for a plain build)."""
    return field(default=(), metadata={"printed": False})


@dataclass(frozen=True)
class Compound:
    slug: str
    name: str
    drug_class: str
    safety_profile: str
    regulatory_status: str
    evidence_level: str
    mechanism: str
    short_name: str | None = None
    conditions: tuple[str, ...] | None = None
    codes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (system, its codes): codes.py
    plain: tuple[tuple[str, str], ...] = _plain()

    @property
    def display_name(self) -> str:
        """How the seed pages name a compound: ``Low-Dose Naltrexone (LDN)``."""
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


@dataclass(frozen=True)
class Condition:
    slug: str
    name: str
    specialist: str
    codes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (system, its codes): codes.py
    plain: tuple[tuple[str, str], ...] = _plain()


@dataclass(frozen=True)
class Reference:
    title: str
    url: str | None = None
    pmid: str | None = None

    @property
    def link(self) -> str:
        return self.url or f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"


@dataclass(frozen=True)
class Review:
    """One compound x condition page, with the overrides from its review file if any."""

    compound: Compound
    condition: Condition
    research_note: str | None = None
    references: tuple[Reference, ...] = ()
    reviewed_on: dt.date | None = None
    source: str | None = field(default=None, metadata={"printed": False})  # the review file, if any
    status: str = "reviewed"  # draft | reviewed | approved; only approved may be released
    reviewer: str | None = None
    next_review_due: dt.date | None = None
    plain: tuple[tuple[str, str], ...] = _plain()

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def is_overdue(self, today: dt.date) -> bool:
        return self.next_review_due is not None and self.next_review_due < today

    @property
    def key(self) -> str:
        return f"{self.compound.slug}/{self.condition.slug}"


@dataclass(frozen=True)
class Site:
    publisher: str = "Patient Education Team"
    medical_advisor: str | None = None
    disclaimer: str | None = None
    url: str | None = None
    language: str = "en"
    paper: str = "letter"
    edition_date: dt.date | None = None
    sample: bool = False
    default_status: str = "reviewed"  # for reviews whose file does not say
    online_url: str | None = None  # e.g. https://example.org/{language}/{compound}/{condition}
    reading_grade_max: float = 8.0  # the usual ceiling for patient materials
    languages: tuple[str, ...] = ()  # BCP 47 tags; the first is the YAML's own; () means (language,)
    partial_translation: bool = False  # set on a translation built with missing strings
    reading_grade_strict: bool = False  # a handout above reading_grade_max is an error, not a note
    plain: tuple[tuple[str, str], ...] = _plain()

    def __post_init__(self):
        if not self.languages:
            object.__setattr__(self, "languages", (self.language,))

    def online(self, review: "Review") -> str | None:
        """The review's current online version, when the site publishes one."""
        if not self.online_url:
            return None
        return (self.online_url.replace("{compound}", review.compound.slug)
                .replace("{condition}", review.condition.slug).replace("{language}", self.language))


@dataclass(frozen=True)
class Catalog:
    root: Path
    site: Site
    compounds: tuple[Compound, ...]
    conditions: tuple[Condition, ...]
    reviews: tuple[Review, ...] = field(repr=False)
