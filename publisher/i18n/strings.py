"""The catalog's translatable text: which fields of which records, and every source string
with where it comes from (a PO entry's ``#:`` comment)."""

from __future__ import annotations

from ..catalog import Catalog
from ..catalog.plain import PLAIN_FIELDS

# The translated fields of each record, as (attribute, field name in the YAML file).
COMPOUND_TEXT = (("name", "name"), ("short_name", "short_name"), ("drug_class", "class"),
                 ("safety_profile", "safety_profile"), ("regulatory_status", "regulatory_status"),
                 ("evidence_level", "evidence_level"), ("mechanism", "mechanism"))
CONDITION_TEXT = (("name", "name"), ("specialist", "specialist"))
SITE_TEXT = (("publisher", "publisher"), ("disclaimer", "disclaimer"))  # a person's name is not translated


def source_strings(catalog: Catalog) -> dict[str, list[str]]:
    """Every translatable string of the catalog, in file order, with where it comes from
    (``compounds/low-dose-naltrexone.yaml:name``; a plain version's ``…:plain.name``)."""
    found: dict[str, list[str]] = {}

    def add(text, where):
        if text:
            found.setdefault(text, []).append(where)

    def add_plain(record, where):
        keys = dict(PLAIN_FIELDS[type(record)])
        for attr, text in record.plain:
            add(text, f"{where}:plain.{keys[attr]}")

    for attr, key in SITE_TEXT:
        add(getattr(catalog.site, attr), f"site.yaml:{key}")
    add_plain(catalog.site, "site.yaml")
    for compound in catalog.compounds:
        for attr, key in COMPOUND_TEXT:
            add(getattr(compound, attr), f"compounds/{compound.slug}.yaml:{key}")
        add_plain(compound, f"compounds/{compound.slug}.yaml")
    for condition in sorted(catalog.conditions, key=lambda c: c.slug):
        for attr, key in CONDITION_TEXT:
            add(getattr(condition, attr), f"conditions/{condition.slug}.yaml:{key}")
        add_plain(condition, f"conditions/{condition.slug}.yaml")
    for review in sorted((v for v in catalog.reviews if v.source), key=lambda v: v.key):
        where = f"reviews/{review.key}.yaml"
        add(review.research_note, f"{where}:research_note")
        add_plain(review, where)
        for reference in review.references:
            add(reference.title, f"{where}:references")
    return found


def is_plain_only(where: list[str]) -> bool:
    """Is a string (by ``source_strings``' places) only ever a plain version? Its translation
    is then optional: a plain build gives the standard text's translation in its place."""
    return all(":plain." in place for place in where)
