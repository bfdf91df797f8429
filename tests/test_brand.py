"""A clinic's brand on its handouts: its name and phone on page 1, its full block at the
end, its logo with alt text, an accent colour only when it keeps text legible."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from publisher import build
from publisher.catalog.brand import contrast_with_white
from publisher.cli import main

from conftest import ROOT
from helpers import pdf_pages, require, squash

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="40" height="40">'
        '<rect width="40" height="40" fill="#2e8b57"/></svg>')


def brand_file(root: Path, **changes) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "logo.svg").write_text(LOGO)
    fields = {"name": "Riverside Family Clinic", "phone": "(555) 010-4477",
              "address": "12 River Road, Springfield, IL 62701", "website": "https://riverside.example.org",
              "logo": "logo.svg", "accent_color": '"#1a5276"', **changes}
    text = "".join(f"{key}: {value}\n" for key, value in fields.items() if value is not None)
    (root / "brand.yaml").write_text(text)
    return root / "brand.yaml"


@pytest.fixture(scope="module")
def branded(tmp_path_factory):
    """The shipped catalog with a clinic's brand: the formats the tests read (no EPUB, no portal)."""
    root = tmp_path_factory.mktemp("brand")
    out = root / "out"
    build(ROOT / "catalog", out, formats="html,pdf,booklet", brand=brand_file(root / "brand"), jobs=2)
    return out


@pytest.mark.slow
def test_clinic_name_and_phone_on_page_one_of_every_handout(branded):
    pdfs = sorted((branded / "pdf").rglob("*.pdf"))
    assert len(pdfs) == 10
    for pdf in pdfs:
        first = squash(pdf_pages(pdf)[0])
        assert "Your care team: Riverside Family Clinic · Phone (555) 010-4477" in first, pdf
        last = squash(pdf_pages(pdf)[-1])
        assert "Riverside Family Clinic 12 River Road, Springfield, IL 62701 Phone (555) 010-4477 · https://riverside.example.org" in last
        assert "Research content: Insight Swarm Research Team" in last
        pages = pdf_pages(pdf)
        for number, text in enumerate(pages, start=1):
            assert f"\nRiverside Family Clinic\nPage {number} of {len(pages)}\n" in text, (pdf, number)


@pytest.mark.slow
def test_booklet_cover_names_the_clinic(branded):
    cover = squash(pdf_pages(branded / "booklets/low-dose-naltrexone--all-conditions.pdf")[0])
    assert cover.startswith("Riverside Family Clinic Phone (555) 010-4477 · 12 River Road")


@pytest.mark.slow
@pytest.mark.checker
def test_logo_is_embedded_with_alt_text(branded):
    html = (branded / "html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.html").read_text(encoding="utf-8")
    assert 'alt="Riverside Family Clinic logo"' in html
    assert 'src="data:image/svg+xml;base64,' in html  # opens from disk with nothing beside it
    assert "file://" not in html
    reader = PdfReader(branded / "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf")
    drawn = reader.pages[0].get_contents().get_data()
    assert b"0.180392 0.545098 0.341176 rg" in drawn  # the logo's own green: it was loaded and drawn
    tags = subprocess.run([require("qpdf"), "--qdf", "--object-streams=disable", str(branded / "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf"), "-"],
                          capture_output=True, check=True).stdout
    assert b"/Alt (Riverside Family Clinic logo)" in tags


@pytest.mark.slow
def test_accent_colour_is_used_and_checked(branded, tmp_path):
    html = (branded / "html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.html").read_text(encoding="utf-8")
    assert "h1, h2 { color: #1a5276; }" in html
    assert round(contrast_with_white("#1a5276"), 1) == 8.4
    assert round(contrast_with_white("#777777"), 2) == 4.48
    bad = brand_file(tmp_path / "b", accent_color='"#ffcc00"', logo="missing.png")
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "out"), "--brand", str(bad)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{bad.as_posix()}:5: no logo file at {(tmp_path / 'b' / 'missing.png').as_posix()}",
        f"{bad.as_posix()}:6: accent_color #ffcc00 has contrast 1.5:1 on white; WCAG AA needs 4.5:1 (choose a darker colour)",
        "2 problems in the brand file; nothing was written.",
    ]
    assert not (tmp_path / "out").exists()


def test_brand_file_needs_name_and_phone(tmp_path):
    bad = brand_file(tmp_path / "b", phone=None, logo=None, accent_color=None)
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "out"), "--brand", str(bad)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"{bad.as_posix()}:1: brand is missing the required field 'phone'",
                                          "1 problem in the brand file; nothing was written."]


def test_changing_the_brand_remakes_everything_it_touches(tmp_path):
    out = tmp_path / "out"
    brand = brand_file(tmp_path / "b")
    first = build(ROOT / "catalog", out, formats="pdf,html", conditions=["liver-cancer"], brand=brand, jobs=1)
    assert build(ROOT / "catalog", out, formats="pdf,html", conditions=["liver-cancer"], brand=brand, jobs=1).built == []
    (tmp_path / "b/logo.svg").write_text(LOGO.replace("#2e8b57", "#000000"))
    again = build(ROOT / "catalog", out, formats="pdf,html", conditions=["liver-cancer"], brand=brand, jobs=1)
    assert sorted(again.built) == sorted(p for p in first.built if not p.startswith("html/_assets/"))


@pytest.mark.slow
def test_unseen_catalog_branded_large_print_from_the_cli(tmp_path):
    from helpers import unseen
    from test_large_print import font_sizes

    catalog = unseen(tmp_path / "catalog")
    brand = brand_file(tmp_path / "b", name='"<b>Clinique</b> {{ 7*7 }}"', phone='"+33 1 23 45 67 89"')
    result = CliRunner().invoke(main, ["build", "--catalog", str(catalog), "--out", str(tmp_path / "out"),
                                       "--brand", str(brand), "--edition", "large-print", "--paper", "a4",
                                       "--format", "html,pdf,booklet", "-j", "2"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "out/large-print"
    for pdf in sorted(root.rglob("*.pdf")):
        assert min(font_sizes(pdf)) >= 18, pdf
        assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(pdf).pages} == {(595, 842)}
    first = squash(pdf_pages(root / "pdf/curcumin/curcumin--sjogrens-syndrome--large-print.pdf")[0])
    assert "Your care team: <b>Clinique</b> {{ 7*7 }} · Phone +33 1 23 45 67 89" in first
    pages = pdf_pages(root / "pdf/curcumin/curcumin--sjogrens-syndrome--large-print.pdf")
    for number, text in enumerate(pages, start=1):  # the footer carries the name as text
        assert f"\n<b>Clinique</b> {{{{ 7*7 }}}}\nPage {number} of {len(pages)}\n" in text, number
    html = (root / "html/curcumin/curcumin--sjogrens-syndrome--large-print.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Clinique&lt;/b&gt; {{ 7*7 }}" in html and "<b>Clinique" not in html
