"""schema.org structured data for a portal page (issue 26): each compound's or condition's page
is a ``MedicalWebPage`` whose ``about`` is the drug and the conditions it reviews (or the
condition and the drugs), each with its codes as ``MedicalCode``, for search engines and
health apps that read JSON-LD.

The page puts it in ``<script type="application/ld+json">`` through Jinja's ``tojson``, which
writes ``<``, ``>``, ``&`` and ``'`` as ``\\u003c``… escapes: a name holding ``</script>`` stays
inside the script, as data.
"""

from __future__ import annotations

from ..catalog.bundles import Bundle
from ..catalog.codes import codings
from ..catalog.model import Compound, Condition, Site


def _codes(subject) -> list[dict]:
    return [{"@type": "MedicalCode", "codeValue": code, "codingSystem": system.name}
            for system, code in codings(subject)]


def _drug(compound: Compound) -> dict:
    made = {"@type": "Drug", "name": compound.display_name}
    if codes := _codes(compound):
        made["code"] = codes
    rxcui = dict(compound.codes).get("rxnorm")
    if rxcui:
        made["rxcui"] = rxcui[0]
    return made


def _condition(condition: Condition) -> dict:
    made = {"@type": "MedicalCondition", "name": condition.name}
    if codes := _codes(condition):
        made["code"] = codes
    return made


def medical_web_page(bundle: Bundle, site: Site, name: str, url: str | None) -> dict:
    """The page of ``bundle``, titled ``name``, at ``url`` (None: the site has no address).
    ``lastReviewed`` is its newest review date, ``reviewedBy`` the reviewers its reviews name
    (else the site's medical advisor), ``audience`` patients."""
    reviews = [entry.review for entry in bundle.entries]
    if bundle.kind == "compound":
        about = [_drug(bundle.subject), *(_condition(r.condition) for r in reviews)]
    else:
        about = [_condition(bundle.subject), *(_drug(r.compound) for r in reviews)]
    made = {"@context": "https://schema.org", "@type": "MedicalWebPage", "name": name, "inLanguage": site.language}
    if url:
        made["url"] = url
    made["publisher"] = {"@type": "Organization", "name": site.publisher}
    made["audience"] = {"@type": "Patient"}
    dates = [r.reviewed_on for r in reviews if r.reviewed_on]
    if dates:
        made["lastReviewed"] = max(dates).isoformat()
    reviewers = list(dict.fromkeys(r.reviewer for r in reviews if r.reviewer)) or (
        [site.medical_advisor] if site.medical_advisor else [])
    if reviewers:
        made["reviewedBy"] = [{"@type": "Person", "name": who} for who in reviewers]
    made["about"] = about
    return made
