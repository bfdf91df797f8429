"""The catalog's plain-language wording (``--wording plain``): which fields a ``plain:`` block
may give, and the catalog with those versions in place.

A compound, condition, review or site.yaml may carry a ``plain:`` mapping with easier words
for its text fields (``plain: {mechanism: It blocks …}``), read and checked by the field's own
reader. A plain build prints them; where a field has none, its standard text stands in, and
``publisher check --readability --wording plain`` lists those fields. The template's fixed
text has its own plain wording (``i18n/wording.py``).
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from .model import Catalog, Compound, Condition, Review, Site

# The fields that may have a plain version, by record kind, as (attribute, YAML field name).
PLAIN_FIELDS = {
    Compound: (("name", "name"), ("short_name", "short_name"), ("drug_class", "class"),
               ("safety_profile", "safety_profile"), ("regulatory_status", "regulatory_status"),
               ("evidence_level", "evidence_level"), ("mechanism", "mechanism")),
    Condition: (("name", "name"), ("specialist", "specialist")),
    Review: (("research_note", "research_note"),),
    Site: (("disclaimer", "disclaimer"),),  # the publisher's name is a name
}


def plain_keys(kind: type) -> tuple[str, ...]:
    """The YAML field names a ``plain:`` block of ``kind``'s file may hold."""
    return tuple(key for _, key in PLAIN_FIELDS[kind])


def plain_values(kind: type, values: dict) -> tuple[tuple[str, str], ...]:
    """A read ``plain:`` block (YAML field name -> text) as the record's ``plain`` field."""
    return tuple((attr, values[key]) for attr, key in PLAIN_FIELDS[kind] if key in values)


def in_plain(catalog: Catalog, usable: Callable[[str], bool] = lambda text: True) -> Catalog:
    """The catalog with every plain version in place of its standard text; ``usable`` says
    whether one may be used (a translated build uses only those its PO file translates: the
    standard text's translation stands in for the others)."""

    def plain(record):
        chosen = {attr: text for attr, text in record.plain if usable(text)}
        return dataclasses.replace(record, **chosen) if chosen else record

    compounds = {c.slug: plain(c) for c in catalog.compounds}
    conditions = {c.slug: plain(c) for c in catalog.conditions}
    reviews = tuple(plain(dataclasses.replace(v, compound=compounds[v.compound.slug],
                                              condition=conditions[v.condition.slug])) for v in catalog.reviews)
    return dataclasses.replace(catalog, site=plain(catalog.site), compounds=tuple(compounds.values()),
                               conditions=tuple(conditions.values()), reviews=reviews)


def without_plain(catalog: Catalog) -> list[str]:
    """The fields a plain build prints in their standard text, a line per file
    (``compounds/ldn.yaml: name, short_name``): what ``check --readability --wording plain``
    lists. Only fields with a text count (a review's note, a short name, a disclaimer)."""
    found = []

    def check(record, where):
        have = {attr for attr, _ in record.plain}
        keys = [key for attr, key in PLAIN_FIELDS[type(record)] if getattr(record, attr) and attr not in have]
        if keys:
            found.append(f"{where}: {', '.join(keys)}")

    check(catalog.site, "site.yaml")
    for compound in catalog.compounds:
        check(compound, f"compounds/{compound.slug}.yaml")
    for condition in sorted(catalog.conditions, key=lambda c: c.slug):
        check(condition, f"conditions/{condition.slug}.yaml")
    for review in catalog.reviews:
        if review.source:
            check(review, f"reviews/{review.key}.yaml")
    return found
