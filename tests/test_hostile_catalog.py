"""A catalog from a stranger: every reproducer of the hardening issue (13) is one exact
``path:line: message`` line, exit 1, no traceback, nothing written, nothing outside read."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.cli import main
from publisher.catalog.records import printable

from conftest import ROOT

SUMMARY_1 = "1 problem in the catalog; nothing was written."
COND = "conditions/liver-cancer.yaml"
REVIEW = "reviews/low-dose-naltrexone/fibromyalgia.yaml"


def short(value):
    """Test ids that stay readable when a case holds 5,000 characters."""
    return printable(value[:40]) if isinstance(value, str) else None


def run(*args):
    return CliRunner().invoke(main, list(args))


def write(catalog: Path, name: str, content: str | bytes) -> None:
    path = catalog / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def assert_one_problem(catalog: Path, tmp_path: Path, expected: str) -> None:
    """``check`` and ``build`` both print exactly this line, exit 1 and write nothing."""
    out = tmp_path / "out"
    for command in (["check"], ["build", "--out", str(out), "--format", "html"]):
        result = run(*command, "--catalog", str(catalog))
        assert result.exit_code == 1, result.output
        assert result.output == f"{catalog}/{expected}\n{SUMMARY_1}\n"
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()


NESTED = "[" * 1000 + "]" * 1000
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize("content,expected", [
    (f"name: {NESTED}\nspecialist: x\n", "1: nested deeper than 20 levels"),
    ("name: !!bool maybe\nspecialist: x\n", "1: field 'name' must be text, not true/false (maybe)"),
    ("name: !!timestamp hello\nspecialist: x\n", "1: field 'name' must be text, not a date (hello)"),
    ("name: 2026-01-31\nspecialist: x\n", "1: field 'name' must be text, not a date (2026-01-31)"),
    ("name: yes\nspecialist: x\n", "1: field 'name' must be text, not true/false (yes)"),
    ("name: x\nspecialist: ~\n", "2: field 'specialist' must be text, not empty"),
    ("name: x\nspecialist: [a]\n", "2: field 'specialist' must be text, not a list"),
    ('name: "A\\uD800B"\nspecialist: x\n',
     "1: field 'name' has a lone surrogate (U+D800), which text may not contain"),
    ('name: "a\\eb"\nspecialist: x\n',
     "1: field 'name' has a control character (U+001B), which text may not contain"),
    ("name: x\nspecialist: x\n\n\n\n# a\0b\n", "6: character U+0000 is not allowed in a YAML file"),
    ("name: x\nspecialist: y\x1b\n", "2: character U+001B is not allowed in a YAML file"),
    ('name: x\nspecialist: !!int "1\\n2\\n3"\n', "2: field 'specialist' must be text, not a number (1\\n2\\n3)"),
    ("name: !custom x\nspecialist: x\n", "1: field 'name' must be text, not a value tagged '!custom' (x)"),
    ("name: !!float x\nspecialist: x\n", "1: field 'name' must be text, not a number (x)"),
    (f"name: {'1' * 5000}\nspecialist: x\n",
     f"1: field 'name' must be text, not a number ({'1' * 80}... (5,000 characters))"),
    (b"name: x\nspecialist: \xff\n", "2: not UTF-8 text (invalid start byte)"),
    (b"name: x\nspecialist: \xed\xa0\x80\n", "2: not UTF-8 text (invalid continuation byte)"),
    ("a: &a [1, 2]\nb: *a\n", "1: anchors and aliases (& and *) are not allowed"),
    (BOMB, "1: anchors and aliases (& and *) are not allowed"),
    ("name: x\nspecialist: y\n<<: {z: 1}\n", "3: merge keys (<<) are not allowed"),
    ("name: x\nname: y\nspecialist: z\n", "2: field 'name' is given twice (first on line 1)"),
    ("name: 中文 Liver\nspecialist: z\n", "1: field 'name' has characters the handout fonts cannot draw: U+4E2D U+6587"),
    (f"name: {'x' * 201}\nspecialist: z\n", "1: field 'name' is 201 characters long; at most 200 are allowed"),
    ("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1\n", "1: file must be a mapping of fields, not text"),
    ("\x7fname: x\n", "1: character U+007F is not allowed in a YAML file"),
], ids=short)
def test_yaml_oddity_is_one_exact_line(catalog_copy, tmp_path, content, expected):
    write(catalog_copy, COND, content)
    assert_one_problem(catalog_copy, tmp_path, f"{COND}:{expected}")


def test_a_bom_is_accepted(catalog_copy):
    write(catalog_copy, COND, b"\xef\xbb\xbfname: Liver Cancer\nspecialist: oncologist\n")
    assert run("check", "--catalog", str(catalog_copy)).exit_code == 0


@pytest.mark.parametrize("name,content,expected", [
    (REVIEW, "reviewer: Dr X\n", f"{REVIEW}:1: field 'reviewer' needs 'reviewed_on', the date of that review"),
    (REVIEW, f"research_note: {'word ' * 801}\n",
     f"{REVIEW}:1: field 'research_note' is 4,004 characters long; at most 4,000 are allowed"),
    ("conditions/x.YAML", "name: x\nspecialist: y\n", "conditions/x.YAML:1: catalog files end in .yaml, not .YAML"),
    (f"conditions/{'a' * 41}.yaml", "name: x\nspecialist: y\n",
     f"conditions/{'a' * 41}.yaml:1: '{'a' * 41}' is too long for a slug for a file name (41 characters; at most 40)"),
    ("site.yaml", 'online_url: "https://x.example/' + "{compound}/" * 150 + '"\n',
     "site.yaml:1: field 'online_url' gives addresses up to 3,018 bytes long; the handout's one-inch QR code stays readable up to 213"),
    ("site.yaml", 'url: "https://x.example/' + "a" * 3000 + '"\n',
     "site.yaml:1: field 'url' is 3,018 characters long; at most 2,000 are allowed"),
], ids=short)
def test_catalog_rule_is_one_exact_line(catalog_copy, tmp_path, name, content, expected):
    write(catalog_copy, name, content)
    assert_one_problem(catalog_copy, tmp_path, expected)


def test_a_folder_named_like_a_catalog_file(catalog_copy, tmp_path):
    (catalog_copy / "compounds/x.yaml").mkdir()
    assert_one_problem(catalog_copy, tmp_path, "compounds/x.yaml: is a folder; catalog files are <slug>.yaml files")


OUTSIDE = "leads outside the catalog (a link or '..'); not read"


@pytest.mark.parametrize("name,target,expected", [
    ("compounds/leak.yaml", "/etc/passwd", OUTSIDE),
    ("compounds/z.yaml", "/dev/zero", OUTSIDE),
    ("conditions/x.yaml", "{outside}/x.yaml", OUTSIDE),
    ("reviews/low-dose-naltrexone", "{outside}", OUTSIDE),
    ("site.yaml", "{outside}/x.yaml", OUTSIDE),
    ("conditions/gone.yaml", "nowhere.yaml", "is a symbolic link to nothing"),
])
def test_links_out_of_the_catalog_are_refused_unread(catalog_copy, tmp_path, name, target, expected):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text("name: SECRET\nspecialist: SECRET\n")
    (outside / "liver-cancer.yaml").write_text("research_note: SECRET\n")
    (catalog_copy / name).unlink(missing_ok=True)
    (catalog_copy / name).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target.format(outside=outside), catalog_copy / name)
    assert_one_problem(catalog_copy, tmp_path, f"{name}: {expected}")


def test_a_link_inside_the_catalog_is_followed(catalog_copy):
    os.symlink("liver-cancer.yaml", catalog_copy / "conditions/liver.yaml")
    result = run("list", "--catalog", str(catalog_copy))
    assert result.exit_code == 0
    assert "  liver                            Liver Cancer (hepatologist or oncologist)" in result.output


def test_a_fifo_never_hangs(catalog_copy, tmp_path):
    os.mkfifo(catalog_copy / "conditions/f.yaml")
    assert_one_problem(catalog_copy, tmp_path, "conditions/f.yaml: is a named pipe (FIFO), not a regular file; not read")


def test_a_file_over_one_megabyte_is_not_read(catalog_copy, tmp_path):
    write(catalog_copy, COND, "name: x\nspecialist: y\n" + "#" * 1_000_000)
    assert_one_problem(catalog_copy, tmp_path,
                       f"{COND}: is larger than 1,000,000 bytes, the most a file here may be; not read")


_OPENED: list[str] | None = None


def _audit(event, args):
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED.append(os.fsdecode(args[0]))


def test_check_opens_nothing_outside_the_catalog_and_project(catalog_copy, tmp_path):
    global _OPENED
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text("name: SECRET\nspecialist: SECRET\n")
    os.symlink(outside / "x.yaml", catalog_copy / "conditions/x.yaml")
    os.symlink(outside, catalog_copy / "reviews/low-dose-naltrexone")
    os.symlink("/etc/passwd", catalog_copy / "compounds/leak.yaml")
    (catalog_copy / "site.yaml").unlink()
    os.symlink("/dev/zero", catalog_copy / "site.yaml")
    sys.addaudithook(_audit)  # cannot be removed: it records only while _OPENED is a list
    _OPENED = []
    try:
        result = run("check", "--catalog", str(catalog_copy))
    finally:
        opened, _OPENED = _OPENED, None
    assert result.exit_code == 1 and "SECRET" not in result.output and "root:" not in result.output
    assert f"{catalog_copy}/conditions/liver-cancer.yaml" in opened  # the hook saw the catalog read
    allowed = (str(catalog_copy), str(ROOT), sys.prefix, sys.base_prefix)
    assert [p for p in opened if not os.path.abspath(p).startswith(allowed)] == []
    assert not [p for p in opened if "outside" in p or p in ("/etc/passwd", "/dev/zero")]


# --- the brand file and its logo: the same rules --------------------------------

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'


def brand_error(tmp_path, brand: Path) -> list[str]:
    out = tmp_path / "out"
    result = run("build", "--catalog", str(ROOT / "catalog"), "--out", str(out), "--brand", str(brand))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()
    return result.output.splitlines()


def test_brand_file_that_is_not_a_brand_file_is_not_echoed(tmp_path):
    assert brand_error(tmp_path, Path("/etc/passwd")) == [
        "/etc/passwd:1: brand must be a mapping of fields, not text",
        "1 problem in the brand file; nothing was written."]


@pytest.mark.parametrize("logo,make,expected", [
    ("logo.svg", lambda p: p.write_text("not xml <"), "the logo is not an SVG image (not well-formed XML)"),
    ("logo.svg", lambda p: p.write_text("<html/>"), "the logo is not an SVG image (no <svg> root element)"),
    ("logo.svg", lambda p: p.write_text('<!DOCTYPE svg [<!ENTITY a "b">]>' + LOGO),
     "the logo must be an SVG image without a DOCTYPE"),
    ("logo.png", lambda p: p.write_text(LOGO), "the logo is not a PNG image"),
    ("logo.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(600_000)),
     "the logo is larger than 500,000 bytes, the most a file here may be; not read"),
    ("logo.svg", lambda p: os.symlink("/etc/passwd", p),
     "the logo leads outside the brand file's folder (a link or '..'); not read"),
    ("../logo.svg", lambda p: p.write_text(LOGO),
     "the logo leads outside the brand file's folder (a link or '..'); not read"),
    ("logo.svg", os.mkfifo, "the logo is a named pipe (FIFO), not a regular file; not read"),
])
def test_logo_must_be_a_real_image_inside_the_brand_folder(tmp_path, logo, make, expected):
    folder = tmp_path / "brand"
    folder.mkdir()
    make(folder / logo)
    brand = folder / "brand.yaml"
    brand.write_text(f"name: Clinic\nphone: '555'\nlogo: {logo}\n")
    assert brand_error(tmp_path, brand) == [f"{brand}:3: {expected}",
                                            "1 problem in the brand file; nothing was written."]


def test_brand_fifo_and_brand_text_rules(tmp_path):
    os.mkfifo(tmp_path / "fifo.yaml")
    assert brand_error(tmp_path, tmp_path / "fifo.yaml")[0] == (
        f"{tmp_path}/fifo.yaml: is a named pipe (FIFO), not a regular file; not read")
    brand = tmp_path / "brand.yaml"
    brand.write_text('name: "Clinic \\uD800"\nphone: "555 \\x00"\n')
    assert brand_error(tmp_path, brand) == [
        f"{brand}:1: field 'name' has a lone surrogate (U+D800), which text may not contain",
        f"{brand}:2: field 'phone' has a control character (U+0000), which text may not contain",
        "2 problems in the brand file; nothing was written."]
