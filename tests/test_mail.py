"""Handouts by e-mail (issue 27): ``publisher check --email`` flags what a mail system would
refuse or hold (size once base64-encoded, scripts, embedded files, actions that reach outside
the file, names) and passes what ``publisher build`` ships; ``publisher handout --eml`` and the
desk's Email button write an unsent message, parsed back here with the standard library, whose
attachment is the very PDF and whose words name no one."""

from __future__ import annotations

import base64
import email
import io
import os
import zipfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject, TextStringObject

from publisher.cli import main
from publisher.mail.sizes import encoded_size, parse_budget

from conftest import ROOT, catalog_with_languages
from helpers import require, require_module
from test_brand import brand_file

REVIEW = ("low-dose-naltrexone", "liver-cancer")
HANDOUT = "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf"
PATIENT, NOTE = "María José Núñez", "Start at 1.5 mg at bedtime."


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def name(key: str) -> NameObject:
    return NameObject(key)


def changed(source: Path, into: Path, change) -> Path:
    """A copy of the PDF ``source`` with ``change(writer)`` made to it, written to ``into``."""
    writer = PdfWriter(clone_from=source)
    change(writer)
    with into.open("wb") as f:
        writer.write(f)
    return into


def action(**entries) -> DictionaryObject:
    return DictionaryObject({name(f"/{k}"): v for k, v in entries.items()})


def open_javascript(writer):
    writer._root_object[name("/OpenAction")] = writer._add_object(
        action(Type=name("/Action"), S=name("/JavaScript"), JS=TextStringObject("app.alert('hi');")))


def launch_on_page_open(writer):
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): action(S=name("/Launch"),
                                                                        F=TextStringObject("calc.exe"))})


def link_to_a_share(writer):
    link = action(Type=name("/Annot"), Subtype=name("/Link"), Rect=ArrayObject([]),
                  A=action(S=name("/URI"), URI=TextStringObject("file://server/share/x.exe")))
    writer.pages[0][name("/Annots")] = ArrayObject([writer._add_object(link)])


def pdf_of_size(path: Path, size: int) -> Path:
    """A clean one-page PDF of about ``size`` bytes (an unused stream of incompressible bytes)."""
    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    filler = StreamObject()
    filler.set_data(os.urandom(max(size - 700, 0)))
    writer._add_object(filler)
    with path.open("wb") as f:
        writer.write(f)
    return path


def epub(path: Path, package: str = "", document: str = "<p>Hello</p>") -> Path:
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("EPUB/package.opf", f'<package><manifest><item id="r" href="r.xhtml" {package}/></manifest></package>')
        book.writestr("EPUB/r.xhtml", f"<html><body>{document}</body></html>")
    return path


# --- sizes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, limit, shown", [
    ("10MB", 10_000_000, "10 MB"), ("25 MB", 25_000_000, "25 MB"), ("5MiB", 5 * 1024 ** 2, "5 MiB"),
    ("500KB", 500_000, "500 KB"), ("1.5 gb", 1_500_000_000, "1.5 GB"), ("4096", 4096, "4096 bytes")])
def test_a_budget_is_read_as_people_write_it(text, limit, shown):
    assert (parse_budget(text).limit, parse_budget(text).text) == (limit, shown)


@pytest.mark.parametrize("text", ["10 M", "ten MB", "0MB", "-5MB", ""])
def test_a_budget_that_is_not_a_size_is_refused_saying_what_fits(text, tmp_path):
    result = run("check", "--email", "--budget", text, tmp_path)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: Invalid value for '--budget': {text!r} is not a size: write one such as 10MB, 25 MB, 5MiB or "
        "500KB (KB, MB, GB: powers of 1,000; KiB, MiB, GiB: of 1,024)")


@pytest.mark.parametrize("size", [0, 1, 2, 3, 56, 57, 58, 1000, 25_476, 7_300_000])
def test_the_encoded_size_is_what_base64_in_76_character_lines_takes(size):
    data = os.urandom(size)
    assert encoded_size(size) == len(base64.encodebytes(data).replace(b"\n", b"\r\n"))


# --- check --email: what is flagged ---------------------------------------------------------

@pytest.fixture
def handout(shipped_pdf) -> Path:
    return shipped_pdf / HANDOUT


def test_check_email_flags_scripts_embedded_files_and_actions_that_reach_outside(handout, tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    changed(handout, folder / "open-js.pdf", open_javascript)
    changed(handout, folder / "names-js.pdf", lambda w: w.add_open_action(JavaScript("app.alert(1);")))
    changed(handout, folder / "page-js.pdf", lambda w: w.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert(2);")))
    changed(handout, folder / "attached.pdf", lambda w: w.add_attachment("notes.txt", b"hello"))
    changed(handout, folder / "launch.pdf", launch_on_page_open)
    changed(handout, folder / "share.pdf", link_to_a_share)
    changed(handout, folder / "clean.pdf", lambda w: None)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\nnot a PDF after all")
    result = run("check", "--email", folder)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f"{folder}/attached.pdf: carries embedded files (/EmbeddedFiles): gateways hold files inside attachments",
        f"{folder}/broken.pdf: not a readable PDF (Stream has ended unexpectedly)",
        f"{folder}/launch.pdf: has a /Launch action, which starts another program or opens another file",
        f"{folder}/names-js.pdf: runs JavaScript (/Names /JavaScript)",
        f"{folder}/open-js.pdf: runs JavaScript (/OpenAction)",
        f"{folder}/page-js.pdf: runs JavaScript (/AA)",
        f"{folder}/share.pdf: links to a file address (/URI), not a web, mail or phone one",
        "checked 8 files (8 PDFs) against a 10 MB budget for mail: 7 problems in 7 files",
    ]


def pdfid_counts(path: Path) -> dict[str, int]:
    """pdfid's count of each keyword gateways' PDF rules look for in the file's bytes."""
    import json

    pdfid = require_module("pdfid.pdfid", "pdfid")
    found = json.loads(pdfid.PDFiD2JSON(pdfid.PDFiD(str(path)), False))[0]["pdfid"]["keywords"]["keyword"]
    return {k["name"]: k["count"] for k in found if k["name"] in GATEWAY_KEYWORDS and k["count"]}


GATEWAY_KEYWORDS = ("/JS", "/JavaScript", "/AA", "/OpenAction", "/Launch", "/EmbeddedFile", "/RichMedia",
                    "/XFA", "/JBIG2Decode", "/AcroForm", "/Encrypt")


def test_pdfid_agrees_on_what_is_flagged(handout, tmp_path):
    """pdfid counts keywords in the raw bytes (pypdf writes these copies without object streams,
    so it sees every object): it finds what check --email flags, and nothing in the clean copy."""
    made = {"open-js": changed(handout, tmp_path / "open-js.pdf", open_javascript),
            "attached": changed(handout, tmp_path / "attached.pdf", lambda w: w.add_attachment("n.txt", b"hi")),
            "launch": changed(handout, tmp_path / "launch.pdf", launch_on_page_open),
            "clean": changed(handout, tmp_path / "clean.pdf", lambda w: None)}
    assert pdfid_counts(made["open-js"]) == {"/JS": 1, "/JavaScript": 1, "/OpenAction": 1}
    assert pdfid_counts(made["attached"]) == {"/EmbeddedFile": 1}
    assert pdfid_counts(made["launch"]) == {"/AA": 1, "/Launch": 1}
    assert pdfid_counts(made["clean"]) == {}
    assert run("check", "--email", made["clean"]).exit_code == 0


@pytest.mark.checker
def test_pdfid_finds_nothing_in_the_shipped_handouts_with_their_object_streams_unpacked(shipped_pdf, tmp_path):
    """WeasyPrint packs objects into compressed object streams, where pdfid cannot look: qpdf
    unpacks them, and pdfid then finds none of the keywords in any shipped handout."""
    import subprocess

    qpdf = require("qpdf")
    for n, pdf in enumerate(sorted((shipped_pdf / "pdf").rglob("*.pdf"))):
        unpacked = tmp_path / f"{n}.pdf"
        subprocess.run([qpdf, "--object-streams=disable", "--stream-data=uncompress", str(pdf), str(unpacked)],
                       check=True)
        assert b"/ObjStm" not in unpacked.read_bytes()
        assert pdfid_counts(unpacked) == {}, pdf


def test_an_encrypted_pdf_is_flagged_as_one_a_gateway_cannot_scan(handout, tmp_path):
    from publisher.personal import encrypt

    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypt(handout.read_bytes(), "s3cret"))
    result = run("check", "--email", locked)
    assert (result.exit_code, result.output.splitlines()) == (1, [
        f"{locked}: is encrypted (/Encrypt): a mail gateway cannot scan it, and many hold what they cannot scan; "
        "its contents were not checked",
        "checked 1 file (1 PDF) against a 10 MB budget for mail: 1 problem in 1 file"])


def test_an_oversize_file_and_names_mail_would_garble_or_cut(handout, tmp_path):
    size = handout.stat().st_size
    accented = tmp_path / "hoja-informativa-café.pdf"
    long_name = tmp_path / f"{'x' * 97}.pdf"  # 101 characters
    for path in (accented, long_name):
        path.write_bytes(handout.read_bytes())
    budget = encoded_size(size) - 1  # in bytes: one byte short of what the handout takes
    result = run("check", "--email", "--budget", budget, handout, accented, long_name)
    assert result.exit_code == 1
    over = (f"{encoded_size(size):,} bytes once encoded for mail (base64; {size:,} bytes as a file), "
            f"over the {budget} bytes budget")
    assert result.output.splitlines() == [
        f"{handout}: {over}",
        f"{accented}: its name is not plain ASCII (U+00E9 at character 21): mail systems may garble or refuse it",
        f"{accented}: {over}",
        f"{long_name}: its name is 101 characters long: mail systems may cut or refuse a name longer than 100",
        f"{long_name}: {over}",
        f"checked 3 files (3 PDFs) against a {budget} bytes budget for mail: 5 problems in 3 files"]
    assert run("check", "--email", "--budget", encoded_size(size), handout).exit_code == 0  # exactly fits


def test_a_booklet_volume_over_the_budget_names_the_volumes_that_fit(tmp_path):
    books = tmp_path / "booklets" / "by-condition"
    books.mkdir(parents=True)
    stem = "all-compounds--liver-cancer--volume-{}-of-3--es.pdf"
    for number, size in ((1, 30_000), (2, 90_000), (3, 40_000)):
        pdf_of_size(books / stem.format(number), size)
    pdf_of_size(books / "all-compounds--fibromyalgia.pdf", 90_000)  # in one volume
    pdf_of_size(books / "all-compounds--liver-cancer--volume-1-of-3.pdf", 30_000)  # another edition's
    result = run("check", "--email", "--budget", "100KB", tmp_path)
    lines = result.output.splitlines()
    assert result.exit_code == 1 and len(lines) == 3, result.output
    assert lines[0].startswith(f"{books}/all-compounds--fibromyalgia.pdf: ")
    assert lines[0].endswith(", over the 100 KB (100,000 bytes) budget; the build splits a booklet into volumes "
                             "only above 50 reviews, so this one has none: mail its handouts (pdf/) one at a time, "
                             "or print it")
    assert lines[1].startswith(f"{books}/{stem.format(2)}: ")
    assert lines[1].endswith(f", over the 100 KB (100,000 bytes) budget; other volumes of this booklet that fit: "
                             f"{stem.format(1)}, {stem.format(3)}")
    assert lines[2] == "checked 5 files (5 PDFs) against a 100 KB budget for mail: 2 problems in 2 files"
    only = run("check", "--email", "--budget", "30KB", books / stem.format(2)).output.splitlines()[0]
    assert only.endswith("; no volume of this booklet fits: mail its handouts (pdf/) one at a time")


def test_an_epub_that_scripts_is_flagged(tmp_path):
    scripted = epub(tmp_path / "scripted.epub", 'properties="scripted"', "<script>alert(1)</script>")
    svg = epub(tmp_path / "svg.epub", document='<svg:script type="text/javascript"/>')
    clean = epub(tmp_path / "clean.epub")
    (tmp_path / "broken.epub").write_bytes(b"PK not a zip")
    result = run("check", "--email", tmp_path)
    assert (result.exit_code, result.output.splitlines()) == (1, [
        f"{tmp_path}/broken.epub: not a readable EPUB (File is not a zip file)",
        f"{tmp_path}/scripted.epub: has scripted content (<script> in EPUB/r.xhtml)",
        f'{tmp_path}/scripted.epub: declares scripted content (properties="scripted" in EPUB/package.opf)',
        f"{tmp_path}/svg.epub: has scripted content (<script> in EPUB/r.xhtml)",
        "checked 4 files (4 EPUBs) against a 10 MB budget for mail: 4 problems in 3 files"])
    assert run("check", "--email", clean).exit_code == 0


def test_the_shipped_handouts_pass(shipped_pdf):
    result = run("check", "--email", shipped_pdf / "pdf")
    count = len(list((shipped_pdf / "pdf").rglob("*.pdf")))
    assert (result.exit_code, result.output) == (
        0, f"checked {count} files ({count} PDFs) against a 10 MB budget for mail: no problems\n")


@pytest.mark.slow
def test_everything_publisher_build_ships_passes(shipped, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default folder is dist, as build's default --out
    (tmp_path / "dist").symlink_to(shipped)
    pdfs, epubs = (len(list(shipped.rglob(f"*.{suffix}"))) for suffix in ("pdf", "epub"))
    assert pdfs > 20 and epubs > 10
    result = run("check", "--email")
    assert (result.exit_code, result.output) == (
        0, f"checked {pdfs + epubs} files ({pdfs} PDFs, {epubs} EPUBs) against a 10 MB budget for mail: no problems\n")


@pytest.mark.parametrize("args, code, line", [
    (["check", "dist"], 2, "Error: files and folders go with --email (without it, check validates the catalog): "
                           "add --email"),
    (["check", "--budget", "5MB"], 2, "Error: --budget goes with --email (without it, check validates the catalog): "
                                      "add --email"),
    (["check", "--email", "--json"], 2, "Error: --json does not go with --email (which checks files, not the catalog)"),
    (["check", "--email", "--readability"], 2,
     "Error: --readability does not go with --email (which checks files, not the catalog)"),
    (["check", "--email", "--catalog", "catalog"], 2,
     "Error: --catalog does not go with --email (which checks files, not the catalog)"),
    (["check", "--email", "--wording", "plain"], 2,
     "Error: --wording does not go with --email (which checks files, not the catalog)"),
    (["check", "--email", "nowhere.pdf"], 1, "Error: nowhere.pdf: no such file or folder"),
    (["check", "--email", "notes.txt"], 1, "Error: notes.txt: not a PDF or EPUB (.pdf, .epub)"),
    (["check", "--email", "empty"], 1, "Error: empty: no PDF or EPUB in this folder"),
    (["check", "--email"], 1, "Error: dist: no such file or folder"),
])
def test_check_email_misuse_is_one_line(args, code, line, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no catalog here: check --email needs none
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    result = run(*args)
    assert (result.exit_code, result.output) == (code, line + "\n")


# --- handout --eml ------------------------------------------------------------------------------

def parsed(data: bytes) -> email.message.EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(data)


@pytest.fixture(scope="module")
def spanish(tmp_path_factory) -> Path:
    return catalog_with_languages(tmp_path_factory.mktemp("mail"), ["en", "es"])


def test_the_eml_is_an_unsent_spanish_draft_carrying_the_very_pdf(spanish, tmp_path):
    pdf, eml = tmp_path / "h.pdf", tmp_path / "h.eml"
    result = run("handout", *REVIEW, "--catalog", spanish, "--language", "es", "--patient", PATIENT,
                 "--note", NOTE, "--given", "2026-12-03", "-o", pdf, "--eml", eml)
    assert (result.exit_code, result.output) == (0, f"wrote {pdf}\nwrote {eml}\n")
    data = eml.read_bytes()
    message = parsed(data)
    assert message["X-Unsent"] == "1"
    for absent in ("To", "Cc", "Bcc", "From", "Date", "Message-ID"):
        assert absent not in message, absent
    assert message["Subject"] == "Su hoja informativa de Equipo de Investigación de Insight Swarm"  # translated
    body = message.get_body(("plain",))
    assert body["Content-Language"] == "es"
    assert body.get_content().splitlines()[:3] == [
        "Hola:", "", "Su hoja informativa va adjunta a este mensaje como archivo PDF. Ábrala para leerla o imprimirla."]
    [attachment] = message.iter_attachments()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "low-dose-naltrexone--liver-cancer--es--personal.pdf"
    assert attachment.get_content() == pdf.read_bytes()
    # no one is named in the words around it: not the patient, the note, the medicine or the condition
    words = f"{message['Subject']} {body.get_content()}"
    for private in (PATIENT, "Núñez", NOTE, "1.5 mg", "altrexon", "LDN", "hígado", "iver", "cáncer"):
        assert private not in words, private
    assert PATIENT.encode() not in data and NOTE.encode() not in data
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF, as RFC 5322 has it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.eml", "h.pdf"]


def test_the_same_handout_gives_the_same_eml_bytes_and_the_attachment_its_encoded_size(tmp_path):
    made = []
    for n in (1, 2):
        out = tmp_path / f"{n}.eml"
        assert run("handout", *REVIEW, "--catalog", ROOT / "catalog", "--given", "2026-12-03", "--eml", out).exit_code == 0
        made.append(out.read_bytes())
    assert made[0] == made[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.eml", "2.eml"]  # no PDF beside it
    pdf = parsed(made[0]).get_payload()[1]
    assert len(pdf.get_payload().encode("ascii")) == encoded_size(len(pdf.get_content()))


def test_eml_alone_writes_the_message_and_nothing_else_anywhere(tmp_path):
    """The audit hook of tests/audit/ in the whole process: with --eml and no -o, the one write
    is the message (and its temporary) in its folder; TMPDIR is empty after; no line printed
    names the patient."""
    import subprocess
    import sys

    from test_writes_stay_inside import AUDIT

    out, temporary, log = tmp_path / "out", tmp_path / "tmp", tmp_path / "audit.log"
    out.mkdir()
    temporary.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(AUDIT), str(ROOT)]), "TMPDIR": str(temporary),
           "PUBLISHER_AUDIT_ALLOWED": os.pathsep.join([str(out), str(temporary)]), "PUBLISHER_AUDIT_LOG": str(log)}
    done = subprocess.run([sys.executable, "-m", "publisher", "handout", *REVIEW, "--catalog", str(ROOT / "catalog"),
                           "--patient", PATIENT, "--note", NOTE, "--eml", str(out / "h.eml")], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", f"wrote {out / 'h.eml'}\n")
    assert log.read_text() == "" and list(temporary.iterdir()) == [] and [p.name for p in out.iterdir()] == ["h.eml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.log", "out", "tmp"]  # no PDF in the working folder


def test_eml_to_standard_output_and_with_a_password_or_a_clinic(tmp_path):
    brand = brand_file(tmp_path / "brand")
    result = CliRunner().invoke(main, ["handout", *REVIEW, "--catalog", str(ROOT / "catalog"), "--brand", str(brand),
                                       "--password", "s3cret", "--eml", "-"])
    assert result.exit_code == 0, result.output
    message = parsed(result.stdout_bytes)
    assert message["Subject"] == "Your handout from Riverside Family Clinic"
    text = message.get_body(("plain",)).get_content()
    assert "The file is locked with a password. We will give you the password another way, not by email." in text
    assert "If you have questions, call Riverside Family Clinic at (555) 010-4477." in text
    [attachment] = message.iter_attachments()
    assert PdfReader(io.BytesIO(attachment.get_content())).is_encrypted
    both = run("handout", *REVIEW, "--catalog", ROOT / "catalog", "-o", "-", "--eml", "-")
    assert (both.exit_code, both.output) == (2, "Error: -o - and --eml - would both write to standard output: "
                                                "choose one\n")


# --- the desk's Email button --------------------------------------------------------------------

def test_the_desk_sends_the_eml_as_a_download():
    from test_desk import client, fields

    desk = client()
    assert '<button type="submit" name="action" value="email">Email</button>' in desk.get("/").text
    answer = desk.post("/", data=fields(desk, action="email"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "message/rfc822"
    assert answer.headers["content-disposition"] == \
        'attachment; filename="low-dose-naltrexone--liver-cancer--personal.eml"'
    message = parsed(answer.content)
    assert message["X-Unsent"] == "1" and "To" not in message
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "low-dose-naltrexone--liver-cancer--personal.pdf"
    assert attachment.get_content() == desk.post("/", data=fields(desk)).content  # the PDF Download gives
    words = f"{message['Subject']} {message.get_body(('plain',)).get_content()}"
    assert "Ana" not in words and "Take at night" not in words
    forged = desk.post("/", data=fields(desk, action="email") | {"token": "forged"})
    assert forged.status_code == 403 and forged.headers["content-type"].startswith("text/html")
