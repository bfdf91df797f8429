"""A condition booklet of N reviews, made as a build makes it (in volumes): time per review
and peak memory, one fresh process per size.

    python bench/booklet_volumes.py [N ...]                 (default 50 200 500)
    python bench/booklet_volumes.py --large-print 50 200 500
    python bench/booklet_volumes.py --volume-size 100000 50 200   (one document, as before volumes)
    python bench/booklet_volumes.py --build 500               (a whole `publisher build --format booklet`)

Each size runs in its own process, on a synthetic catalog of N compounds reviewed for one
condition (bench/synthetic.py). The process warms up on a one-review booklet (fonts, stylesheets,
templates: what a worker does once), then makes every volume of the condition's booklet one
after another, as one worker would. Its peak RSS is the kernel's (``wait4``); times are CPU
seconds of the making alone, which the other sessions on this shared machine move less than wall
time. ``--build`` instead times a whole build of that catalog (``--jobs 2``) and reports the
peak RSS of its largest process, main or worker.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def one(reviews: int, large_print: bool, volume_size: int | None) -> dict:
    """In the child: make the condition booklet of a catalog of ``reviews`` reviews."""
    from synthetic import make_catalog

    from publisher.catalog import bundles as bundles_module
    from publisher.catalog import load_catalog
    from publisher.outputs.booklet import BookletOutput
    from publisher.render import Renderer

    if volume_size:
        bundles_module.VOLUME_SIZE = volume_size
    with tempfile.TemporaryDirectory() as tmp:
        catalog = load_catalog(make_catalog(Path(tmp) / "catalog", compounds=reviews, conditions=1))
    renderer = Renderer.create(catalog.site, large_print=large_print)
    output = BookletOutput(renderer)
    chosen = list(catalog.reviews)
    output.make(output.targets(chosen[:1], renderer)[0])  # warm: one compound booklet
    volumes = [t for t in output.targets(chosen, renderer) if t.bundle.kind == "condition"]
    made, pages, size = [], 0, 0
    for target in volumes:
        started = time.process_time()
        data = output.make(target)
        made.append(time.process_time() - started)
        pages += _pages(data)
        size += len(data)
    return {"reviews": reviews, "volumes": len(volumes), "largest": max(len(t.bundle.entries) for t in volumes),
            "seconds": sum(made), "slowest_volume": max(made), "pages": pages, "bytes": size}


def _pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def measure(reviews: int, large_print: bool, volume_size: int | None) -> dict:
    """One fresh process for one size: its result and its peak RSS in MiB."""
    command = [sys.executable, __file__, "--one", str(reviews)]
    command += ["--large-print"] if large_print else []
    command += ["--volume-size", str(volume_size)] if volume_size else []
    child = subprocess.Popen(command, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"the {reviews}-review run failed ({child.returncode})")
    return {**json.loads(out), "peak_mib": usage.ru_maxrss / 1024}


def build(reviews: int, large_print: bool) -> dict:
    """A whole ``publisher build --format booklet --jobs 2``: wall time, and the peak RSS of its
    largest process (``wait4`` covers the workers, which the build waits for)."""
    from synthetic import make_catalog

    with tempfile.TemporaryDirectory() as tmp:
        catalog = make_catalog(Path(tmp) / "catalog", compounds=reviews, conditions=1)
        command = [sys.executable, "-m", "publisher", "build", "--catalog", str(catalog), "--out", str(Path(tmp) / "out"),
                   "--format", "booklet", "--jobs", "2", *(["--edition", "large-print"] if large_print else [])]
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(HERE.parent)})
        _, status, usage = os.wait4(child.pid, 0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"the {reviews}-review build failed")
        return {"reviews": reviews, "wall_seconds": time.perf_counter() - started, "peak_mib": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[50, 200, 500])
    parser.add_argument("--large-print", action="store_true")
    parser.add_argument("--volume-size", type=int, help="override VOLUME_SIZE (a large one: one document)")
    parser.add_argument("--build", action="store_true", help="time a whole build instead")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child's own run
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.large_print, args.volume_size)))
        return
    if args.build:
        for reviews in args.sizes:
            row = build(reviews, args.large_print)
            print(f"{reviews:>6} reviews: build {row['wall_seconds']:7.1f} s wall, largest process {row['peak_mib']:6.0f} MiB",
                  flush=True)
        return
    print(f"{'reviews':>8}{'volumes':>9}{'largest':>9}{'pages':>7}{'CPU s':>8}{'ms/review':>11}{'slowest vol s':>15}"
          f"{'peak MiB':>10}")
    first = None
    for reviews in args.sizes:
        row = measure(reviews, args.large_print, args.volume_size)
        per = row["seconds"] / reviews * 1000
        first = first or per
        print(f"{reviews:>8}{row['volumes']:>9}{row['largest']:>9}{row['pages']:>7}{row['seconds']:>8.1f}{per:>11.0f}"
              f"{row['slowest_volume']:>15.1f}{row['peak_mib']:>10.0f}   ({per / first - 1:+.0%} per review)", flush=True)


if __name__ == "__main__":
    main()
