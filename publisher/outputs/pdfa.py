"""Archival PDFs (``--archival``): PDF/A-2a (ISO 19005-2, level A: tagged, Unicode text) and
PDF/UA-1 (ISO 14289-1) in one file, as IHE's scanned-document profile and chart archives take.

WeasyPrint writes one variant at a time (its issue #2783): its ``pdf/a-2a`` variant gives the
sRGB output intent (its own sRGB2014.icc), the tags and an XMP packet with ``pdfaid:part`` 2
and ``pdfaid:conformance`` A. What ``pdf/ua-1`` would add is only its XMP claim, so this
module adds ``pdfuaid:part`` 1 to the same packet, with the PDF/A extension schema that
declares it (PDF/A-2 admits in XMP only the schemas it predefines and those a file
declares; PDF/UA's came later). Everything else PDF/UA needs comes from pdfua.py, as for
every PDF. PDF/A-2 allows transparency (PDF/A-1 did not) and forbids encryption,
JavaScript and unembedded fonts: WeasyPrint embeds every font and writes no script, and
``publisher handout`` refuses ``--password`` with ``--archival`` (cli.py).
"""

from __future__ import annotations

from .xmp import add_description

PDFA_OPTIONS = {"pdf_variant": "pdf/a-2a"}

# PDF/A-2, 6.6.2.3.1: a property outside the predefined schemas is valid only if its schema
# is described in the packet, as here (the description veraPDF's own corpus uses for PDF/UA).
PDFUA_CLAIM = (
    '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
    "<pdfuaid:part>1</pdfuaid:part></rdf:Description>"
    '<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
    'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
    'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
    "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    "<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">"
    "<pdfaProperty:name>part</pdfaProperty:name>"
    "<pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    "<pdfaProperty:category>internal</pdfaProperty:category>"
    "<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>"
    "</rdf:li></rdf:Seq></pdfaSchema:property>"
    "</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>").encode()


def claim_pdfua(document, pdf) -> None:
    """A WeasyPrint finisher: add the PDF/UA-1 claim to the PDF/A packet WeasyPrint wrote."""
    add_description(pdf, PDFUA_CLAIM)
