"""One build: load and check the catalog, choose reviews, work out what is out of date,
make it (in parallel), write it, and forget outputs whose review is gone.

Everything that can be checked is checked before the first byte is written (as MkDocs
does): a broken catalog or an unknown slug leaves the output folder untouched. Outputs are
remade only when the hash of what they are made from changes (see fingerprint.py).
"""

from __future__ import annotations

import datetime as dt
import difflib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .brand import load_brand
from .catalog import Catalog, Review, load_catalog
from .errors import Problem, ReleaseError, SelectionError
from .fingerprint import Fingerprints
from .formats import FORMATS, OUTPUTS, TYPESET
from .manifest import Manifest
from .render import PAPER_SIZES, Edition, make_environment
from .workers import Pool, cores
from .writer import Writer

EDITIONS = ("standard", "large-print")

# progress(done, total, path): called in the main process as each output is written
Progress = Callable[[int, int, str], None]


@dataclass
class BuildReport:
    """What a build did, for the CLI's summary and for library callers."""

    out: Path
    reviews: int
    formats: tuple[str, ...]
    built: list[str] = field(default_factory=list)  # made this time
    skipped: list[str] = field(default_factory=list)  # up to date: not made again
    removed: list[str] = field(default_factory=list)  # their review is gone from the catalog
    written: list[str] = field(default_factory=list)  # built, and different from what was on disk
    seconds: float = 0.0

    @property
    def unchanged(self) -> list[str]:
        """Outputs whose file did not change: skipped, or made again to the same bytes."""
        return sorted(set(self.skipped) | (set(self.built) - set(self.written)))

    def summary(self) -> str:
        return (f"built {len(self.built):,}, skipped {len(self.skipped):,} unchanged, "
                f"removed {len(self.removed):,} stale in {self.seconds:.1f} s")


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


def release_problems(reviews: Iterable[Review], today: dt.date) -> list[Problem]:
    """Why each review may not be released: not approved, or its next review is overdue."""
    problems = []
    for review in reviews:
        if review.status != "approved":
            problems.append(Problem(_where(review), 0, f"status is {review.status}, not approved"))
        problems += overdue_problems([review], today)
    return problems


def overdue_problems(reviews: Iterable[Review], today: dt.date) -> list[Problem]:
    """Reviews whose next review date has passed: ``--release`` refuses them, ``check`` lists them."""
    return [Problem(_where(r), 0, f"next review was due {r.next_review_due.isoformat()}")
            for r in reviews if r.is_overdue(today)]


def _where(review: Review) -> str:
    return review.source or f"{review.key} (no review file)"


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
          duplex: bool = False, jobs: int | None = None, force: bool = False, scheduler: str | None = None,
          release: bool = False, today: dt.date | None = None, brand: str | Path | None = None,
          edition: str = "standard", progress: Progress | None = None) -> BuildReport:
    """Build the selected reviews of ``catalog`` into ``out``; the library's entry point.

    Booklets and EPUBs bundle the selected reviews: filtering by condition gives compound
    booklets holding only those conditions. ``duplex`` starts every booklet review on a
    right-hand page. ``jobs`` worker processes (default: every core) make the outputs, or
    the Dask cluster at ``scheduler``; ``force`` remakes outputs that are up to date.
    ``release`` refuses, writing nothing, unless every selected review is approved and not
    overdue on ``today`` (default: the real today; outputs never depend on it). ``brand`` is a
    clinic's brand file (see brand.py) printed instead of the catalog's publisher identity.
    ``edition="large-print"`` sets every text at 18 pt or more and writes under
    ``out/large-print/``.
    """
    started = time.perf_counter()
    loaded = load_catalog(catalog)
    chosen_formats = parse_formats(formats)
    reviews = select(loaded, compounds, conditions)
    if paper is not None and paper not in PAPER_SIZES:
        raise SelectionError(f"unknown paper '{paper}': choose from {', '.join(PAPER_SIZES)}")
    if jobs is not None and jobs < 1:
        raise SelectionError(f"--jobs must be 1 or more, not {jobs}")
    if edition not in EDITIONS:
        raise SelectionError(f"unknown edition '{edition}': choose from {', '.join(EDITIONS)}")
    if release:
        problems = release_problems(reviews, today or dt.date.today())
        if problems:
            raise ReleaseError(problems)

    clinic = load_brand(brand) if brand is not None else None

    large_print = edition == "large-print"
    out = Path(out) / "large-print" if large_print else Path(out)
    settings = Edition(loaded.site, paper or loaded.site.paper, duplex, clinic, large_print)
    fingerprints = Fingerprints(make_environment(), settings)
    manifest = Manifest.load(out)  # even with force: it lists the stale outputs to remove
    report = BuildReport(out=out, reviews=len(reviews), formats=chosen_formats)

    tasks, prints = [], {}
    for name in chosen_formats:
        for target in OUTPUTS[name].targets(reviews, large_print):
            prints[target.path] = fingerprints.of(OUTPUTS[name], target)
            if not force and manifest.is_fresh(target.path, prints[target.path]):
                report.skipped.append(target.path)
            else:
                tasks.append((name, target))

    writer = Writer(out)
    try:
        _remove_stale(loaded, manifest, out, report, large_print)
        if any(name in TYPESET for name, _ in tasks):
            _warn_if_slow_subsetter()
        with Pool(jobs or cores(), scheduler) as pool:
            for path, data in pool.run(settings, tasks):
                writer.write(path, data)
                manifest.record(path, prints[path], len(data))
                report.built.append(path)
                if progress:
                    progress(len(report.built), len(tasks), path)
    finally:  # also when interrupted: what was finished is not made again
        if out.is_dir():
            manifest.save()
    report.built.sort()
    report.written = sorted(writer.written)
    report.seconds = time.perf_counter() - started
    return report


def _remove_stale(catalog: Catalog, manifest: Manifest, out: Path, report: BuildReport,
                  large_print: bool) -> None:
    """Delete outputs publisher wrote whose review (or bundle) is no longer in the catalog.
    Only files the manifest lists are touched, and filters never make an output stale."""
    current = {t.path for cls in OUTPUTS.values() for t in cls.targets(list(catalog.reviews), large_print)}
    for path in sorted(set(manifest.entries) - current):
        (out / path).unlink(missing_ok=True)
        manifest.forget(path)
        report.removed.append(path)
        parent = (out / path).parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def _warn_if_slow_subsetter() -> None:
    from .outputs.pdf import LOG, SLOW_SUBSETTER, has_fast_subsetter

    if not has_fast_subsetter():
        LOG.warning(SLOW_SUBSETTER)
