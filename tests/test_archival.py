"""``--archival``: every kind of PDF (handout, booklet, large print, Arabic, plain wording,
``publisher handout``) is PDF/A-2a and PDF/UA-1 at once, checked with pikepdf part by part
(veraPDF, the reference validator, is not installable here: README "Archival PDFs"); then
outloud, pdfua and ``qpdf --check``."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from publisher import build
from publisher.cli import main

from conftest import ROOT, catalog_with_languages
from helpers import assert_every_footer_names, pdf_identity, qpdf_check, require
from test_seal import make_pki, release

LDN = "low-dose-naltrexone"
CHOSEN = dict(formats="pdf,booklet", compounds=[LDN], conditions=["liver-cancer", "fibromyalgia"], jobs=1)
NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "pdf": "http://ns.adobe.com/pdf/1.3/", "xmp": "http://ns.adobe.com/xap/1.0/", "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
      "pdfuaid": "http://www.aiim.org/pdfua/ns/id/", "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
      "xmpMM": "http://ns.adobe.com/xap/1.0/mm/"}
# ISO 32000-1, 11.3.5: the blend modes PDF/A-2 (6.2.10.1) allows; it allows transparency itself.
STANDARD_BLEND_MODES = {"/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken", "/Lighten",
                        "/ColorDodge", "/ColorBurn", "/HardLight", "/SoftLight", "/Difference", "/Exclusion",
                        "/Hue", "/Saturation", "/Color", "/Luminosity"}


@pytest.fixture(scope="module")
def archival(tmp_path_factory) -> Path:
    """Every kind of PDF, archival: standard, large print, plain wording and Arabic handouts
    and booklets in one output folder, and a point-of-care handout beside them."""
    root = tmp_path_factory.mktemp("archival")
    catalog = catalog_with_languages(root, ["en", "ar"])
    out = root / "out"
    build(catalog, out, archival=True, languages=["en", "ar"], **CHOSEN)
    build(catalog, out, archival=True, edition="large-print", languages=["en"], **CHOSEN)
    build(catalog, out, archival=True, wording="plain", languages=["en"], **CHOSEN)
    result = CliRunner().invoke(main, ["handout", LDN, "liver-cancer", "--catalog", str(catalog), "--archival",
                                       "--patient", "A. Patient", "-o", str(out / "personal.pdf")])
    assert result.exit_code == 0, result.output
    return out


def kinds(out: Path) -> dict[str, Path]:
    """One PDF of each kind, by what it is."""
    found = {
        "handout": out / f"pdf/{LDN}/{LDN}--liver-cancer.pdf",
        "booklet": out / f"booklets/{LDN}--all-conditions.pdf",
        "large print": out / f"large-print/pdf/{LDN}/{LDN}--liver-cancer--large-print.pdf",
        "large-print booklet": out / f"large-print/booklets/{LDN}--all-conditions--large-print.pdf",
        "plain": out / f"plain/pdf/{LDN}/{LDN}--liver-cancer--plain.pdf",
        "Arabic": out / f"ar/pdf/{LDN}/{LDN}--liver-cancer--ar.pdf",
        "Arabic booklet": out / f"ar/booklets/{LDN}--all-conditions--ar.pdf",
        "publisher handout": out / "personal.pdf",
    }
    for kind, path in found.items():
        assert path.is_file(), (kind, sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")))
    return found


def xmp(pdf: pikepdf.Pdf) -> ET.Element:
    return ET.fromstring(pdf.Root.Metadata.read_bytes())


def xmp_values(root: ET.Element, tag: str) -> list[str]:
    """Every value of an XMP property, written as an attribute or as an element."""
    prefix, name = tag.split(":")
    key = f"{{{NS[prefix]}}}{name}"
    values = [d.attrib[key] for d in root.iter(f"{{{NS['rdf']}}}Description") if key in d.attrib]
    for element in root.iter(key):
        items = list(element.iter(f"{{{NS['rdf']}}}li"))
        values += [li.text for li in items] if items else [element.text]
    return values


def fonts(pdf: pikepdf.Pdf):
    """Every font dictionary the pages use (a Type0 font's descendant with it)."""
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            yield font
            yield from font.get("/DescendantFonts", [])


def assert_archival(path: Path) -> None:
    """PDF/A-2a and PDF/UA-1, each requirement pikepdf can see."""
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert not pdf.is_encrypted and "/Encrypt" not in pdf.trailer, path
        assert "/ID" in pdf.trailer, path
        assert pdf.pdf_version == "1.7", path
        # One XMP packet claiming both: PDF/A-2 level A, PDF/UA-1, the pdfuaid schema declared.
        meta = xmp(pdf)
        assert xmp_values(meta, "pdfaid:part") == ["2"], path
        assert xmp_values(meta, "pdfaid:conformance") == ["A"], path
        assert xmp_values(meta, "pdfuaid:part") == ["1"], path
        assert "http://www.aiim.org/pdfua/ns/id/" in xmp_values(meta, "pdfaSchema:namespaceURI"), path
        # The Info dictionary agrees with the XMP (PDF/A-2, 6.6.2.3.2).
        info = pdf.docinfo
        assert xmp_values(meta, "dc:title") == [str(info.Title)] and str(info.Title), path
        assert xmp_values(meta, "pdf:Producer") == [str(info.Producer)], path
        assert xmp_values(meta, "dc:creator") == [str(info.Author)], path
        assert xmp_values(meta, "dc:language") == [str(root.Lang)], path
        assert xmp_values(meta, "dc:description") == [str(info.Subject)], path
        assert xmp_values(meta, "pdf:Keywords") == [str(info.Keywords)], path
        for xmp_name, info_name in (("xmp:CreateDate", "/CreationDate"), ("xmp:ModifyDate", "/ModDate")):
            day = str(info[info_name])  # D:YYYYMMDD, the catalog's date: the same day in both
            assert xmp_values(meta, xmp_name) == [f"{day[2:6]}-{day[6:8]}-{day[8:10]}"] and len(day) == 10, path
        # An sRGB output intent, its profile embedded.
        intent, = root.OutputIntents
        assert intent.S == "/GTS_PDFA1", path
        profile = intent.DestOutputProfile
        assert profile.N == 3 and profile.read_bytes()[36:40] == b"acsp", path  # an ICC profile's signature
        assert b"sRGB" in profile.read_bytes(), path
        # Tagged: a structure tree, marked content, a language, the title shown.
        assert root.MarkInfo.Marked is True and "/StructTreeRoot" in root and str(root.Lang), path
        assert root.ViewerPreferences.DisplayDocTitle is True, path
        # Every font embedded, and mapped to Unicode (level A).
        used = list(fonts(pdf))
        assert used, path
        for font in used:
            if font.Subtype == "/Type0":
                assert "/ToUnicode" in font, path
                continue
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None and {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), path
        # No JavaScript, no actions run on their own, no attachments; transparency as PDF/A-2 allows.
        assert "/AA" not in root and "/OpenAction" not in root, path
        assert set(root.get("/Names", {}).keys()) <= {"/Dests"}, path
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                assert obj.get("/S") not in ("/JavaScript", "/Launch"), path
                assert "/JS" not in obj and "/EmbeddedFile" != obj.get("/Type"), path
                if obj.get("/Type") == "/ExtGState":
                    assert obj.get("/BM", "/Normal") in STANDARD_BLEND_MODES, path
                    assert "/TR" not in obj and obj.get("/TR2", "/Default") == "/Default", path
        # Annotations printed, none hidden (PDF/A-2, 6.3.2): links, and a sealed release's
        # invisible signature widget, of no size so it needs no appearance (6.3.3).
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                assert annotation.F & 4 and not annotation.F & (1 | 2 | 32 | 256), path
                if annotation.Subtype != "/Link":
                    x0, y0, x1, y1 = annotation.Rect
                    assert annotation.Subtype == "/Widget" and annotation.FT == "/Sig" and x0 == x1 and y0 == y1, path
        assert root.get("/AcroForm", {}).get("/NeedAppearances", False) is False, path


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["handout", "booklet", "large print", "large-print booklet", "plain", "Arabic",
                                  "Arabic booklet", "publisher handout"])
def test_every_kind_of_pdf_is_pdfa_2a_and_pdfua_1(archival, kind):
    assert_archival(kinds(archival)[kind])


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["handout", "booklet", "large print", "large-print booklet", "plain", "Arabic",
                                  "Arabic booklet", "publisher handout"])
def test_every_page_prints_the_document_id_and_version_its_xmp_names(archival, kind):
    found = kinds(archival)
    path = found[kind]
    with pikepdf.open(path) as pdf:
        meta = xmp(pdf)
        (document_id,), (version,) = xmp_values(meta, "xmpMM:DocumentID"), xmp_values(meta, "xmpMM:VersionID")
    assert document_id == (f"{LDN}--all-conditions" if "booklet" in kind else f"{LDN}--liver-cancer")
    assert_every_footer_names(path, document_id, version)
    if kind == "publisher handout":  # a patient's copy is the standard handout's version
        assert (document_id, version) == pdf_identity(found["handout"])
    elif kind in ("plain", "Arabic", "Arabic booklet"):  # other words: a version of their own
        assert version != pdf_identity(found["booklet" if "booklet" in kind else "handout"])[1]


def test_a_standard_pdf_claims_pdfua_only(shipped_pdf):
    """Without --archival nothing changes: PDF/UA-1 alone, no PDF/A claim or output intent."""
    with pikepdf.open(shipped_pdf / f"pdf/{LDN}/{LDN}--liver-cancer.pdf") as pdf:
        assert xmp_values(xmp(pdf), "pdfuaid:part") == ["1"]
        assert xmp_values(xmp(pdf), "pdfaid:part") == []
        assert "/OutputIntents" not in pdf.Root


@pytest.mark.slow
def test_archival_rebuilds_are_byte_identical(archival, tmp_path):
    out = tmp_path / "out"
    build(ROOT / "catalog", out, archival=True, **CHOSEN)
    for path in out.rglob("*.pdf"):
        assert path.read_bytes() == (archival / path.relative_to(out)).read_bytes(), path


@pytest.mark.slow
def test_toggling_archival_remakes_the_pdfs_only(tmp_path):
    """Archival PDFs replace the standard ones at the same paths; the HTML is not made again."""
    out = tmp_path / "out"
    chosen = dict(CHOSEN, formats="pdf,html", conditions=["liver-cancer"])
    build(ROOT / "catalog", out, **chosen)
    handout = out / f"pdf/{LDN}/{LDN}--liver-cancer.pdf"
    standard = handout.read_bytes()
    report = build(ROOT / "catalog", out, archival=True, **chosen)
    assert [path for path in report.built if not path.endswith(".pdf")] == []
    assert f"pdf/{LDN}/{LDN}--liver-cancer.pdf" in report.built
    assert_archival(handout)
    assert build(ROOT / "catalog", out, archival=True, **chosen).built == []
    build(ROOT / "catalog", out, **chosen)
    assert handout.read_bytes() == standard


@pytest.mark.slow
def test_a_signed_archival_release_stays_archival(tmp_path):
    """``--release --sign`` appends its PAdES signature as an incremental update (PDF/A-2
    allows both): the PDF/A and PDF/UA claims, fonts and output intent are still all there."""
    catalog = catalog_with_languages(tmp_path, ["en"])
    site = catalog / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "default_status: approved\n", encoding="utf-8")
    _, p12 = make_pki(tmp_path / "pki")
    out = tmp_path / "out"
    result = release(catalog, out, p12, "--archival", "--format", "pdf,booklet", "-q")
    assert result.exit_code == 0, result.output
    handout = out / f"pdf/{LDN}/{LDN}--liver-cancer.pdf"
    with pikepdf.open(handout) as pdf:
        assert pdf.Root.AcroForm.Fields[0].FT == "/Sig"
    for path in out.rglob("*.pdf"):
        assert_archival(path)


def test_password_is_refused_with_archival(tmp_path):
    result = CliRunner().invoke(main, ["handout", LDN, "liver-cancer", "--catalog", str(ROOT / "catalog"),
                                       "--archival", "--password", "secret", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert result.output == "Error: --password and --archival cannot be used together: PDF/A forbids encryption\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.checker
@pytest.mark.slow
def test_outloud_pdfua_and_qpdf_pass_every_archival_pdf(archival):
    files = [str(path) for path in sorted(archival.rglob("*.pdf"))]
    result = subprocess.run([require("outloud"), "--fail-on", "error", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    result = subprocess.run([require("pdfua"), "check", *files], capture_output=True, text=True)
    assert result.returncode == 0 and "FAIL" not in result.stdout, result.stdout + result.stderr
    qpdf_check(*map(Path, files))
