"""How long planning takes when nothing changed: the cost of every no-op build and of every
question a preview server asks. Targets for 10,000 reviews, every format: planning under
0.5 s CPU; the whole no-op ``publisher build`` process, start-up included, at most 0.7 s.

    python bench/plan.py [COMPOUNDS] [CONDITIONS]      (default 200 x 50 = 10,000 reviews)
    python bench/plan.py --count [COMPOUNDS] [CONDITIONS]

Making 10,000 PDFs to plan against would take an hour, so the output folder is faked: every
planned output is a one-byte file recorded in the manifest, which is exactly what the plan
reads (the manifest, and one stat per output). Each selection is planned five times; the
script prints the fastest and the median (this VM's speed drifts by half from one minute to
the next: compare variants in interleaved runs). ``--count`` also counts the instructions of
one plan under cachegrind (a process planning twice minus one planning once), a figure
the machine's load cannot move; it takes about five minutes.
"""

from __future__ import annotations

import hashlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from publisher import BuildOptions, plan  # noqa: E402
from publisher.pipeline.manifest import NAME  # noqa: E402
from synthetic import make_catalog  # noqa: E402


RUNS = 5


def fake_folder(folder: Path, compounds: int, conditions: int) -> BuildOptions:
    """A synthetic catalog and an output folder that holds every output it plans."""
    catalog = make_catalog(folder / "catalog", compounds, conditions)
    options = BuildOptions(catalog, folder / "out")
    first = plan(options)
    for step in first.steps:  # one byte per output, recorded as made (no fsync: a fake folder)
        path = first.root / step.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        first.manifest.record(step.path, step.fingerprint, 1, hashlib.sha256(b"x").hexdigest())
    (first.root / NAME).write_bytes(first.manifest.text())
    return options


def main(compounds: int = 200, conditions: int = 50) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        options = fake_folder(Path(tmp), compounds, conditions)
        made = time.perf_counter() - started
        times, outputs = {}, []
        for formats in (None, "html"):
            for _ in range(RUNS):
                started = time.process_time()
                again = plan(BuildOptions(options.catalog, options.out, formats=formats))
                times.setdefault(formats, []).append(time.process_time() - started)
                assert not again.make, again.summary()
            outputs.append(len(again.steps))
        every, html = (f"{min(t):.2f} s (median {statistics.median(t):.2f})" for t in times.values())
        print(f"{len(again.reviews):,} reviews, {outputs[0]:,} outputs ({made:.1f} s to fake them); nothing "
              f"changed, CPU seconds with catalog loading, fastest of {RUNS}: every format {every}, HTML only {html}")
        cpu, peak = whole_process(options)
        print(f"the whole no-op `publisher build` process: {min(cpu):.2f} s CPU (median "
              f"{statistics.median(cpu):.2f}), peak RSS {peak} MiB")
        if "--count" in sys.argv:
            from instructions import instructions

            once, twice = (instructions([sys.executable, __file__, "--plans", str(n), tmp]) for n in (1, 2))
            print(f"instructions of one plan, every format: {(twice - once) / 1e6:,.0f} M")


def whole_process(options: BuildOptions) -> tuple[list[float], int]:
    """CPU seconds (user + system) of ``RUNS`` whole no-op build processes, start-up and
    imports included; the largest peak RSS (MiB)."""
    cpu = []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "publisher", "build", "--catalog", str(options.catalog), "--out",
                        str(options.out), "-q"], check=True, cwd=Path(__file__).resolve().parent.parent)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def plans(times: int, folder: Path) -> None:
    """Runs under cachegrind: plan ``times`` times against the faked folder."""
    for _ in range(times):
        assert not plan(BuildOptions(folder / "catalog", folder / "out")).make


if __name__ == "__main__":
    if sys.argv[1:2] == ["--plans"]:
        plans(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        main(*[int(a) for a in sys.argv[1:] if a.isdigit()][:2])
