"""Nothing outside ``--out``, the catalog and the process's own temporary folder is opened for
writing, made, renamed or removed: during a build, a translations update and a preview
session (reliability findings 2: the issue's audit-hook test). Every Python process of the
command, workers included, runs the audit hook in ``tests/audit/sitecustomize.py``; the
temporary folder must be empty again when the command ends."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, catalog_with_languages

AUDIT = Path(__file__).resolve().parent / "audit"
WAIT = 120  # seconds: a bound on waits, never a measure


def audited(tmp_path: Path, catalog: Path, out: Path) -> tuple[dict, Path]:
    """The environment that runs the hook, and the log it reports to."""
    log, temporary = tmp_path / "audit.log", tmp_path / "tmp"
    temporary.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(AUDIT), str(ROOT)]), "TMPDIR": str(temporary),
           "PUBLISHER_AUDIT_ALLOWED": os.pathsep.join(map(str, (out, catalog, temporary))),
           "PUBLISHER_AUDIT_LOG": str(log)}
    return env, log


def publisher(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "publisher", *args], env=env, capture_output=True, text=True,
                          timeout=WAIT, **kwargs)


def assert_stayed_inside(tmp_path: Path, log: Path) -> None:
    assert log.exists(), "the audit hook never ran"  # it opens its log as it starts
    assert log.read_text() == ""
    assert list((tmp_path / "tmp").iterdir()) == []


def test_the_hook_sees_a_write_outside(tmp_path):
    """The hook itself: a write outside the allowed folders is reported."""
    env, log = audited(tmp_path, tmp_path / "catalog", tmp_path / "out")
    subprocess.run([sys.executable, "-c", f"open({str(tmp_path / 'elsewhere.txt')!r}, 'w').close()"],
                   env=env, check=True)
    assert log.read_text().split()[1:] == ["open", str(tmp_path / "elsewhere.txt")]


@pytest.mark.slow
def test_a_build_and_a_translations_update_write_only_inside(tmp_path):
    catalog = catalog_with_languages(tmp_path, ["en", "es"])
    po = catalog / "translations" / "es.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "Liver Cancer"')
    po.write_text(text[:start] + text[text.index("\n\n", start) + 2:], encoding="utf-8")  # update must write
    out = tmp_path / "out"
    env, log = audited(tmp_path, catalog, out)
    updated = publisher(env, "translations", "update", "--catalog", str(catalog), "--language", "es")
    assert updated.returncode == 0 and "updated" in updated.stdout, updated.stderr
    built = publisher(env, "build", "--catalog", str(catalog), "--out", str(out), "--condition", "liver-cancer",
                      "--jobs", "2", "-q", "--allow-incomplete")  # the entry update marked fuzzy
    assert built.returncode == 0, built.stderr
    assert (out / "es" / "SHA256SUMS").is_file()
    (out / "pdf").rename(tmp_path / "pdf-moved")
    (out / "pdf").symlink_to(tmp_path / "tmp", target_is_directory=True)  # refused, and nothing written there
    refused = publisher(env, "build", "--catalog", str(catalog), "--out", str(out), "--condition", "liver-cancer",
                        "--allow-incomplete")
    assert refused.returncode == 1 and "is a symbolic link" in refused.stderr
    assert_stayed_inside(tmp_path, log)


@pytest.mark.slow  # a preview session that builds every format of one condition in two languages
@pytest.mark.parametrize("own_out", [True, False], ids=["out", "private-folder"])
def test_a_preview_session_writes_only_inside(tmp_path, own_out):
    catalog = catalog_with_languages(tmp_path, ["en", "es"])
    for condition in (catalog / "conditions").glob("*.yaml"):  # one review: a session of seconds
        if condition.stem != "liver-cancer":
            condition.unlink()
    out = tmp_path / "out"
    env, log = audited(tmp_path, catalog, out)
    extra = ["--out", str(out)] if own_out else []
    server = subprocess.Popen([sys.executable, "-m", "publisher", "serve", "--catalog", str(catalog), "--port", "0",
                               *extra], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        said = server.stdout.readline()
        found = re.match(r"serving (.+) at (http://\S+) ", said)
        assert found, said + server.stderr.read()
        root, url = Path(found[1]), found[2]
        deadline = time.monotonic() + WAIT
        while not (root / "es" / "SHA256SUMS").exists():  # the background build of both languages is done
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.5)
        for path in ("", "catalog.json", "html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.html"):
            with urllib.request.urlopen(url + path, timeout=WAIT) as response:
                assert response.status == 200
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=WAIT)
    assert server.returncode == 0
    assert_stayed_inside(tmp_path, log)
