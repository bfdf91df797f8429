"""The output folder is a trust boundary (reliability findings 2, #1 and #18): a symbolic link
anywhere below ``--out`` is never written, removed, walked or locked through. A linked folder
stops the build with one line naming it, before anything is written; a link where a file or
the lock goes is replaced, its target untouched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.cli import main
from publisher.pipeline.manifest import NAME

from conftest import catalog_with_languages, copy_of
from helpers import tree_digests

CONDITION = ("--condition", "liver-cancer")


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The shipped catalog with Spanish, Liver Cancer only, built in every format and in
    large print: a finished output folder to tamper with."""
    root = tmp_path_factory.mktemp("built")
    catalog = catalog_with_languages(root, ["en", "es"])
    for edition in ("standard", "large-print"):
        result = run("build", "--catalog", str(catalog), "--out", str(root / "out"), *CONDITION,
                     "--edition", edition, "-q")
        assert result.exit_code == 0, result.output
    return catalog, root / "out"


@pytest.fixture
def victim(tmp_path) -> Path:
    """A folder outside ``--out`` holding someone's file and files named like temporaries."""
    folder = tmp_path / "victim"
    (folder / "sub").mkdir(parents=True)
    (folder / "precious.txt").write_text("PRECIOUS\n")
    (folder / ".keep.tmp").write_text("mine\n")
    (folder / "sub" / ".other.abcdefgh.tmp").write_text("mine too\n")
    return folder


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# Every folder the build owns, at each depth: a language folder, the large-print edition, a
# format's folder, a nested one, the handouts' shared assets, the portal's downloads.
FOLDERS = ["es", "large-print", "es/large-print", "pdf", "pdf/low-dose-naltrexone", "html/_assets",
           "downloads", "booklets/by-condition", "epub", "previews", "assets", "es/downloads", "compounds"]


@pytest.mark.slow
@pytest.mark.parametrize("folder", FOLDERS)
def test_a_linked_folder_stops_the_build_before_anything_is_written(built, tmp_path, victim, folder):
    catalog, original = built
    out = copy_of(original, tmp_path / "out")
    before_out = tree_digests(out)
    target = out / folder
    assert target.is_dir()
    os.rename(target, tmp_path / "moved-away")
    target.symlink_to(victim, target_is_directory=True)
    before = snapshot(victim)
    edition = "large-print" if "large-print" in folder else "standard"
    result = run("build", "--catalog", str(catalog), "--out", str(out), *CONDITION, "--edition", edition, "--force")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: {out}/{folder}: is a symbolic link; publisher never writes through one: put a real folder there")
    assert snapshot(victim) == before and sorted(p.name for p in victim.rglob("*")) == \
        [".keep.tmp", ".other.abcdefgh.tmp", "precious.txt", "sub"]
    after = tree_digests(out)
    assert {p: d for p, d in after.items() if not p.startswith(f"{folder}/")} == \
        {p: d for p, d in before_out.items() if not p.startswith(f"{folder}/")}


@pytest.mark.slow
def test_a_forged_manifest_entry_behind_a_linked_folder_deletes_nothing(built, tmp_path, victim):
    """Finding 1c: a manifest naming ``pdf/precious.txt`` with ``pdf`` a link to the victim."""
    catalog, original = built
    out = copy_of(original, tmp_path / "out")
    os.rename(out / "pdf", tmp_path / "moved-away")
    (out / "pdf").symlink_to(victim, target_is_directory=True)
    manifest = json.loads((out / NAME).read_text())
    manifest["paths"].insert(0, "pdf/precious.txt")
    for column, value in (("fingerprints", "0" * 64), ("sizes", 9), ("sha256", "0" * 64)):
        manifest[column].insert(0, value)
    (out / NAME).write_text(json.dumps(manifest))
    before = snapshot(victim)
    result = run("build", "--catalog", str(catalog), "--out", str(out), *CONDITION, "-v")
    assert result.exit_code == 1 and f"Error: {out}/pdf: is a symbolic link" in result.output
    assert "removed" not in result.output and snapshot(victim) == before


@pytest.mark.slow
def test_a_linked_lock_file_is_replaced_not_followed(built, tmp_path, victim):
    """Finding 1f: ``.publisher.lock -> victim/created-by-lock`` made an empty file outside."""
    catalog, original = built
    out = copy_of(original, tmp_path / "out")
    (out / ".publisher.lock").unlink()
    (out / ".publisher.lock").symlink_to(victim / "created-by-lock")
    (out / "es" / ".publisher.lock").unlink()
    (out / "es" / ".publisher.lock").symlink_to(victim / "precious.txt")
    result = run("build", "--catalog", str(catalog), "--out", str(out), *CONDITION)
    assert result.exit_code == 0, result.output
    assert not (victim / "created-by-lock").exists() and (victim / "precious.txt").read_text() == "PRECIOUS\n"
    assert not (out / ".publisher.lock").is_symlink() and (out / ".publisher.lock").is_file()


@pytest.mark.slow
def test_only_the_builds_own_temporary_files_are_swept(built, tmp_path):
    """A killed build's ``.<name>.<random>.tmp`` files go; anything else named ``.tmp``, a
    folder so named, and a link so named (and its target) stay."""
    catalog, original = built
    out = copy_of(original, tmp_path / "out")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep\n")
    leftovers = [out / "pdf" / ".x.pdf.k2j4_9a1.tmp", out / ".SHA256SUMS.abcdefgh.tmp"]
    kept = [out / "pdf" / ".notes.tmp", out / "pdf" / "draft.tmp"]
    for path in leftovers + kept:
        path.write_text("x")
    (out / "html" / ".y.html.aaaaaaaa.tmp").mkdir()
    (out / "epub" / ".z.epub.bbbbbbbb.tmp").symlink_to(outside)
    result = run("build", "--catalog", str(catalog), "--out", str(out), *CONDITION)
    assert result.exit_code == 0, result.output
    assert not any(p.exists() for p in leftovers) and all(p.exists() for p in kept)
    assert (out / "html" / ".y.html.aaaaaaaa.tmp").is_dir() and outside.read_text() == "keep\n"
    assert (out / "epub" / ".z.epub.bbbbbbbb.tmp").is_symlink()


@pytest.mark.slow
def test_a_folder_where_an_output_goes_is_named(built, tmp_path):
    """Finding 18: the error named a random temporary file instead of the blocking folder."""
    catalog, original = built
    out = copy_of(original, tmp_path / "out")
    zip_path = out / "downloads" / "low-dose-naltrexone--all-conditions.zip"
    zip_path.unlink()
    zip_path.mkdir()
    result = run("build", "--catalog", str(catalog), "--out", str(out), *CONDITION)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: {zip_path}: a folder stands where this file goes; move it away")
    assert not [p for p in (out / "downloads").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_a_file_where_a_folder_goes_is_named(built, tmp_path):
    catalog, original = built
    out = copy_of(original, tmp_path / "out")
    os.rename(out / "es", tmp_path / "moved-away")
    (out / "es").write_text("not a folder")
    result = run("build", "--catalog", str(catalog), "--out", str(out), *CONDITION)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: {out}/es: a file stands where publisher needs a folder; move it away")


@pytest.mark.slow
def test_out_itself_may_be_a_link(built, tmp_path):
    """``--out`` is the user's own choice: a link there is followed, once."""
    catalog, original = built
    real = copy_of(original, tmp_path / "real")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    for _ in range(2):  # the second time, everything is up to date in the real folder
        result = run("build", "--catalog", str(catalog), "--out", str(tmp_path / "link"), *CONDITION)
        assert result.exit_code == 0, result.output
    assert result.output.startswith("built 0,") and (tmp_path / "link").is_symlink()
