"""The builds the tests read, each made once per test run (session fixtures).

A test that changes a build copies it first (``copy_of``) instead of building it again; a
test that only reads one takes the fixture as it is and must not write into it.

Tiers (markers registered in pyproject.toml): ``slow``, ``checker`` and ``browser``; the
fast tier is ``pytest -m "not slow and not checker and not browser"``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from publisher import build

from helpers import long_names, unseen, untranslate

ROOT = Path(__file__).resolve().parent.parent
# The sample translations the shipped catalog carries, after its own language.
TRANSLATED = ["es", "zh-Hans", "ar"]


def copy_of(tree: Path, into: Path) -> Path:
    """A private copy of a built (or catalog) folder, to change without touching the original."""
    return Path(shutil.copytree(tree, into, symlinks=True))


def catalog_with_languages(root: Path, languages: list[str]) -> Path:
    """A copy of the shipped catalog whose site.yaml lists ``languages`` (its own first)."""
    catalog = copy_of(ROOT / "catalog", root / "catalog")
    site = catalog / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"languages: [{', '.join(languages)}]\n", encoding="utf-8")
    return catalog


@pytest.fixture(scope="session")
def shipped_pdf(tmp_path_factory) -> Path:
    """The shipped catalog built once in HTML and PDF (the handouts), for tests that read them."""
    out = tmp_path_factory.mktemp("shipped-pdf")
    build(ROOT / "catalog", out, formats="html,pdf")
    return out


@pytest.fixture(scope="session")
def shipped(shipped_pdf, tmp_path_factory) -> Path:
    """The shipped catalog in every format: a copy of ``shipped_pdf`` completed by an
    incremental build (the handouts are not made again), for tests that only read it."""
    out = copy_of(shipped_pdf, tmp_path_factory.mktemp("shipped") / "out")
    build(ROOT / "catalog", out)
    return out


@pytest.fixture
def catalog_copy(tmp_path) -> Path:
    """A private copy of the shipped catalog to break or change."""
    return copy_of(ROOT / "catalog", tmp_path / "catalog")


@pytest.fixture(scope="session")
def unseen_built(tmp_path_factory) -> Path:
    """The unseen catalog (tests/helpers.py) built once in every format."""
    root = tmp_path_factory.mktemp("unseen")
    build(unseen(root / "catalog"), root / "out")
    return root / "out"


@pytest.fixture(scope="session")
def liver_cancer_editions(tmp_path_factory) -> Path:
    """The Liver Cancer handout, condition booklet and EPUB in each sample translation (es,
    zh-Hans, ar), with their HTML: one condition of the one compound, in seconds."""
    root = tmp_path_factory.mktemp("editions")
    catalog = catalog_with_languages(root, ["en", *TRANSLATED])
    build(catalog, root / "out", formats="html,pdf,booklet,epub", conditions=["liver-cancer"], languages=TRANSLATED)
    return root / "out"


@pytest.fixture(scope="session")
def multilingual_site(tmp_path_factory) -> Path:
    """The shipped catalog with its three sample translations, built as a site in every
    language (every format: the portal links them all). Slow: four whole catalogs."""
    root = tmp_path_factory.mktemp("multilingual")
    build(catalog_with_languages(root, ["en", *TRANSLATED]), root / "out", formats="site")
    return root / "out"


@pytest.fixture(scope="session")
def large_print(tmp_path_factory) -> Path:
    """The shipped catalog's large-print edition (HTML, handouts and booklets), under
    ``large-print/``."""
    out = tmp_path_factory.mktemp("large")
    build(ROOT / "catalog", out, formats="html,pdf,booklet", edition="large-print", jobs=2)
    return out


@pytest.fixture(scope="session")
def long_names_built(tmp_path_factory) -> Path:
    """The long-names catalog (tests/helpers.py) as handouts and booklets, standard and large print."""
    root = tmp_path_factory.mktemp("long-names")
    catalog = long_names(root / "catalog")
    for edition in ("standard", "large-print"):
        build(catalog, root / "out", formats="pdf,booklet", edition=edition)
    return root / "out"


# The conditions of the partial Spanish build: the longest names in Spanish, and the one left
# untranslated (Liver Cancer).
PARTIAL_CONDITIONS = ["liver-cancer", "stage-iv-cancer", "major-depressive-disorder"]


@pytest.fixture(scope="session")
def partial_spanish(tmp_path_factory) -> Path:
    """A partial Spanish translation (one string missing) of three conditions, built with
    --allow-incomplete as handouts and booklets, standard and large print, under ``es/``."""
    root = tmp_path_factory.mktemp("partial-es")
    catalog = catalog_with_languages(root, ["en", "es"])
    untranslate(catalog, "es")
    for edition in ("standard", "large-print"):
        build(catalog, root / "out", formats="pdf,booklet", conditions=PARTIAL_CONDITIONS, languages=["es"],
              allow_incomplete=True, edition=edition)
    return root / "out"


# The session builds above that take a whole catalog variant (tens of seconds on two busy cores):
# a test that reads one of them belongs to the slow tier, and must say so.
SLOW_BUILDS = {"shipped", "multilingual_site", "large_print", "liver_cancer_editions", "long_names_built",
               "partial_spanish"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Refuse a test that uses a slow build (directly or through another fixture) without the
    ``slow`` marker, so that the fast tier never pays for one by accident."""
    unmarked = []
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        used = {name for name, defs in (info.name2fixturedefs.items() if info else ())
                if name in SLOW_BUILDS and defs[-1].func.__module__ == __name__}
        if used and item.get_closest_marker("slow") is None:
            unmarked.append(f"{item.nodeid} (uses {', '.join(sorted(used))})")
    if unmarked:
        raise pytest.UsageError("mark these tests slow, or give them a faster build:\n  " + "\n  ".join(unmarked))
