"""The portal's downloads: one zip per bundle, holding its handout PDFs, booklet (every
volume) and EPUB, ``manifest.json`` and ``README.txt`` (a derived output). The manifest gives
each handout's document id and version, read from its FHIR DocumentReference (also a source,
not in the zip)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from markupsafe import Markup

from ..catalog.bundles import Volume, bundles, edition_date
from ..catalog.model import Review
from ..fhir import version_of
from ..paths import FHIR, booklet_files, bundle_files, document_id, fhir_document_file, handout_files, variant
from ..render import RenderSettings
from ..version import __version__
from .base import NO_DATE, DerivedOutput, Target


class ZipsOutput(DerivedOutput):
    """One download per bundle: its handout PDFs, booklet and EPUB, ``manifest.json`` and
    ``README.txt``; byte-identical on rebuild (fixed order, and a date from the catalog on
    every entry: the edition date, else the newest review date of the bundle, else of the
    whole selection)."""

    name = "zips"
    templates = ("portal/readme.txt.j2",)

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        if settings.large_print:
            return []
        language, site = variant(settings), settings.site
        newest = edition_date(site, reviews)  # for a bundle whose reviews have no date
        return [Target(files["zip"], bundle=b, date=b.edition_date(site) or newest,
                       sources=((*(handout_files(e.review, language)["pdf"] for e in b.entries),
                                 *files["booklet"], files["epub"],
                                 *(fhir_document_file(e.review, settings) for e in b.entries)),))
                for b, files in ((b, bundle_files(b, language)) for b in bundles(reviews))]

    def make(self, target: Target) -> bytes:
        bundle, site, language = target.bundle, self.renderer.site, variant(self.renderer)
        date = target.date or NO_DATE  # no date anywhere in the catalog: the zip format's first day
        reviews = {handout_files(e.review, language)["pdf"]: e.review for e in bundle.entries}
        versions = {path: version_of(getattr(target.inputs.get(fhir_document_file(review, self.renderer)), "data", None))
                    for path, review in reviews.items()}
        volumes = dict(zip(booklet_files(bundle, language), bundle.volumes)) if len(bundle.volumes) > 1 else {}
        files = [(Path(path).name, path, source) for path, source in target.inputs.items()
                 if not path.startswith(f"{FHIR}/")]
        manifest = {
            "title": self.renderer.phrase("booklet_title", bundle), "publisher": site.publisher,
            "edition_date": site.edition_date.isoformat() if site.edition_date else None,
            "generator": f"publisher {__version__}",
            "files": [{"name": name, "size": source.size, "sha256": source.sha256,
                       **(review_facts(reviews[path], versions[path]) if path in reviews else {}),
                       **(volume_facts(volumes[path]) if path in volumes else {})}
                      for name, path, source in files]}
        readme = Markup(self.renderer.env.get_template("portal/readme.txt.j2").render(
            site=site, brand=self.renderer.brand, paper=self.renderer.paper, booklet=bundle,
            files=[name for name, _, _ in files],
            volumes=[(name, volumes[path]) for name, path, _ in files if path in volumes])).unescape()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            entries = [("README.txt", readme.encode("utf-8"), zipfile.ZIP_DEFLATED),
                       ("manifest.json", (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
                        zipfile.ZIP_DEFLATED)]
            entries += [(name, source.data, zipfile.ZIP_STORED) for name, _, source in files]  # already compressed
            for name, data, method in entries:
                info = zipfile.ZipInfo(name, date_time=(date.year, date.month, date.day, 0, 0, 0))
                info.create_system, info.external_attr, info.compress_type = 3, 0o644 << 16, method
                archive.writestr(info, data)
        return out.getvalue()


def volume_facts(volume: Volume) -> dict:
    """Which volume of the booklet a file is, and the reviews it holds (first and last, by
    their contents labels)."""
    return {"volume": {"number": volume.number, "of": volume.of,
                       "first": volume.entries[0].label, "last": volume.entries[-1].label}}


def review_facts(review: Review, version: str | None) -> dict:
    """A handout's facts for machines: its document id and version (versions.py), its subjects,
    status and dates."""
    return {"id": document_id(review), "version": version,
            "compound": review.compound.slug, "condition": review.condition.slug, "status": review.status,
            "reviewed_on": review.reviewed_on.isoformat() if review.reviewed_on else None,
            "next_review_due": review.next_review_due.isoformat() if review.next_review_due else None}
