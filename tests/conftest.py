from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from publisher import build

from helpers import unseen

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shipped(tmp_path_factory) -> Path:
    """The shipped catalog built once (HTML and PDF) for all tests that only read it."""
    out = tmp_path_factory.mktemp("shipped")
    build(ROOT / "catalog", out)
    return out


@pytest.fixture
def catalog_copy(tmp_path) -> Path:
    """A private copy of the shipped catalog to break or change."""
    return Path(shutil.copytree(ROOT / "catalog", tmp_path / "catalog"))


@pytest.fixture(scope="session")
def unseen_built(tmp_path_factory) -> Path:
    """The unseen catalog (tests/helpers.py) built once in every format."""
    root = tmp_path_factory.mktemp("unseen")
    build(unseen(root / "catalog"), root / "out")
    return root / "out"
