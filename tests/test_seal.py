"""The clinic's seal (issue 27): ``build --release --sign FILE.p12`` signs every PDF (an invisible
PAdES B-B signature) and SHA256SUMS (SHA256SUMS.p7s); ``publisher verify`` reads them back.

A test PKI is made here with ``cryptography``: a CA and a clinic's certificate and key, written
as a password-protected PKCS#12 file. The signed release is read by pyHanko's validator (with
the test CA as trust root), poppler's ``pdfsig``, ``openssl cms -verify``, outloud and qpdf.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from publisher import __version__
from publisher.cli import main

from conftest import ROOT, copy_of
from helpers import pdf_identity, qpdf_check, require, tree_digests

PASSWORD = "correct horse battery staple"
CLINIC = "Test Clinic of Riverside"
EDITION = "2026-11-01"  # the shipped site.yaml's edition_date: every sample document's date
HANDOUT = "pdf/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.pdf"


# --- a test PKI -----------------------------------------------------------------------------

def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)])


def _certificate(subject, issuer, public_key, signing_key, serial, ca: bool,
                 not_before=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
                 not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc)):
    usage = dict.fromkeys(("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
                           "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"), False)
    usage.update({"key_cert_sign": True, "crl_sign": True} if ca else {"digital_signature": True,
                                                                        "content_commitment": True})
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(serial).not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(**usage), critical=True)
            .sign(signing_key, hashes.SHA256()))


def make_pki(root: Path, organisation: str = "Test Clinic", clinic: str = CLINIC, key_type: str = "rsa",
             **validity) -> tuple[Path, Path]:
    """(the CA's certificate as PEM, the clinic's certificate and key as a .p12 with PASSWORD)."""
    root.mkdir(parents=True, exist_ok=True)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name(f"{organisation} Root CA", organisation)
    ca = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, 1, ca=True)
    key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) if key_type == "rsa"
           else ec.generate_private_key(ec.SECP256R1()))
    certificate = _certificate(_name(clinic, clinic), ca_name, key.public_key(), ca_key, 2, ca=False, **validity)
    (root / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (root / "clinic.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"clinic", key, certificate, [ca], serialization.BestAvailableEncryption(PASSWORD.encode())))
    return root / "ca.pem", root / "clinic.p12"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def approved(tmp_path_factory) -> Path:
    """The shipped catalog with every review approved (site.yaml's default_status)."""
    catalog = copy_of(ROOT / "catalog", tmp_path_factory.mktemp("approved") / "catalog")
    site = catalog / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "default_status: approved\n", encoding="utf-8")
    return catalog


def run(*args, password: str | None = PASSWORD, env_name: str = "PUBLISHER_SIGN_PASSWORD"):
    """The CLI, with the password in the environment (never on the command line)."""
    env = {"PUBLISHER_SIGN_PASSWORD": None, env_name: password}
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env)


def release(catalog: Path, out: Path, p12: Path, *more, **kwargs):
    return run("build", "--catalog", catalog, "--out", out, "--release", "--condition", "liver-cancer",
               "--sign", p12, *more, **kwargs)


@pytest.fixture(scope="module")
def signed(approved, pki, tmp_path_factory) -> Path:
    """The Liver Cancer release (a handout, two booklets, EPUBs, portal, SHA256SUMS), signed."""
    out = tmp_path_factory.mktemp("signed") / "out"
    result = release(approved, out, pki[1], "-q")
    assert result.exit_code == 0, result.output
    return out


def pdfs(out: Path) -> list[Path]:
    return sorted([*out.glob("pdf/**/*.pdf"), *out.glob("booklets/**/*.pdf")])


def changed_copy(pdf: Path, into: Path) -> Path:
    """``pdf`` with one byte changed in the middle of its largest font (``/Length1``: nothing a
    reader parses to check the signature), in the signed part of the file."""
    data = bytearray(pdf.read_bytes())
    fonts = [(m.end(), data.index(b"endstream", m.end())) for m in re.finditer(rb"/Length1 [^>]*>>\r?\nstream\r?\n", data)]
    start, end = max(fonts, key=lambda span: span[1] - span[0])
    data[(start + end) // 2] ^= 0x01
    into.write_bytes(data)
    return into


# --- what the build writes ------------------------------------------------------------------

def test_every_pdf_of_a_signed_release_has_an_intact_pades_signature(signed, pki):
    """pyHanko's validator, the test CA as trust root: one signature per PDF, PAdES, covering
    the whole file, intact, by the test clinic, dated by the catalog (noon UTC)."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    found = pdfs(signed)
    assert len(found) == 3  # the handout and the compound's and the condition's booklets
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(pki[0]))], allow_fetching=False)
    for pdf in found:
        with open(pdf, "rb") as stream:
            [signature] = PdfFileReader(stream).embedded_signatures
            assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
            assert signature.sig_object["/M"] == "D:20261101120000Z"
            status = validate_pdf_signature(signature, context)
        assert (status.intact, status.valid, status.trusted) == (True, True, True), pdf
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert status.signing_cert.subject.native["common_name"] == CLINIC


@pytest.mark.slow
def test_the_built_pdf_stays_the_first_revision_with_its_metadata(signed, approved, tmp_path):
    """Signing appends: the unsigned release is the signed file's first bytes; the XMP packet
    and /Info are those bytes' own (pyHanko #755 rewrote them), and so is the first /ID."""
    unsigned = tmp_path / "unsigned"
    result = run("build", "--catalog", approved, "--out", unsigned, "--release", "--condition", "liver-cancer",
                 "--format", "pdf,booklet", "-q")
    assert result.exit_code == 0, result.output
    for pdf in pdfs(signed):
        before = (unsigned / pdf.relative_to(signed)).read_bytes()
        after = pdf.read_bytes()
        assert after.startswith(before) and len(after) > len(before)
        with pikepdf.open(unsigned / pdf.relative_to(signed)) as old, pikepdf.open(pdf) as new:
            assert new.Root.Metadata.read_bytes() == old.Root.Metadata.read_bytes()
            assert new.Root.Metadata.objgen == old.Root.Metadata.objgen
            assert dict(new.trailer.Info) == dict(old.trailer.Info)
            assert new.trailer.ID[0] == old.trailer.ID[0] and new.trailer.ID[1] != old.trailer.ID[1]


def test_the_signature_is_tagged_for_pdf_ua(signed):
    """The invisible widget: outside the page, printable, named by the signer (/TU), inside a
    /Form structure element that the parent tree finds, on a page with /Tabs /S."""
    with pikepdf.open(signed / HANDOUT) as pdf:
        [field] = pdf.Root.AcroForm.Fields
        assert field.FT == "/Sig" and field.TU == CLINIC and field.F == 4 | 128
        assert [float(v) for v in field.Rect] == [-9999] * 4
        assert field.P.objgen == pdf.pages[-1].obj.objgen and field.P.Tabs == "/S"
        form = dict(zip(list(pdf.Root.StructTreeRoot.ParentTree.Nums)[::2],
                        list(pdf.Root.StructTreeRoot.ParentTree.Nums)[1::2]))[int(field.StructParent)]
        assert form.S == "/Form" and form.K.Type == "/OBJR" and form.K.Obj.objgen == field.objgen
        assert form.objgen in [kid.objgen for kid in pdf.Root.StructTreeRoot.K[0].K]


def test_sha256sums_lists_the_signed_files_and_not_its_signature(signed):
    listed = dict(line.split("  ")[::-1] for line in (signed / "SHA256SUMS").read_text().splitlines())
    assert "SHA256SUMS.p7s" not in listed and HANDOUT in listed
    import hashlib
    assert listed[HANDOUT] == hashlib.sha256((signed / HANDOUT).read_bytes()).hexdigest()
    assert (signed / "SHA256SUMS.p7s").read_bytes()[:1] == b"\x30"  # DER


def test_neither_the_password_nor_the_key_is_written(signed, pki):
    key, certificate, _ = pkcs12.load_key_and_certificates(pki[1].read_bytes(), PASSWORD.encode())
    secrets = [PASSWORD.encode(), key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption())]
    for path in signed.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(secret in data for secret in secrets), path


def test_a_new_certificate_re_signs_the_pdfs_and_sha256sums_only(signed, approved, pki, tmp_path):
    out = copy_of(signed, tmp_path / "out")
    _, other = make_pki(tmp_path / "other", organisation="Another CA", clinic="Another Clinic")
    result = release(approved, out, other, "--dry-run", "-v")
    assert result.exit_code == 0, result.output
    remade = {line.split()[-1] for line in result.output.splitlines()[:-1]}
    assert {HANDOUT, "booklets/low-dose-naltrexone--all-conditions.pdf", "SHA256SUMS", "SHA256SUMS.p7s",
            "booklets/by-condition/all-compounds--liver-cancer.pdf"} <= remade
    assert not any(path.startswith(("html/", "epub/")) for path in remade)
    same = release(approved, out, pki[1], "--dry-run")
    assert same.output.startswith("would build 0, skip 48 unchanged, remove 0 stale")


@pytest.mark.slow
def test_an_unsigned_build_removes_the_signature_of_sha256sums(signed, approved, tmp_path):
    out = copy_of(signed, tmp_path / "out")
    result = run("build", "--catalog", approved, "--out", out, "--condition", "liver-cancer", "-v")
    assert result.exit_code == 0, result.output
    assert "removed SHA256SUMS.p7s" in result.output.splitlines()
    assert not (out / "SHA256SUMS.p7s").exists()
    assert run("verify", out / HANDOUT).output == f"{out / HANDOUT}: not signed\n"


@pytest.mark.slow
def test_a_rebuild_gives_byte_identical_signed_files(signed, approved, pki, tmp_path):
    again = tmp_path / "again"
    assert release(approved, again, pki[1], "-q").exit_code == 0
    assert tree_digests(again) == tree_digests(signed)
    forced = release(approved, again, pki[1], "--force", "-q")
    assert forced.exit_code == 0 and tree_digests(again) == tree_digests(signed)


def test_an_ecdsa_key_signs_deterministically(tmp_path, signed):
    """RFC 6979 nonces: the same document signed twice by an ECDSA key gives the same bytes."""
    from publisher.seal import open_seal

    ca, p12 = make_pki(tmp_path, key_type="ec")
    seal = open_seal(p12, PASSWORD, "UNUSED")
    signed_data = (signed / HANDOUT).read_bytes()
    data = signed_data[:signed_data.index(b"%%EOF") + len(b"%%EOF\n")]  # the handout as built, unsigned
    once = tmp_path / "once.pdf"
    once.write_bytes(seal.pdf(data, dt.date(2026, 11, 1)))
    assert seal.pdf(data, dt.date(2026, 11, 1)) == once.read_bytes()
    assert run("verify", "--trust", ca, once).output.startswith(f"{once}: unchanged since signed by {CLINIC};")
    assert seal.detached(b"x\n", dt.date(2026, 11, 1)) == seal.detached(b"x\n", dt.date(2026, 11, 1))


def test_a_certificate_newer_than_the_catalog_date_dates_the_signature(tmp_path):
    """Readers judge a signature at its claimed time: never before the certificate was valid."""
    from publisher.seal import open_seal

    start = dt.datetime(2027, 1, 2, 9, 30, tzinfo=dt.timezone.utc)
    _, p12 = make_pki(tmp_path, not_before=start)
    seal = open_seal(p12, PASSWORD, "UNUSED")
    assert seal.signing_time(dt.date(2026, 11, 1)) == start
    assert seal.signing_time(dt.date(2027, 3, 1)) == dt.datetime(2027, 3, 1, 12, tzinfo=dt.timezone.utc)


# --- the password and refusals --------------------------------------------------------------

def test_there_is_no_password_option(pki, approved, tmp_path):
    result = run("build", "--catalog", approved, "--out", tmp_path / "out", "--release", "--sign", pki[1],
                 "--sign-password", PASSWORD)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: No such option '--sign-password'. Did you mean '--sign-password-env'?"


def test_the_password_from_a_named_environment_variable(pki, approved, tmp_path):
    result = release(approved, tmp_path / "out", pki[1], "--sign-password-env", "CLINIC_P12", "--dry-run",
                     env_name="CLINIC_P12")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("would build 48 (48 new)")
    missing = release(approved, tmp_path / "out", pki[1], "--sign-password-env", "CLINIC_P12", password=None)
    assert missing.exit_code == 1
    assert missing.output == (f"Error: --sign: no password for {pki[1]}: set the environment variable CLINIC_P12 (or "
                              "name another with --sign-password-env), or run on a terminal to be asked\n")
    assert not (tmp_path / "out").exists()


def test_a_wrong_password_is_one_line_and_writes_nothing(pki, approved, tmp_path):
    result = release(approved, tmp_path / "out", pki[1], "-q", password="wrong")
    assert result.exit_code == 1
    assert result.output == f"Error: --sign: {pki[1]}: wrong password, or not a PKCS#12 file\n"
    assert not (tmp_path / "out").exists()


def test_sign_without_release_is_refused(pki, approved, tmp_path):
    result = run("build", "--catalog", approved, "--out", tmp_path / "out", "--sign", pki[1])
    assert result.exit_code == 2
    assert result.output == ("Error: --sign goes with --release: only a release build (every review approved "
                             "and current) is signed; add --release, or drop --sign\n")
    assert not (tmp_path / "out").exists()


def test_an_expired_certificate_is_refused_before_anything_is_written(approved, tmp_path):
    _, p12 = make_pki(tmp_path / "pki", not_after=dt.datetime(2025, 12, 31, tzinfo=dt.timezone.utc))
    result = release(approved, tmp_path / "out", p12)
    assert result.exit_code == 1
    assert result.output == ("Error: --sign: the certificate expired on 2025-12-31, before the catalog date "
                             f"{EDITION} of a document to sign: sign with a current certificate\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_password_is_asked_for_on_a_terminal_and_not_echoed(pki, approved, tmp_path):
    """A real terminal (a pseudo-terminal): the prompt, the password typed, nothing echoed."""
    import pty

    env = {key: value for key, value in os.environ.items() if key != "PUBLISHER_SIGN_PASSWORD"}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "publisher", "build", "--catalog", str(approved), "--out", str(tmp_path / "out"),
               "--release", "--condition", "liver-cancer", "--sign", str(pki[1]), "--dry-run"]
    pid, terminal = pty.fork()
    if pid == 0:
        os.execve(sys.executable, command, env)
    seen = b""
    while b"Password for" not in seen:
        seen += os.read(terminal, 1024)
    os.write(terminal, PASSWORD.encode() + b"\n")
    while True:
        try:
            chunk = os.read(terminal, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert f"Password for {pki[1]}: ".encode() in seen and b"would build 48 (48 new)" in seen
    assert PASSWORD.encode() not in seen


# --- publisher verify -----------------------------------------------------------------------

def test_verify_names_the_signer_the_edition_and_the_trust(signed, pki):
    handout, sums = signed / HANDOUT, signed / "SHA256SUMS"
    document, version = pdf_identity(handout)
    assert document == "low-dose-naltrexone--liver-cancer" and version.startswith(f"{EDITION}.")
    trusted = run("verify", "--trust", pki[0], handout, signed / "SHA256SUMS.p7s")
    assert trusted.exit_code == 0, trusted.output
    assert trusted.output.splitlines() == [
        f"{handout}: unchanged since signed by {CLINIC}; certificate trusted (--trust); {document} version "
        f"{version}, dated {EDITION}, sealed by publisher {__version__}",
        f"{sums}: unchanged since signed by {CLINIC}; certificate trusted (--trust); dated {EDITION}",
        f"{sums}: all 46 listed files unchanged"]
    unchecked = run("verify", handout)
    assert unchecked.exit_code == 0
    assert unchecked.output == (f"{handout}: unchanged since signed by {CLINIC}; certificate not checked against a "
                                f"trust root; {document} version {version}, dated {EDITION}, sealed by publisher "
                                f"{__version__}\n")


def test_verify_repeats_only_an_identity_written_as_publisher_writes_it():
    """A signed file is anyone's: its XMP id and version are named only when they read as ours."""
    from publisher.seal.verify import _identity

    class Packet(dict):  # a metadata stream as pyHanko reads it, written uncompressed
        def __init__(self, data: bytes):
            super().__init__()
            self.encoded_data = data

        def get_object(self):
            return self

    def reader(packet: bytes | None):
        return type("Reader", (), {"root": {"/Metadata": Packet(packet)} if packet is not None else {}})()

    good = b"<xmpMM:DocumentID>ldn--gout</xmpMM:DocumentID><xmpMM:VersionID>2026-01-01.0123abcd</xmpMM:VersionID>"
    assert _identity(reader(good)) == ("ldn--gout", "2026-01-01.0123abcd")
    assert _identity(reader(good.replace(b"2026-01-01.", b""))) == ("ldn--gout", "0123abcd")  # an undated catalog
    bomb = Packet(zlib.compress(b" " * (200 << 20)))  # 200 MB of spaces: inflated no further than 1 MB
    bomb["/Filter"] = "/FlateDecode"
    assert _identity(type("Reader", (), {"root": {"/Metadata": bomb}})()) is None
    for bad in (good.replace(b"ldn--gout", b"&lt;script&gt;"), good.replace(b"ldn", "\u202eevil".encode()),
                good.replace(b"0123abcd", b"0" * 100), good[:50], b"", None):
        assert _identity(reader(bad)) is None, bad


def test_verify_refuses_a_certificate_the_trust_root_did_not_issue(signed, tmp_path):
    other_ca, _ = make_pki(tmp_path, organisation="Another CA")
    result = run("verify", "--trust", other_ca, signed / HANDOUT)
    assert result.exit_code == 1
    assert result.output == (f"{signed / HANDOUT}: unchanged since signed by {CLINIC}, but --trust does not vouch "
                             "for the certificate\n")


def test_verify_reports_a_changed_byte(signed, tmp_path):
    changed = changed_copy(signed / HANDOUT, tmp_path / "changed.pdf")
    result = run("verify", changed)
    assert result.exit_code == 1
    assert result.output == f"{changed}: CHANGED since it was signed by {CLINIC}\n"


def test_verify_reports_a_file_changed_past_reading(signed, tmp_path):
    """A byte changed where the reader must look (the compressed objects): it no longer reads."""
    data = bytearray((signed / HANDOUT).read_bytes())
    at = data.index(b"/Type /ObjStm")
    data[data.index(b"stream\n", at) + 20] ^= 0x01
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data)
    result = run("verify", broken)
    assert result.exit_code == 1
    assert result.output == f"{broken}: CHANGED or damaged: it no longer reads as a signed PDF\n"


def test_verify_reports_content_added_after_the_signature(signed, tmp_path):
    added = tmp_path / "added.pdf"
    added.write_bytes((signed / HANDOUT).read_bytes() + b"\n% a comment\n")
    result = run("verify", added)
    assert result.exit_code == 1
    assert result.output == f"{added}: CHANGED after it was signed by {CLINIC}: content was added after the signature\n"


def test_verify_reports_unsigned_and_unverifiable_files(signed, tmp_path):
    epub = signed / "epub/low-dose-naltrexone--all-conditions.epub"
    result = run("verify", epub, tmp_path / "gone.pdf")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{epub}: not a PDF or SHA256SUMS: nothing to verify (an EPUB or page is covered by SHA256SUMS.p7s)",
        f"{tmp_path / 'gone.pdf'}: cannot read it: No such file or directory"]


def test_verify_checks_every_file_sha256sums_lists(signed, tmp_path):
    out = copy_of(signed, tmp_path / "out")
    epub = out / "epub/low-dose-naltrexone--all-conditions.epub"
    epub.write_bytes(epub.read_bytes() + b"\0")
    (out / "index.html").unlink()
    result = run("verify", out / "SHA256SUMS")
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        f"{epub}: CHANGED since SHA256SUMS was made",
        f"{out / 'index.html'}: missing",
        f"{out / 'SHA256SUMS'}: 2 of 46 listed files changed or missing"]
    sums = out / "SHA256SUMS"
    sums.write_bytes(sums.read_bytes().replace(b"catalog.json", b"catalog.jsox"))
    result = run("verify", sums)
    assert result.output.splitlines()[0] == f"{sums}: CHANGED since it was signed by {CLINIC}"
    (out / "SHA256SUMS.p7s").unlink()
    assert run("verify", sums).output.splitlines()[0] == f"{sums}: not signed (no SHA256SUMS.p7s beside it)"


def test_a_bad_trust_file_is_one_line(signed, tmp_path):
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate\n")
    result = run("verify", "--trust", bad, signed / HANDOUT)
    assert result.exit_code == 1
    assert result.output == f"Error: --trust: {bad} holds no certificate (PEM or DER)\n"


# --- independent checkers -------------------------------------------------------------------

def pdfsig(path: Path) -> str:
    return subprocess.run([require("pdfsig"), str(path)], capture_output=True, text=True).stdout


@pytest.mark.checker
def test_pdfsig_finds_the_signature_intact_by_the_test_clinic(signed):
    for pdf in pdfs(signed):
        said = pdfsig(pdf)
        assert f"- Signer Certificate Common Name: {CLINIC}" in said
        assert "- Signature Type: ETSI.CAdES.detached" in said
        assert "- Signing Time: Nov 01 2026 12:00:00" in said
        assert "- Total document signed" in said
        assert "- Signature Validation: Signature is Valid." in said


@pytest.mark.checker
def test_pdfsig_reports_a_changed_byte(signed, tmp_path):
    said = pdfsig(changed_copy(signed / HANDOUT, tmp_path / "changed.pdf"))
    assert "- Signature Validation: Digest Mismatch." in said


@pytest.mark.checker
def test_outloud_and_qpdf_pass_the_signed_pdfs(signed):
    found = pdfs(signed)
    result = subprocess.run([require("outloud"), "--fail-on", "error", *map(str, found)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(found)} file(s): {len(found)} pass" in result.stdout
    qpdf_check(*found)


@pytest.mark.checker
def test_openssl_accepts_the_signature_of_sha256sums(signed, pki):
    result = subprocess.run([require("openssl"), "cms", "-verify", "-binary", "-content", "SHA256SUMS",
                             "-in", "SHA256SUMS.p7s", "-inform", "DER", "-CAfile", str(pki[0]), "-out", os.devnull],
                            cwd=signed, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "CMS Verification successful" in result.stderr
    checked = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=signed, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
