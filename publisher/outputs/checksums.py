"""``SHA256SUMS``: the SHA-256 of every file the build owns, in the format ``sha256sum -c``
reads, so a clinic can check that the file it mailed is the one that was approved.

A derived output: it is made from other outputs' files (their hashes, recorded by the
writer), after them, and again exactly when one of them changes.
"""

from __future__ import annotations

from pathlib import Path

from ..catalog import Review
from ..render import Renderer, RenderSettings
from . import Target

NAME = "SHA256SUMS"


class ChecksumsOutput:
    name = "checksums"
    templates = ()

    def __init__(self, renderer: Renderer):
        pass

    @staticmethod
    def styles(large_print: bool = False) -> list[Path]:
        return []

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        return [Target(NAME)]

    @staticmethod
    def sources(target: Target, owned: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """Every other file the build owns (the large-print edition has its own), sorted."""
        return (tuple(sorted(path for path in owned if path != target.path and not path.startswith("large-print/"))),)

    @staticmethod
    def reads(target: Target, path: str) -> bool:
        return False  # the hashes the writer recorded are enough

    def make(self, target: Target) -> bytes:
        return "".join(f"{source.sha256}  {path}\n" for path, source in sorted(target.inputs.items())).encode("ascii")
