"""Instructions per warm handout, counted by Valgrind: a measure that noise cannot move.

    python bench/instructions.py [--css 'EXTRA CSS'] [--python EXE] [--command]

Timings on a shared 2-core VM swing by 20 % from run to run, which hides any change worth
less than that. Valgrind's cachegrind counts the instructions executed instead: the same
code gives the same count to within about 0.5 %, unless the system's fonts change during a
count (fontconfig's start-up is part of it: count twice). The script runs the shipped Liver
Cancer handout under cachegrind once with one render (warm-up) and once with three, and prints
the difference divided by two: the cost of one warm handout, start-up and warm-up excluded.
`--css` adds a stylesheet after the shipped ones, to weigh a style change before making it.
`--python` counts under another interpreter (one with publisher installed, e.g. a venv).
`--command` also counts one whole `weasyprint IN.html OUT.pdf` process (the script beside
the interpreter, not a pyenv shim) on the same handout as the `html` output writes it, and
prints the ceiling C x command / warm handout for C cores.
Needs `valgrind` (apt-get install valgrind); takes about a minute (two with --command).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def render(times: int, css: str) -> None:
    """Runs under Valgrind: warm up once, then make ``times`` more handouts."""
    from weasyprint import CSS

    from profile_handout import liver_cancer_handout

    output, html = liver_cancer_handout()
    if css:
        typesetter = output.typesetter
        typesetter.stylesheets.append(CSS(string=css, font_config=typesetter.font_config))
    for _ in range(1 + times):
        output.pdf_bytes(html)


def write_html(folder: Path) -> Path:
    """Writes the Liver Cancer handout and its assets as the ``html`` output does; its path."""
    from publisher.catalog import load_catalog
    from publisher.outputs.html import HtmlOutput
    from publisher.render import Renderer

    catalog = load_catalog(ROOT / "catalog")
    review = next(r for r in catalog.reviews if r.condition.slug == "liver-cancer")
    renderer = Renderer.create(catalog.site)
    output = HtmlOutput(renderer)
    for target in output.targets([review], renderer):
        path = folder / target.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(output.make(target))
    return folder / output.targets([review], renderer)[0].path


def instructions(command: list[str]) -> int:
    """Instructions the command executes (its own process only), from cachegrind's summary."""
    valgrind = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    # The worktree's publisher first, whatever the interpreter has installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    log = subprocess.run([*valgrind, *command], check=True, capture_output=True, text=True, env=env).stderr
    return int(re.search(r"I\s+refs:\s+([\d,]+)", log).group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--css", default="")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--command", action="store_true")
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--html", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run is not None:
        render(args.run, args.css)
        return
    if args.html is not None:
        print(write_html(Path(args.html)))
        return

    def count(times: int) -> int:
        return instructions([args.python, __file__, "--run", str(times), "--css", args.css])

    per_handout = (count(2) - count(0)) / 2
    print(f"{per_handout / 1e6:.0f} M instructions per warm handout")
    if args.command:
        with tempfile.TemporaryDirectory() as tmp:
            html = subprocess.run([args.python, __file__, "--html", tmp], check=True, capture_output=True,
                                  text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout.strip()
            weasyprint = str(Path(args.python).parent / "weasyprint")
            command = instructions([args.python, weasyprint, html, str(Path(tmp) / "out.pdf")])
        cores = os.cpu_count()
        print(f"{command / 1e6:.0f} M instructions for one `weasyprint in.html out.pdf` process")
        print(f"ceiling on {cores} cores: {cores} x {command / 1e6:.0f} / {per_handout / 1e6:.0f} = "
              f"{cores * command / per_handout:.1f}x the per-file command")


if __name__ == "__main__":
    main()
