"""``--format fhir``: a FHIR R4 DocumentReference per handout PDF
(``fhir/DocumentReference/<id>.json``) and a ``collection`` Bundle of them (``fhir/Bundle.json``),
in every output root (language, edition, wording). Derived outputs: each DocumentReference is
made from its PDF (its size and SHA-1) after it, and again exactly when it changes; the Bundle
from the DocumentReferences, after them. What the resources say, and why: ``publisher/fhir.py``.

A DocumentReference is where a handout's version (versions.py) is worked out, once per changed
handout; the portal's cards, the zips' manifests and ``catalog.json`` read it from there.
"""

from __future__ import annotations

import json

from .. import fhir
from ..catalog.bundles import edition_date
from ..catalog.model import Review
from ..paths import (FHIR_BUNDLE, edition_folder, fhir_document_file, language_folder, review_file, variant,
                     wording_folder)
from ..render import RenderSettings
from ..versions import handout_version, review_date
from .base import DerivedOutput, Target


class FhirOutput(DerivedOutput):
    """One DocumentReference per handout PDF. It renders the handout's text to hash it, so the
    handout's templates are part of how it is made."""

    name = "fhir"
    templates = ("handout.html.j2", "wording.j2")
    keeps_history = True  # relatesTo: the version it replaces

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        named = variant(settings)
        return [Target(fhir_document_file(r, settings), review=r, sources=((review_file("pdf", r, named),),))
                for r in reviews]

    def make(self, target: Target) -> bytes:
        review, renderer = target.review, self.renderer
        (path, source), = target.inputs.items()
        return fhir.dumps(fhir.document_reference(
            review, renderer, renderer.phrase("question", review), handout_version(renderer, review),
            review_date(review, renderer.site), source.data, attachment_url(renderer, path), target.previous))


class FhirBundleOutput(DerivedOutput):
    """``fhir/Bundle.json``: every DocumentReference of the output root, in catalog order."""

    name = "fhir-bundle"

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        if not reviews:
            return []
        return [Target(FHIR_BUNDLE, date=edition_date(settings.site, reviews),
                       sources=(tuple(fhir_document_file(r, settings) for r in reviews),))]

    def make(self, target: Target) -> bytes:
        resources = [json.loads(source.data) for source in target.inputs.values()]
        return fhir.dumps(fhir.collection(resources, self.renderer.site, target.date))


def attachment_url(settings: RenderSettings, path: str) -> str:
    """Where the PDF at ``path`` (relative to the output root) is: under site.yaml's ``url`` when
    there is one, else relative to the ``fhir/`` folder, FHIR's base for relative references."""
    site = settings.site
    if site.url:
        root = wording_folder(settings.plain) + language_folder(site, site.language) + edition_folder(settings.large_print)
        return f"{site.url.rstrip('/')}/{root}{path}"
    return f"../{path}"
