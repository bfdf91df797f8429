"""Build throughput, side by side on the same HTML, for a synthetic catalog of N reviews.

    python bench/build.py [N] [--memory-only]     (default N = 500)

(a) naive loop: one Python process calling weasyprint.HTML(file).write_pdf() per handout
(b) the `weasyprint` command once per file, on a sample of 20, scaled up to N

(a), (b) and (e) get exactly what the build gives WeasyPrint: each handout's print HTML (the
PDF output's, written to a file) and the print stylesheets with their TrueType faces
(``-s``/``stylesheets=``). The ``html`` output's pages would be unfair yardsticks: they link
20 WOFF2 web-font rules that plain WeasyPrint decodes for every file (14.4 G instructions a
command, against about 3 G with the print faces).
(c) `publisher build --format pdf` from scratch, the whole command, all cores
(d) the same command again with nothing changed
(e) layout floor: HTML(...).render() alone, in process, no PDF written
(f) `publisher build --format pdf --jobs 1`: one warm process, the per-core ceiling

(f) bounds what any pool can do: with C cores a build can make at most C times (f)'s handouts
per second, so its ratio to the per-file command can be at most C x (f) / (b).

Every figure is a whole process, start-up included, except (e). Peak memory is the largest
resident set of any one process of the build (main or worker), from getrusage.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_catalog  # noqa: E402

NAIVE = """
import sys
from pathlib import Path
from weasyprint import CSS, HTML
files = sorted(Path(sys.argv[1]).rglob("*.html"))
out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
stylesheets = [CSS(filename=name) for name in sys.argv[3:]]
for n, f in enumerate(files):
    HTML(filename=str(f)).{call}
"""


def write_print_html(catalog: Path, folder: Path) -> list[str]:
    """Each handout's print HTML (what the PDF output lays out) as a file in ``folder``; the
    print stylesheets that go with it."""
    from publisher.catalog import load_catalog
    from publisher.outputs.pdf import PdfOutput
    from publisher.render import Renderer

    loaded = load_catalog(catalog)
    renderer = Renderer.create(loaded.site)
    folder.mkdir(parents=True)
    for n, review in enumerate(loaded.reviews):
        (folder / f"{n:05}.html").write_text(renderer.handout(review), encoding="utf-8")
    return [str(path) for path in PdfOutput.styles() if path.suffix == ".css"]


def run(cmd: list[str]) -> tuple[float, int]:
    """Seconds, and the peak RSS (MiB) of the largest process the command ran."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(after, before) // 1024


def catalog_of(root: Path, n: int) -> Path:
    conditions = min(n, 50)
    return make_catalog(root / "catalog", compounds=-(-n // conditions), conditions=conditions)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    n = int(args[0]) if args else 500
    cores = os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        catalog = catalog_of(tmp, n)
        publisher = [sys.executable, "-m", "publisher", "build", "--catalog", str(catalog), "-q"]
        reviews = len(list(catalog.glob("compounds/*.yaml"))) * len(list(catalog.glob("conditions/*.yaml")))

        build_s, build_mb = run([*publisher, "--out", str(tmp / "dist"), "--format", "pdf"])
        noop_s, _ = run([*publisher, "--out", str(tmp / "dist"), "--format", "pdf"])
        if "--memory-only" in sys.argv:
            print(f"N={reviews}: build {build_s:.1f} s, no-op rebuild {noop_s:.2f} s, "
                  f"peak RSS of any one process {build_mb} MiB")
            return
        one_s, _ = run([*publisher, "--out", str(tmp / "one"), "--format", "pdf", "--jobs", "1"])
        html = tmp / "print-html"
        styles = write_print_html(catalog, html)

        naive_s, naive_mb = run([sys.executable, "-c",
                                 NAIVE.format(call="write_pdf(str(out / f'{n}.pdf'), stylesheets=stylesheets)"),
                                 str(html), str(tmp / "naive"), *styles])
        floor_s, _ = run([sys.executable, "-c", NAIVE.format(call="render(stylesheets=stylesheets)"), str(html),
                          str(tmp / "floor"), *styles])
        sample = sorted(html.rglob("*.html"))[:20]
        weasyprint = Path(sys.executable).parent / "weasyprint"  # not a pyenv shim (bench/README.md)
        with_styles = [option for style in styles for option in ("-s", style)]
        started = time.perf_counter()
        for i, f in enumerate(sample):
            subprocess.run([weasyprint, *with_styles, str(f), str(tmp / f"cmd{i}.pdf")], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        per_file_s = (time.perf_counter() - started) / len(sample) * reviews

    rate = {name: reviews / s for name, s in
            [("naive", naive_s), ("cmd", per_file_s), ("build", build_s), ("floor", floor_s), ("one", one_s)]}
    print(f"N = {reviews} reviews, {cores} cores, HarfBuzz subsetter: {_subsetter()}")
    print(f"{'':46}{'seconds':>9}{'handouts/s':>12}")
    print(f"{'(a) naive in-process loop, whole process':46}{naive_s:>9.1f}{rate['naive']:>12.1f}")
    print(f"{'(b) weasyprint command per file (scaled)':46}{per_file_s:>9.1f}{rate['cmd']:>12.1f}")
    print(f"{'(c) publisher build, from scratch':46}{build_s:>9.1f}{rate['build']:>12.1f}")
    print(f"{'(d) publisher build, nothing changed':46}{noop_s:>9.2f}{'':>12}")
    print(f"{'(e) layout floor, render() only, one core':46}{floor_s:>9.1f}{rate['floor']:>12.1f}")
    print(f"{'(f) publisher build --jobs 1, one warm core':46}{one_s:>9.1f}{rate['one']:>12.1f}")
    print(f"build vs naive loop: {rate['build'] / rate['naive']:.2f}x (target 1.7x); "
          f"vs per-file command: {rate['build'] / rate['cmd']:.1f}x (target 20x)")
    print(f"ceiling on {cores} cores: {cores} x (f) / (b) = {cores * rate['one'] / rate['cmd']:.1f}x the per-file "
          f"command; the build reaches {rate['build'] / (cores * rate['one']):.0%} of {cores} x (f)")
    print(f"peak RSS: build's largest process {build_mb} MiB (target < 300), naive loop {naive_mb} MiB")


def _subsetter() -> str:
    from publisher.outputs.pdf import has_fast_subsetter

    return "yes" if has_fast_subsetter() else "NO (fontTools fallback)"


if __name__ == "__main__":
    main()
