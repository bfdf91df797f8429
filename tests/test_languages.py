"""Language editions in the build: every language of site.yaml gets its own folder and
base names, a missing translation stops the build with its file.po:line, and
--allow-incomplete builds anyway."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from publisher import build
from publisher.cli import main
from publisher.errors import ReleaseError, SelectionError

from helpers import squash

ROOT = Path(__file__).resolve().parent.parent
ES_PDF = "es/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--es.pdf"


@pytest.fixture
def bilingual(tmp_path) -> Path:
    catalog = Path(shutil.copytree(ROOT / "catalog", tmp_path / "catalog"))
    site = catalog / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "languages: [en, es]\n", encoding="utf-8")
    return catalog


def test_each_language_gets_its_folder_and_names(bilingual, tmp_path):
    out = tmp_path / "out"
    report = build(bilingual, out, formats="html,pdf", conditions=["liver-cancer"], jobs=1)
    assert "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf" in report.built
    assert ES_PDF in report.built
    html = (out / "es/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--es.html").read_text(encoding="utf-8")
    assert '<html lang="es"' in html and "Cáncer de hígado" in html and "hepatólogo u oncólogo" in html
    reader = PdfReader(out / ES_PDF)
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert "Cáncer de hígado" in squash("".join(page.extract_text() for page in reader.pages))
    english = squash("".join(p.extract_text() for p in PdfReader(out / "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf").pages))
    assert "Liver Cancer" in english and "Cáncer" not in english


def test_one_language_only_and_an_unknown_one(bilingual, tmp_path):
    out = tmp_path / "out"
    report = build(bilingual, out, formats="html", conditions=["liver-cancer"], languages=["es"], jobs=1)
    assert all(path.startswith(("html/", "es/")) for path in report.built)
    assert not (out / "html").exists() and (out / "es/html").is_dir()
    with pytest.raises(SelectionError, match="no language 'fr' in site.yaml's languages: choose from en, es"):
        build(bilingual, out, formats="html", languages=["fr"])


def test_a_missing_translation_stops_the_build_unless_allowed(bilingual, tmp_path):
    po = bilingual / "translations/es.po"
    text = po.read_text(encoding="utf-8").replace('msgstr "Cáncer de hígado"', 'msgstr ""')
    po.write_text(text, encoding="utf-8")
    line = text.splitlines().index('msgid "Liver Cancer"') + 1
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--catalog", str(bilingual), "--out", str(out), "--format", "html"])
    assert result.exit_code == 1, result.output
    assert f"{po.as_posix()}:{line}: untranslated" in result.output or f"{po.as_posix()}:{line + 1}: untranslated" in result.output
    assert not out.exists()
    allowed = build(bilingual, out, formats="html", conditions=["liver-cancer"], allow_incomplete=True, jobs=1)
    page = (out / "es/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--es.html").read_text(encoding="utf-8")
    assert "Liver Cancer" in page and "hepatólogo u oncólogo" in page  # the source text stands in
    assert allowed.built


def test_release_refuses_a_draft_translation(bilingual, tmp_path):
    site = bilingual / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "default_status: approved\n", encoding="utf-8")
    with pytest.raises(ReleaseError) as refused:
        build(bilingual, tmp_path / "out", formats="html", release=True)
    assert [str(p) for p in refused.value.problems] == [
        f"{(bilingual / 'translations/es.yaml').as_posix()}: translation status is draft, not approved"]
    assert not (tmp_path / "out").exists()


def test_dry_run_lists_every_language(bilingual, tmp_path):
    result = CliRunner().invoke(main, ["build", "--catalog", str(bilingual), "--out", str(tmp_path / "out"),
                                       "--format", "html", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    plans = json.loads(result.output)
    assert [Path(p["out"]).name for p in plans] == ["out", "es"]
    assert any(m["path"].endswith("--es.html") for m in plans[1]["make"])


def liver_cancer_in(tmp_path, languages: list[str], formats: str) -> Path:
    """The shipped catalog's Liver Cancer outputs in ``languages`` (site.yaml lists them after
    English), built from the CLI; returns the output folder."""
    catalog = Path(shutil.copytree(ROOT / "catalog", tmp_path / "catalog"))
    site = catalog / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"languages: [en, {', '.join(languages)}]\n", encoding="utf-8")
    out = tmp_path / "out"
    chosen = [arg for language in languages for arg in ("--language", language)]
    result = CliRunner().invoke(main, ["build", "--catalog", str(catalog), "--out", str(out), "--format", formats,
                                       "--condition", "liver-cancer", *chosen])
    assert result.exit_code == 0, result.output
    return out


def test_chinese_and_arabic_editions_from_the_cli(tmp_path):
    import re
    import subprocess
    import zipfile

    out = liver_cancer_in(tmp_path, ["zh-Hans", "ar"], "html,pdf,epub")
    arabic = out / "ar/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--ar.pdf"
    chinese = out / "zh-Hans/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--zh-Hans.pdf"
    for pdf in (arabic, chinese):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
        # the vendored faces only (the script's Noto face is named "Script Vendored" in the CSS)
        assert names and names <= {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold", "Atkinson-Hyperlegible-Italic",
                                   "DejaVu-Sans-Vendored", "Script-Vendored", "Script-Vendored-Bold"}, names
        assert "Script-Vendored" in names
    assert PdfReader(arabic).trailer["/Root"]["/Lang"] == "ar"
    html = (out / "ar/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--ar.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in html and (out / "ar/html/_assets/fonts/web/ar/NotoSansArabic-Regular-all.woff2").is_file()
    with zipfile.ZipFile(out / "ar/epub/by-condition/all-compounds--liver-cancer--ar.epub") as book:
        opf = book.read("EPUB/content.opf").decode("utf-8")
    assert re.search(r'<spine[^>]*page-progression-direction="rtl"', opf) and 'xml:lang="ar"' in opf


def test_an_epub_names_its_own_parts_in_its_language(tmp_path):
    """The table of contents, landmarks and guide are read aloud too: no English word left."""
    import zipfile

    out = liver_cancer_in(tmp_path, ["es"], "epub")
    with zipfile.ZipFile(out / "es/epub/by-condition/all-compounds--liver-cancer--es.epub") as book:
        nav, opf = (book.read(f"EPUB/{name}").decode("utf-8") for name in ("nav.xhtml", "content.opf"))
    for spanish in ("<h2>Contenido</h2>", ">Portadilla</a>", "Puntos de referencia", ">Portada</a>"):
        assert spanish in nav, spanish
    assert 'title="Portada"' in opf and 'title="Inicio del contenido"' in opf
    for english in (">Contents<", '"Contents"', "Title page", "Landmarks", "Start of content", ">Cover<", '"Cover"'):
        assert english not in nav + opf, english
