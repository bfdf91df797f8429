"""The clinic's seal (``build --release --sign FILE.p12``): every PDF the release makes gets an
invisible PAdES B-B signature (pades.py) and ``SHA256SUMS`` a detached CMS signature beside it,
``SHA256SUMS.p7s``, both by the certificate and key in a PKCS#12 file; ``publisher verify``
checks them (verify.py).

The key never leaves the main process: workers (and a Dask cluster) get render settings only,
and the main process signs each PDF between the worker's bytes and the writer, so manifests,
``SHA256SUMS``, zips and previews all describe the signed file. Neither the password nor the
key is written anywhere: the fingerprints hold the certificates' SHA-256, so a new
certificate re-signs everything.

The signing time is the document's own date from the catalog, as its metadata has it (a
review's ``reviewed_on``, else site.yaml's ``edition_date``; a booklet's edition date), at noon
UTC so the day reads the same from UTC-11 to UTC+11; never the clock, so a rebuild gives the
same bytes. A B-B signature's time is the signer's claim in any case (only a time-stamping
authority could prove one, over the network, in different bytes each time). A date before
the certificate's first valid moment is moved to that moment: readers judge a signature at its
claimed time. The signature itself is deterministic for RSA keys (PKCS#1 v1.5), Ed25519 and
Ed448 (which poppler's pdfsig cannot check), and for ECDSA too (RFC 6979 nonces, see
``pades._KeptKeySigner``); a DSA key signs with a random nonce, so its signatures are valid but
new bytes on every rebuild.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from ..errors import PublisherError
from ..outputs.base import NO_DATE
from ..versions import review_date

PASSWORD_ENV = "PUBLISHER_SIGN_PASSWORD"  # --sign-password-env's default
SIGNATURE_STEP = "signature"  # the plan's name for making SHA256SUMS.p7s (made here, not by a worker)
NOON = dt.time(12, tzinfo=dt.timezone.utc)


class Seal:
    """A certificate and its key, ready to sign: opened once per build, in the main process."""

    def __init__(self, key, certificate, chain: list):
        from cryptography.hazmat.primitives.serialization import Encoding

        self.key, self.certificate, self.chain = key, certificate, chain
        self.fingerprint = hashlib.sha256(b"".join(
            c.public_bytes(Encoding.DER) for c in [certificate, *chain])).hexdigest()
        self._signer = None
        self.reserved: int | None = None  # hex digits a PDF signature takes (pades.py)

    @property
    def signer(self):
        """pyHanko's signer, made on first use (importing pyHanko takes about half a second)."""
        if self._signer is None:
            from .pades import kept_key_signer

            self._signer = kept_key_signer(self.key, self.certificate, self.chain)
        return self._signer

    @property
    def digest(self) -> str:
        """The message digest its key signs with, as pyHanko chooses it (SHA-256 for RSA up to
        3072 bits and P-256; SHA-512 for Ed25519)."""
        from pyhanko.sign.signers.pdf_cms import select_suitable_signing_md

        return select_suitable_signing_md(self.signer.signing_cert.public_key)

    @property
    def name(self) -> str:
        """Who signs: the certificate's organisation, else its common name."""
        from cryptography.x509.oid import NameOID

        for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
            found = self.certificate.subject.get_attributes_for_oid(oid)
            if found:
                return str(found[0].value)
        return self.certificate.subject.rfc4514_string()

    def signing_time(self, day: dt.date) -> dt.datetime:
        """Noon UTC of ``day``, or the moment the certificate became valid if that is later."""
        return max(dt.datetime.combine(day, NOON), self.certificate.not_valid_before_utc)

    def check_dates(self, days) -> None:
        """Refuse, before anything is written, a document dated after the certificate expired:
        its signature would claim a time the certificate was no longer valid."""
        last = self.certificate.not_valid_after_utc
        late = [day for day in days if dt.datetime.combine(day, NOON) > last]
        if late:
            raise PublisherError(f"--sign: the certificate expired on {last.date()}, before the catalog date "
                                 f"{max(late)} of a document to sign: sign with a current certificate")

    def pdf(self, data: bytes, day: dt.date) -> bytes:
        """``data``, a finished PDF, with the seal added as an incremental update."""
        from .pades import sign_pdf

        return sign_pdf(data, self, self.signing_time(day))

    def detached(self, data: bytes, day: dt.date) -> bytes:
        """A detached CMS signature (DER) of ``data``, with ``day`` as its signing time.

        Made by pyHanko, not ``cryptography``'s ``PKCS7SignatureBuilder``: that one stamps its
        signingTime attribute with the clock (two signatures of the same bytes a second apart
        differ), and has no way to give it a time."""
        import asyncio

        from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

        signed = asyncio.run(self.signer.async_sign_general_data(
            data, self.digest, detached=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=self.signing_time(day))))
        return signed.dump()


def open_seal(path: Path, password: str | None, password_env: str) -> Seal:
    """The seal in the PKCS#12 file ``path``; ``password`` is asked for by the CLI, else read
    from the environment variable ``password_env``. Every failure is one line naming --sign."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    if password is None:
        password = os.environ.get(password_env)
    if password is None:
        raise PublisherError(f"--sign: no password for {path}: set the environment variable {password_env} "
                             "(or name another with --sign-password-env), or run on a terminal to be asked")
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise PublisherError(f"--sign: cannot read {path}: {error.strerror or error}") from None
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError:
        raise PublisherError(f"--sign: {path}: wrong password, or not a PKCS#12 file") from None
    if key is None or certificate is None:
        raise PublisherError(f"--sign: {path} holds no {'key' if key is None else 'certificate'}: export the "
                             "certificate with its private key (a .p12 or .pfx file)")
    return Seal(key, certificate, list(chain))


def document_day(target, site) -> dt.date:
    """The date a PDF carries, as render.py gives it: a handout's review date, else the edition
    date; a booklet's edition date (else its latest review date)."""
    if target.review is not None:
        day = review_date(target.review, site)
    else:
        day = target.bundle.edition_date(site)
    return day or NO_DATE


def catalog_day(catalog) -> dt.date:
    """The date of the catalog as a whole (SHA256SUMS.p7s): its edition date, else its latest
    review date."""
    dates = [review.reviewed_on for review in catalog.reviews if review.reviewed_on]
    return catalog.site.edition_date or (max(dates) if dates else NO_DATE)
