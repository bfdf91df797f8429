"""``publisher translations update`` writes into the catalog, which may come from a stranger:
never through a link (reliability findings 2, #2), and it says so truthfully."""

from __future__ import annotations

import os

from click.testing import CliRunner

from publisher.cli import main

from conftest import catalog_with_languages


def run(*args):
    return CliRunner().invoke(main, list(args))


def stale_spanish(tmp_path):
    """The shipped catalog with Spanish on and one entry gone from es.po, so update must write."""
    catalog = catalog_with_languages(tmp_path, ["en", "es"])
    po = catalog / "translations" / "es.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "Liver Cancer"')
    po.write_text(text[:start] + text[text.index("\n\n", start) + 2:], encoding="utf-8")
    return catalog, po


def test_a_planted_temporary_link_is_never_written_through(tmp_path):
    catalog, po = stale_spanish(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("PRECIOUS USER FILE\n")
    (po.parent / ".es.po.tmp").symlink_to(victim)
    result = run("translations", "update", "--catalog", str(catalog), "--language", "es")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{po}: updated (")
    assert victim.read_text() == "PRECIOUS USER FILE\n"
    assert not po.is_symlink() and 'msgid "Liver Cancer"' in po.read_text(encoding="utf-8")


def test_a_linked_translations_folder_is_refused_and_nothing_is_written(tmp_path):
    catalog, po = stale_spanish(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.rename(po.parent, tmp_path / "moved")
    (catalog / "translations").symlink_to(elsewhere, target_is_directory=True)
    result = run("translations", "update", "--catalog", str(catalog), "--language", "es")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: {catalog}/translations: is a symbolic link; publisher never writes through one: "
        "put a real folder there")
    assert list(elsewhere.iterdir()) == []


def test_a_po_file_linked_out_of_the_catalog_is_not_read_and_its_target_not_written(tmp_path):
    catalog, po = stale_spanish(tmp_path)
    victim = tmp_path / "victim.po"
    victim.write_bytes(po.read_bytes())
    before = victim.read_bytes()
    po.unlink()
    po.symlink_to(victim)
    result = run("translations", "update", "--catalog", str(catalog), "--language", "es")
    assert result.exit_code == 1
    assert "leads outside the catalog" in result.output and "nothing was written" in result.output
    assert victim.read_bytes() == before and po.is_symlink()
