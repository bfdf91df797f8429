"""Instructions per warm document, counted by Valgrind: a measure that noise cannot move.

    python bench/instructions.py [--kind K]... [--check] [--css 'EXTRA CSS'] [--python EXE] [--command]

Timings on a shared 2-core VM swing by 20 % from run to run, which hides any change worth
less than that. Valgrind's cachegrind counts the instructions executed instead: the same
code gives the same count to within about 0.5 %, unless the system's fonts change during a
count (fontconfig's start-up is part of it: count twice). Each kind of document is made
under cachegrind once (warm-up) and once with n more, and the difference divided by n is the
cost of one warm document, start-up and warm-up excluded. The kinds, all from the shipped
catalog: ``handout`` (Liver Cancer, PDF/UA), ``handout-online`` (the same with an
``online_url``: QR code and address), ``large-print``, ``booklet-10`` (the compound's
10-review booklet) and ``epub-10`` (its EPUB).

``--check`` counts every kind in ``budgets.json`` and exits 1 naming any more than 3 % above
its budget: run it before every stop, and change a budget only on purpose, with the reason
in the commit. `--css` adds a stylesheet after the shipped ones, to weigh a style change
before making it. `--python` counts under another interpreter (one with publisher
installed, e.g. a venv). `--command` also counts one whole `weasyprint -s … IN.html OUT.pdf`
process (the script beside the interpreter, not a pyenv shim) on the handout's print HTML
and stylesheets, what the build gives WeasyPrint, and prints the ceiling C x command / warm
handout for C cores.
Needs `valgrind` (apt-get install valgrind); `--check` takes about ten minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


ONLINE_URL = "https://example.org/reviews/{compound}/{condition}"  # a typical clinic's pattern


def kinds() -> dict:
    """What each kind of document is made from: ``name -> (output class, renderer, target)``,
    all from the shipped catalog's Liver Cancer review (or its compound's 10-review bundle)."""
    import dataclasses

    from publisher.catalog import load_catalog
    from publisher.catalog.bundles import bundles
    from publisher.outputs import OUTPUTS
    from publisher.render import Renderer

    catalog = load_catalog(ROOT / "catalog")
    review = next(r for r in catalog.reviews if r.condition.slug == "liver-cancer")
    bundle = next(b for b in bundles(catalog.reviews) if b.kind == "compound")
    standard, online = Renderer.create(catalog.site), Renderer.create(
        dataclasses.replace(catalog.site, online_url=ONLINE_URL))
    large = Renderer.create(catalog.site, large_print=True)

    def target(output: str, renderer, subject):
        return next(t for t in OUTPUTS[output].targets(catalog.reviews, renderer)
                    if subject in (t.review, t.bundle, getattr(t.bundle, "whole", None)))

    return {
        "handout": ("pdf", standard, target("pdf", standard, review)),
        "handout-online": ("pdf", online, target("pdf", online, review)),
        "large-print": ("pdf", large, target("pdf", large, review)),
        "booklet-10": ("booklet", standard, target("booklet", standard, bundle)),
        "epub-10": ("epub", standard, target("epub", standard, bundle)),
    }


def render(kind: str, times: int, css: str) -> None:
    """Runs under Valgrind: make the document once (warm-up), then ``times`` more."""
    from publisher.outputs import OUTPUTS

    name, renderer, target = kinds()[kind]
    output = OUTPUTS[name](renderer)
    if css:
        from weasyprint import CSS

        typesetter = output.typesetter
        typesetter.stylesheets.append(CSS(string=css, font_config=typesetter.font_config))
    from publisher.render import qr_svg

    for _ in range(1 + times):
        qr_svg.cache_clear()  # a build makes each handout's QR code afresh: none carried over
        output.make(target)


def write_html(folder: Path) -> Path:
    """Writes the Liver Cancer handout's print HTML (what the PDF output lays out); its path."""
    name, renderer, target = kinds()["handout"]
    path = folder / "handout.html"
    path.write_text(renderer.handout(target.review), encoding="utf-8")
    return path


def print_styles() -> list[str]:
    """``weasyprint`` options for the stylesheets the PDF output gives WeasyPrint."""
    from publisher.outputs.pdf import PdfOutput

    return [option for path in PdfOutput.styles() if path.suffix == ".css" for option in ("-s", str(path))]


def instructions(command: list[str]) -> int:
    """Instructions the command executes (its own process only), from cachegrind's summary."""
    valgrind = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    # The worktree's publisher first, whatever the interpreter has installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    log = subprocess.run([*valgrind, *command], check=True, capture_output=True, text=True, env=env).stderr
    return int(re.search(r"I\s+refs:\s+([\d,]+)", log).group(1).replace(",", ""))


BUDGETS = Path(__file__).resolve().parent / "budgets.json"
TOLERANCE = 0.03  # a kind more than 3 % above its budget is reported


def per_document(python: str, kind: str, css: str) -> float:
    """Instructions one warm document of ``kind`` costs: (warm-up + n) - (warm-up alone), / n."""
    n = 1 if kind.startswith("booklet") else 2  # a booklet is ten handouts' work already

    def count(times: int) -> int:
        return instructions([python, __file__, "--run", str(times), "--kind", kind, "--css", css])

    return (count(n) - count(0)) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", action="append", choices=["handout", "handout-online", "large-print",
                                                            "booklet-10", "epub-10"])
    parser.add_argument("--check", action="store_true", help="count every kind and compare with budgets.json")
    parser.add_argument("--css", default="")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--command", action="store_true")
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--html", help=argparse.SUPPRESS)
    args = parser.parse_args()
    chosen = args.kind or (["handout"] if not args.check else list(json.loads(BUDGETS.read_text())))
    if args.run is not None:
        render(chosen[0], args.run, args.css)
        return
    if args.html is not None:
        print(write_html(Path(args.html)))
        return

    budgets = json.loads(BUDGETS.read_text())
    over = []
    for kind in chosen:
        measured = per_document(args.python, kind, args.css) / 1e6
        budget = budgets.get(kind)
        verdict = ""
        if budget:
            verdict = f" (budget {budget:,} M: {measured / budget - 1:+.1%})"
            if measured > budget * (1 + TOLERANCE):
                over.append(kind)
                verdict += "  OVER BUDGET"
        print(f"{kind}: {measured:,.0f} M instructions per warm document{verdict}", flush=True)
    if args.command:
        per_handout = per_document(args.python, "handout", args.css)
        with tempfile.TemporaryDirectory() as tmp:
            html = subprocess.run([args.python, __file__, "--html", tmp], check=True, capture_output=True,
                                  text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout.strip()
            weasyprint = str(Path(args.python).parent / "weasyprint")
            command = instructions([args.python, weasyprint, *print_styles(), html, str(Path(tmp) / "out.pdf")])
        cores = os.cpu_count()
        print(f"{command / 1e6:.0f} M instructions for one `weasyprint in.html out.pdf` process")
        print(f"ceiling on {cores} cores: {cores} x {command / 1e6:.0f} / {per_handout / 1e6:.0f} = "
              f"{cores * command / per_handout:.1f}x the per-file command")
    if args.check and over:
        sys.exit(f"over budget by more than {TOLERANCE:.0%}: {', '.join(over)}")


if __name__ == "__main__":
    main()
