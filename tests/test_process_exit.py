"""A process that built in-process exits cleanly: WeasyPrint's font configuration, kept warm
for the next document, is released before the interpreter tears its modules down. It
crashed the test run at exit with SIGSEGV (exit 139) after the in-process builds
(`jobs=1`) of test_qr_and_readability.py; outside pytest it did not show."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_a_test_run_of_in_process_builds_exits_with_its_own_status(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not checker",
                           str(ROOT / "tests/test_qr_and_readability.py")],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Exception ignored" not in done.stderr
