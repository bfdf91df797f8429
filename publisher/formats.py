"""The output formats by name, in the order they are built and listed."""

from __future__ import annotations

from .outputs.booklet import BookletOutput
from .outputs.epub import EpubOutput
from .outputs.html import HtmlOutput
from .outputs.pdf import PdfOutput

OUTPUTS = {cls.name: cls for cls in (HtmlOutput, PdfOutput, BookletOutput, EpubOutput)}
FORMATS = tuple(OUTPUTS)
# Formats laid out by WeasyPrint: a build that makes none of them never imports it.
TYPESET = ("pdf", "booklet")
