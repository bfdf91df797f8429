"""PDF/UA-1 as an independent checker and a screen reader meet the PDFs: the XMP claim,
links that are /Link elements named by their text, page furniture as artifacts, a trailer
/ID and byte-identical rebuilds; then `outloud --fail-on error` and `qpdf --check`."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from publisher import build

from conftest import ROOT
from helpers import qpdf_check, require

LIVER = "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf"
BOOKLET = "booklets/low-dose-naltrexone--all-conditions.pdf"
VARIANT = dict(formats="pdf,booklet", conditions=["liver-cancer", "fibromyalgia"],
               edition="large-print", paper="a4", duplex=True)


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Path:
    """Handouts and booklets in the other edition, paper and binding: large print, A4, duplex."""
    out = tmp_path_factory.mktemp("pdfua-variant")
    build(ROOT / "catalog", out, **VARIANT)
    return out


def pdfs(*folders: Path) -> list[Path]:
    found = sorted(path for folder in folders for path in folder.rglob("*.pdf"))
    assert found
    return found


def parent_tree(reader: PdfReader) -> dict:
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    return {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}


@pytest.mark.slow
def test_every_link_is_a_printable_link_element_named_by_its_text(shipped, variant):
    for path in pdfs(shipped / "pdf", shipped / "booklets", variant):
        reader = PdfReader(path)
        parents = parent_tree(reader)
        anchors = set(reader.named_destinations)
        annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
        links = [a for a in annotations if a["/Subtype"] == "/Link"]
        assert links, path
        for link in links:
            assert parents[link["/StructParent"]].get_object()["/S"] == "/Link", path
            assert link["/F"] & 4, path  # printed
            contents = str(link["/Contents"])
            assert contents.strip() and contents not in anchors and not re.fullmatch(r"r\d+-title", contents), path


@pytest.mark.slow
def test_booklet_contents_entry_is_one_link_named_by_its_label(shipped):
    reader = PdfReader(shipped / BOOKLET)
    contents = reader.pages[1]  # cover, then contents
    assert "Contents" in contents.extract_text()
    links = [a.get_object() for a in contents["/Annots"]]
    assert len({str(link["/Dest"]) for link in links}) == len(links) == 10  # one per review
    names = [str(link["/Contents"]) for link in links]
    assert names[0] == "Chronic Kidney Disease 1"
    assert all(re.fullmatch(r"[A-Z][^\d].* \d+", name) for name in names), names


@pytest.mark.slow
def test_no_structure_element_is_empty(shipped):
    """WeasyPrint tags every element, an empty one too (the contents' dotted leader): left in,
    a screen reader meets a /Span with nothing in it (outloud's TAG-020)."""
    for path in pdfs(shipped / "pdf", shipped / "booklets"):
        pending = list(PdfReader(path).trailer["/Root"]["/StructTreeRoot"]["/K"])
        while pending:
            element = pending.pop().get_object()
            if not isinstance(element, dict) or "/S" not in element:  # an MCID or an object reference
                continue
            kids = element.get("/K")
            assert kids not in (None, []) or "/Alt" in element or "/ActualText" in element, (path, element["/S"])
            pending.extend(kid for kid in (kids if isinstance(kids, list) else [kids]) if hasattr(kid, "get_object"))


def text_by_marking(page) -> dict[bool, str]:
    """A page's text split by whether it is shown inside /Artifact marked content (True)."""
    stack, parts = [], {True: [], False: []}

    def before(operator, operands, *_):
        if operator in (b"BDC", b"BMC"):
            stack.append(operands[0] == "/Artifact")
        elif operator == b"EMC":
            stack.pop()

    page.extract_text(visitor_operand_before=before,
                      visitor_text=lambda text, *_: parts[any(stack)].append(text))
    return {artifact: " ".join("".join(texts).split()) for artifact, texts in parts.items()}


def test_page_numbers_running_heads_and_footers_are_pagination_artifacts(shipped_pdf):
    reader = PdfReader(shipped_pdf / LIVER)
    page = reader.pages[1]
    content = ContentStream(page.get_contents(), reader)
    pagination = [ops for ops, op in content.operations if op == b"BDC" and ops[0] == "/Artifact"
                  and ops[1].get("/Type") == "/Pagination"]
    assert len(pagination) == 4  # running head, footer, document id and version, page number
    text = text_by_marking(page)
    assert re.fullmatch(r"LDN · Liver Cancer Insight Swarm Research Team "
                        r"low-dose-naltrexone--liver-cancer · Version 2026-11-01\.[0-9a-f]{8} Page 2 of 3", text[True])
    assert "Page 2" not in text[False] and "LDN · Liver Cancer" not in text[False] and "Version" not in text[False]
    assert "Liver Cancer" in text[False]  # the page's own text is still content


def structure_mcids(reader: PdfReader) -> dict[int, set[int]]:
    """Marked-content ids reachable from the structure tree's root, by page index."""
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    found: dict[int, set[int]] = {}
    pending = [(reader.trailer["/Root"]["/StructTreeRoot"], None)]
    while pending:
        node, page = pending.pop()
        node = node.get_object()
        kids = node.get("/K", [])
        page = pages[node.raw_get("/Pg").idnum] if "/Pg" in node else page
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                found.setdefault(page, set()).add(kid)
            elif "/S" in kid.get_object() or "/K" in kid.get_object():
                pending.append((kid, page))
    return found


def content_mcids(reader: PdfReader, index: int) -> list[int]:
    page = reader.pages[index]
    operations = ContentStream(page.get_contents(), reader).operations
    return [ops[1]["/MCID"] for ops, op in operations if op == b"BDC" and "/MCID" in ops[1]]


@pytest.mark.slow
def test_all_marked_content_outside_artifacts_is_in_the_structure_tree(shipped, variant):
    for path in (shipped / LIVER, shipped / BOOKLET, *pdfs(variant / "large-print" / "booklets")):
        reader = PdfReader(path)
        reachable = structure_mcids(reader)
        for index in range(len(reader.pages)):
            mcids = content_mcids(reader, index)
            assert sorted(mcids) == list(range(len(mcids))), (path, index)
            assert set(mcids) == reachable.get(index, set()), (path, index)


@pytest.mark.slow
def test_xmp_claims_pdfua_1_with_title_and_language(shipped, variant):
    for path in (shipped / LIVER, shipped / BOOKLET, *pdfs(variant)[:2]):
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        packet = ET.fromstring(root["/Metadata"].get_object().get_data())
        rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
        dc = "{http://purl.org/dc/elements/1.1/}"
        parts = [d.get("{http://www.aiim.org/pdfua/ns/id/}part") for d in packet.iter(f"{rdf}Description")]
        assert "1" in parts
        title = packet.find(f".//{dc}title/{rdf}Alt/{rdf}li")
        assert title is not None and title.text == reader.metadata.title
        language = packet.find(f".//{dc}language/{rdf}Bag/{rdf}li")
        assert language is not None and language.text == root["/Lang"] == "en"
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


@pytest.mark.slow
def test_trailer_id_present_and_rebuild_byte_identical(variant, tmp_path):
    build(ROOT / "catalog", tmp_path, **VARIANT)
    built = pdfs(variant)
    assert [p.relative_to(variant) for p in built] == [p.relative_to(tmp_path) for p in pdfs(tmp_path)]
    for path in built:
        identifier = PdfReader(path).trailer["/ID"]
        assert len(identifier) == 2 and re.fullmatch(r"[0-9a-f]{32}", str(identifier[0]))
        # the MD5 of the file as written without it (not pydyf's second serialisation)
        data = path.read_bytes()
        written = data.replace(f"/ID [({identifier[0]}) ({identifier[1]})]".encode(), b"", 1)
        assert hashlib.md5(written).hexdigest() == identifier[0] == identifier[1] and len(written) < len(data)
        assert path.read_bytes() == (tmp_path / path.relative_to(variant)).read_bytes(), path


@pytest.mark.checker
@pytest.mark.slow
def test_outloud_passes_every_pdf(shipped, variant):
    """Every PDF, not representatives: outloud reads the 25 of them in a few seconds."""
    files = [str(p) for p in pdfs(shipped / "pdf", shipped / "booklets", variant)]
    result = subprocess.run([require("outloud"), "--fail-on", "error", "--json", "-", *files], capture_output=True, text=True)
    verdicts = {r["path"]: (r["verdict"], r["counts"]["error"]) for r in json.loads(result.stdout)["results"]}
    assert sorted(verdicts) == sorted(files)
    assert {path: v for path, v in verdicts.items() if v[0] not in ("pass", "review") or v[1]} == {}
    assert result.returncode == 0, result.stderr


@pytest.mark.checker
@pytest.mark.slow
def test_qpdf_finds_no_error(shipped, variant):
    """Every PDF, not representatives: qpdf checks one in a few hundredths of a second."""
    qpdf_check(*pdfs(shipped / "pdf", shipped / "booklets", variant))
