"""Translations of the catalog's own text: ``catalog/translations/<lang>.po`` and ``<lang>.yaml``.

The PO files are gettext's: translators open them in Poedit, Weblate or Crowdin. Their msgids
are the catalog's source strings and each ``#:`` comment names the file and field a string
comes from. Babel reads and merges them (new strings added, vanished ones obsolete, changed
ones fuzzy), as Sphinx and Django do. The ``.yaml`` beside each gives the translation's status,
like a review's, so a draft translation is marked and ``--release`` can refuse it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
from pathlib import Path
from typing import NamedTuple

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import PoFileError, read_po, write_po

from . import records as r
from .catalog import STATUSES, Catalog, Review, Site
from .files import Tree, Unsafe
from .errors import CatalogError, Problem, SelectionError

STATUS_FIELDS = {
    "status": r.Field(r.choice(*STATUSES), required=True),
    "translator": r.Field(r.text),
    "reviewed_on": r.Field(r.date),
    "note": r.Field(r.text),
}

# The translated fields of each record, as (attribute, field name in the YAML file).
COMPOUND_TEXT = (("name", "name"), ("short_name", "short_name"), ("drug_class", "class"),
                 ("safety_profile", "safety_profile"), ("regulatory_status", "regulatory_status"),
                 ("evidence_level", "evidence_level"), ("mechanism", "mechanism"))
CONDITION_TEXT = (("name", "name"), ("specialist", "specialist"))
SITE_TEXT = (("publisher", "publisher"), ("disclaimer", "disclaimer"))  # a person's name is not translated

HEADER = """\
# {name} translation of the catalog's own text: compound and
# condition facts, research notes, reference titles, the publisher's
# name and disclaimer. `publisher translations update` adds new
# strings, marks changed ones fuzzy and vanished ones obsolete (#~).
# Translate each msgstr; remove "fuzzy" once checked.
#"""


@dataclasses.dataclass(frozen=True)
class Status:
    """``translations/<lang>.yaml``; a language without one is a draft."""

    status: str = "draft"
    translator: str | None = None
    reviewed_on: dt.date | None = None
    note: str | None = None


class Counts(NamedTuple):
    translated: int
    fuzzy: int
    missing: int


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

    def __call__(self, text: str) -> str:
        if text in self.messages:
            return self.messages[text]
        if self.is_source or self.allow_incomplete:
            return text
        raise KeyError(f"no {self.language} translation for {text!r}")


# --- the source strings ----------------------------------------------------------------

def source_strings(catalog: Catalog) -> dict[str, list[str]]:
    """Every translatable string of the catalog, in file order, with where it comes from
    (``compounds/low-dose-naltrexone.yaml:name``)."""
    found: dict[str, list[str]] = {}

    def add(text, where):
        if text:
            found.setdefault(text, []).append(where)

    for attr, key in SITE_TEXT:
        add(getattr(catalog.site, attr), f"site.yaml:{key}")
    for compound in catalog.compounds:
        for attr, key in COMPOUND_TEXT:
            add(getattr(compound, attr), f"compounds/{compound.slug}.yaml:{key}")
    for condition in sorted(catalog.conditions, key=lambda c: c.slug):
        for attr, key in CONDITION_TEXT:
            add(getattr(condition, attr), f"conditions/{condition.slug}.yaml:{key}")
    for review in sorted((v for v in catalog.reviews if v.source), key=lambda v: v.key):
        where = f"reviews/{review.key}.yaml"
        add(review.research_note, f"{where}:research_note")
        for reference in review.references:
            add(reference.title, f"{where}:references")
    return found


def translate_catalog(catalog: Catalog, translation: Translation) -> Catalog:
    """The catalog with every translatable string replaced, and the site's language set.

    A partial translation says so on the site (every page prints its mark); a draft
    translation makes every review a draft, so each page prints the DRAFT mark in its language.
    """
    tr = translation
    draft = translation.status.status == "draft" and not translation.is_source

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


# --- files ---------------------------------------------------------------------------------

def po_path(catalog: Catalog, language: str) -> Path:
    return catalog.root / "translations" / f"{language}.po"


def languages(catalog: Catalog) -> list[str]:
    """The languages translated into: site.yaml's, then any other with a PO file."""
    listed = list(catalog.site.languages[1:])
    folder = catalog.root / "translations"
    found = sorted(p.stem for p in folder.glob("*.po")) if folder.is_dir() else []
    return listed + [tag for tag in found if tag not in listed]


def _locale(catalog: Catalog, language: str) -> Locale:
    if language == catalog.site.language:
        raise SelectionError(f"{language} is the catalog's own language: it has no translation")
    try:
        return Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        raise SelectionError(f"{language!r} is not a language Babel (CLDR) knows") from None


def _catalog_file(catalog: Catalog, path: Path) -> bytes | None:
    """A file of the catalog's, read under the same rules as its YAML (files.py): no link out
    of the catalog, no FIFO or device, bounded; None when there is none."""
    tree = Tree(catalog.root, "the catalog")
    try:
        return tree.read(path) if tree.kind(path) is not None else None
    except Unsafe as error:
        raise CatalogError([Problem(path.as_posix(), 0, str(error))]) from None


def _read(catalog: Catalog, language: str) -> PoCatalog | None:
    path = po_path(catalog, language)
    data = _catalog_file(catalog, path)
    if data is None:
        return None
    try:
        return read_po(io.BytesIO(data), locale=_locale(catalog, language), abort_invalid=True)
    except PoFileError as error:
        message = str(error).removesuffix(f" on {error.lineno}")
        raise CatalogError([Problem(path.as_posix(), error.lineno + 1, f"PO syntax error: {message}")]) from None
    except UnicodeDecodeError as error:
        raise CatalogError([Problem(path.as_posix(), 1, f"not UTF-8 text ({error.reason})")]) from None


def load_status(catalog: Catalog, language: str) -> Status:
    """The language's status file, checked like any catalog file (``path:line`` problems)."""
    path = catalog.root / "translations" / f"{language}.yaml"
    data = _catalog_file(catalog, path)
    if data is None:
        return Status()
    problems: list[Problem] = []
    node = r.compose(data, path.as_posix(), problems)
    record = r.read_mapping(node, STATUS_FIELDS, path.as_posix(), problems) if node is not None else None
    if record and record.values.get("status") in ("reviewed", "approved"):
        for key in ("translator", "reviewed_on"):
            if key not in record.values:
                problems.append(Problem(record.path, record.line("status"),
                                        f"a {record.values['status']} translation needs '{key}'"))
    if problems:
        raise CatalogError(problems)
    return Status(**record.values)


# --- update ------------------------------------------------------------------------------

def update(catalog: Catalog, language: str) -> tuple[Path, bool]:
    """Create or refresh ``translations/<language>.po`` from the catalog; say if it changed.

    Running it twice gives the same bytes: the only date written is the catalog's edition_date.
    """
    locale = _locale(catalog, language)
    template = PoCatalog(fuzzy=False, creation_date=_edition(catalog))
    for text, where in source_strings(catalog).items():
        template.add(text, locations=[(w, None) for w in where]).flags.discard("python-format")
    po = _read(catalog, language)
    if po is None:
        po = PoCatalog(locale=locale, header_comment=HEADER.format(name=locale.english_name), fuzzy=False)
    for key in [k for k in po.obsolete if k in template and k not in po]:
        po[key] = po.obsolete.pop(key)  # a string back in the catalog keeps its old translation
    po.update(template)
    po.project, po.version = "catalog", str(catalog.site.edition_date or "undated")
    data = _po_bytes(po, dated=catalog.site.edition_date is not None)
    path = po_path(catalog, language)
    if path.exists() and path.read_bytes() == data:
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return path, True


def _edition(catalog: Catalog) -> dt.datetime | None:
    day = catalog.site.edition_date
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc) if day else None


def _po_bytes(po: PoCatalog, dated: bool) -> bytes:
    buffer = io.BytesIO()
    # No ``#| msgid`` (the old source of a fuzzy entry): Babel wraps it as prose, which no
    # PO reader (Babel included) can read back.
    write_po(buffer, po, width=76)
    lines = buffer.getvalue().splitlines(keepends=True)
    # Without an edition date there is no date to give, and the clock must not be one; the
    # Babel version that wrote a file is no part of it (a new Babel would rewrite every file).
    return b"".join(line for line in lines if not line.startswith(b'"Generated-By:')
                    and (dated or not line.startswith(b'"POT-Creation-Date:')))


# --- loading for the build ---------------------------------------------------------------

def load_translation(catalog: Catalog, language: str, allow_incomplete: bool = False) -> Translation:
    """The translator for ``language`` and its problems (untranslated or fuzzy strings).

    Raises ``CatalogError`` for an unreadable PO file or an invalid status file.
    """
    if language == catalog.site.language:
        return Translation(language, Status(status="approved"), {}, is_source=True)
    status = load_status(catalog, language)
    po = _read(catalog, language)
    path = po_path(catalog, language).as_posix()
    messages, problems = {}, []
    for text in source_strings(catalog):
        message = po.get(text) if po is not None else None
        if message is not None and message.string and not message.fuzzy:
            messages[text] = message.string
            continue
        kind = "fuzzy" if message is not None and message.string else "untranslated"
        shown = text if len(text) <= 60 else text[:60].rstrip() + "…"
        line = message.lineno if message is not None else 0
        problems.append(Problem(path, line, f'{kind}: "{shown}"'))
    if po is None:
        problems.insert(0, Problem(path, 0, f"no translation file (run: publisher translations update --language {language})"))
    return Translation(language, status, messages, tuple(problems), allow_incomplete)


def counts(catalog: Catalog, language: str) -> Counts:
    """How many of the catalog's strings are translated, fuzzy and missing in ``language``."""
    po = _read(catalog, language)
    translated = fuzzy = missing = 0
    for text in source_strings(catalog):
        message = po.get(text) if po is not None else None
        if message is None or not message.string:
            missing += 1
        elif message.fuzzy:
            fuzzy += 1
        else:
            translated += 1
    return Counts(translated, fuzzy, missing)


def release_problems(catalog: Catalog, translation: Translation) -> list[Problem]:
    """Why a language may not be released (``--release``): not approved, or not complete."""
    if translation.is_source:
        return []
    found = list(translation.problems)
    if translation.status.status != "approved":
        path = (catalog.root / "translations" / f"{translation.language}.yaml").as_posix()
        found.insert(0, Problem(path, 0, f"translation status is {translation.status.status}, not approved"))
    return found


def check_lines(catalog: Catalog) -> list[str]:
    """``publisher check``'s line per translated language, when site.yaml lists several."""
    if len(catalog.site.languages) < 2:
        return []
    lines = []
    for language in catalog.site.languages[1:]:
        found, status = counts(catalog, language), load_status(catalog, language)
        lines.append(f"translation {language}: {found.translated} translated, {found.fuzzy} fuzzy, "
                     f"{found.missing} missing ({status.status})")
    return lines
