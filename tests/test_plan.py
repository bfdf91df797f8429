"""The build plan: one options table for CLI and library, --dry-run, derived outputs
(SHA256SUMS), and the writer as the output folder's only owner."""

from __future__ import annotations

import fcntl
import json
import subprocess

import pytest
from click.testing import CliRunner

from publisher import BuildOptions, build, plan
from publisher.cli import main
from publisher.errors import PublisherError, SelectionError
from publisher.pipeline.manifest import NAME

from helpers import LDN, make_catalog, tree_digests, write_yaml

FAST = "html,checksums"  # no layout: these tests are about planning, not typesetting


def run(*args):
    return CliRunner().invoke(main, list(args))


def small(root):
    return make_catalog(root, compounds={"low-dose-naltrexone": LDN},
                        conditions={"gout": {"name": "Gout", "specialist": "rheumatologist"},
                                    "asthma": {"name": "Asthma", "specialist": "pulmonologist"}},
                        site={"publisher": "Test Press", "edition_date": "2026-01-01"})


@pytest.mark.parametrize("cli_args,keywords,message", [
    (["--paper", "legal"], {"paper": "legal"}, "unknown paper 'legal': choose from letter, a4"),
    (["--edition", "huge"], {"edition": "huge"}, "unknown edition 'huge': choose from standard, large-print"),
    (["--jobs", "0"], {"jobs": 0}, "--jobs must be 1 or more, not 0"),
    (["--format", "html,docx"], {"formats": "html,docx"},
     "unknown format 'docx': choose from html, pdf, booklet, epub, site, fhir, checksums"),
    (["--format", ","], {"formats": ","}, "no format given: choose from html, pdf, booklet, epub, site, fhir, checksums"),
])
def test_cli_and_library_refuse_the_same_options_alike(tmp_path, cli_args, keywords, message):
    catalog, out = small(tmp_path / "c"), tmp_path / "out"
    result = run("build", "--catalog", str(catalog), "--out", str(out), *cli_args)
    assert result.exit_code == 2 and result.output == f"Error: {message}\n"
    with pytest.raises(SelectionError) as refused:
        build(catalog, out, **keywords)
    assert refused.value.message == message
    assert not out.exists()


def test_every_cli_option_is_a_library_option():
    command = main.commands["build"]
    library = {name for name, _, _ in BuildOptions.cli_fields()}
    cli_only = {"dry_run", "as_json", "quiet", "verbose"}
    assert {p.name for p in command.params} - cli_only == library


def test_dry_run_on_a_fresh_folder_lists_everything_as_new_and_writes_nothing(tmp_path):
    catalog, out = small(tmp_path / "c"), tmp_path / "out"
    result = run("build", "--catalog", str(catalog), "--out", str(out), "--dry-run", "-v")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    expected = plan(BuildOptions(catalog, out)).steps
    assert lines[:-1] == [f"{'new':<13}  {s.path}" for s in expected]
    assert "new            pdf/low-dose-naltrexone/low-dose-naltrexone--gout.pdf" in lines
    assert "new            booklets/by-condition/all-compounds--asthma.pdf" in lines
    assert lines[-1] == f"would build {len(expected)} ({len(expected)} new), skip 0 unchanged, remove 0 stale in {out}"
    assert not out.exists()
    data = json.loads(run("build", "--catalog", str(catalog), "--out", str(out), "--dry-run", "--json").output)
    assert {m["reason"] for m in data["make"]} == {"new"} and len(data["make"]) == len(expected)
    assert not out.exists()


def test_after_a_build_the_plan_is_empty_and_an_edit_lists_exactly_its_outputs(tmp_path):
    catalog, out = small(tmp_path / "c"), tmp_path / "out"
    build(catalog, out, formats=FAST)
    before = tree_digests(out)
    assert plan(BuildOptions(catalog, out, formats=FAST)).make == []
    result = run("build", "--catalog", str(catalog), "--out", str(out), "--format", FAST, "--dry-run", "-v")
    assert result.output.splitlines()[-1].startswith("would build 0, skip ")
    write_yaml(catalog / "conditions/gout.yaml", {"name": "Gouty Arthritis", "specialist": "rheumatologist"})
    data = json.loads(run("build", "--catalog", str(catalog), "--out", str(out), "--format", FAST,
                          "--dry-run", "--json").output)
    assert data["make"] == [
        {"path": "html/low-dose-naltrexone/low-dose-naltrexone--gout.html", "format": "html", "reason": "changed input"},
        {"path": "SHA256SUMS", "format": "checksums", "reason": "changed input"}]
    assert tree_digests(out) == before  # a dry run writes nothing, not even its lock


def test_reasons_missing_file_forced_and_stale(tmp_path):
    catalog, out = small(tmp_path / "c"), tmp_path / "out"
    build(catalog, out, formats=FAST)
    (out / "html/low-dose-naltrexone/low-dose-naltrexone--asthma.html").unlink()
    reasons = {s.path: s.reason for s in plan(BuildOptions(catalog, out, formats=FAST)).make}
    # SHA256SUMS is made from its sources' fingerprints, which did not change
    assert reasons == {"html/low-dose-naltrexone/low-dose-naltrexone--asthma.html": "missing file"}
    forced = plan(BuildOptions(catalog, out, formats=FAST, force=True))
    assert {s.reason for s in forced.make} == {"missing file", "forced"} and not forced.skip
    (catalog / "conditions/asthma.yaml").unlink()
    assert plan(BuildOptions(catalog, out, formats=FAST)).stale == [
        "html/low-dose-naltrexone/low-dose-naltrexone--asthma.html"]


def test_sha256sums_checks_out_and_follows_every_change(tmp_path):
    catalog, out = small(tmp_path / "c"), tmp_path / "out"
    first = build(catalog, out, formats=FAST)
    assert "SHA256SUMS" in first.built
    check = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    listed = {line.split("  ", 1)[1] for line in (out / "SHA256SUMS").read_text().splitlines()}
    assert listed == set(first.built) - {"SHA256SUMS"}
    assert build(catalog, out, formats=FAST).built == []  # nothing changed: not made again
    write_yaml(catalog / "conditions/gout.yaml", {"name": "Gouty Arthritis", "specialist": "rheumatologist"})
    again = build(catalog, out, formats="html")  # not asked for, but kept true: it is in the folder
    assert again.built == ["SHA256SUMS", "html/low-dose-naltrexone/low-dose-naltrexone--gout.html"]
    check = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_tampered_manifest_never_removes_anything_outside_out(tmp_path):
    catalog, out = small(tmp_path / "c"), tmp_path / "out"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    elsewhere = tmp_path / "abs.txt"
    elsewhere.write_text("keep me too")
    out.mkdir()
    for bad in ("../victim.txt", str(elsewhere), "html/../../victim.txt"):
        entry = {"fingerprint": "x", "size": 7, "sha256": "0" * 64}
        (out / NAME).write_text(json.dumps({"format": 2, "outputs": {bad: entry}}))
        result = run("build", "--catalog", str(catalog), "--out", str(out), "--format", "html", "-v")
        assert result.exit_code == 0, result.output
        assert "lists paths publisher does not write; ignoring it (full build)" in result.output
        assert "\nremoved " not in result.output and ", removed 0 stale" in result.output
    assert victim.read_text() == "keep me" and elsewhere.read_text() == "keep me too"


def test_leftover_temporary_files_are_cleared_and_a_second_build_is_refused(tmp_path):
    catalog, out = small(tmp_path / "c"), tmp_path / "out"
    build(catalog, out, formats=FAST)
    leftover = out / "html/low-dose-naltrexone/.low-dose-naltrexone--gout.html.x1y2_9ab.tmp"  # a name the writer makes
    leftover.write_bytes(b"half")
    build(catalog, out, formats=FAST)
    assert not leftover.exists()
    with open(out / ".publisher.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(PublisherError, match="another build is writing here"):
            build(catalog, out, formats=FAST)


def test_the_template_reference_scan_finds_what_jinja_finds():
    """Fingerprints find a template's includes by a scan, not Jinja's parser: it must agree
    with jinja2.meta on every shipped template, or an edited include would not rebuild."""
    from jinja2 import meta

    from publisher.pipeline.fingerprint import REFERENCES
    from publisher.render import make_environment

    env = make_environment()
    names = env.list_templates()
    assert len(names) > 20
    for name in names:
        source = env.loader.get_source(env, name)[0]
        parsed = {n for n in meta.find_referenced_templates(env.parse(source)) if n}
        assert {m[2] for m in REFERENCES.finditer(source)} == parsed, name


def test_libyaml_and_the_python_parser_give_the_same_nodes_and_refusals(tmp_path):
    """Catalogs are read with libyaml's parser for speed; whatever it reads must come out as
    PyYAML's own parser reads it, lines included, and refusals must be the same."""
    import yaml

    from publisher.catalog import records

    from conftest import ROOT

    def shape(node):
        value = node.value if isinstance(node, yaml.ScalarNode) else [
            shape(n) if isinstance(n, yaml.Node) else tuple(map(shape, n)) for n in node.value]
        return node.tag, node.start_mark.line, value

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "catalog").rglob("*.yaml"))]
    assert records._FastLoader is not records._Loader and len(texts) > 5
    for text in texts:
        assert shape(yaml.compose(text, Loader=records._FastLoader)) == shape(yaml.compose(text, Loader=records._Loader))
    for text, refusal in (("a: &x 1\nb: *x\n", "anchors and aliases"), ("a: " + "[" * 30 + "]" * 30, "nested deeper")):
        for loader in (records._FastLoader, records._Loader):
            with pytest.raises(yaml.MarkedYAMLError, match=refusal):
                yaml.compose(text, Loader=loader)
