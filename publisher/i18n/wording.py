"""The template wording in the reader's language: ``layouts/locale/<lang>/LC_MESSAGES/messages.po``,
and its plain-language wording beside it, ``plain.po`` (``--wording plain``).

The PO files are read with Babel and compiled in memory (no ``.mo`` is committed, so the PO a
translator edits is the only copy). English is the templates' own text (NullTranslations).
A plain wording maps the same message ids (the templates' English) to plainer words in its
language (``layouts/locale/en/LC_MESSAGES/plain.po`` for English); a message it lacks falls
back to the standard wording. A plain PO whose header is marked fuzzy is a draft: every page
built with it says DRAFT and ``--release`` refuses it.
Script-specific typography (faces, direction) is keyed by language here too.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from ..resources import FONTS, LAYOUTS, SCRIPT_FONTS

LOCALE_DIR = LAYOUTS / "locale"


def wording_po_path(language: str, plain: bool = False) -> Path:
    """``zh-Hans`` -> ``layouts/locale/zh_Hans/LC_MESSAGES/messages.po`` (gettext's folder names);
    ``plain.po`` for the plain wording."""
    name = "plain.po" if plain else "messages.po"
    return LOCALE_DIR / str(Locale.parse(language, sep="-")) / "LC_MESSAGES" / name


@lru_cache(maxsize=None)
def template_translations(language: str, plain: bool = False) -> gettext.NullTranslations:
    """The compiled wording of ``language`` (the templates' English when it has no PO file);
    with ``plain``, its plain wording, falling back to the standard one message by message."""
    standard = _compiled(wording_po_path(language), language) or gettext.NullTranslations()
    found = _compiled(wording_po_path(language, plain=True), language) if plain else None
    if found is None:
        return standard
    found.add_fallback(standard)
    return found


def has_plain_wording(language: str) -> bool:
    return wording_po_path(language, plain=True).is_file()


@lru_cache(maxsize=None)
def plain_wording_is_draft(language: str) -> bool:
    """Is ``language``'s plain wording a draft (its PO header marked fuzzy)?"""
    path = wording_po_path(language, plain=True)
    if not path.is_file():
        return False
    with path.open("rb") as f:
        return read_po(f, locale=str(Locale.parse(language, sep="-"))).fuzzy


def _compiled(path: Path, language: str) -> Translations | None:
    if not path.is_file():
        return None
    with path.open("rb") as f:
        catalog = read_po(f, locale=str(Locale.parse(language, sep="-")))
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return Translations(mo)


def wording_language(language: str) -> str:
    """The language a page's fixed wording is in: its own when it has a PO file, else the
    templates' English (a date, a plural form follow the sentence they are in)."""
    return language if wording_po_path(language).is_file() else "en"


@lru_cache(maxsize=None)
def plural_categories(language: str) -> tuple[tuple[str, int], ...]:
    """Each CLDR plural category of the page's wording (``one``, ``few``, ``other``…) with the
    smallest count in it, smallest first: a page renders each category's form through gettext
    with that count, and its script picks one by the rule (``plural_rule``). A language whose
    PO file's ``Plural-Forms`` agree with CLDR gets the same form either way."""
    rule = Locale.parse(wording_language(language), sep="-").plural_form
    found: dict[str, int] = {}
    for count in (*range(1000), *(10 ** k for k in range(3, 10))):  # es and fr: "many" from a million
        found.setdefault(rule(count), count)
    return tuple(sorted(found.items(), key=lambda item: item[1]))


@lru_cache(maxsize=None)
def plural_rule(language: str) -> tuple:
    """The CLDR plural rule of the page's wording as Babel parses it (``PluralRule.abstract``:
    ``[category, condition]`` pairs, ``other`` when none holds), as data for a script: no code
    to evaluate."""
    return tuple(Locale.parse(wording_language(language), sep="-").plural_form.abstract)


def autonym(language: str) -> str:
    """The language's own name for itself (Babel's CLDR data): ``español``, ``中文 (简体)``."""
    locale = Locale.parse(language, sep="-")
    return locale.get_display_name(locale)


def is_rtl(language: str) -> bool:
    return Locale.parse(language, sep="-").character_order == "right-to-left"


def script_of(language: str) -> str | None:
    """``zh-Hans`` -> ``zh``: the key of the faces the language needs, if any."""
    key = Locale.parse(language, sep="-").language
    return key if key in SCRIPT_FONTS else None


def script_fonts(language: str) -> tuple[str, ...]:
    return SCRIPT_FONTS.get(script_of(language), ())


def fingerprint_parts(language: str, plain: bool = False) -> tuple[bytes, ...]:
    """What a language's pages are made from besides templates and styles: its PO files (the
    plain one too for a plain build) and its script's faces (nothing for the templates' own
    English in the standard wording, so its fingerprints stay as they were)."""
    po = (wording_po_path(language), *([wording_po_path(language, plain=True)] if plain else []))
    paths = [p for p in po if p.is_file()] + [FONTS / f for f in script_fonts(language)]
    return tuple(part for p in paths for part in (p.name.encode(), p.read_bytes()))


def long_date(value: dt.date, language: str = "en") -> str:
    """``2026-01-05`` -> ``January 5, 2026`` in English (unambiguous for patients anywhere), and
    CLDR's long form in any other language (``5 de enero de 2026``)."""
    if Locale.parse(language, sep="-").language == "en":
        return f"{value:%B} {value.day}, {value.year}"
    return format_date(value, "long", locale=Locale.parse(language, sep="-"))
