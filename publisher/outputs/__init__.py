"""The output formats, by name, in the order they are built (a lazy registry, as Sphinx's).

Naming a format imports nothing: its module is imported the first time its class is asked
for, so ``publisher.options`` (which checks ``--format``) and a build with nothing to make
stay light. Every class keeps the contract in ``base.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from .base import DerivedOutput, Output, Source, Target, is_derived

# Derived outputs (made from other outputs' files) come after everything they read.
_CLASSES = {"html": "html:HtmlOutput", "pdf": "pdf:PdfOutput", "booklet": "booklet:BookletOutput",
            "epub": "epub:EpubOutput", "previews": "previews:PreviewsOutput", "fhir": "fhir:FhirOutput",
            "fhir-bundle": "fhir:FhirBundleOutput", "zips": "zips:ZipsOutput",
            "portal": "portal:PortalOutput", "checksums": "checksums:ChecksumsOutput"}
# What users name in --format: "site" is the download portal, all its parts (its cards and zips
# show each handout's version, which its FHIR DocumentReference holds); "fhir" the FHIR resources.
ALIASES = {"site": ("previews", "fhir", "fhir-bundle", "zips", "portal"), "fhir": ("fhir", "fhir-bundle")}
FORMATS = ("html", "pdf", "booklet", "epub", "site", "fhir", "checksums")
# What a derived format reads: asking for it builds these too, so its links never dangle.
NEEDS = {"previews": ("pdf", "booklet"), "fhir": ("pdf",), "fhir-bundle": ("pdf", "fhir"),
         "zips": ("pdf", "booklet", "epub", "fhir"),
         "portal": ("html", "pdf", "booklet", "epub", "previews", "fhir", "zips")}
# Formats laid out by WeasyPrint: a build that makes none of them never imports it.
TYPESET = ("pdf", "booklet")


class _Registry(Mapping):
    """Format name -> output class, imported on first use."""

    def __init__(self, classes: dict[str, str]):
        self._where, self._loaded = classes, {}

    def __getitem__(self, name: str) -> type[Output]:
        if name not in self._loaded:
            module, cls = self._where[name].split(":")
            self._loaded[name] = getattr(importlib.import_module(f"{__name__}.{module}"), cls)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, name: object) -> bool:
        return name in self._where


OUTPUTS: Mapping[str, type[Output]] = _Registry(_CLASSES)

__all__ = ["OUTPUTS", "ALIASES", "FORMATS", "NEEDS", "TYPESET", "Output", "DerivedOutput", "Source", "Target",
           "is_derived"]
