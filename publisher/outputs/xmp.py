"""Descriptions publisher adds to the XMP packet WeasyPrint writes into every PDF: its language
(pdfua.py), the PDF/UA claim of an archival PDF (pdfa.py) and which document and version it is.

One ``rdf:Description`` each, inserted before the packet's end, on the pydyf PDF before it is
written (a WeasyPrint finisher), so no finished file is rewritten.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"  # XMP Media Management, predefined by PDF/A-2


def add_description(pdf, description: bytes) -> None:
    """Add one ``rdf:Description`` to the PDF's XMP packet."""
    stream = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    packet, = stream.stream
    end = b"</rdf:RDF>"
    assert packet.count(end) == 1
    stream.stream = [packet.replace(end, description + end)]


def declare_language(pdf, lang: str | None) -> None:
    """dc:language, which WeasyPrint leaves out (it writes only the catalog's /Lang)."""
    if lang:
        add_description(pdf, (f'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                              f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>"
                              f"</rdf:Description>").encode())


def identify(pdf, document_id: str, version: str) -> None:
    """``xmpMM:DocumentID``, the id common to every version and rendition of a document (here
    its language, edition and wording), and ``xmpMM:VersionID``: the words its pages' footers
    print (versions.py)."""
    add_description(pdf, (f'<rdf:Description rdf:about="" xmlns:xmpMM="{XMP_MM}">'
                          f"<xmpMM:DocumentID>{escape(document_id)}</xmpMM:DocumentID>"
                          f"<xmpMM:VersionID>{escape(version)}</xmpMM:VersionID>"
                          f"</rdf:Description>").encode())
