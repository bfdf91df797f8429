"""The download portal (``--format site``): a static site at the root of the output folder,
made from the documents the build made, so it can be served from any host or opened from disk.

Three derived outputs, each made after what it reads: first-page previews (from the PDFs),
zip bundles (from the PDFs and EPUBs), then the pages, feed and index that list them all.
Only the standard edition has a portal; its pages link the large-print files when built,
and the same page in the other languages that have it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from markupsafe import Markup

from .. import __version__
from ..bundles import Bundle, bundles
from ..catalog import Review, Site
from ..render import Renderer, RenderSettings
from ..resources import STYLES
from ..template_i18n import is_rtl
from . import Source, Target, bundle_path, language_folder, review_path, variant

PREVIEW_WIDTH = 480  # px: sharp on a phone's card, about 20 KB as 16-grey PNG
NO_DATE = dt.date(1980, 1, 1)  # zip's own epoch, when the catalog has no date at all
PORTAL_ASSETS = (STYLES / "portal.css", STYLES / "portal.js")


def handout_files(review: Review, language: str = "") -> dict[str, str]:
    """What the portal publishes of one review, by kind; ``language`` is the base names'
    language part (``--es``; nothing for the catalog's own). Every review is in several
    bundles, pages and formats of a plan, so answers are kept (bounded, by review identity)."""
    key = (id(review), language)
    kept = _handout_files.get(key)
    if kept is not None and kept[0] is review:
        return kept[1]
    if len(_handout_files) > 100_000:
        _handout_files.clear()
    files = _handout_files_of(review, language)
    _handout_files[key] = (review, files)
    return files


_handout_files: dict = {}


def _handout_files_of(review: Review, language: str) -> dict[str, str]:
    preview = review_path("previews", review, "png", language)
    return {"pdf": review_path("pdf", review, "pdf", language), "html": review_path("html", review, "html", language),
            "preview": preview,
            "large_print_pdf": "large-print/" + review_path("pdf", review, "pdf", "--large-print" + language)}


def bundle_files(bundle: Bundle, language: str = "") -> dict[str, str]:
    preview = bundle_path("previews", bundle, "png", language)
    return {"booklet": bundle_path("booklets", bundle, "pdf", language),
            "epub": bundle_path("epub", bundle, "epub", language),
            "zip": f"downloads/{Path(preview).stem}.zip", "preview": preview,
            "large_print_booklet": "large-print/" + bundle_path("booklets", bundle, "pdf", "--large-print" + language),
            "page": f"{bundle.kind}s/{bundle.slug}.html"}


class _MadeFromFiles:
    """A derived output made from the bytes of the sources its targets name."""

    templates = ()

    def __init__(self, renderer: Renderer):
        self.renderer = renderer

    @staticmethod
    def styles(large_print: bool = False) -> list[Path]:
        return []

    @staticmethod
    def sources(target: Target, owned: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        return target.sources

    @staticmethod
    def reads(target: Target, path: str) -> bool:
        return True


class PreviewsOutput(_MadeFromFiles):
    """The first page of every handout and booklet as a small greyscale PNG (pypdfium2)."""

    name = "previews"

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        if settings.large_print:
            return []
        language = variant(settings)
        files = [(r, handout_files(r, language)) for r in reviews]
        made = [Target(f["preview"], review=r, sources=((f["pdf"],),)) for r, f in files]
        groups = [(b, bundle_files(b, language)) for b in bundles(reviews)]
        return made + [Target(f["preview"], bundle=b, sources=((f["booklet"],),)) for b, f in groups]

    def make(self, target: Target) -> bytes:
        import pypdfium2

        (source,) = target.inputs.values()
        document = pypdfium2.PdfDocument(source.data)
        try:
            page = document[0]
            image = page.render(scale=PREVIEW_WIDTH / page.get_size()[0], grayscale=True).to_pil()
        finally:
            document.close()
        data = io.BytesIO()
        image.convert("L").quantize(16).save(data, "PNG", optimize=True)
        return data.getvalue()


class ZipsOutput(_MadeFromFiles):
    """One download per bundle: its handout PDFs, booklet and EPUB, ``manifest.json`` and
    ``README.txt``; byte-identical on rebuild (catalog date on every entry, fixed order)."""

    name = "zips"
    templates = ("portal/readme.txt.j2",)

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        if settings.large_print:
            return []
        language = variant(settings)
        return [Target(files["zip"], bundle=b,
                       sources=((*(handout_files(e.review, language)["pdf"] for e in b.entries),
                                 files["booklet"], files["epub"]),))
                for b, files in ((b, bundle_files(b, language)) for b in bundles(reviews))]

    def make(self, target: Target) -> bytes:
        bundle, site = target.bundle, self.renderer.site
        date = bundle.edition_date(site) or NO_DATE
        reviews = {handout_files(e.review, variant(self.renderer))["pdf"]: e.review for e in bundle.entries}
        files = [(Path(path).name, path, source) for path, source in target.inputs.items()]
        manifest = {
            "title": self.renderer.phrase("booklet_title", bundle), "publisher": site.publisher,
            "edition_date": site.edition_date.isoformat() if site.edition_date else None,
            "generator": f"publisher {__version__}",
            "files": [{"name": name, "size": source.size, "sha256": source.sha256,
                       **(_review_facts(reviews[path]) if path in reviews else {})}
                      for name, path, source in files]}
        readme = Markup(self.renderer.env.get_template("portal/readme.txt.j2").render(
            site=site, brand=self.renderer.brand, booklet=bundle, files=[name for name, _, _ in files])).unescape()
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


def _review_facts(review: Review) -> dict:
    return {"compound": review.compound.slug, "condition": review.condition.slug, "status": review.status,
            "reviewed_on": review.reviewed_on.isoformat() if review.reviewed_on else None,
            "next_review_due": review.next_review_due.isoformat() if review.next_review_due else None}


class PortalOutput:
    """``index.html``, one page per compound and condition, ``catalog.json``, ``opds.xml``,
    ``sitemap.xml`` (when the site has an address) and the pages' own stylesheet and script."""

    name = "portal"
    templates = ("portal/index.html.j2", "portal/bundle.html.j2", "portal/opds.xml.j2", "portal/sitemap.xml.j2")
    links_languages = True  # each page links itself in the other languages (the plan says which: editions.py)

    def __init__(self, renderer: Renderer):
        self.renderer = renderer

    @staticmethod
    def styles(large_print: bool = False) -> list[Path]:
        return list(PORTAL_ASSETS)

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        if settings.large_print or not reviews:
            return []
        groups, language = tuple(bundles(reviews)), variant(settings)
        pages = [(b, _bundle_sources(b, language)) for b in groups]
        whole = tuple(sources for _, sources in pages)  # every page's sources, page by page
        made = [Target(f"assets/{path.name}", asset=path) for path in PORTAL_ASSETS]
        made += [Target(bundle_files(b)["page"], bundle=b, sources=(sources,)) for b, sources in pages]
        made += [Target(name, sources=whole, group=groups) for name in ("index.html", "catalog.json", "opds.xml")]
        if settings.site.url:
            made.append(Target("sitemap.xml", sources=whole, group=groups))
        return made

    @staticmethod
    def sources(target: Target, owned: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """What the page links (the plan keeps those the folder has: large-print files only
        where that edition was built)."""
        return target.sources

    @staticmethod
    def reads(target: Target, path: str) -> bool:
        # a page prints its documents' page counts
        return target.bundle is not None and path.endswith(".pdf") and not path.startswith("large-print/")

    def make(self, target: Target) -> bytes:
        if target.asset is not None:
            return target.asset.read_bytes()
        if target.path.endswith(".json"):
            return self._catalog_json(target)
        template = {"index.html": "portal/index.html.j2", "opds.xml": "portal/opds.xml.j2",
                    "sitemap.xml": "portal/sitemap.xml.j2"}.get(target.path, "portal/bundle.html.j2")
        depth, language, site = target.path.count("/"), variant(self.renderer), self.renderer.site
        return self.renderer.env.get_template(template).render(
            site=site, brand=self.renderer.brand, root="../" * depth, booklet=target.bundle,
            editions=editions(target, site), address=functools.partial(address, site),
            groups=target.group, files=_Files(target.inputs), version=__version__,
            handout=functools.partial(handout_files, language=language),
            bundle=functools.partial(bundle_files, language=language)).encode("utf-8")

    def _catalog_json(self, target: Target) -> bytes:
        files, language = _Files(target.inputs), variant(self.renderer)
        reviews = [e.review for b in target.group if b.kind == "compound" for e in b.entries]
        data = {"publisher": self.renderer.site.publisher, "language": self.renderer.site.language,
                "edition_date": self.renderer.site.edition_date.isoformat() if self.renderer.site.edition_date else None,
                "generator": f"publisher {__version__}",
                "reviews": [{**_review_facts(r), "title": self.renderer.phrase("question", r),
                             "compound_name": r.compound.display_name, "condition_name": r.condition.name,
                             "files": files.described(handout_files(r, language))} for r in reviews],
                "bundles": [{"kind": b.kind, "slug": b.slug, "title": self.renderer.phrase("booklet_title", b),
                             "files": files.described(bundle_files(b, language))} for b in target.group]}
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Edition:
    """One language's version of a portal page: its tag, its own name for itself (Babel's
    autonym: "Español", "العربية"), its direction, and where it is from this page."""

    tag: str
    name: str
    dir: str
    href: str  # relative to this page: works from disk
    url: str  # absolute (``hreflang`` wants it) when the site has an address, else ``href``
    current: bool


def editions(target: Target, site: Site) -> list[Edition]:
    """The page ``target`` in every language that has it (the plan's ``target.languages``),
    in site.yaml's order: the first is the catalog's own, ``x-default``."""
    up = "../" * (target.path.count("/") + (site.language != site.languages[0]))
    made = []
    for tag in target.languages:
        locale = Locale.parse(tag, sep="-")
        name = locale.get_display_name(locale)
        href = up + language_folder(site, tag) + target.path
        made.append(Edition(tag, name[:1].upper() + name[1:], "rtl" if is_rtl(tag) else "ltr", href,
                            address(site, target.path, tag) if site.url else href, tag == site.language))
    return made


def address(site: Site, path: str, language: str | None = None) -> str:
    """The absolute address of ``path`` in one language's folder (default: this build's)."""
    return f"{site.url.rstrip('/')}/{language_folder(site, language or site.language)}{path}"


def _bundle_sources(bundle: Bundle, language: str) -> tuple[str, ...]:
    kinds = ("pdf", "html", "preview", "large_print_pdf")
    per_review = [files[k] for files in (handout_files(e.review, language) for e in bundle.entries) for k in kinds]
    files = bundle_files(bundle, language)
    return (*per_review, *(files[k] for k in ("booklet", "epub", "zip", "preview", "large_print_booklet")))


class _Files:
    """The pages' view of their sources: is a file there, how big, how many pages."""

    def __init__(self, inputs: dict[str, Source]):
        self.inputs = inputs

    def has(self, path: str) -> bool:
        return path in self.inputs

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

    def described(self, paths: dict[str, str]) -> dict:
        return {kind: {"path": path, "size": self.inputs[path].size, "sha256": self.inputs[path].sha256}
                for kind, path in paths.items() if path in self.inputs}
