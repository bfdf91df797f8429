"""The portal's code lookup (issue 26): which handouts an EHR's diagnosis or drug code leads to.

``lookup.json`` is the index: every handout of the output root with its title (in the root's
language), its PDF and web page, and its codes as ``<FHIR system URI>|<code>``; and the code
systems with their FHIR URIs and HL7 OIDs. ``lookup.html`` carries the same index inside the
page (a ``<script type="application/json">``) and resolves an HL7 Infobutton URL query
(``?mainSearchCriteria.v.c=C22.9&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90``) in the
browser with ``styles/lookup.js``: embedded, because a page opened from disk may not fetch a
file beside it (Chromium refuses ``file://`` requests), and the portal works from disk.

Codes are compared folded: capitals, without dots (``c22.9`` and ``C229`` are ``C22.9``). ICD-10-CM
and ATC are hierarchies written as prefixes, so a handout coded ``C22`` answers ``C22.9``.
"""

from __future__ import annotations

import json

from ..catalog.bundles import Bundle
from ..catalog.codes import SYSTEMS, codings
from ..paths import handout_files

HIERARCHICAL = ("icd10cm", "atc")  # a code's prefixes are its broader codes


def fold(code: str) -> str:
    """As lookup.js folds a code: capitals, no dots."""
    return code.upper().replace(".", "")


def index(groups: tuple[Bundle, ...], title, language: str, site_language: str) -> dict:
    """The index of every handout in ``groups`` (each once, in catalog order); ``title(review)``
    gives its title in the page's language, ``language`` its base names' variant."""
    reviews = [entry.review for bundle in groups if bundle.kind == "compound" for entry in bundle.entries]
    handouts = []
    for review in reviews:
        files = handout_files(review, language)
        codes = [f"{system.uri}|{fold(code)}" for subject in (review.condition, review.compound)
                 for system, code in codings(subject)]
        handouts.append({"title": title(review), "pdf": files["pdf"], "html": files["html"], "codes": codes})
    systems = [{"name": s.name, "uri": s.uri, "oid": s.oid, "hierarchical": s.key in HIERARCHICAL}
               for s in SYSTEMS.values()]
    return {"language": site_language, "systems": systems, "handouts": handouts}


def index_json(data: dict) -> bytes:
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
