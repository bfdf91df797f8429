"""What the download portal adds to a full build: previews, zips and pages for N handouts,
against the documents they are made from. Target: at most 20 % more.

    python bench/portal.py [COMPOUNDS] [CONDITIONS]      (default 20 x 50 = 1,000 reviews)

Two builds into one folder: first the documents (HTML, PDF, booklets, EPUBs), then
``--format site``, which finds them up to date and makes only the portal's derived outputs.
Whole-process CPU time (user + sys, workers included) is reported beside wall time, since
this machine's wall-clock timings swing by 20 %.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_catalog  # noqa: E402


def timed(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(compounds: int = 20, conditions: int = 50) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = make_catalog(Path(tmp) / "catalog", compounds, conditions)
        out = Path(tmp) / "out"
        command = [sys.executable, "-m", "publisher", "build", "--catalog", str(catalog), "--out", str(out), "-q"]
        docs = timed([*command, "--format", "html,pdf,booklet,epub"])
        site = timed([*command, "--format", "site"])
        previews = sum(p.stat().st_size for p in (out / "previews").rglob("*.png"))
        count = len(list((out / "previews").rglob("*.png")))
        print(f"{compounds * conditions:,} reviews: documents {docs[0]:.1f} s wall / {docs[1]:.1f} s CPU; "
              f"portal {site[0]:.1f} s wall / {site[1]:.1f} s CPU = +{100 * site[0] / docs[0]:.0f} % wall, "
              f"+{100 * site[1] / docs[1]:.0f} % CPU; {count:,} previews, {previews / count / 1024:.1f} KB each")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
