"""One PDF sealed: an invisible PAdES B-B signature (``/SubFilter /ETSI.CAdES.detached``) added
by pyHanko as an incremental update, so the file as built stays its first bytes, and as
accessible and archivable as it was:

- **Tagged.** The signature's widget is a form field, which PDF/UA wants inside a ``/Form``
  structure element: it gets one, at the end of the document (the widget is on the last page),
  named by the signer (``/TU``); its page keeps ``/Tabs /S``. The box lies outside the page
  with the print flag set, as PDF/A and PDF/UA both accept for an invisible signature.
- **Metadata untouched.** pyHanko rewrites the XMP packet and the ``/Info`` dates and producer
  on every save (its issue #755: PDF/A lost); the document's metadata is the catalog's, so here
  the save leaves both alone.
- **Reproducible.** pyHanko gives the update a random second ``/ID``; here it is the MD5 of the
  file signed, as ``with_identifier`` makes the first (outputs/pdf.py). The signing time is
  given (seal/__init__.py), and the key signs deterministically (``_KeptKeySigner``).

pyHanko is pinned to a minor version (pyproject.toml): the two changes above reach into its
writer, and tests/test_seal.py checks both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import BuildProps

from ..version import __version__

FIELD = "Seal"  # the signature field's name (/T)


class _KeptMetadataWriter(IncrementalPdfFileWriter):
    """An incremental update that leaves the XMP packet and ``/Info`` as they are."""

    def _update_meta(self):
        pass


def kept_key_signer(key, certificate, chain):
    """pyHanko's in-memory signer for ``key``, which it keeps loaded: its own signer parses
    the key again for every signature (about 50 ms for an RSA key)."""
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = _KeptKeySigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=SimpleCertificateStore.from_certs([translate_pyca_cryptography_cert_to_asn1(c) for c in chain]))
    signer.key = key
    return signer


class _KeptKeySigner(signers.SimpleSigner):
    """Signs with the loaded key; ECDSA with RFC 6979 nonces, derived from the key and the
    message (pyHanko's are random), so the same document gives the same signature."""

    key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko_certvalidator.util import get_pyca_cryptography_hash

        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:  # as pyHanko's own signer asks
            algorithm = mechanism["algorithm"].native
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if algorithm == "rsassa_pkcs1v15":
            return self.key.sign(data, PKCS1v15(), digest)
        if algorithm == "ecdsa":
            return self.key.sign(data, ECDSA(digest, deterministic_signing=True))
        if algorithm in ("ed25519", "ed448"):
            return self.key.sign(data)
        return super().sign_raw(data, digest_algorithm)


class _DatedSigner(signers.PdfSigner):
    """pyHanko's PDF signer, with the signing time given instead of the clock's."""

    def __init__(self, *args, signing_time: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.signing_time = signing_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self.signing_time
        return session


MARGIN = 64  # hex digits reserved beyond a dummy signature's size: an ECDSA signature's varies by a few bytes


def sign_pdf(data: bytes, seal, signing_time: dt.datetime) -> bytes:
    """``data`` with ``seal``'s signature, dated ``signing_time``, as an incremental update.

    The space reserved for the signature is the same in every PDF a seal signs, whichever comes
    first: a dummy signature's size (as pyHanko estimates it, but once a build) plus ``MARGIN``."""
    if seal.reserved is None:
        seal.reserved = 2 * _dummy_size(seal, signing_time) + MARGIN
    writer = _KeptMetadataWriter(io.BytesIO(data))
    first, _ = writer.prev.trailer["/ID"]
    writer._document_id = generic.ArrayObject([first, generic.ByteStringObject(hashlib.md5(data).digest())])
    spec = fields.SigFieldSpec(FIELD, on_page=-1, readable_field_name=seal.name,
                               invis_sig_settings=fields.InvisSigSettings(set_print_flag=True, box_out_of_bounds=True))
    fields.append_signature_field(writer, spec)
    field = next(ref for ref in writer.root["/AcroForm"]["/Fields"] if ref.get_object()["/T"] == FIELD)
    _tag(writer, field)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm=seal.digest,
        app_build_props=BuildProps(name="publisher", revision=__version__))
    signer = _DatedSigner(meta, seal.signer, signing_time=signing_time)
    return signer.sign_pdf(writer, existing_fields_only=True, bytes_reserved=seal.reserved).getvalue()


def _dummy_size(seal, signing_time: dt.datetime) -> int:
    """The DER size of a signature of the empty message, with a PDF signature's attributes."""
    import asyncio

    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    from cryptography.hazmat.primitives.hashes import Hash
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    empty = Hash(get_pyca_cryptography_hash(seal.digest)).finalize()
    dummy = seal.signer.async_sign(empty, seal.digest, use_pades=True, dry_run=True,
                                   signed_attr_settings=PdfCMSSignedAttributes(signing_time=signing_time))
    return len(asyncio.run(dummy).dump())


def _tag(writer, field) -> None:
    """Put the signature's widget in the structure tree: a ``/Form`` element at the end of the
    document element, its kid the widget (``/OBJR``), found from the widget through the
    parent tree (``/StructParent``)."""
    widget = field.get_object()
    page = widget.raw_get("/P")
    root = writer.root["/StructTreeRoot"]
    kids = root.raw_get("/K")
    document_ref = kids[0] if isinstance(kids, generic.ArrayObject) else kids
    document = document_ref.get_object()
    nums = root["/ParentTree"]["/Nums"]
    key = max(nums[i] for i in range(0, len(nums), 2)) + 1
    form = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/StructElem"), pdf_name("/S"): pdf_name("/Form"), pdf_name("/P"): document_ref,
        pdf_name("/Pg"): page, pdf_name("/K"): generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/OBJR"), pdf_name("/Obj"): field, pdf_name("/Pg"): page})}))
    document_kids = document["/K"]
    document_kids.append(form)
    writer.update_container(document_kids)
    nums.append(generic.NumberObject(key))
    nums.append(form)
    writer.update_container(nums)
    root["/ParentTreeNextKey"] = generic.NumberObject(key + 1)
    writer.update_container(root)
    widget["/StructParent"] = generic.NumberObject(key)
    page_object = page.get_object()
    if page_object.get("/Tabs") != "/S":  # WeasyPrint sets it on every page; PDF/UA needs it here
        page_object["/Tabs"] = pdf_name("/S")
        writer.update_container(page_object)
