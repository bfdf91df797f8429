"""The catalog's translation files: ``catalog/translations/<lang>.po`` and ``<lang>.yaml``.

The PO files are gettext's: translators open them in Poedit, Weblate or Crowdin. Their msgids
are the catalog's source strings and each ``#:`` comment names the file and field a string
comes from. Babel reads and merges them (new strings added, vanished ones obsolete, changed
ones fuzzy), as Sphinx and Django do; ``publisher translations update`` writes them. The
``.yaml`` beside each gives the translation's status, like a review's, so a draft translation
is marked and ``--release`` can refuse it. Both are read under the catalog's file rules; a PO
file gets every check its YAML gets (po_reader.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import NamedTuple

from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import write_po

from ..catalog import STATUSES, Catalog
from ..catalog import records as r
from ..errors import CatalogError, Problem
from ..folders import Folder
from ..paths import translated_languages
from .po_reader import catalog_file, catalog_po_path, po_locale, read_po_file
from .strings import is_plain_only, source_strings

STATUS_FIELDS = {
    "status": r.Field(r.choice(*STATUSES), required=True),
    "translator": r.Field(r.text),
    "reviewed_on": r.Field(r.date),
    "note": r.Field(r.text),
}

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


def languages(catalog: Catalog) -> list[str]:
    """The languages translated into: site.yaml's, then any other with a PO file."""
    listed = list(translated_languages(catalog.site))
    folder = catalog.root / "translations"
    found = sorted(p.stem for p in folder.glob("*.po")) if folder.is_dir() else []
    return listed + [tag for tag in found if tag not in listed]


def load_status(catalog: Catalog, language: str) -> Status:
    """The language's status file, checked like any catalog file (``path:line`` problems)."""
    path = catalog.root / "translations" / f"{language}.yaml"
    data = catalog_file(catalog, path)
    if data is None:
        return Status()
    problems: list[Problem] = []
    node = r.compose(data, path.as_posix(), problems)
    record = r.read_mapping(node, STATUS_FIELDS, path.as_posix(), problems) if node is not None else None
    if record and record.values.get("status") in ("reviewed", "approved"):
        for key in ("translator", "reviewed_on"):
            if key not in record.lines:  # present but wrong: its own problem says so
                problems.append(Problem(record.path, record.line("status"),
                                        f"a {record.values['status']} translation needs '{key}'"))
    if problems:
        raise CatalogError(problems)
    return Status(**record.values)


def update(catalog: Catalog, language: str) -> tuple[Path, bool]:
    """Create or refresh ``translations/<language>.po`` from the catalog; say if it changed.

    Running it twice gives the same bytes: the only date written is the catalog's edition_date.
    """
    locale = po_locale(catalog, language)
    template = PoCatalog(fuzzy=False, creation_date=_edition_day(catalog))
    for text, where in source_strings(catalog).items():
        template.add(text, locations=[(w, None) for w in where]).flags.discard("python-format")
    po = read_po_file(catalog, language)
    if po is None:
        po = PoCatalog(locale=locale, header_comment=HEADER.format(name=locale.english_name), fuzzy=False)
    for key in [k for k in po.obsolete if k in template and k not in po]:
        po[key] = po.obsolete.pop(key)  # a string back in the catalog keeps its old translation
    po.update(template)
    po.project, po.version = "catalog", str(catalog.site.edition_date or "undated")
    data = _po_bytes(po, dated=catalog.site.edition_date is not None)
    path = catalog_po_path(catalog, language)
    return path, Folder(catalog.root).write(path.relative_to(catalog.root).as_posix(), data)


def _edition_day(catalog: Catalog) -> dt.datetime | None:
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


def counts(catalog: Catalog, language: str) -> Counts:
    """How many of the catalog's strings are translated, fuzzy and missing in ``language`` (a
    plain version left untranslated is not missing: its standard text's translation stands in)."""
    po = read_po_file(catalog, language)
    translated = fuzzy = missing = 0
    for text, where in source_strings(catalog).items():
        message = po.get(text) if po is not None else None
        if message is None or not message.string:
            missing += not is_plain_only(where)
        elif message.fuzzy:
            fuzzy += 1
        else:
            translated += 1
    return Counts(translated, fuzzy, missing)


def check_lines(catalog: Catalog) -> list[str]:
    """``publisher check``'s line per translated language, when site.yaml lists several."""
    if len(catalog.site.languages) < 2:
        return []
    lines = []
    for language in translated_languages(catalog.site):
        found, status = counts(catalog, language), load_status(catalog, language)
        lines.append(f"translation {language}: {found.translated} translated, {found.fuzzy} fuzzy, "
                     f"{found.missing} missing ({status.status})")
    return lines
