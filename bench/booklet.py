"""A compound booklet against the standalone handouts it bundles: size and build time.

    python bench/booklet.py [REVIEWS]      (default 50)

Both are built warm, in one process, one core, best of 3, from a synthetic catalog (bench/synthetic.py)
with one compound reviewed for REVIEWS conditions. Also shown: the same booklet untagged,
to separate the cost of the accessibility structure from the cost of the text itself. Over
VOLUME_SIZE reviews the booklet is its volumes, summed (bench/booklet_volumes.py times those).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_catalog  # noqa: E402

from publisher.catalog import load_catalog  # noqa: E402
from publisher.outputs import pdf as pdf_module  # noqa: E402
from publisher.outputs.booklet import BookletOutput  # noqa: E402
from publisher.outputs.pdf import PdfOutput, has_fast_subsetter  # noqa: E402
from publisher.render import Renderer  # noqa: E402


def timed(make, targets, runs=3):
    """Best of ``runs`` (this kind of shared machine varies by 20% from run to run)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        size = sum(len(make(t)) for t in targets)
        best = min(best, time.perf_counter() - started)
    return best, size


def main() -> None:
    reviews = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory() as tmp:
        catalog = load_catalog(make_catalog(Path(tmp) / "catalog", compounds=1, conditions=reviews))
    renderer = Renderer.create(catalog.site)
    chosen = list(catalog.reviews)
    handouts, booklets = PdfOutput(renderer), BookletOutput(renderer)
    compound = [t for t in booklets.targets(chosen, renderer) if t.bundle.kind == "compound"]  # its volumes
    handouts.make(handouts.targets(chosen[:1], renderer)[0])  # warm both: fonts, stylesheets, templates
    booklets.make(booklets.targets(chosen[:1], renderer)[0])

    booklet_s, booklet_bytes = timed(booklets.make, compound)
    handout_s, handout_bytes = timed(handouts.make, handouts.targets(chosen, renderer))
    pdf_module.PDF_OPTIONS["pdf_tags"] = False
    untagged_s, untagged_bytes = timed(BookletOutput(renderer).make, compound)
    pages = sum(len(booklets.typesetter.layout(renderer.booklet_reviews(t.bundle)).pages) for t in compound)

    print(f"HarfBuzz subsetter: {'yes' if has_fast_subsetter() else 'NO (fontTools fallback)'}")
    print(f"{reviews} reviews, {pages} review pages in {len(compound)} volume(s)")
    print(f"{'':28}{'bytes':>12}{'seconds':>10}")
    print(f"{'handouts (summed)':28}{handout_bytes:>12,}{handout_s:>10.2f}")
    print(f"{'booklet':28}{booklet_bytes:>12,}{booklet_s:>10.2f}")
    print(f"{'booklet, untagged':28}{untagged_bytes:>12,}{untagged_s:>10.2f}")
    print(f"booklet / handouts: size {booklet_bytes / handout_bytes:.0%} (target 25%), "
          f"time {booklet_s / handout_s:.0%} (target 100%)")
    print(f"per review: handout {handout_bytes / reviews / 1024:.1f} KiB, "
          f"in the booklet {booklet_bytes / reviews / 1024:.1f} KiB "
          f"({untagged_bytes / reviews / 1024:.1f} KiB untagged)")


if __name__ == "__main__":
    main()
