"""Property: whatever text, YAML shape or file oddity a catalog holds, ``check`` exits 0 or 1
with no traceback, and every problem is one ``path[:line]: message`` line; and text that
passes makes PDFs qpdf accepts, in the project's fonts only.

Example counts are kept small so the suite runs in seconds; raise ``max_examples`` locally.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from publisher.cli import main

from conftest import ROOT
from helpers import require

PROBLEM = re.compile(r"^[^:]+(:\d+)?: .+$")
SUMMARY = re.compile(r"^\d+ problems? in the catalog; nothing was written\.$")
COND = "conditions/liver-cancer.yaml"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(change) -> None:
    """Copy the shipped catalog, apply ``change(root)``, run ``check`` and judge its output."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(shutil.copytree(ROOT / "catalog", Path(tmp) / "catalog"))
        (Path(tmp) / "outside.yaml").write_text("name: SECRET\nspecialist: SECRET\n")
        change(root)
        result = CliRunner().invoke(main, ["check", "--catalog", str(root)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.splitlines()
    assert "SECRET" not in result.output
    if result.exit_code == 0:
        assert lines[0].startswith(f"{root}: ok (")
        return
    assert SUMMARY.match(lines[-1]), lines
    for line in lines[:-1]:
        assert PROBLEM.match(line) and len(line) < len(str(root)) + 400, line


@FAST
@given(st.text(max_size=300))
def test_any_text_in_a_field(value):
    check(lambda root: (root / COND).write_text(
        yaml.safe_dump({"name": value, "specialist": "oncologist"}, allow_unicode=True), encoding="utf-8"))


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40),
                    st.dates(), st.datetimes(), st.binary(max_size=20))
SHAPES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


@FAST
@given(st.dictionaries(st.sampled_from(["name", "specialist", "nme", "<<", "x"]), SHAPES, max_size=4))
def test_any_yaml_shape(fields):
    check(lambda root: (root / COND).write_text(yaml.dump(fields, allow_unicode=True), encoding="utf-8"))


@FAST
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_any_bytes_as_a_file(data):
    check(lambda root: (root / COND).write_bytes(data))


ODDITIES = {  # name -> make(path, catalog root)
    "link out": lambda path, root: os.symlink(root.parent / "outside.yaml", path),
    "link to /dev/zero": lambda path, root: os.symlink("/dev/zero", path),
    "link to /etc/passwd": lambda path, root: os.symlink("/etc/passwd", path),
    "dangling link": lambda path, root: os.symlink("nowhere", path),
    "link in": lambda path, root: os.symlink(root / "site.yaml", path),
    "fifo": lambda path, root: os.mkfifo(path),
    "folder": lambda path, root: path.mkdir(),
    "empty": lambda path, root: path.write_bytes(b""),
    "big": lambda path, root: path.write_bytes(b"# " * 600_000),
}
NAMES = st.sampled_from(["compounds/a.yaml", "conditions/b.YAML", "conditions/c.yml", "site.yaml",
                         "reviews/low-dose-naltrexone/liver-cancer.yaml", "reviews/low-dose-naltrexone",
                         "reviews/x.yaml", "compounds", "conditions/\x1b[31m.yaml"])


@FAST
@given(st.lists(st.tuples(NAMES, st.sampled_from(sorted(ODDITIES))), max_size=3))
def test_any_file_oddity(oddities):
    def change(root):
        for name, oddity in oddities:
            path = root / name
            if not os.path.lexists(path.parent):
                path.parent.mkdir(parents=True)
            if path.parent.is_symlink() or not path.parent.is_dir():
                continue  # an earlier oddity replaced the folder
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
            ODDITIES[oddity](path, root)
    check(change)


@pytest.mark.checker
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), min_size=1, max_size=200))
def test_whatever_text_passes_check_builds_a_valid_pdf_in_vendored_fonts(value):
    """A build either refuses the text before writing (exit 1, a path:line) or makes PDFs that
    qpdf accepts and that embed only the project's fonts."""
    import subprocess

    qpdf = require("qpdf")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(shutil.copytree(ROOT / "catalog", Path(tmp) / "catalog"))
        (root / COND).write_text(yaml.safe_dump({"name": value, "specialist": "oncologist"}, allow_unicode=True),
                                 encoding="utf-8")
        out = Path(tmp) / "out"
        result = CliRunner().invoke(main, ["build", "--catalog", str(root), "--out", str(out), "--format", "pdf",
                                           "--condition", "liver-cancer", "-j", "1"])
        assert result.exit_code in (0, 1), result.output
        if result.exit_code == 1:
            assert not out.exists() and PROBLEM.match(result.output.splitlines()[0]), result.output
            return
        for pdf in out.rglob("*.pdf"):
            assert subprocess.run([qpdf, "--check", str(pdf)], capture_output=True).returncode == 0
            fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
            names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
            assert names <= {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold", "Atkinson-Hyperlegible-Italic",
                             "DejaVu-Sans-Vendored", "DejaVu-Sans-Vendored-Bold"}, names
