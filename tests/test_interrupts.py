"""Stopped builds: Ctrl-C, SIGTERM and kill -9 leave no worker, no temporary file and a
true manifest; a pathological output is stopped by its time limit; a failing disk is
reported as itself."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publisher import PublisherError, build
from publisher.pipeline.manifest import NAME, Manifest

from helpers import LDN, make_catalog, tree_digests

pytestmark = pytest.mark.slow  # builds in subprocesses, stopped by signals, and waits for them

CONDITIONS = {f"condition-{n}": {"name": f"Condition {n}", "specialist": "internist"} for n in range(12)}


def catalog(root: Path) -> Path:
    return make_catalog(root, compounds={"low-dose-naltrexone": LDN}, conditions=CONDITIONS,
                        site={"publisher": "Test Press", "edition_date": "2026-01-01"})


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def start(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """A two-worker PDF build, returned once its first output is written."""
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "publisher", "build", "--catalog", str(catalog(tmp_path / "c")),
                                "--out", str(out), "--format", "pdf", "-j", "2", "-v"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               # as from a terminal: a pytest started in the background (nohup, &)
                               # passes SIGINT on ignored, and Ctrl-C would never reach the build
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout.readline().startswith("wrote ")
    return process, out


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0


def wait_gone(pids: list[int], seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_build_keeps_what_it_finished_and_nothing_else(tmp_path, sig, code):
    process, out = start(tmp_path)
    workers = children(process.pid)
    assert len(workers) == 2
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    assert process.returncode == code, err
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("stopped: ") and "finished output(s) kept and recorded" in err
    assert wait_gone(workers) == []
    assert not list(out.rglob("*.tmp"))
    recorded = Manifest.load(out).entries
    assert recorded and all((out / path).stat().st_size == entry.size for path, entry in recorded.items())
    finished = build(tmp_path / "c", out, formats="pdf", jobs=2)
    assert set(finished.skipped) == set(recorded)  # finished work is not made again
    clean = tmp_path / "clean"
    build(tmp_path / "c", clean, formats="pdf", jobs=1)
    assert tree_digests(out, skip=(NAME, ".publisher.lock")) == tree_digests(clean, skip=(NAME, ".publisher.lock"))


def test_workers_die_with_a_killed_main_process(tmp_path):
    process, out = start(tmp_path)
    workers = children(process.pid)
    assert workers
    process.kill()
    process.wait()
    assert wait_gone(workers) == []
    build(tmp_path / "c", out, formats="pdf", jobs=2)
    assert not list(out.rglob("*.tmp"))


def test_a_pathological_output_is_stopped_by_its_time_limit(tmp_path, monkeypatch):
    import publisher.pipeline.workers as workers
    from publisher.outputs.html import HtmlOutput

    def slow(self, target):
        time.sleep(5)

    monkeypatch.setattr(workers, "time_limit", lambda target: 1)
    monkeypatch.setattr(HtmlOutput, "make", slow)
    with pytest.raises(PublisherError) as stopped:
        build(catalog(tmp_path / "c"), tmp_path / "out", formats="html", jobs=1)
    assert stopped.value.message.startswith("html/")
    assert "still not made after 1 s; look for very long or unusual text in low-dose-naltrexone/condition-" \
           in stopped.value.message


def test_a_failing_disk_is_reported_as_itself_not_as_the_manifest(tmp_path, monkeypatch):
    import publisher.folders as folders

    def refuse(fd, name, data):
        raise OSError(errno.EROFS, "Read-only file system", name)

    monkeypatch.setattr(folders, "_replace", refuse)
    with pytest.raises(OSError) as failed:
        build(catalog(tmp_path / "c"), tmp_path / "out", formats="html", jobs=1)
    assert NAME not in failed.value.filename and failed.value.filename.endswith(".html")
