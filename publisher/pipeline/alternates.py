"""Which languages' output roots hold a portal page, so that its language switcher and ``hreflang``
links never point at a file that is not there.

A language this build makes will have what this build plans (the same selection, hence the
same pages) once its format is asked for; any other language has what its folder's manifest
lists, read-only (as the large-print edition is read for its files). Only the set of languages
goes into a page's fingerprint, never the other pages' fingerprints: two pages that link each
other would otherwise remake each other at every build.
"""

from __future__ import annotations

from ..catalog.model import Site
from ..options import BuildOptions
from ..outputs import Target
from ..paths import output_root
from .manifest import Manifest


class LanguageAlternates:
    def __init__(self, options: BuildOptions, site: Site, language: str, making: tuple[str, ...] | None = None):
        """``making``: the formats the build makes in each language it builds (default: those
        asked for; none when it only refreshes what is there, plan.refresh)."""
        self.options, self.site, self.language = options, site, language
        self.making = options.formats if making is None else making
        self.building = set(options.languages or site.languages)
        self._entries: dict[str, dict] = {}

    def mark(self, output, name: str, target: Target) -> Target:
        """``target`` with the languages that have its path, if its format links them."""
        if (not getattr(output, "links_languages", False) or target.asset is not None
                or self.options.large_print or len(self.site.languages) < 2):
            return target
        found = tuple(lang for lang in self.site.languages
                      if lang == self.language or self._has(lang, name, target.path))
        return target._replace(languages=found)

    def _has(self, language: str, name: str, path: str) -> bool:
        if language in self.building and name in self.making:
            return True
        if language not in self._entries:
            self._entries[language] = Manifest.load(output_root(self.options.out, self.site, language, False, self.options.plain)).entries
        return path in self._entries[language]
