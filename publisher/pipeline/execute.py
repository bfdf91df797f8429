"""One build: plan it (plan.py), then carry the plan out: remove stale outputs, make what is
out of date in worker processes, round by round, and hand every file to the writer. A signed
release's PDFs and SHA256SUMS.p7s are signed here, in the main process, between the workers and
the writer: the key never goes to a worker or a Dask cluster (seal/).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import PublisherError
from ..options import BuildOptions
from ..paths import CHECKSUMS
from ..seal import SIGNATURE_STEP, catalog_day, document_day
from ..outputs import OUTPUTS, TYPESET, Source, is_derived
from .manifest import Recorded
from .plan import Plan, Step, plans
from .workers import Pool, cores
from .writer import Writer

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

    def merge(self, other: "BuildReport", prefix: str) -> None:
        """Add another language's report, its paths under its folder (``es/pdf/…``)."""
        for name in ("built", "skipped", "removed", "written"):
            getattr(self, name).extend(prefix + p for p in getattr(other, name))

    def summary(self) -> str:
        return (f"built {len(self.built):,}, skipped {len(self.skipped):,} unchanged, "
                f"removed {len(self.removed):,} stale in {self.seconds:.1f} s")


def build(catalog: str | Path | BuildOptions = "catalog", out: str | Path = "dist", *,
          progress: Progress | None = None, **options) -> BuildReport:
    """Build the selected reviews of ``catalog`` into ``out``; the library's entry point.

    Takes a ``BuildOptions``, or its fields as keywords: ``build("catalog", "dist",
    formats="pdf", conditions=["liver-cancer"])``. See options.py for every option.
    """
    started = time.perf_counter()
    if not isinstance(catalog, BuildOptions):
        catalog = BuildOptions(catalog=catalog, out=out, **options)
    report = None
    every = plans(catalog)  # one per language, the catalog's own first (each with its other edition's refresh)
    for one in every:  # a link in any language's folders stops the build before anything is written
        one.manifest.folder.check(one.paths())
    for one in every:
        made = execute(one, progress)
        if report is None:
            report = made
        else:  # another language's (or edition's) paths, from the first one's root
            report.merge(made, f"{Path(os.path.relpath(one.root, report.out)).as_posix()}/")
    report.seconds = time.perf_counter() - started
    return report


def execute(plan: Plan, progress: Progress | None = None) -> BuildReport:
    """Carry out ``plan``; what was finished is kept (and recorded) even if it stops half-way."""
    options = plan.options
    report = BuildReport(out=plan.root, reviews=len(plan.reviews), formats=options.formats,
                         skipped=[s.path for s in plan.skip])
    total = len(plan.make)
    with Writer(plan.manifest.folder, plan.manifest, plan.paths()) as writer:
        for path in plan.stale:
            writer.remove(path)
        if options.scheduler is None and any(s.format in TYPESET for s in plan.make):
            _warn_if_slow_subsetter()  # this machine's libraries: a Dask cluster's are its own
        # No more worker processes than outputs to make: one handout is made in this process,
        # without starting (and warming) a pool for it.
        neighbours = plan.large_print_files()  # as a build of that edition just before may have left them
        with Pool(max(1, min(options.jobs or cores(), len(plan.make))), options.scheduler) as pool:
            for wave in plan.waves():
                steps = {s.path: s for s in wave}
                if wave[0].format == SIGNATURE_STEP:  # made here: the key stays in this process
                    made = [(s.path, plan.seal.detached(writer.read(CHECKSUMS), catalog_day(plan.catalog)))
                            for s in wave]
                else:
                    made = pool.run(plan.settings, [(s.format, _with_inputs(s, writer, neighbours)) for s in wave])
                for path, data in made:
                    if plan.seal is not None and steps[path].format in TYPESET:  # signed before it is written
                        data = plan.seal.pdf(data, document_day(steps[path].target, plan.settings.site))
                    writer.write(path, data, steps[path].fingerprint)
                    report.built.append(path)
                    if progress:
                        progress(len(report.built), total, path)
    report.built.sort()
    report.written = sorted(writer.written)
    report.removed = writer.removed
    return report


def _with_inputs(step: Step, writer: Writer, neighbours: dict[str, Recorded]):
    """A derived output's target, given its sources as now on disk (the large-print edition's
    only by size and hash: that folder has its own writer), and its own file when it keeps
    history."""
    cls = OUTPUTS[step.format]
    if not is_derived(cls):
        return step.target
    inputs = {}
    for path in step.sources:
        entry = writer.manifest.entries.get(path) or neighbours.get(path)
        if entry is None:
            raise PublisherError(f"{writer.folder}/{path}: gone since the build was planned; build again")
        data = writer.read(path) if path in writer.manifest.entries and cls.reads(step.target, path) else None
        inputs[path] = Source(entry.size, entry.sha256, data)
    return step.target._replace(inputs=inputs, previous=writer.previous(step.path) if cls.keeps_history else None)


def _warn_if_slow_subsetter() -> None:
    from ..outputs.pdf import LOG, SLOW_SUBSETTER, has_fast_subsetter

    if not has_fast_subsetter():
        LOG.warning(SLOW_SUBSETTER)
