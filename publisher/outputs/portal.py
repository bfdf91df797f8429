"""The download portal's pages (``--format site``): a static site at the root of the output
folder, made from the documents the build made, so it can be served from any host or opened
from disk.

The portal is made of derived outputs, each after what it reads: first-page previews
(previews.py, from the PDFs), FHIR DocumentReferences and their Bundle (fhir.py, from the PDFs:
they hold each handout's version), zip bundles (zips.py, from the PDFs and EPUBs), then the
pages, feed, index and code lookup here that list them all. Only the standard edition has a portal; its pages
link the large-print files when built, and the same page in the other languages that have it.
Each compound's and condition's page carries schema.org JSON-LD (jsonld.py), each card the
handout's version, each booklet link the booklet's.
"""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass
from pathlib import Path


from ..catalog.bundles import Bundle, bundles, edition_date
from ..catalog.model import Review, Site
from ..fhir import version_of
from ..i18n.wording import autonym, is_rtl, plural_categories, plural_rule
from ..paths import (FHIR, PORTAL_ASSETS, booklet_files, bundle_files, fhir_document_file, handout_files, is_large_print,
                     is_source, language_folder, variant, wording_folder)
from ..render import RenderSettings
from ..resources import STYLES
from ..version import __version__
from . import lookup
from .base import NO_DATE, DerivedOutput, Source, Target
from .jsonld import medical_web_page
from .zips import booklet_facts, review_facts

# copied into the portal's assets folder
PORTAL_FILES = (STYLES / "portal.css", STYLES / "portal.js", STYLES / "lookup.js")
PAGES = {"index.html": "portal/index.html.j2", "opds.xml": "portal/opds.xml.j2", "sitemap.xml": "portal/sitemap.xml.j2",
         "lookup.html": "portal/lookup.html.j2"}


class PortalOutput(DerivedOutput):
    """``index.html``, one page per compound and condition, ``catalog.json``, ``opds.xml``,
    ``lookup.html`` and ``lookup.json``, ``sitemap.xml`` (when the site has an address) and the
    pages' own stylesheet and scripts."""

    name = "portal"
    templates = ("portal/index.html.j2", "portal/bundle.html.j2", "portal/opds.xml.j2", "portal/sitemap.xml.j2",
                 "portal/lookup.html.j2", "booklet-front.html.j2")  # a booklet's version hashes its front matter
    links_languages = True  # each page links itself in the other languages (the plan says which: alternates.py)

    @staticmethod
    def styles(large_print: bool = False) -> list[Path]:
        return list(PORTAL_FILES)

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        if settings.large_print or not reviews:
            return []
        groups, language = tuple(bundles(reviews)), variant(settings)
        pages = [(b, _bundle_sources(b, language, settings)) for b in groups]
        whole = tuple(sources for _, sources in pages)  # every page's sources, page by page
        made = [Target(f"{PORTAL_ASSETS}/{path.name}", asset=path) for path in PORTAL_FILES]
        made += [Target(bundle_files(b)["page"], bundle=b, sources=(sources,)) for b, sources in pages]
        made += [Target(name, sources=whole, group=groups)
                 for name in ("index.html", "catalog.json", "opds.xml", "lookup.html", "lookup.json")]
        if settings.site.url:
            made.append(Target("sitemap.xml", sources=whole, group=groups))
        return made

    @staticmethod
    def reads(target: Target, path: str) -> bool:
        # a page prints its documents' page counts; a page and catalog.json, the handouts' versions
        if path.startswith(f"{FHIR}/"):
            return target.bundle is not None or target.path == "catalog.json"
        return target.bundle is not None and path.endswith(".pdf") and not is_large_print(path)

    def make(self, target: Target) -> bytes:
        if target.asset is not None:
            return target.asset.read_bytes()
        if target.path == "catalog.json":
            return self._catalog_json(target)
        language, site = variant(self.renderer), self.renderer.site
        found = None
        if target.path.startswith("lookup."):
            found = lookup.index(target.group, functools.partial(self.renderer.phrase, "question"), language,
                                 site.language)
            if target.path == "lookup.json":
                return lookup.index_json(found)
        template, depth = PAGES.get(target.path, "portal/bundle.html.j2"), target.path.count("/")
        newest = edition_date(site, (e.review for b in target.group for e in b.entries)) or NO_DATE
        return self.renderer.env.get_template(template).render(
            site=site, brand=self.renderer.brand, root="../" * depth, booklet=target.bundle,
            editions=language_versions(target, site, self.renderer.plain),
            address=functools.partial(address, site, plain=self.renderer.plain),
            identifier=functools.partial(identifier, site, plain=self.renderer.plain),
            plural_counts=plural_categories(site.language), plural_rule=plural_rule(site.language),
            groups=target.group, updated=newest, files=_Files(target.inputs), version=__version__,
            handout=functools.partial(handout_files, language=language),
            record=functools.partial(fhir_document_file, settings=self.renderer),
            bundle=functools.partial(bundle_files, language=language), lookup=found,
            booklets=self._booklets(target.bundle, _Files(target.inputs)) if target.bundle else {},
            structured=self._structured(target)).encode("utf-8")

    def _booklets(self, bundle: Bundle, files: _Files) -> dict[str, dict]:
        """Each booklet file of ``bundle`` the folder has: its id and version (zips.booklet_facts),
        from its handouts' versions (their DocumentReferences)."""
        versions = {e.review.key: files.version(fhir_document_file(e.review, self.renderer)) for e in bundle.entries}
        return {path: booklet_facts(self.renderer, volume, versions)
                for path, volume in zip(booklet_files(bundle, variant(self.renderer)), bundle.volumes) if files.has(path)}

    def _structured(self, target: Target) -> dict | None:
        """A compound's or condition's page as schema.org's MedicalWebPage (jsonld.py)."""
        if target.bundle is None:
            return None
        site = self.renderer.site
        return medical_web_page(target.bundle, site, self.renderer.phrase("booklet_title", target.bundle),
                                address(site, target.path, plain=self.renderer.plain) if site.url else None)

    def _catalog_json(self, target: Target) -> bytes:
        files, language = _Files(target.inputs), variant(self.renderer)
        reviews = [e.review for b in target.group if b.kind == "compound" for e in b.entries]
        data = {"publisher": self.renderer.site.publisher, "language": self.renderer.site.language,
                "edition_date": self.renderer.site.edition_date.isoformat() if self.renderer.site.edition_date else None,
                "generator": f"publisher {__version__}",
                "reviews": [{**review_facts(r, files.version(fhir_document_file(r, self.renderer))),
                             "title": self.renderer.phrase("question", r),
                             "compound_name": r.compound.display_name, "condition_name": r.condition.name,
                             "compound_codes": dict(r.compound.codes), "condition_codes": dict(r.condition.codes),
                             "files": files.described({**handout_files(r, language),
                                                       "fhir": fhir_document_file(r, self.renderer)})}
                            for r in reviews],
                "bundles": [{"kind": b.kind, "slug": b.slug, "title": self.renderer.phrase("booklet_title", b),
                             "files": files.described(bundle_files(b, language), self._booklets(b, files))}
                            for b in target.group]}
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class LanguageVersion:
    """One language's version of a portal page: its tag, its own name for itself (Babel's
    autonym: "Español", "العربية"), its direction, and where it is from this page."""

    tag: str
    name: str
    dir: str
    href: str  # relative to this page: works from disk
    url: str  # absolute (``hreflang`` wants it) when the site has an address, else ``href``
    current: bool


def language_versions(target: Target, site: Site, plain: bool = False) -> list[LanguageVersion]:
    """The page ``target`` in every language that has it (the plan's ``target.languages``),
    in site.yaml's order: the first is the catalog's own, ``x-default``."""
    up = "../" * (target.path.count("/") + (not is_source(site, site.language)))
    made = []
    for tag in target.languages:
        name = autonym(tag)
        href = up + language_folder(site, tag) + target.path
        made.append(LanguageVersion(tag, name[:1].upper() + name[1:], "rtl" if is_rtl(tag) else "ltr", href,
                            address(site, target.path, tag, plain) if site.url else href, tag == site.language))
    return made


def address(site: Site, path: str, language: str | None = None, plain: bool = False) -> str:
    """The absolute address of ``path`` in one wording's language's folder (default: this build's
    language)."""
    return f"{site.url.rstrip('/')}/{wording_folder(plain)}{language_folder(site, language or site.language)}{path}"


def identifier(site: Site, path: str, plain: bool = False) -> str:
    """A valid URI naming ``path`` of this build's language for good (an OPDS id): its address
    when the site has one; else a name-based UUID (RFC 4122) of the publisher's name and the
    path, so two publishers' feeds never share an id and a rebuild keeps them."""
    if site.url:
        return address(site, path, plain=plain)
    name = f"publisher:{site.publisher}/{wording_folder(plain)}{language_folder(site, site.language)}{path}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _bundle_sources(bundle: Bundle, language: str, settings: RenderSettings) -> tuple[str, ...]:
    kinds = ("pdf", "html", "preview", "large_print_pdf")
    per_review = [files[k] for files in (handout_files(e.review, language) for e in bundle.entries) for k in kinds]
    records = [fhir_document_file(e.review, settings) for e in bundle.entries]
    files = bundle_files(bundle, language)
    return (*per_review, *records, *files["booklet"], files["epub"], files["zip"], files["preview"],
            *files["large_print_booklet"])


class _Files:
    """The pages' view of their sources: is a file there, how big, how many pages."""

    def __init__(self, inputs: dict[str, Source]):
        self.inputs = inputs

    def has(self, path: str) -> bool:
        return path in self.inputs

    def version(self, record: str) -> str | None:
        """The version a handout's DocumentReference (at ``record``) names, if it is there."""
        found = self.inputs.get(record)
        return version_of(found.data) if found is not None else None

    def size(self, path: str) -> str:
        size = self.inputs[path].size
        return f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.1f} MB"

    def pages(self, path: str) -> int:
        import pypdfium2

        document = pypdfium2.PdfDocument(self.inputs[path].data)
        try:
            return len(document)
        finally:
            document.close()

    def described(self, paths: dict[str, str | list[str]], facts: dict[str, dict] | None = None) -> dict:
        """Each file there, by kind: its path, size and SHA-256, and its ``facts`` if any (a
        booklet's id and version); a booklet in several volumes as ``<kind>_volumes``, a list
        (``bundle_files`` gives a booklet as its volumes' paths)."""
        facts = facts or {}
        made = {}
        for kind, found in paths.items():
            if isinstance(found, list) and len(found) > 1:
                kind, found = f"{kind}_volumes", [self._described(path, facts) for path in found if path in self.inputs]
            else:
                path = found[0] if isinstance(found, list) else found
                found = self._described(path, facts) if path in self.inputs else None
            if found:
                made[kind] = found
        return made

    def _described(self, path: str, facts: dict[str, dict]) -> dict:
        return {"path": path, "size": self.inputs[path].size, "sha256": self.inputs[path].sha256, **facts.get(path, {})}
