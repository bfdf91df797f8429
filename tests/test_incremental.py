"""Incremental and parallel builds: exactly what changed is made again, what is gone is
removed, workers give the same bytes as one process, and a killed build loses nothing.

The small catalog is built once for the module (``built_once``); each test that changes it
works on a copy of the catalog and of that build (``built``)."""

from __future__ import annotations

import copy
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from pypdf import PdfReader

from publisher import PublisherError, build
from publisher.pipeline.manifest import NAME, Manifest
from publisher.pipeline.writer import LOCK

from conftest import ROOT, copy_of
from helpers import LDN, make_catalog, require_module, tree_digests, write_yaml

FORMATS = "html,pdf,booklet,epub"


def small(root: Path) -> Path:
    return make_catalog(
        root,
        compounds={"low-dose-naltrexone": LDN,
                   "curcumin": {**{k: v for k, v in LDN.items() if k != "short_name"}, "name": "Curcumin",
                                "conditions": ["asthma"]}},
        conditions={"asthma": {"name": "Asthma", "specialist": "pulmonologist"},
                    "gout": {"name": "Gout", "specialist": "rheumatologist"},
                    "psoriasis": {"name": "Psoriasis", "specialist": "dermatologist"}},
        site={"publisher": "Test Press", "edition_date": "2026-01-01"},
    )


def digests(out: Path) -> dict[str, str]:
    return tree_digests(out, skip=(NAME, LOCK))


def outputs_of(condition: str, compound: str) -> set[str]:
    return {f"html/{compound}/{compound}--{condition}.html", f"pdf/{compound}/{compound}--{condition}.pdf",
            f"booklets/{compound}--all-conditions.pdf", f"epub/{compound}--all-conditions.epub",
            f"booklets/by-condition/all-compounds--{condition}.pdf",
            f"epub/by-condition/all-compounds--{condition}.epub"}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The small catalog and its first build in every format (one process), made once."""
    root = tmp_path_factory.mktemp("incremental")
    catalog = small(root / "catalog")
    out = root / "out"
    first = build(catalog, out, formats=FORMATS, jobs=1)
    assert first.skipped == [] and len(first.built) == len(digests(out))
    return catalog, out, first


@pytest.fixture
def built(built_once, tmp_path):
    """A private copy of the small catalog, its first build and that build's report."""
    catalog, out, first = built_once
    return copy_of(catalog, tmp_path / "catalog"), copy_of(out, tmp_path / "out"), copy.deepcopy(first)


def test_nothing_changed_nothing_made(built):
    catalog, out, first = built
    again = build(catalog, out, formats=FORMATS, jobs=1)
    assert again.built == [] and again.removed == [] and sorted(again.skipped) == sorted(first.built)
    assert again.summary().startswith(f"built 0, skipped {len(first.built)} unchanged, removed 0 stale in ")


def test_changing_a_condition_remakes_exactly_its_outputs(built):
    catalog, out, _ = built
    write_yaml(catalog / "conditions/gout.yaml", {"name": "Gouty Arthritis", "specialist": "rheumatologist"})
    report = build(catalog, out, formats=FORMATS, jobs=1)
    assert set(report.built) == outputs_of("gout", "low-dose-naltrexone")
    assert "Gouty Arthritis" in "".join(p.extract_text() for p in PdfReader(out / "pdf/low-dose-naltrexone/low-dose-naltrexone--gout.pdf").pages)


def test_a_review_override_remakes_its_outputs_only(built):
    catalog, out, _ = built
    write_yaml(catalog / "reviews/curcumin/asthma.yaml", {"research_note": "One small trial.", "reviewed_on": "2026-02-02"})
    report = build(catalog, out, formats=FORMATS, jobs=1)
    assert set(report.built) == outputs_of("asthma", "curcumin")


@pytest.mark.slow
def test_changing_a_template_remakes_every_output_that_uses_it(built, monkeypatch, tmp_path):
    catalog, out, first = built
    layouts = Path(shutil.copytree(ROOT / "layouts", tmp_path / "layouts"))

    def environment():
        return jinja2.Environment(loader=jinja2.FileSystemLoader(layouts), autoescape=True, extensions=["jinja2.ext.i18n"])
    monkeypatch.setattr(sys.modules["publisher.pipeline.plan"], "make_environment", environment)
    assert build(catalog, out, formats=FORMATS, jobs=1).built == []  # same templates, same hashes

    (layouts / "booklet-front.html.j2").write_text((layouts / "booklet-front.html.j2").read_text() + "{# edit #}")
    report = build(catalog, out, formats=FORMATS, jobs=1)
    assert report.built and all(p.startswith("booklets/") for p in report.built)
    assert set(report.built) == {p for p in first.built if p.startswith("booklets/")}

    (layouts / "review.html.j2").write_text((layouts / "review.html.j2").read_text() + "{# edit #}")
    report = build(catalog, out, formats=FORMATS, jobs=1)
    uses_review = {p for p in first.built if not p.startswith("html/_assets/")}
    assert set(report.built) == uses_review  # every handout, booklet and EPUB; not the copied assets


def test_removing_a_condition_removes_its_outputs(built):
    catalog, out, _ = built
    (catalog / "conditions/psoriasis.yaml").unlink()
    report = build(catalog, out, formats=FORMATS, jobs=1)
    gone = outputs_of("psoriasis", "low-dose-naltrexone") - {"booklets/low-dose-naltrexone--all-conditions.pdf", "epub/low-dose-naltrexone--all-conditions.epub"}
    assert set(report.removed) == gone
    assert set(report.built) == {"booklets/low-dose-naltrexone--all-conditions.pdf", "epub/low-dose-naltrexone--all-conditions.epub"}
    for path in gone:
        assert not (out / path).exists()
    assert not (out / "html/low-dose-naltrexone/low-dose-naltrexone--psoriasis.html").exists()


def test_filters_never_remove_other_outputs(built):
    catalog, out, first = built
    report = build(catalog, out, formats="pdf", conditions=["gout"], jobs=1)
    assert report.removed == [] and set(digests(out)) == set(first.built)


@pytest.mark.slow
def test_missing_or_corrupt_manifest_means_a_full_rebuild(built):
    catalog, out, first = built
    for damage in ("{not json", '{"format": 1, "outputs": {"pdf/x.pdf": 3}}', ""):
        (out / NAME).write_text(damage)
        report = build(catalog, out, formats=FORMATS, jobs=1)
        assert sorted(report.built) == sorted(first.built) and report.written == []
    (out / NAME).unlink()
    assert sorted(build(catalog, out, formats=FORMATS, jobs=1).built) == sorted(first.built)


@pytest.mark.slow
def test_a_format_2_manifest_still_counts_and_damaged_columns_do_not(built):
    catalog, out, first = built
    entries = Manifest.load(out).entries
    assert set(entries) == set(first.built)
    columns = json.loads((out / NAME).read_text())
    old = {"format": 2, "outputs": {p: {"fingerprint": e.fingerprint, "size": e.size, "sha256": e.sha256}
                                    for p, e in entries.items()}}
    (out / NAME).write_text(json.dumps(old))
    assert Manifest.load(out).entries == entries
    assert build(catalog, out, formats=FORMATS, jobs=1).built == []  # upgrading remakes nothing
    for damage in ({"sizes": columns["sizes"][1:]}, {"sizes": [True] + columns["sizes"][1:]},
                   {"fingerprints": [None] + columns["fingerprints"][1:]}, {"paths": "pdf"}):
        (out / NAME).write_text(json.dumps({**columns, **damage}))
        assert Manifest.load(out).entries == {}
    assert sorted(build(catalog, out, formats=FORMATS, jobs=1).built) == sorted(first.built)


@pytest.mark.slow
def test_force_and_deleted_files_are_made_again(built):
    catalog, out, first = built
    assert sorted(build(catalog, out, formats=FORMATS, jobs=1, force=True).built) == sorted(first.built)
    (catalog / "conditions/gout.yaml").unlink()
    forced = build(catalog, out, formats=FORMATS, jobs=1, force=True)
    assert "pdf/low-dose-naltrexone/low-dose-naltrexone--gout.pdf" in forced.removed  # force still cleans up
    assert not (out / "pdf/low-dose-naltrexone/low-dose-naltrexone--gout.pdf").exists()
    write_yaml(catalog / "conditions/gout.yaml", {"name": "Gout", "specialist": "rheumatologist"})
    build(catalog, out, formats=FORMATS, jobs=1)
    (out / "pdf/curcumin/curcumin--asthma.pdf").unlink()
    (out / "html/low-dose-naltrexone/low-dose-naltrexone--gout.html").write_text("edited by hand")
    report = build(catalog, out, formats=FORMATS, jobs=1)
    assert report.built == ["html/low-dose-naltrexone/low-dose-naltrexone--gout.html", "pdf/curcumin/curcumin--asthma.pdf"]


@pytest.mark.slow
def test_parallel_output_is_byte_identical_to_one_process(built_once, tmp_path):
    catalog, one_out, one = built_once  # the one-process build, read only
    two = build(catalog, tmp_path / "two", formats=FORMATS, jobs=2)
    assert sorted(one.built) == sorted(two.built)
    assert digests(one_out) == digests(tmp_path / "two")
    assert (one_out / NAME).read_bytes() == (tmp_path / "two" / NAME).read_bytes()


@pytest.mark.slow
def test_a_killed_worker_leaves_no_partial_file_and_the_next_build_finishes(tmp_path, monkeypatch):
    catalog = small(tmp_path / "catalog")
    out = tmp_path / "out"
    from publisher.outputs.pdf import PdfOutput

    make = PdfOutput.make

    def dies_on_gout(self, target):
        if target.path.endswith("--gout.pdf"):
            os._exit(9)  # as if the kernel killed the worker mid-render
        return make(self, target)
    monkeypatch.setattr(PdfOutput, "make", dies_on_gout)  # workers are forked, so they see it
    with pytest.raises(PublisherError, match="worker process stopped before finishing"):
        build(catalog, out, formats="pdf", jobs=2)
    # every worker gone before the build returns: one still stopping shares the folder's lock
    assert multiprocessing.active_children() == []
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    for pdf in out.rglob("*.pdf"):
        assert len(PdfReader(pdf).pages) >= 2  # whole, not truncated
    monkeypatch.setattr(PdfOutput, "make", make)
    finished = build(catalog, out, formats="pdf", jobs=2)
    assert "pdf/low-dose-naltrexone/low-dose-naltrexone--gout.pdf" in finished.built
    assert len(finished.built) + len(finished.skipped) == 4
    clean = build(catalog, tmp_path / "clean", formats="pdf", jobs=1)
    assert digests(out) == digests(tmp_path / "clean") and clean.built


def test_a_no_op_build_does_not_import_weasyprint(built):
    catalog, out, _ = built
    code = ("import sys; from publisher import build; "
            f"r = build({str(catalog)!r}, {str(out)!r}, formats={FORMATS!r}); "
            "print(len(r.built), 'weasyprint' in sys.modules, 'ebooklib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["0", "False", "False"]


@pytest.mark.slow
def test_dask_local_cluster_builds_the_same_bytes(tmp_path):
    distributed = require_module("distributed")
    catalog = small(tmp_path / "catalog")
    local = build(catalog, tmp_path / "local", formats="pdf,booklet", jobs=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        remote = build(catalog, tmp_path / "dask", formats="pdf,booklet", scheduler=cluster.scheduler_address)
    assert sorted(remote.built) == sorted(local.built)
    assert digests(tmp_path / "dask") == digests(tmp_path / "local")


@pytest.mark.slow
def test_unreachable_scheduler_is_a_clean_error(tmp_path, monkeypatch):
    require_module("distributed")
    monkeypatch.setattr("publisher.pipeline.workers.CONNECT_WAIT", 1)  # nothing listens: no need to wait 10 s
    catalog = small(tmp_path / "catalog")
    with pytest.raises(PublisherError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1"):
        build(catalog, tmp_path / "out", formats="html", scheduler="tcp://127.0.0.1:1")


@pytest.mark.slow
def test_a_scheduler_without_workers_is_a_clean_error_not_a_hang(tmp_path):
    distributed = require_module("distributed")
    catalog = small(tmp_path / "catalog")
    code = ("import publisher.pipeline.workers as w; w.WORKERS_WAIT = 2\n"
            "from publisher import PublisherError, build\n"
            "try:\n"
            f"    build({str(catalog)!r}, {str(tmp_path / 'out')!r}, formats='pdf', scheduler=__import__('sys').argv[1])\n"
            "except PublisherError as error:\n"
            "    print(error)\n")
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as cluster:
        address = cluster.scheduler_address
        # Before the fix the build waited for ever: a time limit makes that a failure, not a stuck run.
        result = subprocess.run([sys.executable, "-c", code, address], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == (f"the Dask scheduler at {address} has no workers (waited 2 s): "
                                     f"start some with 'dask worker {address}'"), result.stderr[-2000:]
    assert not list((tmp_path / "out").rglob("*.pdf"))
