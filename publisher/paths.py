"""Where every file goes: the one place that says it.

An output folder (``--out``) holds one *output root* per wording, language and print edition:
the standard wording at the top and the plain one in ``plain/``; in each, the catalog's own
language at the top, every other language in ``<lang>/``, and the large-print edition of each
in ``large-print/`` below that. Inside a root, each output has a folder of
its own and a base name that says what the file is on its own, as an e-mail attachment
arrives (``low-dose-naltrexone--liver-cancer--large-print--es.pdf``). The plan, the outputs,
the portal, ``SHA256SUMS``, the manifest and ``publisher serve`` all ask here.

Pure string rules, no imports beyond the standard library: every plan asks them tens of
thousands of times.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

LARGE_PRINT = "large-print"  # the large-print edition's folder, inside its language's root
PLAIN = "plain"  # the plain-language wording's folder, at the top of the output folder
HTML_ASSETS = "html/_assets"  # stylesheets and fonts beside the HTML handouts ('_' starts no slug)
PORTAL_ASSETS = "assets"  # the portal pages' stylesheet and script
DOWNLOADS = "downloads"  # the portal's zips
CHECKSUMS = "SHA256SUMS"
CHECKSUMS_SIGNATURE = "SHA256SUMS.p7s"  # its detached CMS signature, when a release is signed (seal/)
FHIR = "fhir"  # FHIR R4 resources: fhir/DocumentReference/<id>.json and fhir/Bundle.json
FHIR_BUNDLE = f"{FHIR}/Bundle.json"
FHIR_ID_LENGTH = 64  # FHIR's id: [A-Za-z0-9-.]{1,64}

# What a file of one review or one bundle is, by kind: (folder, suffix).
REVIEW_FILES = {"html": ("html", "html"), "pdf": ("pdf", "pdf"), "preview": ("previews", "png")}
BUNDLE_FILES = {"booklet": ("booklets", "pdf"), "epub": ("epub", "epub"), "preview": ("previews", "png")}
BUNDLE_KINDS = ("compound", "condition")  # a portal page per bundle: compounds/<slug>.html ...

# The folders (and root files) a build may write in an output root: the only places a
# manifest may name, and the only ones a build removes files from.
OUTPUT_FOLDERS = tuple(dict.fromkeys([*(folder for folder, _ in (*REVIEW_FILES.values(), *BUNDLE_FILES.values())),
                                      DOWNLOADS, *(f"{kind}s" for kind in BUNDLE_KINDS), PORTAL_ASSETS, FHIR]))
ROOT_FILES = (CHECKSUMS, CHECKSUMS_SIGNATURE, "index.html", "catalog.json", "opds.xml", "sitemap.xml", "lookup.html",
              "lookup.json")


def source_language(site) -> str:
    """The catalog's own language: the one its YAML is written in, site.yaml's first."""
    return site.languages[0]


def is_source(site, language: str) -> bool:
    """Is ``language`` the catalog's own?"""
    return language == site.languages[0]


def translated_languages(site) -> tuple[str, ...]:
    """The languages site.yaml lists besides the catalog's own: those with a translation."""
    return site.languages[1:]


def language_folder(site, language: str) -> str:
    """Where one language's outputs go under the output folder: the catalog's own language
    at its top (``""``), any other in its own folder (``"es/"``)."""
    return "" if is_source(site, language) else f"{language}/"


def edition_folder(large_print: bool) -> str:
    """Where a print edition goes inside its language's folder: ``"large-print/"`` or ``""``."""
    return f"{LARGE_PRINT}/" if large_print else ""


def wording_folder(plain: bool) -> str:
    """Where a wording's outputs go in the output folder: ``"plain/"`` or ``""``."""
    return f"{PLAIN}/" if plain else ""


def output_root(out: Path, site, language: str, large_print: bool, plain: bool = False) -> Path:
    """The folder one wording's language's print edition is built into, with its own manifest
    and lock."""
    return Path(out) / f"{wording_folder(plain)}{language_folder(site, language)}{edition_folder(large_print)}"


def variant(settings) -> str:
    """What a base name adds for one build's print edition, wording and language (``settings``:
    its site, ``large_print`` and ``plain``), in that order: ``--large-print``, ``--plain``,
    ``--es`` (any language but the catalog's own), or nothing."""
    return ("--large-print" if settings.large_print else "") + language_variant(settings)


def language_variant(settings) -> str:
    """What a base name adds for one build's wording and language, whatever its print edition
    (``--plain``, ``--es``, both, or nothing): the part the two editions' names share."""
    site = settings.site
    return ("--plain" if settings.plain else "") + ("" if is_source(site, site.language) else f"--{site.language}")


def file_name(stem: str, suffix: str, variant: str = "") -> str:
    """A base name that says what the file is on its own: ``<stem><variant>.<suffix>``.
    Slugs keep it ASCII."""
    return f"{stem}{variant}.{suffix}"


def review_path(folder: str, review, suffix: str, variant: str = "") -> str:
    """``pdf/<compound>/<compound>--<condition>.pdf``: the folders group, the name identifies
    (``file_name``'s rule, written out: a large plan asks 60,000 times)."""
    compound = review.compound.slug
    return f"{folder}/{compound}/{compound}--{review.condition.slug}{variant}.{suffix}"


def bundle_stem(bundle) -> str:
    """``<compound>--all-conditions`` or ``all-compounds--<condition>``. A volume of a booklet
    printed in several (catalog/bundles.py) adds ``--volume-<k>-of-<n>``, every volume alike
    (``k`` as wide as ``n``: ``volume-02-of-12`` lists in order), and a booklet in one volume
    keeps the bundle's name."""
    stem = f"{bundle.slug}--all-conditions" if bundle.kind == "compound" else f"all-compounds--{bundle.slug}"
    of = getattr(bundle, "of", 1)  # a whole bundle is no volume
    return stem if of == 1 else f"{stem}--volume-{bundle.number:0{len(str(of))}}-of-{of}"


def bundle_path(folder: str, bundle, suffix: str, variant: str = "") -> str:
    """``booklets/<compound>--all-conditions.pdf`` or
    ``booklets/by-condition/all-compounds--<condition>--volume-2-of-3.pdf``."""
    sub = "" if bundle.kind == "compound" else "by-condition/"
    return f"{folder}/{sub}{file_name(bundle_stem(bundle), suffix, variant)}"


def review_file(kind: str, review, variant: str = "") -> str:
    """One review's file of a kind (``"pdf"``, ``"html"``, ``"preview"``)."""
    folder, suffix = REVIEW_FILES[kind]
    return review_path(folder, review, suffix, variant)


def bundle_file(kind: str, bundle, variant: str = "") -> str:
    """One bundle's file of a kind (``"epub"``, ``"preview"``, ``"zip"``, ``"page"``), or one
    booklet volume's (``"booklet"``, given a volume: ``booklet_files`` gives them all)."""
    if kind == "zip":
        return f"{DOWNLOADS}/{file_name(bundle_stem(bundle), 'zip', variant)}"
    if kind == "page":
        return page_path(bundle.kind, bundle.slug)
    folder, suffix = BUNDLE_FILES[kind]
    return bundle_path(folder, bundle, suffix, variant)


def page_path(kind: str, slug: str) -> str:
    """The portal's page of one compound or condition: ``compounds/<slug>.html``."""
    return f"{kind}s/{slug}.html"


def in_large_print(path: str) -> str:
    """A path of the large-print edition, as seen from the standard edition's root."""
    return f"{LARGE_PRINT}/{path}"


def is_large_print(path: str) -> bool:
    """Is ``path`` (relative to a standard root) in that root's large-print edition?"""
    return path.startswith(f"{LARGE_PRINT}/")


def edition_path(path: str) -> str:
    """A path from a standard root as its own edition's root sees it: ``in_large_print``'s
    inverse for a large-print path, any other path as it is."""
    return path[len(LARGE_PRINT) + 1:] if is_large_print(path) else path


def handout_files(review, language: str = "") -> dict[str, str]:
    """What the portal publishes of one review, by kind; ``language`` is the base names'
    wording and language part (``--plain--es``; nothing for the catalog's own standard wording). Every review is in several
    bundles, pages and formats of a plan, so answers are kept (bounded, by review identity)."""
    key = (id(review), language)
    kept = _handout_files.get(key)
    if kept is not None and kept[0] is review:
        return kept[1]
    if len(_handout_files) > 100_000:
        _handout_files.clear()
    files = {"pdf": review_file("pdf", review, language), "html": review_file("html", review, language),
             "preview": review_file("preview", review, language),
             "large_print_pdf": in_large_print(review_file("pdf", review, "--large-print" + language))}
    _handout_files[key] = (review, files)
    return files


_handout_files: dict = {}


def handout_links(review, language: str = "") -> dict[str, str]:
    """What an HTML handout's header may link, by kind, relative to its wording's language's
    standard root (``language`` as for ``handout_files``): the review's PDF in each print edition, the
    portal's pages of its compound and of its condition, and the portal's index."""
    return {"pdf": review_file("pdf", review, language),
            "large_print_pdf": in_large_print(review_file("pdf", review, "--large-print" + language)),
            "compound": page_path("compound", review.compound.slug),
            "condition": page_path("condition", review.condition.slug), "index": "index.html"}


def document_id(review) -> str:
    """``low-dose-naltrexone--fibromyalgia``: a handout, the same in every language, edition and
    wording (versions.py gives its version)."""
    return f"{review.compound.slug}--{review.condition.slug}"


def document_key(review, settings) -> str:
    """One handout in one edition, wording and language, the language always named (a FHIR
    id must be unique across output roots, and across catalogs written in other languages):
    ``low-dose-naltrexone--liver-cancer--large-print--plain--es``."""
    return (document_id(review) + ("--large-print" if settings.large_print else "")
            + ("--plain" if settings.plain else "") + f"--{settings.site.language}")


def fhir_id(key: str) -> str:
    """``key`` as a FHIR id: itself when it fits 64 characters, else its first 51 and a dot
    (which no slug or language tag holds) before 12 hex digits of its SHA-256."""
    if len(key) <= FHIR_ID_LENGTH:
        return key
    return f"{key[:FHIR_ID_LENGTH - 13]}.{hashlib.sha256(key.encode('ascii')).hexdigest()[:12]}"


def fhir_document_file(review, settings) -> str:
    """``fhir/DocumentReference/<id>.json``: the handout's FHIR DocumentReference."""
    return f"{FHIR}/DocumentReference/{fhir_id(document_key(review, settings))}.json"


def booklet_files(bundle, variant: str = "") -> list[str]:
    """A bundle's booklet: one file per volume, in order (one file, most often)."""
    return [bundle_file("booklet", volume, variant) for volume in bundle.volumes]


def bundle_files(bundle, language: str = "") -> dict[str, str | list[str]]:
    """What the portal publishes of one bundle, by kind (``language`` as for ``handout_files``):
    a path, or for ``booklet`` and ``large_print_booklet`` the list of its volumes' paths. Its
    preview is of the booklet's first volume."""
    return {"booklet": booklet_files(bundle, language), "epub": bundle_file("epub", bundle, language),
            "zip": bundle_file("zip", bundle, language), "preview": bundle_file("preview", bundle, language),
            "large_print_booklet": [in_large_print(path) for path in booklet_files(bundle, "--large-print" + language)],
            "page": bundle_file("page", bundle)}
