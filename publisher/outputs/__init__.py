"""Output formats, one class each (as Sphinx has one builder per format).

An output lists the files it would make for a selection of reviews (``targets``) and
makes one file's bytes on demand (``make``); the build decides what to make and the
writer alone puts bytes on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..bundles import Bundle
from ..catalog import Review


@dataclass(frozen=True)
class Target:
    """One output file: where it goes, and what it is made from: one review (handouts), a
    bundle of reviews (booklets, EPUBs), or a project file copied as it is (``asset``)."""

    path: str
    review: Review | None = None
    bundle: Bundle | None = None
    asset: Path | None = None


def review_path(folder: str, review: Review, suffix: str) -> str:
    return f"{folder}/{review.compound.slug}/{review.condition.slug}.{suffix}"
