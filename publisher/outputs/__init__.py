"""Output formats, one class each (as Sphinx has one builder per format).

An output lists the files it would make for a selection of reviews (``targets``) and
makes one file's bytes on demand (``make``); the build decides what to make and the
writer alone puts bytes on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..bundles import Bundle
from ..catalog import Review


class Target(NamedTuple):
    """One output file: where it goes, and what it is made from: one review (handouts), a
    bundle of reviews (booklets, EPUBs), a project file copied as it is (``asset``), or other
    outputs (a derived output: ``inputs`` maps each source path to a ``Source``, filled in
    just before it is made). A derived output's ``sources`` come in parts, each a tuple of
    paths: the plan digests a part once, so the portal's index, made of every page's
    sources, reuses the pages' digests instead of hashing 80,000 paths again.

    A named tuple, not a frozen dataclass: a large plan makes tens of thousands, and a
    frozen dataclass takes two and a half times as long to make."""

    path: str
    review: Review | None = None
    bundle: Bundle | None = None
    asset: Path | None = None
    sources: tuple[tuple[str, ...], ...] = ()  # a derived output's sources known up front, in parts
    group: tuple[Bundle, ...] = ()  # what a catalog-wide page (index, feed) lists
    languages: tuple[str, ...] = ()  # a portal page: the language editions that have it (the plan's)
    inputs: dict[str, "Source"] | None = None


@dataclass(frozen=True)
class Source:
    """One file a derived output is made from: as the writer recorded it, and its bytes when
    the output ``reads`` them."""

    size: int
    sha256: str
    data: bytes | None = None


def variant(settings) -> str:
    """What a base name adds for one build's edition and language: ``--large-print``,
    ``--es`` (any language but the catalog's own), both, or nothing."""
    site = settings.site
    language = f"--{site.language}" if site.language != site.languages[0] else ""
    return ("--large-print" if settings.large_print else "") + language


def language_folder(site, language: str) -> str:
    """Where one language's outputs go under the output folder: the catalog's own language
    at its root (``""``), any other in its own folder (``"es/"``)."""
    return "" if language == site.languages[0] else f"{language}/"


def file_name(stem: str, suffix: str, variant: str = "") -> str:
    """A base name that says what the file is on its own, as an e-mail attachment arrives:
    ``low-dose-naltrexone--liver-cancer--large-print--es.pdf``. Slugs keep it ASCII."""
    return f"{stem}{variant}.{suffix}"


def review_path(folder: str, review: Review, suffix: str, variant: str = "") -> str:
    """``pdf/<compound>/<compound>--<condition>.pdf``: the folders group, the name identifies
    (``file_name``'s rule, written out: a large plan asks 60,000 times)."""
    compound = review.compound.slug
    return f"{folder}/{compound}/{compound}--{review.condition.slug}{variant}.{suffix}"


def bundle_path(folder: str, bundle: Bundle, suffix: str, variant: str = "") -> str:
    """``booklets/<compound>--all-conditions.pdf`` or
    ``booklets/by-condition/all-compounds--<condition>.pdf``."""
    if bundle.kind == "compound":
        return f"{folder}/{file_name(f'{bundle.slug}--all-conditions', suffix, variant)}"
    return f"{folder}/by-condition/{file_name(f'all-compounds--{bundle.slug}', suffix, variant)}"
