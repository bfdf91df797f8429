"""PDF/UA-1 for every PDF: WeasyPrint's ``pdf/ua-1`` variant writes the XMP claim
(``pdfuaid:part``, ``dc:title``) and the tags; this module does what it leaves undone, on the
laid-out document and on the pydyf PDF before it is written, so no finished file is rewritten.
Checked by ``outloud --fail-on error`` and ``qpdf --check`` (tests/test_pdfua.py). With
``--archival`` WeasyPrint's variant is PDF/A-2a instead, and pdfa.py writes the PDF/UA claim.
"""

from __future__ import annotations

from .xmp import declare_language

PDFUA_OPTIONS = {"pdf_variant": "pdf/ua-1"}

PRINT = 4  # annotation flag bit 3: printed as shown; not hidden from readers


def one_annotation_per_link(document) -> None:
    """Keep only the outermost box of each link: WeasyPrint gives every box inside an ``<a>``
    its own annotation (a booklet's contents entry had three, two of them under a Span,
    which PDF/UA forbids). The outer box's annotation covers its children's."""
    for page in document.pages:
        targets = {id(box): target for _, target, _, box in page.links}
        nested = set()
        _find_nested(page._page_box, None, targets, nested)
        page.links = [link for link in page.links if id(link[3]) not in nested]


def _find_nested(box, enclosing, targets, nested) -> None:
    target = targets.get(id(box))
    if target is not None and target == enclosing:
        nested.add(id(box))
    for child in box.all_children():  # the walk WeasyPrint's gather_anchors makes
        _find_nested(child, target or enclosing, targets, nested)


def finish(document, pdf) -> None:
    """The WeasyPrint finisher: named, printable links, artifact page furniture, dc:language."""
    _describe_links(document)
    _page_furniture_as_artifacts(pdf)
    _without_empty_elements(pdf)
    declare_language(pdf, document.metadata.lang)


def _describe_links(document) -> None:
    """A link's /Contents is its text (WeasyPrint writes the target, e.g. ``r1-title``)."""
    import pydyf

    for page in document.pages:
        for _, _, _, box in page.links:
            annotation = box.link_annotation
            annotation["F"] = PRINT
            text = link_text(box)
            if text:
                annotation["Contents"] = pydyf.String(text)


def link_text(box) -> str:
    """The text a box shows, a space between blocks and lines, none inside a line."""
    from weasyprint.formatting_structure import boxes

    pieces = []

    def walk(box):
        if isinstance(box, boxes.TextBox):
            pieces.append(box.text)
            return
        if not isinstance(box, boxes.InlineBox):
            pieces.append(" ")
        for child in box.all_children():
            walk(child)

    walk(box)
    return " ".join("".join(pieces).split())


def _without_empty_elements(pdf) -> None:
    """Leave out of the structure tree the elements that hold nothing (WeasyPrint tags every
    element, an empty one too, such as the booklet contents' dotted leader): an assistive
    technology would meet a /Span with no content (PDF/UA checkers warn, TAG-020)."""
    import pydyf

    def get(reference):
        return pdf.objects[int(reference.split()[0])]

    def empty(element) -> bool:
        kids = element.get("K")  # an array, or one kid: a reference, MCID (0 too) or dictionary
        return ("S" in element and (kids is None or kids == [])  # a structure element, not an /OBJR
                and "Alt" not in element and "ActualText" not in element)

    def prune(element) -> None:  # children first: an element left with no kids goes too
        kids = element.get("K")
        if not isinstance(kids, pydyf.Array):
            return
        refs = [kid for kid in kids if isinstance(kid, bytes)]
        for kid in refs:
            prune(get(kid))
        gone = {kid for kid in refs if empty(get(kid))}
        for kid in gone:
            get(kid).clear()  # unreachable now; pydyf cannot free objects in a compressed file
        element["K"] = pydyf.Array(kid for kid in kids if kid not in gone)

    prune(get(pdf.catalog["StructTreeRoot"]))


def _page_furniture_as_artifacts(pdf) -> None:
    """Mark margin-box content (running heads, footers, page numbers) ``/Artifact /Pagination``.

    WeasyPrint tags it like body text, then leaves its structure elements out of the tree
    (they are "only allowed in PDF 2.0" as artifacts): it is marked content whose parent
    element no reader can reach. Those sequences become artifacts, the page's remaining
    MCIDs are renumbered 0, 1, ... in its ParentTree entry and elements, and the orphaned
    elements are emptied (pydyf cannot free objects in a compressed file).
    """
    import pydyf

    def get(reference):
        return pdf.objects[int(reference.split()[0])]

    root = get(pdf.catalog["StructTreeRoot"])
    reachable, pending = set(), list(root["K"])
    while pending:
        reference = pending.pop()
        if reference not in reachable:
            reachable.add(reference)
            pending.extend(kid for kid in get(reference).get("K", ()) if isinstance(kid, bytes))

    nums = get(root["ParentTree"])["Nums"]
    for index, page in enumerate(pdf.page_references):
        assert nums[2 * index] == index
        parents = nums[2 * index + 1]
        artifacts = {mcid for mcid, parent in enumerate(parents) if parent not in reachable}
        if not artifacts:
            continue
        renumbered, kept = {}, pydyf.Array()
        items = get(get(page)["Contents"]).stream
        for position, item in enumerate(items):
            if isinstance(item, pydyf.Dictionary) and "MCID" in item:
                mcid = item["MCID"]
                if mcid in artifacts:
                    items[position - 1] = "/Artifact"
                    items[position] = pydyf.Dictionary({"Type": "/Pagination"})
                else:
                    renumbered[mcid] = item["MCID"] = len(kept)
                    kept.append(parents[mcid])
        assert len(kept) + len(artifacts) == len(parents), "marked content outside the page stream"
        for parent in set(kept):
            element = get(parent)
            element["K"] = pydyf.Array(renumbered[kid] if isinstance(kid, int) else kid for kid in element["K"])
        for mcid in artifacts:
            reference = parents[mcid]
            while reference not in reachable and get(reference):
                orphan = get(reference)
                reference = orphan["P"]
                orphan.clear()
        nums[2 * index + 1] = kept
