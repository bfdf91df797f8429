from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from publisher import build

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
