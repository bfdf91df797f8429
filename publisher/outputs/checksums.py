"""``SHA256SUMS``: the SHA-256 of every file the build owns, in the format ``sha256sum -c``
reads, so a clinic can check that the file it mailed is the one that was approved.

A derived output: it is made from other outputs' files (their hashes, recorded by the
writer), after them, and again exactly when one of them changes.
"""

from __future__ import annotations

from ..catalog.model import Review
from ..paths import CHECKSUMS, CHECKSUMS_SIGNATURE, is_large_print
from ..render import RenderSettings
from .base import DerivedOutput, Target


class ChecksumsOutput(DerivedOutput):
    name = "checksums"

    @staticmethod
    def targets(reviews: list[Review], settings: RenderSettings) -> list[Target]:
        return [Target(CHECKSUMS)]

    @staticmethod
    def sources(target: Target, owned: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """Every other file the build owns (the large-print edition has its own), sorted; not
        the signature of this file, made after it."""
        return (tuple(sorted(path for path in owned if path not in (target.path, CHECKSUMS_SIGNATURE)
                             and not is_large_print(path))),)

    @staticmethod
    def reads(target: Target, path: str) -> bool:
        return False  # the hashes the writer recorded are enough

    def make(self, target: Target) -> bytes:
        return "".join(f"{source.sha256}  {path}\n" for path, source in sorted(target.inputs.items())).encode("ascii")
