"""``SHA256SUMS``: the SHA-256 of every file the build owns, in the format ``sha256sum -c``
reads, so a clinic can check that the file it mailed is the one that was approved.

A derived output: it is made from other outputs' files (their hashes, recorded by the
writer), after them, and again exactly when one of them changes.
"""

from __future__ import annotations

from pathlib import Path

from ..catalog import Review
from ..render import Renderer
from . import Target

NAME = "SHA256SUMS"


class ChecksumsOutput:
    name = "checksums"
    templates = ()
    derived_from = "sha256"  # what it needs of its sources (see sources()): their hashes

    def __init__(self, renderer: Renderer):
        pass

    @staticmethod
    def styles(large_print: bool = False) -> list[Path]:
        return []

    @staticmethod
    def targets(reviews: list[Review], large_print: bool = False) -> list[Target]:
        return [Target(NAME)]

    @staticmethod
    def sources(target: Target, owned: list[str]) -> list[str]:
        """Every other file the build owns."""
        return [path for path in owned if path != target.path]

    def make(self, target: Target) -> bytes:
        """``target.inputs`` maps each source path to its SHA-256 (see Writer.write)."""
        return "".join(f"{digest}  {path}\n" for path, digest in sorted(target.inputs.items())).encode("ascii")
