"""The output formats by name, in the order they are built and listed."""

from __future__ import annotations

from .outputs.booklet import BookletOutput
from .outputs.checksums import ChecksumsOutput
from .outputs.epub import EpubOutput
from .outputs.html import HtmlOutput
from .outputs.pdf import PdfOutput

# Derived outputs (made from other outputs' files) come after everything they read.
OUTPUTS = {cls.name: cls for cls in (HtmlOutput, PdfOutput, BookletOutput, EpubOutput, ChecksumsOutput)}
FORMATS = tuple(OUTPUTS)
# Formats laid out by WeasyPrint: a build that makes none of them never imports it.
TYPESET = ("pdf", "booklet")
