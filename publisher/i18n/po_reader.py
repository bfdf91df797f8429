"""Reading a catalog's PO file as untrusted input, with every check its YAML gets.

Babel parses gettext files leniently: an unclosed string loses its last character, a plural
entry becomes a tuple, a bad header value is a traceback. A catalog may come from a stranger,
so the file's bytes come under the catalog's file rules (files.py), must be UTF-8 with LF or
CRLF line ends, and Babel reads them with the checks it lacks (``_Parser``); then each msgstr
is read by the reader of the YAML field it replaces (control characters, bidi controls,
white space, length, glyphs). Every problem is a ``path:line`` one, and no message quotes
the file.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from email import message_from_string
from itertools import islice
from pathlib import Path
from typing import Callable, NamedTuple

import yaml
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import PoFileError, PoFileParser

from ..catalog import Catalog, glyphs, load
from ..catalog import records as r
from ..catalog.files import Tree, Unsafe
from ..errors import CatalogError, Problem, SelectionError
from ..paths import is_source
from .strings import source_strings
from .wording import script_of


def catalog_po_path(catalog: Catalog, language: str) -> Path:
    """``translations/<language>.po`` in the catalog (the template wording's is ``wording_po_path``)."""
    return catalog.root / "translations" / f"{language}.po"


def po_locale(catalog: Catalog, language: str) -> Locale:
    if is_source(catalog.site, language):
        raise SelectionError(f"{language} is the catalog's own language: it has no translation")
    try:
        return Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        raise SelectionError(f"{language!r} is not a language Babel (CLDR) knows") from None


def catalog_file(catalog: Catalog, path: Path) -> bytes | None:
    """A file of the catalog's, read under the same rules as its YAML (files.py): no link out
    of the catalog, no FIFO or device, bounded; None when there is none."""
    tree = Tree(catalog.root, "the catalog")
    try:
        return tree.read(path) if tree.kind(path) is not None else None
    except Unsafe as error:
        raise CatalogError([Problem(path.as_posix(), 0, str(error))]) from None


class PoFile(NamedTuple):
    """A language's PO file, read and checked: Babel's catalog of it, and the msgstr of every
    catalog string it translates (not fuzzy) as the YAML field it replaces would read it."""

    po: PoCatalog
    texts: dict[str, str]


def read_po_file(catalog: Catalog, language: str) -> PoCatalog | None:
    """The language's PO file as Babel reads it, once ``read_translation_file`` found nothing wrong."""
    found = read_translation_file(catalog, language)
    return found.po if found else None


def read_translation_file(catalog: Catalog, language: str) -> PoFile | None:
    """The language's PO file, or None if it has none; ``CatalogError`` lists every problem.

    The file's bytes come under the catalog's file rules (no link out, at most 1 MB), then
    must be UTF-8 (a BOM allowed, as in YAML) with LF or CRLF line ends; Babel then reads
    them with the checks it lacks (``_Parser``), and every msgstr given for a catalog string
    is read as the YAML field it replaces (``_read_texts``).
    """
    path = catalog_po_path(catalog, language)
    shown = path.as_posix()
    data = catalog_file(catalog, path)
    if data is None:
        return None
    locale = po_locale(catalog, language)
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CatalogError([Problem(shown, line, f"not UTF-8 text ({error.reason})")]) from None
    lone_cr = re.search(r"\r(?!\n)", source)
    if lone_cr:
        line = source.count("\n", 0, lone_cr.start()) + 1
        raise CatalogError([Problem(shown, line, "a line ends with CR alone: PO files end lines with LF or CRLF")])
    parser = _Parser(PoCatalog(locale=locale), shown, source.split("\n"))
    try:
        parser.parse(parser.lines)
    except PoFileError as error:
        message = re.sub(" for msgid .*", "", str(error).removesuffix(f" on {error.lineno}"), flags=re.S)
        raise CatalogError([Problem(shown, error.lineno + 1, f"PO syntax error: {r.excerpt(message, 200)}")]) from None
    if parser.problems:
        raise CatalogError(parser.problems)
    texts, problems = _read_texts(catalog, language, parser)
    if problems:
        raise CatalogError(problems)
    return PoFile(parser.catalog, texts)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')  # a PO string: in double quotes, \" for a quote inside
_KEYWORDS = re.compile(r"msgid|msgid_plural|msgctxt|msgstr(?:\[[0-9]+\])?")
_HEADER_FORMS = {  # the header fields Babel interprets: their names and a value as it expects them
    "language": ("Language", "es"),
    "plural-forms": ("Plural-Forms", "nplurals=2; plural=(n != 1);"),
    "pot-creation-date": ("POT-Creation-Date", "2026-11-01 00:00+0000"),
    "po-revision-date": ("PO-Revision-Date", "2026-11-01 00:00+0000"),
}


class _Parser(PoFileParser):
    """Babel's PO parser with the checks it lacks, each a ``path:line`` problem.

    Babel drops a string's first and last characters whatever they are (``msgstr "abc`` reads
    as ``ab``), gives a plural entry's translation as a tuple (after making a list of
    ``nplurals`` strings), and raises plain Python errors (``int()``, ``strptime``) on header
    values. Here a string must be quoted (a syntax error otherwise); plural and msgctxt
    entries are refused, since catalog text has neither; each header field is read on its own,
    so that a bad one is named at its line; and the charset must be UTF-8, the only encoding
    the file is read in. Each entry's msgstr line is kept, for the problems of its text.
    """

    def __init__(self, catalog: PoCatalog, shown: str, lines: list[str]):
        super().__init__(catalog, abort_invalid=True)
        self.shown, self.lines = shown, lines
        self.problems: list[Problem] = []
        self.msgstr_lines: dict[int, int] = {}  # an entry's msgid line -> its msgstr line
        self._msgstr_line = 0

    def _process_keyword_line(self, lineno, line, obsolete=False) -> None:
        keyword, _, arg = line.partition(" ")
        if keyword.startswith("msg"):
            if not _KEYWORDS.fullmatch(keyword):
                self._invalid_pofile(line, lineno, "Unknown or misformatted keyword")
            self._check_string(arg.strip(), lineno)
        if keyword.startswith("msgstr"):
            self._msgstr_line = lineno + 1
        super()._process_keyword_line(lineno, line, obsolete)

    def _process_string_continuation_line(self, line, lineno) -> None:
        self._check_string(line, lineno)
        super()._process_string_continuation_line(line, lineno)

    def _check_string(self, string: str, lineno: int) -> None:
        if _STRING.fullmatch(string):
            return
        if not string.startswith('"'):
            problem = "expected a string in double quotes"
        elif _STRING.match(string):
            problem = 'a double quote inside a string must be written \\"'
        else:
            problem = "string not closed with a double quote"
        self._invalid_pofile(string, lineno, problem)

    def _add_message(self) -> None:
        line = self.offset + 1
        if len(self.messages) > 1 or self.context is not None:
            what = "a plural entry (msgid_plural)" if len(self.messages) > 1 else "an entry with a msgctxt"
            self.problems.append(Problem(self.shown, line, f"{what} cannot translate catalog text: "
                                                          "give one msgid and one msgstr"))
            self._reset_message_state()
            return
        if self.messages[0].denormalize() or self.obsolete or self._header_readable():
            self.msgstr_lines[line] = self._msgstr_line
            super()._add_message()
        else:
            self._reset_message_state()

    def _header_readable(self) -> bool:
        """Read each field of the header (``msgid ""``) as Babel will, recording a problem at
        the field's line for each one it cannot read and for a charset other than UTF-8 (once
        per field name); whether Babel can read the whole header."""
        header = self.translations[0][1].denormalize() if self.translations else ""
        probe, unreadable, reported, seen = PoCatalog(), set(), set(), Counter()
        for name, value in message_from_string(header).items():
            key = name.lower()
            seen[key] += 1
            try:
                probe.mime_headers = [(name, value)]
            except ValueError:
                unreadable.add(key)
                known, form = _HEADER_FORMS.get(key, (r.quote(name), None))
                problem = f"header {known} cannot be read" + (f"; expected a value such as {form}" if form else "")
            else:
                if key != "content-type" or _codec_name(probe.charset) == "utf-8":
                    continue
                problem = (f"header Content-Type declares charset {r.quote(probe.charset)}; "
                           "translation files are UTF-8 (charset=UTF-8)")
            if key not in reported:
                reported.add(key)
                self.problems.append(Problem(self.shown, self._field_line(name, seen[key]), problem))
        return not unreadable

    def _field_line(self, name: str, nth: int) -> int:
        """The line of the header's ``nth`` field called ``name``: the ``nth`` string after the
        header's msgid that starts with that name (the header's msgid line if there is none)."""
        start = re.compile(rf'"\s*{re.escape(name)}\s*:', re.IGNORECASE)
        found = (n for n in range(self.offset + 1, len(self.lines)) if start.match(self.lines[n].strip()))
        return next(islice(found, nth - 1, None), self.offset) + 1


def _codec_name(charset: str) -> str | None:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def _read_texts(catalog: Catalog, language: str, parser: _Parser) -> tuple[dict[str, str], list[Problem]]:
    """Every translated (not fuzzy) catalog string's msgstr, read by the reader of each YAML
    field it stands for (``load.py``'s tables): a problem, at the msgstr's line, where one
    of them refuses it. Never the text itself in a message, as for YAML."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for text, places in source_strings(catalog).items():
        message = parser.catalog.get(text)
        if message is None or not message.string or message.fuzzy:
            continue
        line = parser.msgstr_lines.get(message.lineno) or message.lineno
        node = r.scalar(message.string, parser.shown, line)
        try:
            with glyphs.in_script(script_of(language)):  # drawn by the language's own faces too
                for where in places:
                    value = _field_reader(where)(node)
        except r.Invalid as error:
            file, _, key = where.rpartition(":")
            problems.append(Problem(parser.shown, line, f"translation of field '{key}' in {file} {error}"))
            continue
        texts[text] = value
    return texts, problems


def _field_reader(where: str) -> Callable[[yaml.Node], str]:
    """The reader of the YAML field a source string comes from (``compounds/ldn.yaml:name``,
    as ``strings.source_strings`` names it)."""
    file, _, key = where.rpartition(":")
    key = key.removeprefix("plain.")  # a plain version has its field's reader
    if file == "site.yaml":
        return load.SITE_FIELDS[key].read
    folder = file.partition("/")[0]
    if folder == "reviews" and key == "references":
        return load.REFERENCE_FIELDS["title"].read
    return {"compounds": load.COMPOUND_FIELDS, "conditions": load.CONDITION_FIELDS,
            "reviews": load.REVIEW_FIELDS}[folder][key].read
