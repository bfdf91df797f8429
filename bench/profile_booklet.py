"""Where one booklet's time and memory go, stage by stage: one document of N reviews (a
condition booklet of a synthetic catalog, VOLUME_SIZE lifted), warm, in this process.

    python bench/profile_booklet.py [N] [--no-gc]

The stages are BookletOutput.make's: the reviews' HTML, their layout, the anchor loop that finds
each review's first page, the cover and contents' layout, joining the two, and writing the PDF
with our PDF/UA finisher (timed apart). ``--no-gc`` turns Python's cycle collector off for the
making, to show its share. Peak RSS is this process's (the catalog and the warm-up included).
"""

from __future__ import annotations

import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_catalog  # noqa: E402

from publisher.catalog import bundles as bundles_module  # noqa: E402
from publisher.catalog import load_catalog  # noqa: E402
from publisher.outputs import booklet as booklet_module  # noqa: E402
from publisher.outputs import pdfua  # noqa: E402
from publisher.outputs.booklet import BookletOutput  # noqa: E402
from publisher.render import Renderer  # noqa: E402


def peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    reviews = int(args[0]) if args else 200
    bundles_module.VOLUME_SIZE = 10 ** 9  # one document, however many reviews
    with tempfile.TemporaryDirectory() as tmp:
        catalog = load_catalog(make_catalog(Path(tmp) / "catalog", compounds=reviews, conditions=1))
    renderer = Renderer.create(catalog.site)
    output, chosen = BookletOutput(renderer), list(catalog.reviews)
    output.make(output.targets(chosen[:1], renderer)[0])  # warm: fonts, stylesheets, templates
    volume = next(t.bundle for t in output.targets(chosen, renderer) if t.bundle.kind == "condition")
    typesetter, times = output.typesetter, {}

    def stage(name, make):
        started = time.process_time()
        made = make()
        times[name] = time.process_time() - started
        return made

    finisher = {}
    for name in ("_describe_links", "_page_furniture_as_artifacts", "_without_empty_elements"):
        def timed(*args, _name=name, _step=getattr(pdfua, name)):
            started = time.process_time()
            _step(*args)
            finisher[_name] = time.process_time() - started
        setattr(pdfua, name, timed)

    if "--no-gc" in sys.argv:
        gc.disable()
    html = stage("reviews' HTML", lambda: renderer.booklet_reviews(volume))
    body = stage("lay out the reviews", lambda: typesetter.layout(html))
    laid_out = peak_mib()

    def anchors():
        starts = {entry.anchor: None for entry in volume.entries}
        for number, page in enumerate(body.pages, start=1):
            for anchor in page.anchors:
                if anchor in starts and starts[anchor] is None:
                    starts[anchor] = number
        return starts

    starts = stage("anchor loop", anchors)
    front = stage("lay out cover and contents", lambda: typesetter.layout(renderer.booklet_front(volume, starts)))
    whole = stage("join", lambda: front.copy(list(front.pages) + body.pages))
    data = stage("write the PDF", lambda: typesetter.pdf(whole, finisher=booklet_module._page_labels(len(front.pages))))

    print(f"{reviews} reviews, {len(whole.pages)} pages, {len(data):,} bytes; collector {'off' if '--no-gc' in sys.argv else 'on'}")
    for name, seconds in times.items():
        print(f"  {name:32}{seconds:8.2f} s")
    for name, seconds in finisher.items():
        print(f"    of which pdfua.{name:28}{seconds:6.2f} s")
    total = sum(times.values())
    print(f"  {'total':32}{total:8.2f} s   {total / reviews * 1000:.0f} ms per review")
    print(f"peak RSS {laid_out} MiB once laid out, {peak_mib()} MiB written")


if __name__ == "__main__":
    main()
