"""One build: load and check the catalog, choose reviews, make every output, write them.

Everything that can be checked is checked before the first byte is written (as
MkDocs does): a broken catalog or an unknown slug leaves the output folder untouched.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .catalog import Catalog, Review, load_catalog
from .errors import SelectionError
from .outputs.booklet import BookletOutput
from .outputs.epub import EpubOutput
from .outputs.html import HtmlOutput
from .outputs.pdf import PdfOutput
from .render import PAPER_SIZES, Renderer
from .writer import Writer

OUTPUTS = {cls.name: cls for cls in (HtmlOutput, PdfOutput, BookletOutput, EpubOutput)}
FORMATS = tuple(OUTPUTS)


@dataclass
class BuildReport:
    """What a build did, for the CLI's summary and for library callers."""

    out: Path
    reviews: int
    formats: tuple[str, ...]
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.reviews} review(s) as {', '.join(self.formats)}: {len(self.written)} file(s) written, "
                f"{len(self.unchanged)} unchanged, in {self.out} ({self.seconds:.1f} s)")


def select(catalog: Catalog, compounds: Iterable[str] = (), conditions: Iterable[str] = ()) -> list[Review]:
    """The reviews matching the filters; unknown slugs are errors, not silent no-ops."""
    compounds, conditions = list(compounds), list(conditions)
    _check_known("compound", compounds, [c.slug for c in catalog.compounds])
    _check_known("condition", conditions, [c.slug for c in catalog.conditions])
    return [r for r in catalog.reviews
            if (not compounds or r.compound.slug in compounds)
            and (not conditions or r.condition.slug in conditions)]


def _check_known(kind: str, wanted: list[str], known: list[str]) -> None:
    for slug in wanted:
        if slug not in known:
            close = difflib.get_close_matches(slug, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise SelectionError(f"no {kind} '{slug}' in the catalog{hint}")


def parse_formats(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"html,pdf"`` -> ``("html", "pdf")`` in canonical order; None means every format."""
    if value is None:
        return FORMATS
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip().lower() for n in names if n.strip()]
    unknown = [n for n in names if n not in OUTPUTS]
    if unknown:
        raise SelectionError(f"unknown format '{','.join(unknown)}': choose from {', '.join(FORMATS)}")
    if not names:
        raise SelectionError(f"no format given: choose from {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in names)


def build(catalog: str | Path = "catalog", out: str | Path = "dist", formats=None,
          compounds: Iterable[str] = (), conditions: Iterable[str] = (), paper: str | None = None,
          duplex: bool = False, progress: Callable[[str], None] | None = None) -> BuildReport:
    """Build the selected reviews of ``catalog`` into ``out``; the library's entry point.

    Booklets bundle the selected reviews: filtering by condition gives compound booklets
    holding only those conditions. ``duplex`` starts every booklet review on a right-hand page.
    """
    started = time.perf_counter()
    loaded = load_catalog(catalog)
    chosen_formats = parse_formats(formats)
    reviews = select(loaded, compounds, conditions)
    if paper is not None and paper not in PAPER_SIZES:
        raise SelectionError(f"unknown paper '{paper}': choose from {', '.join(PAPER_SIZES)}")

    renderer = Renderer.create(loaded.site, paper, duplex)
    writer = Writer(Path(out))
    for name in chosen_formats:
        output = OUTPUTS[name](renderer)
        for target in output.targets(reviews):
            writer.write(target.path, output.make(target))
            if progress and (target.review or target.bundle):
                progress(target.path)
    return BuildReport(out=Path(out), reviews=len(reviews), formats=chosen_formats, written=writer.written,
                       unchanged=writer.unchanged, seconds=time.perf_counter() - started)
