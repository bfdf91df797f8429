"""The package's shape: one place says where files go, every output keeps the written
contract, the options table loads nothing heavy, and the preview builds with the options it
was given (issue 21)."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from publisher import BuildOptions, plans
from publisher.outputs import OUTPUTS, DerivedOutput, Output, is_derived
from publisher.paths import OUTPUT_FOLDERS, ROOT_FILES, output_root
from publisher.pipeline.manifest import is_owned_path

from conftest import ROOT

HEAVY = ("jinja2", "babel", "fontTools", "lxml", "weasyprint", "pydyf", "yaml", "ebooklib", "uharfbuzz",
         "starlette", "uvicorn", "PIL", "pypdfium2")


def _imported_after(statement: str) -> list[str]:
    code = (f"import sys\n{statement}\n"
            "import json; print(json.dumps(sorted(m for m in sys.modules)))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(found.stdout)


@pytest.mark.parametrize("statement", ["import publisher.options", "import publisher",
                                       "from publisher.version import __version__", "import publisher.paths"])
def test_the_options_table_and_the_package_import_nothing_heavy(statement):
    modules = _imported_after(statement)
    assert [m for m in modules if m.split(".")[0] in HEAVY] == []
    assert "publisher.pipeline.plan" not in modules and "publisher.outputs.pdf" not in modules


def test_naming_a_format_imports_no_output_module():
    modules = _imported_after("from publisher.outputs import OUTPUTS, FORMATS\nlist(OUTPUTS)")
    assert not [m for m in modules if m.startswith("publisher.outputs.") and m != "publisher.outputs.base"]


def test_the_public_api_is_importable_from_the_package_root():
    import publisher

    for name in ("build", "plan", "plans", "execute", "BuildOptions", "BuildReport", "Plan", "load_catalog",
                 "CatalogError", "PublisherError", "__version__"):
        assert getattr(publisher, name) is not None, name
    with pytest.raises(AttributeError):
        publisher.no_such_name  # noqa: B018


def test_every_output_keeps_the_contract():
    assert list(OUTPUTS) == ["html", "pdf", "booklet", "epub", "previews", "fhir", "fhir-bundle", "zips", "portal",
                             "checksums"]
    derived = [name for name, cls in OUTPUTS.items() if is_derived(cls)]
    assert derived == ["previews", "fhir", "fhir-bundle", "zips", "portal", "checksums"]  # after everything they read
    for name, cls in OUTPUTS.items():
        assert issubclass(cls, Output) and cls.name == name
        assert not getattr(cls, "__abstractmethods__", None), name  # targets and make are defined
        assert is_derived(cls) == issubclass(cls, DerivedOutput)


def _languages_catalog(tmp_path):
    import shutil

    catalog = shutil.copytree(ROOT / "catalog", tmp_path / "catalog")
    with (catalog / "site.yaml").open("a") as site:
        site.write("languages: [en, es, ar]\n")
    return catalog


@pytest.mark.parametrize("edition", ["standard", "large-print"])
def test_every_planned_file_is_in_an_owned_folder_of_its_own_root(tmp_path, edition):
    """paths.py's folders are the ones the outputs write: the manifest accepts every path a
    plan makes, in every language and both editions, and nothing else is written."""
    options = BuildOptions(catalog=_languages_catalog(tmp_path), out=tmp_path / "out", edition=edition,
                           allow_incomplete=True)
    found = plans(options)
    assert [p.root for p in found] == [output_root(options.out, found[0].catalog.site, language, options.large_print)
                                       for language in ("en", "es", "ar")]
    assert [p.root.relative_to(options.out).as_posix() for p in found] == (
        [".", "es", "ar"] if edition == "standard" else ["large-print", "es/large-print", "ar/large-print"])
    for one in found:
        assert one.steps
        for step in one.steps:
            assert is_owned_path(step.path), step.path
            assert step.path in ROOT_FILES or step.path.split("/")[0] in OUTPUT_FOLDERS


def test_the_preview_builds_the_other_formats_with_the_options_it_was_given(tmp_path, monkeypatch):
    """serve used to rebuild a command line by hand and dropped --duplex: now its background
    build is ``build()`` with the same ``BuildOptions``, less the HTML it made itself."""
    from publisher.serve import builder

    started = []

    class Process:
        def __init__(self, target, args, name):
            started.append((target, args))

        def start(self):
            pass

    monkeypatch.setattr(builder.multiprocessing, "get_context", lambda method: SimpleNamespace(Process=Process))
    options = BuildOptions(catalog=ROOT / "catalog", out=tmp_path, duplex=True, paper="a4", jobs=3,
                           formats="html,booklet", brand=None, edition="large-print")
    running = builder.Builder(options, SimpleNamespace(root=tmp_path))
    running._start_background()
    ((target, (given,)),) = started
    assert target is builder.background_build
    assert given == BuildOptions(catalog=ROOT / "catalog", out=tmp_path, duplex=True, paper="a4", jobs=3,
                                 formats="booklet", edition="large-print")
