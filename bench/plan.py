"""How long planning takes when nothing changed: the cost of every no-op build and of every
question a preview server asks. Target: under 1 s for 10,000 reviews, every format.

    python bench/plan.py [COMPOUNDS] [CONDITIONS]      (default 200 x 50 = 10,000 reviews)

Making 10,000 PDFs to plan against would take an hour, so the output folder is faked: every
planned output is a one-byte file recorded in the manifest, which is exactly what the plan
reads (the manifest, and one stat per output).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from publisher import BuildOptions, plan  # noqa: E402
from publisher.manifest import NAME  # noqa: E402
from synthetic import make_catalog  # noqa: E402


def main(compounds: int = 200, conditions: int = 50) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = make_catalog(Path(tmp) / "catalog", compounds, conditions)
        options = BuildOptions(catalog, Path(tmp) / "out")
        started = time.perf_counter()
        first = plan(options)
        fresh = time.perf_counter() - started
        for step in first.steps:  # one byte per output, recorded as made (no fsync: a fake folder)
            path = options.root / step.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x")
            first.manifest.record(step.path, step.fingerprint, 1, hashlib.sha256(b"x").hexdigest())
        (options.root / NAME).write_bytes(first.manifest.text())
        times = []
        for formats in (None, "html"):
            started = time.process_time()
            again = plan(BuildOptions(catalog, options.out, formats=formats))
            times.append(time.process_time() - started)
        assert not again.make, again.summary()
        print(f"{len(first.reviews):,} reviews, {len(first.steps):,} outputs: plan on an empty folder "
              f"{fresh:.2f} s wall; nothing changed, CPU seconds with catalog loading: every format "
              f"{times[0]:.2f} s, HTML only {times[1]:.2f} s")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
