"""The shipped seed handouts' HTML, byte for byte against reviewed copies.

After an intended change to layouts/, look at the new output, then refresh with
``PUBLISHER_UPDATE_GOLDEN=1 pytest tests/test_golden_html.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def shipped(shipped_pdf):
    """The shipped build: the handouts' HTML and PDF are all these tests read."""
    return shipped_pdf


@pytest.mark.parametrize("condition", ["liver-cancer", "stage-iv-cancer"])
def test_seed_handout_html_matches_golden(shipped, condition):
    built = (shipped / "html" / "low-dose-naltrexone" / f"low-dose-naltrexone--{condition}.html").read_text(encoding="utf-8")
    golden = GOLDEN / f"low-dose-naltrexone--{condition}.html"
    if os.environ.get("PUBLISHER_UPDATE_GOLDEN"):
        golden.write_text(built, encoding="utf-8")
    assert built == golden.read_text(encoding="utf-8")


def test_html_assets_sit_beside_the_pages(shipped):
    page = (shipped / "html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.html").read_text(encoding="utf-8")
    assert ('<link rel="stylesheet" href="../_assets/web-fonts.css">\n'
            '<link rel="stylesheet" href="../_assets/handout.css">') in page
    assert (shipped / "html/_assets/handout.css").is_file()
    css = (shipped / "html/_assets/web-fonts.css").read_text(encoding="utf-8")
    for font in ("AtkinsonHyperlegible-Regular.woff2", "AtkinsonHyperlegible-Bold.woff2", "DejaVuSans-arrows.woff2"):
        assert f"fonts/web/{font}" in css
        assert (shipped / "html/_assets/fonts/web" / font).stat().st_size > 5_000
