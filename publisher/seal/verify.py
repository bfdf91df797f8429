"""``publisher verify FILE…``: for each file, who signed it, whether it is unchanged since, and
which document, version and catalog edition it is; for ``SHA256SUMS`` (or its ``.p7s``), its
signature and then the hash of every file it lists.

pyHanko's validator checks the signatures, offline (nothing is fetched: no revocation check).
With ``--trust CA.pem`` the signer's certificate must chain to one of its certificates; without,
the signer is named but not vouched for, and the line says so. Every problem is a line and makes
the exit status 1: a file changed or unsigned, a listed file changed or missing, a certificate
``--trust`` does not vouch for.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import PublisherError
from ..paths import CHECKSUMS
from ..versions import DOCUMENT_ID, VERSION

SUMS_LINE = re.compile(r"([0-9a-f]{64}) [ *](.+)")


@dataclass(frozen=True)
class Finding:
    ok: bool
    line: str


def verify(files: list[str], trust: str | None = None) -> list[Finding]:
    """One or more findings per file, in order; ``trust``: a PEM or DER file of trusted certificates."""
    roots = _trust_roots(trust) if trust else None
    findings: list[Finding] = []
    seen: set[Path] = set()
    with _pyhanko_quiet():
        for name in files:
            path = Path(name)
            if path.name in (CHECKSUMS, f"{CHECKSUMS}.p7s"):
                sums = path.with_name(CHECKSUMS)
                if sums.resolve() not in seen:
                    seen.add(sums.resolve())
                    findings += _checksums(sums, roots)
            else:
                findings.append(_pdf(path, roots))
    return findings


def _trust_roots(trust: str) -> list:
    from pyhanko.keys import load_certs_from_pemder

    try:
        roots = list(load_certs_from_pemder([trust]))
        for root in roots:
            root.subject  # asn1crypto parses lazily: a damaged certificate fails here
    except OSError as error:
        raise PublisherError(f"--trust: cannot read {trust}: {error.strerror or error}") from None
    except ValueError:
        roots = []
    if not roots:
        raise PublisherError(f"--trust: {trust} holds no certificate (PEM or DER)")
    return roots


@contextlib.contextmanager
def _pyhanko_quiet():
    """pyHanko logs a traceback for every certificate it cannot chain (always, without --trust):
    the findings say what matters, in one line each."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _context(roots):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=roots or [], allow_fetching=False)


def _pdf(path: Path, roots) -> Finding:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        data = path.read_bytes()
    except OSError as error:
        return Finding(False, f"{path}: cannot read it: {error.strerror or error}")
    if not data.startswith(b"%PDF-"):
        return Finding(False, f"{path}: not a PDF or {CHECKSUMS}: nothing to verify (an EPUB or page is "
                              f"covered by {CHECKSUMS}.p7s)")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return Finding(False, f"{path}: not signed")
        signature = signatures[0]  # the release's; anything after it is a change
        status = validate_pdf_signature(signature, _context(roots), skip_diff=True)
        dated = _dated(reader, signature)
    except Exception:  # pyHanko's, zlib's and asn1crypto's many parse errors: damaged, or changed
        return Finding(False, f"{path}: CHANGED or damaged: it no longer reads as a signed PDF")
    who = _who(status.signing_cert)
    if not status.intact or not status.valid:
        return Finding(False, f"{path}: CHANGED since it was signed by {who}")
    if len(signatures) > 1 or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Finding(False, f"{path}: CHANGED after it was signed by {who}: content was added after the signature")
    return _trusted(f"{path}: unchanged since signed by {who}", status, roots, dated)


def _trusted(said: str, status, roots, dated: str) -> Finding:
    if roots is None:
        return Finding(True, f"{said}; certificate not checked against a trust root; {dated}")
    if not status.trusted:
        return Finding(False, f"{said}, but --trust does not vouch for the certificate")
    return Finding(True, f"{said}; certificate trusted (--trust); {dated}")


def _who(certificate) -> str:
    """The signer's common name, and its organisation when that says more."""
    subject = certificate.subject.native
    name, organisation = subject.get("common_name"), subject.get("organization_name")
    if name and organisation and organisation != name:
        return f"{name} ({organisation})"
    return name or organisation or certificate.subject.human_friendly


def _dated(reader, signature) -> str:
    """Which edition it is: the document's id and version (its XMP: versions.py), its date
    (from the catalog, in its /Info) and the publisher version that sealed it (the signature's
    /Prop_Build)."""
    info = reader.trailer["/Info"] if "/Info" in reader.trailer else {}
    found = re.match(r"D:(\d{4})(\d{2})(\d{2})", str(info.get("/ModDate", "")))
    said = f"dated {found[1]}-{found[2]}-{found[3]}" if found else "undated"
    if identity := _identity(reader):
        said = f"{identity[0]} version {identity[1]}, {said}"
    app = signature.sig_object.get("/Prop_Build", {}).get("/App", {})
    if app.get("/Name") == "/publisher" and "/REx" in app:
        said += f", sealed by publisher {app['/REx']}"
    return said


XMP_MAX = 1 << 20  # bytes of an XMP packet read: publisher's are 3 KB; a file to verify is anyone's
_XMP_MM = {name: re.compile(rf"<xmpMM:{name}>([^<]{{1,120}})</xmpMM:{name}>".encode()) for name in ("DocumentID", "VersionID")}


def _identity(reader) -> tuple[str, str] | None:
    """The document id and version the XMP packet names, when both read as publisher writes
    them (the file is anyone's: nothing else of it is repeated)."""
    try:
        stream = reader.root["/Metadata"].get_object()
        packet, filters = stream.encoded_data, stream.get("/Filter")
        if filters in ("/FlateDecode", ["/FlateDecode"]):  # inflated no further than XMP_MAX
            packet = zlib.decompressobj().decompress(packet, XMP_MAX)
        elif filters is not None:
            return None  # not as publisher writes it
    except Exception:  # no packet, or a damaged one: no identity to give
        return None
    packet = packet[:XMP_MAX]
    found = [pattern.search(packet) for pattern in _XMP_MM.values()]
    if not all(found):
        return None
    document, version = (match[1].decode("ascii", "replace") for match in found)
    if DOCUMENT_ID.fullmatch(document) and VERSION.fullmatch(version):
        return document, version
    return None


def _checksums(sums: Path, roots) -> list[Finding]:
    """SHA256SUMS: its signature (SHA256SUMS.p7s beside it), then every file it lists."""
    try:
        text = sums.read_bytes()
    except OSError as error:
        return [Finding(False, f"{sums}: cannot read it: {error.strerror or error}")]
    findings = [_sums_signature(sums, text, roots)]
    listed = changed = 0
    for number, line in enumerate(text.decode("utf-8", "replace").splitlines(), start=1):
        found = SUMS_LINE.fullmatch(line)
        if not found:
            findings.append(Finding(False, f"{sums}:{number}: not a line sha256sum writes"))
            continue
        listed += 1
        problem = _listed(sums.parent, found[2], found[1])
        if problem:
            changed += 1
            findings.append(Finding(False, problem))
    if changed:
        findings.append(Finding(False, f"{sums}: {changed} of {listed} listed files changed or missing"))
    else:
        findings.append(Finding(True, f"{sums}: all {listed} listed files unchanged"))
    return findings


def _listed(folder: Path, name: str, sha256: str) -> str | None:
    if name.startswith("/") or ".." in name.split("/"):
        return f"{folder / name}: not a file inside {folder}"
    path = folder / name
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return f"{path}: missing"
    return None if digest == sha256 else f"{path}: CHANGED since {CHECKSUMS} was made"


def _sums_signature(sums: Path, text: bytes, roots) -> Finding:
    from asn1crypto import cms, pem
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    signature = sums.with_name(f"{CHECKSUMS}.p7s")
    try:
        der = signature.read_bytes()
    except OSError:
        return Finding(False, f"{sums}: not signed (no {signature.name} beside it)")
    try:
        if pem.detect(der):
            der = pem.unarmor(der)[2]
        signed_data = cms.ContentInfo.load(der)["content"]
        status = asyncio.run(async_validate_detached_cms(text, signed_data, signer_validation_context=_context(roots)))
    except Exception:  # asn1crypto's and pyHanko's parse errors: damaged, or changed
        return Finding(False, f"{signature}: CHANGED or damaged: it no longer reads as a CMS signature")
    who = _who(status.signing_cert)
    if not status.intact or not status.valid:
        return Finding(False, f"{sums}: CHANGED since it was signed by {who}")
    reported = status.signer_reported_dt
    dated = f"dated {reported.date().isoformat()}" if reported else "undated"
    return _trusted(f"{sums}: unchanged since signed by {who}", status, roots, dated)
