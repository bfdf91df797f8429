"""Which files an HTML handout's header links: the review's PDF, its large-print PDF (from a
standard handout), the portal's pages of its compound and its condition, and the portal's
index (``paths.handout_links`` says where each is), each only when the output folder will
hold it once the build is done, so that no link dangles from disk.

A handout links files of its own output root and of its language's other print edition (the
portal is in the standard one), so its links can change in a build that does not make it:
PDFs built after the HTML (``--format pdf``), the large-print edition built into the same
folder, the portal built while large-print handouts are there. Only which links it has goes
into a handout's fingerprint (as alternates.py does for languages), never the linked files'
fingerprints: a handout is made again when a link appears or goes, not when its PDF is.
"""

from __future__ import annotations

from typing import Container, NamedTuple

from ..outputs import Target
from ..paths import edition_path, handout_links, language_variant
from ..render import RenderSettings

KINDS = ("pdf", "large_print_pdf", "compound", "condition", "index")  # in the header's order
MADE_BY = {"pdf": "pdf", "large_print_pdf": "pdf", "compound": "portal", "condition": "portal", "index": "portal"}
# Every header a handout can have: each set of links, in the header's order.
EVERY = tuple(tuple(kind for bit, kind in enumerate(KINDS) if mask >> bit & 1) for mask in range(2 ** len(KINDS)))


class Holdings(NamedTuple):
    """What one output root holds, or will hold: the paths listed (its manifest, or a plan's
    outputs), and the formats a build is making there (every target of its selection)."""

    paths: Container[str]
    making: tuple[str, ...] = ()

    def has(self, path: str, fmt: str) -> bool:
        return fmt in self.making or path in self.paths


class HandoutLinks:
    """The links of one output root's HTML handouts, given what the language's standard and
    large-print roots hold."""

    def __init__(self, settings: RenderSettings, standard: Holdings, large_print: Holdings):
        self.language = language_variant(settings)
        self.standard, self.large_print = standard, large_print
        # A large-print handout's own PDF is its large-print one; the standard PDF is not offered.
        kinds = KINDS[1:] if settings.large_print else KINDS
        # What is known for every handout alike (a format being made, a root holding nothing)
        # is settled once: a large plan asks for tens of thousands of handouts.
        self.known = {kind: self._known(kind) for kind in kinds}
        self.asked = [kind for kind, found in self.known.items() if found is None]
        self.same = tuple(kind for kind, found in self.known.items() if found)

    def of(self, review) -> tuple[str, ...]:
        """The kinds of link a handout of ``review`` has, in the header's order."""
        if not self.asked:
            return self.same
        paths = handout_links(review, self.language)
        return tuple(kind for kind, found in self.known.items()
                     if found or (found is None and self._holds(kind).has(edition_path(paths[kind]), MADE_BY[kind])))

    def mark(self, target: Target) -> Target:
        """``target`` (an HTML handout) with its links; an asset has none."""
        return target if target.review is None else target._replace(links=self.of(target.review))

    def _holds(self, kind: str) -> Holdings:
        return self.large_print if kind == "large_print_pdf" else self.standard

    def _known(self, kind: str) -> bool | None:
        holds = self._holds(kind)
        return True if MADE_BY[kind] in holds.making else False if not holds.paths else None
