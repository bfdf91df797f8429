"""Translating a build: the catalog with every translatable string in another language
(from its PO file), what is missing, and whether that language may be released."""

from __future__ import annotations

import dataclasses

from ..catalog import Catalog, Review, Site
from ..catalog.plain import in_plain
from ..errors import Problem
from ..paths import is_source
from .po_files import Status, load_status
from .po_reader import catalog_po_path, read_translation_file
from .strings import COMPOUND_TEXT, CONDITION_TEXT, SITE_TEXT, is_plain_only, source_strings
from .wording import plain_wording_is_draft, wording_po_path

@dataclasses.dataclass(frozen=True)
class Translation:
    """One language's translator: ``translation(source) -> text``.

    ``problems`` lists every untranslated or fuzzy string as ``path:line``; the build stops
    the language's outputs on them unless ``allow_incomplete``, which gives the source text
    for those strings and makes the translation ``partial``.
    """

    language: str
    status: Status
    messages: dict[str, str]
    problems: tuple[Problem, ...] = ()
    allow_incomplete: bool = False
    is_source: bool = False

    @property
    def partial(self) -> bool:
        return bool(self.problems)

    def has(self, text: str) -> bool:
        """Can ``text`` be given in this language (a plain version is used only then)?"""
        return self.is_source or text in self.messages

    def __call__(self, text: str) -> str:
        if text in self.messages:
            return self.messages[text]
        if self.is_source or self.allow_incomplete:
            return text
        raise KeyError(f"no {self.language} translation for {text!r}")


def translate_catalog(catalog: Catalog, translation: Translation, plain: bool = False) -> Catalog:
    """The catalog with every translatable string replaced, and the site's language set; with
    ``plain``, in its plain wording (catalog/plain.py): each plain version this language has,
    the standard text's translation for the others.

    A partial translation says so on the site (every page prints its mark); a draft
    translation, or a draft plain wording, makes every review a draft, so each page prints the
    DRAFT mark in its language.
    """
    if plain:
        catalog = in_plain(catalog, translation.has)
    tr = translation
    draft = ((translation.status.status == "draft" and not translation.is_source)
             or (plain and plain_wording_is_draft(translation.language)))

    def swap(record, table):
        return dataclasses.replace(record, **{a: tr(getattr(record, a)) for a, _ in table if getattr(record, a)})

    compounds = {c.slug: swap(c, COMPOUND_TEXT) for c in catalog.compounds}
    conditions = {c.slug: swap(c, CONDITION_TEXT) for c in catalog.conditions}

    def review(v: Review) -> Review:
        return dataclasses.replace(
            v, compound=compounds[v.compound.slug], condition=conditions[v.condition.slug],
            research_note=tr(v.research_note) if v.research_note else None, status="draft" if draft else v.status,
            references=tuple(dataclasses.replace(x, title=tr(x.title)) for x in v.references))

    site: Site = dataclasses.replace(swap(catalog.site, SITE_TEXT), language=translation.language,
                                     partial_translation=translation.partial)
    return dataclasses.replace(catalog, site=site, compounds=tuple(compounds.values()),
                               conditions=tuple(conditions.values()),
                               reviews=tuple(review(v) for v in catalog.reviews))


def load_translation(catalog: Catalog, language: str, allow_incomplete: bool = False) -> Translation:
    """The translator for ``language`` and its problems (untranslated or fuzzy strings).

    Raises ``CatalogError`` for an unreadable PO file, a translation its field would refuse
    (``po_reader.read_translation_file``) or an invalid status file.
    """
    if is_source(catalog.site, language):
        return Translation(language, Status(status="approved"), {}, is_source=True)
    status = load_status(catalog, language)
    found = read_translation_file(catalog, language)
    po = found.po if found is not None else None
    path = catalog_po_path(catalog, language).as_posix()
    messages, problems = {}, []
    for text, where in source_strings(catalog).items():
        message = po.get(text) if po is not None else None
        if message is not None and message.string and not message.fuzzy:
            messages[text] = found.texts[text]
            continue
        if is_plain_only(where):  # a plain build gives the standard text's translation instead
            continue
        kind = "fuzzy" if message is not None and message.string else "untranslated"
        shown = text if len(text) <= 60 else text[:60].rstrip() + "…"
        line = message.lineno if message is not None else 0
        problems.append(Problem(path, line, f'{kind}: "{shown}"'))
    if po is None:
        problems.insert(0, Problem(path, 0, f"no translation file (run: publisher translations update --language {language})"))
    return Translation(language, status, messages, tuple(problems), allow_incomplete)


def translation_release_problems(catalog: Catalog, translation: Translation, plain: bool = False) -> list[Problem]:
    """Why a language may not be released (``--release``): not approved, or not complete; with
    ``plain``, also a draft plain wording."""
    found = []
    if plain and plain_wording_is_draft(translation.language):
        found.append(Problem(wording_po_path(translation.language, plain=True).as_posix(), 0,
                             "the plain wording is a draft (its header is marked fuzzy), not approved"))
    if translation.is_source:
        return found
    found += translation.problems
    if translation.status.status != "approved":
        path = (catalog.root / "translations" / f"{translation.language}.yaml").as_posix()
        found.insert(0, Problem(path, 0, f"translation status is {translation.status.status}, not approved"))
    return found
