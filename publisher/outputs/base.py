"""The contract every output format keeps (as Sphinx has one ``Builder`` per format).

An output lists the files it would make for a selection of reviews (``targets``: each
file's path, from ``publisher.paths``, and what it is made from) and makes one file's bytes
on demand (``make``); the plan decides what to make and the writer alone puts bytes on disk.
A *derived* output is made from other outputs' files rather than from the catalog
(``DerivedOutput``): previews, zips, the portal's pages and ``SHA256SUMS``.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple

if TYPE_CHECKING:  # annotations only: importing the contract loads nothing else
    from ..catalog.bundles import Bundle
    from ..catalog.model import Review
    from ..render import Renderer, RenderSettings

# When the catalog has no date at all: a fixed one, never the clock (zip's own epoch).
NO_DATE = dt.date(1980, 1, 1)


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
    languages: tuple[str, ...] = ()  # a portal page: the languages that have it (the plan's)
    links: tuple[str, ...] = ()  # an HTML handout: what its header links (pipeline/handout_links.py)
    date: dt.date | None = None  # a zip's: its bundle's edition date, else the catalog's newest review's
    inputs: dict[str, "Source"] | None = None


@dataclass(frozen=True)
class Source:
    """One file a derived output is made from: as the writer recorded it, and its bytes when
    the output ``reads`` them."""

    size: int
    sha256: str
    data: bytes | None = None


class Output(ABC):
    """One output format. The class answers for a whole plan (``targets``, ``styles``: what
    its fingerprints are made from); an instance, made once per worker process, makes files."""

    name: ClassVar[str]  # what --format calls it
    templates: ClassVar[tuple[str, ...]] = ()  # the layouts/ templates it renders (with what they include)
    links_languages: ClassVar[bool] = False  # its pages link the same page in the other languages

    def __init__(self, renderer: Renderer):
        self.renderer = renderer

    @staticmethod
    def styles(large_print: bool = False) -> list[Path]:
        """The style and font files its outputs are made from (their bytes are fingerprinted)."""
        return []

    @classmethod
    @abstractmethod
    def targets(cls, reviews: list[Review], settings: RenderSettings) -> list[Target]:
        """Every file this format makes for ``reviews`` under ``settings``, with its path."""

    @abstractmethod
    def make(self, target: Target) -> bytes:
        """The bytes of one file."""


class DerivedOutput(Output):
    """An output made from other outputs' files, after them, and again exactly when one of
    them changes."""

    @staticmethod
    def sources(target: Target, owned: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """The outputs it is made from, in parts (``owned``: every output the folder will hold)."""
        return target.sources

    @staticmethod
    def reads(target: Target, path: str) -> bool:
        """Whether it needs a source's bytes, or only its size and SHA-256."""
        return True


def is_derived(cls: type[Output]) -> bool:
    return issubclass(cls, DerivedOutput)
