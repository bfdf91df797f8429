"""Instructions per warm handout, counted by Valgrind: a measure that noise cannot move.

    python bench/instructions.py [--css 'EXTRA CSS']

Timings on a shared 2-core VM swing by 20 % from run to run, which hides any change worth
less than that. Valgrind's cachegrind counts the instructions executed instead: the same
code gives the same count to within about 0.5 %. The script runs the shipped Liver Cancer
handout under cachegrind once with one render (warm-up) and once with three, and prints
the difference divided by two: the cost of one warm handout, start-up and warm-up excluded.
`--css` adds a stylesheet after the shipped ones, to weigh a style change before making it.
Needs `valgrind` (apt-get install valgrind); takes about a minute.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys


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


def count(times: int, css: str) -> int:
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
               sys.executable, __file__, "--run", str(times), "--css", css]
    log = subprocess.run(command, check=True, capture_output=True, text=True).stderr
    return int(re.search(r"I\s+refs:\s+([\d,]+)", log).group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--css", default="")
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run is not None:
        render(args.run, args.css)
        return
    per_handout = (count(2, args.css) - count(0, args.css)) / 2
    print(f"{per_handout / 1e6:.0f} M instructions per warm handout")


if __name__ == "__main__":
    main()
