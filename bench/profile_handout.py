"""Time and profile one handout's PDF, warm, in-process: the unit cost every build pays.

    python bench/profile_handout.py [--profile] [N]
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from pathlib import Path

from publisher.catalog import load_catalog
from publisher.outputs.pdf import PdfOutput, has_fast_subsetter
from publisher.render import Renderer

ROOT = Path(__file__).resolve().parent.parent


def liver_cancer_handout() -> tuple[PdfOutput, str]:
    """The PDF output and the HTML of the shipped Liver Cancer handout, not yet laid out."""
    catalog = load_catalog(ROOT / "catalog")
    review = next(r for r in catalog.reviews if r.condition.slug == "liver-cancer")
    output = PdfOutput(Renderer.create(catalog.site))
    return output, output.renderer.handout(review)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    runs = int(args[0]) if args else 20
    output, html = liver_cancer_handout()
    output.pdf_bytes(html)  # warm: fonts, CSS, templates

    def loop():
        for _ in range(runs):
            output.pdf_bytes(html)

    if "--profile" in sys.argv:
        profile = cProfile.Profile()
        profile.runcall(loop)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        return
    started = time.perf_counter()
    loop()
    per = (time.perf_counter() - started) / runs
    print(f"HarfBuzz subsetter: {'yes' if has_fast_subsetter() else 'NO (fontTools fallback)'}")
    print(f"{runs} handouts: {per * 1000:.0f} ms each, {1 / per:.1f} per second (1 core)")


if __name__ == "__main__":
    main()
