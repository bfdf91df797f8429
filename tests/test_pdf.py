"""PDF handouts as a reader, a printer and a screen reader meet them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from publisher import build
from publisher.outputs.fetcher import ProjectOnlyFetcher

from helpers import qpdf_check

ROOT = Path(__file__).resolve().parent.parent

LIVER = "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf"


@pytest.fixture
def shipped(shipped_pdf):
    """The shipped build: the handouts' HTML and PDF are all these tests read."""
    return shipped_pdf


def test_metadata_language_and_tags(shipped):
    reader = PdfReader(shipped / LIVER)
    meta = reader.metadata
    assert meta.title == "Is Low-Dose Naltrexone (LDN) Safe for Liver Cancer Patients? — Research Review"
    assert meta.author == "Insight Swarm Research Team"
    assert meta.subject == "Safety of Low-Dose Naltrexone (LDN) for patients with Liver Cancer: a patient handout"
    assert meta["/CreationDate"].startswith("D:20261101")  # site.yaml's edition_date, not the clock
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root


def test_pages_are_letter_and_numbered(shipped):
    reader = PdfReader(shipped / LIVER)
    assert 2 <= len(reader.pages) <= 4
    for number, page in enumerate(reader.pages, start=1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
        assert f"Page {number} of {len(reader.pages)}" in page.extract_text()


def test_bookmarks_follow_the_headings(shipped):
    outline = PdfReader(shipped / LIVER).outline
    top = outline[0]
    assert top.title == "Is Low-Dose Naltrexone (LDN) Safe for Liver Cancer Patients?"
    sections = [item.title for item in outline[1] if not isinstance(item, list)]
    assert sections == [
        "General Safety Profile of Low-Dose Naltrexone (LDN)",
        "Safety Considerations for Liver Cancer Patients Specifically",
        "What the Published Literature Shows",
        "Bottom Line on Safety",
        "Frequently Asked Questions",
    ]


def test_fonts_are_the_vendored_ones_embedded_and_subset(shipped):
    fonts = subprocess.run(["pdffonts", str(shipped / LIVER)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows, fonts
    for row in rows:
        name = row.split()[0]
        assert "+" in name, f"{name} is not subset"
        assert "Atkinson-Hyperlegible" in name or "DejaVu-Sans-Vendored" in name
        assert " yes yes yes " in row  # embedded, subset, unicode map


@pytest.mark.checker
def test_qpdf_finds_no_structural_problem(shipped):
    qpdf_check(shipped / LIVER)


def test_a4_on_request_reflows_without_scaling(tmp_path, shipped):
    from conftest import ROOT

    build(ROOT / "catalog", tmp_path, formats="pdf", conditions=["liver-cancer"], paper="a4")
    reader = PdfReader(tmp_path / LIVER)
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert len(reader.pages) >= len(PdfReader(shipped / LIVER).pages)


def test_fetcher_serves_project_files_only(tmp_path):
    from publisher.resources import HANDOUT_CSS

    fetcher = ProjectOnlyFetcher()
    assert fetcher.fetch(HANDOUT_CSS.as_uri()).read().startswith(b"/*")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for url in (secret.as_uri(), "file:///etc/passwd", "https://example.org/x.css",
                "http://127.0.0.1/", HANDOUT_CSS.parent.as_uri() + "/../../etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_a_template_asking_for_outside_files_gets_nothing(tmp_path):
    from publisher.catalog import Site
    from publisher.outputs.pdf import PdfOutput
    from publisher.render import Renderer

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    output = PdfOutput(Renderer.create(Site()))
    pdf = output.pdf_bytes(
        f'<html><head><link rel="attachment" href="{secret.as_uri()}">'
        f'<link rel="stylesheet" href="https://example.org/evil.css"></head>'
        f'<body><p>text</p><img src="file:///etc/passwd"><img src="{secret.as_uri()}"></body></html>')
    out = tmp_path / "x.pdf"
    out.write_bytes(pdf)
    reader = PdfReader(out)
    assert not reader.attachments
    assert set(output.typesetter.fetcher.refused) == {secret.as_uri(), "https://example.org/evil.css", "file:///etc/passwd"}


def test_no_machine_font_is_ever_embedded(tmp_path):
    """Characters no vendored face has (Korean here: the vendored Chinese face is cut to
    GB2312, while this machine may well have a Korean font) are drawn as missing glyphs,
    never with the machine's fonts: fontconfig sees only styles/fonts."""
    code = (
        "from publisher.outputs.pdf import PdfOutput\n"
        "from publisher.render import Renderer\n"
        "from publisher.catalog import load_catalog\n"
        "output = PdfOutput(Renderer.create(load_catalog('catalog').site))\n"
        "html = '<html lang=\"ko\"><body><p>한국어 환자 Liver</p><p style=\"font-family: serif\">serif 글자</p></body></html>'\n"
        f"open({str(tmp_path / 'x.pdf')!r}, 'wb').write(output.pdf_bytes(html))\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "x.pdf")], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    vendored = ("Atkinson-Hyperlegible", "DejaVu-Sans", "Noto-Sans-CJK-SC", "Noto-Sans-Arabic", "Script-Vendored")
    assert names and all(n.startswith(vendored) and "Serif" not in n for n in names), names
