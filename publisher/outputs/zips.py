"""The portal's downloads: one zip per bundle, holding its handout PDFs, booklet (every
volume) and EPUB, ``manifest.json`` and ``README.txt`` (a derived output). The manifest gives
each handout's and booklet's document id and version, from the handouts' FHIR
DocumentReferences (also sources, not in the zip)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from markupsafe import Markup

from ..catalog.bundles import Volume, bundles, edition_date
from ..catalog.model import Review
from ..fhir import version_of
from ..paths import (FHIR, booklet_files, bundle_files, bundle_stem, document_id, fhir_document_file, handout_files,
                     variant)
from ..render import RenderSettings
from ..version import __version__
from ..versions import bundle_version
from .base import NO_DATE, DerivedOutput, Target


class ZipsOutput(DerivedOutput):
    """One download per bundle: its handout PDFs, booklet and EPUB, ``manifest.json`` and
    ``README.txt``; byte-identical on rebuild (fixed order, and a date from the catalog on
    every entry: the edition date, else the newest review date of the bundle, else of the
    whole selection)."""

    name = "zips"
    templates = ("portal/readme.txt.j2", "booklet-front.html.j2")  # a booklet's version hashes its front matter

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
        versions = {review.key: version_of(getattr(target.inputs.get(fhir_document_file(review, self.renderer)),
                                                   "data", None)) for review in reviews.values()}
        booklets = dict(zip(booklet_files(bundle, language), bundle.volumes))
        files = [(Path(path).name, path, source) for path, source in target.inputs.items()
                 if not path.startswith(f"{FHIR}/")]
        manifest = {
            "title": self.renderer.phrase("booklet_title", bundle), "publisher": site.publisher,
            "edition_date": site.edition_date.isoformat() if site.edition_date else None,
            "generator": f"publisher {__version__}",
            "files": [{"name": name, "size": source.size, "sha256": source.sha256,
                       **(review_facts(reviews[path], versions[reviews[path].key]) if path in reviews else {}),
                       **(booklet_facts(self.renderer, booklets[path], versions) if path in booklets else {})}
                      for name, path, source in files]}
        readme = Markup(self.renderer.env.get_template("portal/readme.txt.j2").render(
            site=site, brand=self.renderer.brand, paper=self.renderer.paper, booklet=bundle,
            files=[name for name, _, _ in files],
            volumes=[(name, booklets[path]) for name, path, _ in files if path in booklets and len(booklets) > 1])).unescape()
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


def booklet_facts(renderer, volume: Volume, versions: dict[str, str | None]) -> dict:
    """A booklet's (or one volume's) facts for machines: its document id and version
    (versions.py, from its handouts' ``versions`` by review key), and in a booklet of several,
    which volume it is and the reviews it holds (first and last, by their contents labels)."""
    facts = {"id": bundle_stem(volume), "version": bundle_version(renderer, volume, versions)}
    if volume.of > 1:
        facts["volume"] = {"number": volume.number, "of": volume.of,
                           "first": volume.entries[0].label, "last": volume.entries[-1].label}
    return facts


def review_facts(review: Review, version: str | None) -> dict:
    """A handout's facts for machines: its document id and version (versions.py), its subjects,
    status and dates."""
    return {"id": document_id(review), "version": version,
            "compound": review.compound.slug, "condition": review.condition.slug, "status": review.status,
            "reviewed_on": review.reviewed_on.isoformat() if review.reviewed_on else None,
            "next_review_due": review.next_review_due.isoformat() if review.next_review_due else None}
