"""``publisher handout``: one patient's handout at the point of care (issue 24). The personal
block is tagged content in every language and edition, hostile text stays text, nothing
personal lands in a file name, a message or a file outside ``-o``, ``--password`` encrypts
with AES-256, and ``--print`` hands the PDF to ``lp`` on its standard input."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from publisher.cli import main

from conftest import ROOT, catalog_with_languages
from helpers import pdf_pages, require, squash
from test_writes_stay_inside import AUDIT

PATIENT = "María José Núñez"
NOTE = "Start at 1.5 mg at bedtime; call us if sleep is disturbed."
REVIEW = ("low-dose-naltrexone", "liver-cancer")
PERSONAL = ["--patient", PATIENT, "--clinician", "Dr. Ana Müller", "--given", "2026-12-03", "--note", NOTE,
            "--teach-back"]


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def text_of(pdf: Path) -> str:
    """The PDF's text in content order (poppler), one line."""
    return squash(" ".join(pdf_pages(pdf)))


@pytest.fixture(scope="module")
def languages(tmp_path_factory) -> Path:
    return catalog_with_languages(tmp_path_factory.mktemp("personal"), ["en", "es", "ar"])


def test_the_handout_carries_the_personal_block_and_a_name_without_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("handout", *REVIEW, "--catalog", ROOT / "catalog", *PERSONAL)
    assert result.exit_code == 0, result.output
    assert result.output == "wrote low-dose-naltrexone--liver-cancer--personal.pdf\n"
    assert [p.name for p in tmp_path.iterdir()] == ["low-dose-naltrexone--liver-cancer--personal.pdf"]
    text = text_of(tmp_path / "low-dose-naltrexone--liver-cancer--personal.pdf")
    for expected in ("Prepared for you", f"Patient {PATIENT}", "Given by Dr. Ana Müller", "Date December 3, 2026",
                     "Notes from your care team", NOTE, "Before you go: say it in your own words",
                     "why Low-Dose Naltrexone (LDN) is being considered for your Liver Cancer",
                     "without your hepatologist or oncologist"):
        assert expected in text, expected
    # the block comes after the title, before the review's first words
    assert text.index("Is Low-Dose Naltrexone (LDN) Safe") < text.index("Prepared for you") < text.index("Safety is the")
    reader = PdfReader(tmp_path / "low-dose-naltrexone--liver-cancer--personal.pdf")
    assert PATIENT not in str(reader.metadata) and PATIENT not in reader.xmp_metadata.rdf_root.toxml()


def structure(pdf: Path) -> str:
    """The structure tree as poppler reads it (``pdfinfo -struct-text``): types and text."""
    return subprocess.run([require("pdfinfo"), "-struct-text", str(pdf)], capture_output=True, text=True,
                          check=True).stdout


def test_the_personal_block_is_tagged_as_a_heading_a_list_and_a_notes_box(tmp_path):
    out = tmp_path / "h.pdf"
    assert run("handout", *REVIEW, "--catalog", ROOT / "catalog", *PERSONAL, "-o", out).exit_code == 0
    built = run("build", "--catalog", ROOT / "catalog", "--out", tmp_path / "dist", "--format", "pdf",
                "--condition", REVIEW[1], "-q")
    assert built.exit_code == 0, built.output
    standard = tmp_path / "dist/pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf"
    tree, plain = structure(out), structure(standard)
    # two more sections, each under its own H2 (the block, the teach-back), and the notes' H3
    assert tree.count("H2 (block)") == plain.count("H2 (block)") + 2
    assert tree.count("H3 (block)") == plain.count("H3 (block)") + 1
    words = [line.strip().strip('"') for line in tree.splitlines() if line.strip().startswith('"')]
    block = words[words.index("Prepared for you"):]
    assert block[:7] == ["Prepared for you", "Patient", PATIENT, "Given by", "Dr. Ana Müller", "Date",
                         "December 3, 2026"]
    assert "Notes from your care team" in block and NOTE in " ".join(block)
    section = tree[tree.index('"Prepared for you"') - 200:tree.index('"Notes from your care team"')]
    assert "Sect" in section and "LBody" in section  # a section, its fields a list read in order


@pytest.mark.parametrize("language, edition, words", [
    ("es", "large-print", ["Preparado para usted", f"Paciente {PATIENT}", "3 de diciembre de 2026",
                           "Antes de irse: dígalo con sus propias palabras"]),
    ("ar", "standard", []),  # poppler gives Arabic in visual order: the names and the tags are checked
])
def test_each_language_and_edition(languages, tmp_path, language, edition, words):
    out = tmp_path / "h.pdf"
    result = run("handout", *REVIEW, "--catalog", languages, "--language", language, "--edition", edition,
                 *PERSONAL, "-o", out)
    assert result.exit_code == 0, result.output
    text = text_of(out).translate({code: None for code in range(0x202A, 0x202F)})  # poppler's bidi marks
    assert PATIENT in text and NOTE.rstrip(".") in text
    for word in words:
        assert squash(word) in text, word
    # the review's five sections (it has no sources), the personal block and the teach-back
    assert structure(out).count("H2 (block)") == 5 + 2 and PdfReader(out).trailer["/Root"]["/Lang"] == language
    if edition == "large-print":
        sizes = []
        PdfReader(out).pages[0].extract_text(
            visitor_text=lambda t, cm, tm, font, size: sizes.append((t.strip(), size * tm[0] * cm[0])))
        assert min(size for t, size in sizes if PATIENT.split()[0] in t) >= 17.9  # 18 pt, as all large print


def test_default_name_says_the_edition_and_language(languages, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("handout", *REVIEW, "--catalog", languages, "--language", "es", "--edition", "large-print")
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == [
        "low-dose-naltrexone--liver-cancer--large-print--es--personal.pdf"]


@pytest.mark.parametrize("options, expected", [
    (["--patient", "A\x07B"], "Error: --patient: has a control character (U+0007), which text may not contain"),
    (["--patient", "Dr \u202eevil"], "Error: --patient: has a bidirectional control character (U+202E), "
                                     "which text may not contain"),
    (["--clinician", "x" * 201], "Error: --clinician: is 201 characters long; at most 200 are allowed"),
    (["--note", "   "], "Error: --note: must not be empty"),
    (["--note", "a"] * 11, "Error: --note: 11 notes; at most 10 fit a handout"),
    (["--patient", "Mx \U00010000"], "Error: --patient: has characters the handout fonts cannot draw: U+10000"),
])
def test_bad_personal_text_is_refused_by_option_never_echoed(tmp_path, monkeypatch, options, expected):
    monkeypatch.chdir(tmp_path)
    result = run("handout", *REVIEW, "--catalog", ROOT / "catalog", *options)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == expected
    assert "evil" not in result.output and "Mx" not in result.output and list(tmp_path.iterdir()) == []


def test_markup_in_personal_text_stays_text(tmp_path):
    out = tmp_path / "h.pdf"
    hostile = "<b>Bold</b> <script>alert(1)</script> {{ 7*7 }} &amp;"
    result = run("handout", *REVIEW, "--catalog", ROOT / "catalog", "--patient", hostile, "--note", hostile, "-o", out)
    assert result.exit_code == 0, result.output
    assert text_of(out).count(squash(hostile)) == 2


def test_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("handout", *REVIEW, "--catalog", ROOT / "catalog", "--patient", "X", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF-") and list(tmp_path.iterdir()) == []


def test_password_encrypts_with_aes_256_and_keeps_text_extractable(tmp_path):
    out = tmp_path / "h.pdf"
    result = run("handout", *REVIEW, "--catalog", ROOT / "catalog", "--patient", PATIENT, "-o", out, "--password",
                 input="s3cret\ns3cret\n")
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    reader = PdfReader(out)
    assert reader.is_encrypted and reader.decrypt("wrong") == 0 and reader.decrypt("s3cret") != 0
    assert PATIENT in reader.pages[0].extract_text() and "/StructTreeRoot" in reader.trailer["/Root"]
    qpdf = require("qpdf")
    assert subprocess.run([qpdf, "--check", out], capture_output=True).returncode != 0  # no password: refused
    shown = subprocess.run([qpdf, "--show-encryption", "--password=s3cret", out], capture_output=True, text=True)
    assert "R = 6" in shown.stdout and "extract for accessibility: allowed" in shown.stdout
    assert "print high resolution: allowed" in shown.stdout and "modify annotations: not allowed" in shown.stdout
    assert subprocess.run([qpdf, "--check", "--password=s3cret", out], capture_output=True).returncode == 0


def stub_lp(folder: Path, exit_code: int = 0) -> Path:
    """An ``lp`` that keeps its arguments and standard input where the test can read them."""
    folder.mkdir()
    lp = folder / "lp"
    lp.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {folder}/args\ncat > {folder}/stdin\n"
                  f"echo 'lp: Error - No default destination.' >&2\nexit {exit_code}\n"
                  if exit_code else
                  f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {folder}/args\ncat > {folder}/stdin\n")
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
    return folder


def test_print_sends_the_pdf_to_lp_on_standard_input_and_keeps_no_file(tmp_path, monkeypatch):
    bin_ = stub_lp(tmp_path / "bin")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}{os.environ['PATH']}")
    result = run("handout", *REVIEW, "--catalog", ROOT / "catalog", *PERSONAL, "--print", "--printer", "desk-2")
    assert result.exit_code == 0, result.output
    assert result.output == "sent low-dose-naltrexone--liver-cancer--personal.pdf to desk-2\n"
    assert list(work.iterdir()) == []
    assert (bin_ / "args").read_text().split("\n")[:-1] == [
        "-t", "low-dose-naltrexone--liver-cancer--personal.pdf", "-d", "desk-2", "-"]
    saved = tmp_path / "same.pdf"
    assert run("handout", *REVIEW, "--catalog", ROOT / "catalog", *PERSONAL, "-o", saved).exit_code == 0
    assert (bin_ / "stdin").read_bytes() == saved.read_bytes()  # the same bytes, reproducibly


def test_print_errors_are_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{stub_lp(tmp_path / 'bin', exit_code=1)}{os.pathsep}/usr/bin{os.pathsep}/bin")
    result = run("handout", *REVIEW, "--catalog", ROOT / "catalog", "--patient", PATIENT, "--print")
    assert result.exit_code == 1
    assert result.output == "Error: --print: the printer did not take the job: lp: Error - No default destination.\n"
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    result = run("handout", *REVIEW, "--catalog", ROOT / "catalog", "--patient", PATIENT, "--print")
    assert result.output.startswith("Error: --print: no 'lp' command here")


def test_an_unknown_review_is_named_by_its_slugs(tmp_path):
    result = run("handout", "low-dose-naltrexone", "gout", "--catalog", ROOT / "catalog", "--patient", PATIENT,
                 "-o", tmp_path / "h.pdf")
    assert result.exit_code != 0 and PATIENT not in result.output and "gout" in result.output


def test_nothing_is_written_outside_the_output_and_the_name_is_in_no_output_line(tmp_path):
    """The audit hook of tests/audit/ in the whole process: writes only into -o's folder (the
    file and its temporary), TMPDIR empty after, the name on no line the command prints."""
    out, temporary, log = tmp_path / "out", tmp_path / "tmp", tmp_path / "audit.log"
    out.mkdir()
    temporary.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(AUDIT), str(ROOT)]), "TMPDIR": str(temporary),
           "PUBLISHER_AUDIT_ALLOWED": os.pathsep.join([str(out), str(temporary)]),
           "PUBLISHER_AUDIT_LOG": str(log)}
    done = subprocess.run([sys.executable, "-m", "publisher", "handout", *REVIEW, "--catalog", str(ROOT / "catalog"),
                           *PERSONAL, "-o", str(out / "h.pdf")], env=env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert log.read_text() == "" and list(temporary.iterdir()) == [] and [p.name for p in out.iterdir()] == ["h.pdf"]
    assert PATIENT not in done.stdout + done.stderr and NOTE not in done.stdout + done.stderr


@pytest.mark.checker
def test_outloud_passes_personal_handouts_in_each_language_and_edition(languages, tmp_path):
    files = []
    for language, edition in (("en", "standard"), ("es", "large-print"), ("ar", "standard")):
        out = tmp_path / f"{language}-{edition}.pdf"
        result = run("handout", *REVIEW, "--catalog", languages, "--language", language, "--edition", edition,
                     *PERSONAL, "-o", out)
        assert result.exit_code == 0, result.output
        files.append(str(out))
    result = subprocess.run([require("outloud"), "--fail-on", "error", "--json", "-", *files], capture_output=True,
                            text=True)
    verdicts = {r["path"]: (r["verdict"], r["counts"]["error"]) for r in json.loads(result.stdout)["results"]}
    assert sorted(verdicts) == sorted(files)
    assert {path: v for path, v in verdicts.items() if v[0] not in ("pass", "review") or v[1]} == {}
    assert result.returncode == 0, result.stderr
