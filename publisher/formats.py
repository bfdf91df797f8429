"""The output formats by name, in the order they are built and listed.

A *derived* output is made from other outputs' files rather than from the catalog: its
class has ``sources(target, owned)`` (the outputs it reads, in parts) and ``reads(target, path)``
(whether it needs a source's bytes, or only its size and hash).
"""

from __future__ import annotations

from .outputs.booklet import BookletOutput
from .outputs.checksums import ChecksumsOutput
from .outputs.epub import EpubOutput
from .outputs.html import HtmlOutput
from .outputs.pdf import PdfOutput
from .outputs.portal import PortalOutput, PreviewsOutput, ZipsOutput

# Derived outputs (made from other outputs' files) come after everything they read.
OUTPUTS = {cls.name: cls for cls in (HtmlOutput, PdfOutput, BookletOutput, EpubOutput,
                                     PreviewsOutput, ZipsOutput, PortalOutput, ChecksumsOutput)}
# What users name in --format: "site" is the download portal, all its parts.
ALIASES = {"site": ("previews", "zips", "portal")}
FORMATS = ("html", "pdf", "booklet", "epub", "site", "checksums")
# What a derived format reads: asking for it builds these too, so its links never dangle.
NEEDS = {"previews": ("pdf", "booklet"), "zips": ("pdf", "booklet", "epub"),
         "portal": ("html", "pdf", "booklet", "epub", "previews", "zips")}


def is_derived(cls) -> bool:
    return hasattr(cls, "sources")


# Formats laid out by WeasyPrint: a build that makes none of them never imports it.
TYPESET = ("pdf", "booklet")
