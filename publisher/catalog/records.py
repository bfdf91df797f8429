"""Reading one catalog YAML file into checked fields, with a line number for every problem.

PyYAML's composer keeps each node's position, so we validate the node tree directly
instead of the plain dict ``yaml.safe_load`` would give: that is what lets every
message say ``file:line``. Each record kind declares its fields once, as a table.
Messages quote a value only as a short escaped excerpt (``excerpt``): catalogs come from
strangers, and one error line must stay one readable line.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml
from babel import Locale, UnknownLocaleError
from babel.core import get_global, parse_locale

from . import glyphs
from ..errors import Problem

MAX_CHARS = {
    "short": 200,   # names, classes, specialists, reviewer, publisher, brand fields
    "title": 500,   # a reference's title (journal titles run long)
    "long": 2000,   # safety_profile, regulatory_status, evidence_level, mechanism, disclaimer
    "url": 2000,    # every web address, online_url included
    "note": 4000,   # a review's research_note
}
"""Most characters (after runs of white space become one space) a text field may hold, by kind:
enough for any real entry, small enough that no single field can make a layout run unbounded."""
SLUG_MAX = 40  # keeps output file names (<compound>--<condition>--large-print.pdf) within 100
MAX_DEPTH = 20  # YAML nesting; the catalog needs 4
EXCERPT_CHARS = 80
DATES = (dt.date(1980, 1, 1), dt.date(2107, 12, 31))
"""The first and last day a catalog date may be: a zip entry's time (zip files and EPUBs) holds
no year before 1980 or after 2107."""

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RULE = "use lowercase a-z, 0-9 and single '-' between words only"

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"  # a code written without quotes (rxnorm: 7243)
_MERGE = "tag:yaml.org,2002:merge"
_KINDS = {_STR: "text", _NULL: "empty", "tag:yaml.org,2002:int": "a number",
          "tag:yaml.org,2002:float": "a number", "tag:yaml.org,2002:bool": "true/false",
          "tag:yaml.org,2002:timestamp": "a date", "tag:yaml.org,2002:binary": "binary data"}
# Control characters, lone surrogates, and the bidirectional embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069): with those, "efasnu" in the file is "unsafe" on the page, so
# what a reviewer reads in the source is not what the patient reads.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_URL_BAD = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")  # not RFC 3986
_HOLES = ("{compound}", "{condition}", "{language}")  # where url_pattern's values go
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_constructor = yaml.constructor.SafeConstructor()


def printable(value: str) -> str:
    """``value`` with control characters, surrogates and the like escaped as ``repr`` does."""
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)


def excerpt(value: str, most: int = EXCERPT_CHARS) -> str:
    """At most ``most`` characters of ``value``, escaped, saying how long it was if cut."""
    shown = printable(value[:most])
    if len(value) <= most and len(shown) <= most:
        return shown
    return f"{shown[:most]}... ({len(value):,} characters)"


def quote(value: str) -> str:
    return f"'{excerpt(value)}'"


def _scalar(node: yaml.Node) -> Any:
    """YAML's own reading of a scalar; None where it has none (2025-13-01, !!bool maybe, !custom)."""
    construct = _constructor.yaml_constructors.get(node.tag) if node.tag in _KINDS else None
    try:
        return construct(_constructor, node) if construct else None
    except (ValueError, KeyError, AttributeError, TypeError, yaml.YAMLError):
        return None


class Invalid(Exception):
    """A field's value is wrong; raised by a field reader with the node's line."""

    def __init__(self, message: str, node: yaml.Node | None = None):
        super().__init__(message)
        self.line = node.start_mark.line + 1 if node is not None else None


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


# --- field readers: node -> python value, or raise Invalid -----------------------

def scalar(value: str, where: str, line: int = 1) -> yaml.ScalarNode:
    """``value`` as YAML would give a string read at ``where:line``: text from outside a YAML
    file (a PO msgstr, a command-line option) then goes through the same readers."""
    return yaml.ScalarNode(_STR, value, start_mark=yaml.Mark(where, 0, line - 1, 0, None, None))


def text(node: yaml.Node, kind: str = "short") -> str:
    """Text with its white space runs made single spaces, checked for what no page can show."""
    if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
        raise Invalid(f"must be text, not {_describe(node)}", node)
    bad = _FORBIDDEN.search(node.value)
    if bad:
        char = bad.group()
        what = ("a lone surrogate" if "\ud800" <= char <= "\udfff" else
                "a bidirectional control character" if _BIDI.match(char) else "a control character")
        raise Invalid(f"has {what} ({_code(char)}), which text may not contain", node)
    value = " ".join(node.value.split())
    if not value:
        raise Invalid("must not be empty", node)
    if len(value) > MAX_CHARS[kind]:
        raise Invalid(f"is {len(value):,} characters long; at most {MAX_CHARS[kind]:,} are allowed", node)
    missing = glyphs.undrawable(value)
    if missing:
        shown = " ".join(map(_code, missing[:8])) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise Invalid(f"has characters the handout fonts cannot draw: {shown}", node)
    return value


def text_of(kind: str) -> Callable[[yaml.Node], str]:
    """A text reader with the length limit of ``kind`` (see ``MAX_CHARS``)."""
    return lambda node: text(node, kind)


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def slug_problem(value: str, what: str = "slug") -> str | None:
    """Why ``value`` is not a slug, or None if it is one."""
    if len(value) > SLUG_MAX:
        return f"{quote(value)} is too long for a {what} ({len(value):,} characters; at most {SLUG_MAX})"
    if not SLUG_RE.match(value):
        return f"{quote(value)} is not a valid {what}: {SLUG_RULE}"
    return None


def slug(node: yaml.Node) -> str:
    value = text(node)
    problem = slug_problem(value)
    if problem:
        raise Invalid(problem, node)
    return value


def slug_list(node: yaml.Node) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        raise Invalid(f"must be a list of slugs, not {_describe(node)}", node)
    return tuple(slug(item) for item in node.value)


def digits(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode) and re.fullmatch(r"[0-9]{1,12}", node.value.strip()):
        return node.value.strip()
    raise Invalid("must be a PubMed ID (digits only)", node)


def codes_of(system) -> Callable[[yaml.Node], tuple[str, ...]]:
    """A reader of one code system's codes (``codes.py``): a code, or a list of codes."""

    def read(node: yaml.Node) -> tuple[str, ...]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        found = []
        for item in items:
            if not isinstance(item, yaml.ScalarNode) or item.tag not in (_STR, _INT):
                raise Invalid(f"must be {system.rule}, or a list of them, not {_describe(item)}", item)
            code = item.value.strip()
            if not system.valid(code):
                raise Invalid(f"{quote(code)} is not {system.rule}", item)
            if code in found:
                raise Invalid(f"lists {quote(code)} twice", item)
            found.append(code)
        if not found:
            raise Invalid(f"must be {system.rule}, or a list of them, not an empty list", node)
        return tuple(found)

    return read


def node(value: yaml.Node) -> yaml.Node:
    """Keep the node as it is, for fields whose items are checked one by one."""
    return value


def date(node: yaml.Node) -> dt.date:
    """An ISO date within ``DATES``: any catalog date may become the entry time of a zip or
    EPUB file, whose format holds no other."""
    value = _date(node)
    if not DATES[0] <= value <= DATES[1]:
        raise Invalid(f"must be between {DATES[0]} and {DATES[1]} (the dates a zip file can hold), "
                      f"not {value}", node)
    return value


def _date(node: yaml.Node) -> dt.date:
    if isinstance(node, yaml.ScalarNode):
        value = _scalar(node)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if node.tag in (_STR, "tag:yaml.org,2002:timestamp"):
            try:
                return dt.date.fromisoformat(node.value.strip())
            except ValueError:
                pass
    raise Invalid("must be an ISO date such as 2026-01-31", node)


def boolean(node: yaml.Node) -> bool:
    if isinstance(node, yaml.ScalarNode):
        value = _scalar(node)
        if isinstance(value, bool):
            return value
    raise Invalid("must be true or false", node)


def url(node: yaml.Node) -> str:
    return _web_address(node)


def _web_address(node: yaml.Node, template: bool = False) -> str:
    """An http(s) address made only of what RFC 3986 allows (unreserved and reserved
    characters, ``%XX``), with no user name before its host: it goes as it is into sitemap
    ``<loc>``s, OPDS ids, PDF links and QR codes. A ``template`` (``url_pattern``) may also
    hold the placeholders ``_HOLES``."""
    value = text(node, "url")
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value):
        raise Invalid(f"{quote(value)} is not a web address starting with https:// or http://", node)
    if template:
        holes = re.findall(r"\{[^}]*\}|[{}]", value)
        if not {"{compound}", "{condition}"} & set(holes) or any(h not in _HOLES for h in holes):
            raise Invalid(f"{quote(value)} must contain {{compound}} and/or {{condition}}, may contain "
                          "{language}, and no other braces", node)
    bad = _URL_BAD.search(re.sub("|".join(map(re.escape, _HOLES)), "", value) if template else value)
    if bad and bad.group() == "%":
        raise Invalid("has a '%' not followed by two hexadecimal digits (write a % sign as %25)", node)
    if bad:
        raise Invalid(f"has a character a web address may not hold ({_code(bad.group())}); "
                      "write it percent-encoded (%XX)", node)
    if "@" in re.split(r"[/?#]", value.split("://", 1)[1], maxsplit=1)[0]:
        raise Invalid("names a user before its host (user@host), which a published address may not", node)
    return value


def grade(node: yaml.Node) -> float:
    """A school grade such as 8 or 6.5."""
    value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 20:
        raise Invalid("must be a school grade between 1 and 20, such as 8", node)
    return float(value)


def url_pattern(node: yaml.Node) -> str:
    """A web address with ``{compound}`` and/or ``{condition}`` where the slugs go, and
    optionally ``{language}``, the build language's BCP 47 tag."""
    return _web_address(node, template=True)


def choice(*options: str) -> Callable[[yaml.Node], str]:
    def read(node: yaml.Node) -> str:
        value = text(node)
        if value not in options:
            raise Invalid(f"must be one of {', '.join(options)}, not {quote(value)}", node)
        return value
    return read


def language(node: yaml.Node) -> str:
    """A BCP 47 tag Babel (CLDR) knows, spelt the one standard way (``standard_tag``): the tag
    names an edition's folder and its hreflang, so ``EN`` beside ``en``, or ``iw`` beside
    ``he``, would be a second edition of the same language (and on a case-insensitive disk,
    two editions in one folder)."""
    value = text(node)
    problem = tag_problem(value)
    if problem:
        raise Invalid(problem, node)
    return value


def tag_problem(value: str) -> str | None:
    """What is wrong with ``value`` as a language tag (``language``'s rule), or None."""
    if not re.match(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$", value):
        return f"{quote(value)} is not a language tag such as en or en-US"
    try:
        Locale.parse(value, sep="-")
        standard = standard_tag(value)
    except (ValueError, UnknownLocaleError):
        return f"{quote(value)} is not a language Babel (CLDR) knows"
    if value != standard:
        return f"{quote(value)} is not the standard spelling of this language tag: write '{standard}'"
    return None


def standard_tag(tag: str) -> str:
    """``tag`` as BCP 47 spells it: language in lower case, script in title case, region in
    upper case, variants in lower case, and CLDR's replacement for a deprecated code
    (``iw`` -> ``he``, ``eng`` -> ``en``, region ``UK`` -> ``GB``)."""
    language, region, script, variant = parse_locale(tag, sep="-")[:4]
    alias = get_global("language_aliases").get(language)
    if alias:  # the replacement may bring a script or a region of its own (sh -> sr_Latn)
        language, alias_region, alias_script, _ = parse_locale(alias)[:4]
        region, script = region or alias_region, script or alias_script
    script = get_global("script_aliases").get(script, script)
    regions = get_global("territory_aliases").get(region, [region])
    region = regions[0] if len(regions) == 1 else region  # a split region (CS) has no one replacement
    return "-".join(part for part in (language, script, region, variant and variant.lower()) if part)


def _describe(node: yaml.Node, show: bool = True) -> str:
    """What a node holds, for "must be X, not ...": with an excerpt of its value if ``show``."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kind = _KINDS.get(node.tag) or f"a value tagged {quote(node.tag)}"
    return f"{kind} ({excerpt(node.value)})" if show and node.value and node.tag != _NULL else kind


# --- records ---------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    read: Callable[[yaml.Node], Any]
    required: bool = False


@dataclass
class Record:
    """A validated mapping: the values read and the line each key stood on."""

    path: str
    values: dict[str, Any]
    lines: dict[str, int]
    nodes: dict[str, yaml.Node] = field(default_factory=dict)

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def read_mapping(node: yaml.Node, fields: dict[str, Field], path: str,
                 problems: list[Problem], what: str = "file") -> Record:
    """Check ``node`` against ``fields``; append every problem, return what was valid."""
    record = Record(path, {}, {})
    suggested: set[str] = set()
    if not isinstance(node, yaml.MappingNode):
        # Never the value itself: the "file" may be /etc/passwd named as a brand file.
        problems.append(Problem(path, line_of(node), f"{what} must be a mapping of fields, not {_describe(node, False)}"))
        return record
    for key_node, value_node in node.value:
        key_line = line_of(key_node)
        if key_node.tag == _MERGE:
            problems.append(Problem(path, key_line, "merge keys (<<) are not allowed"))
            continue
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
            problems.append(Problem(path, key_line, "field names must be plain words"))
            continue
        key = key_node.value
        if key in record.lines:
            problems.append(Problem(path, key_line, f"field {quote(key)} is given twice (first on line {record.lines[key]})"))
            continue
        record.lines[key] = key_line
        record.nodes[key] = value_node
        spec = fields.get(key)
        if spec is None:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; known fields: {', '.join(fields)}"
            problems.append(Problem(path, key_line, f"unknown field {quote(key)}{hint}"))
            suggested.update(close)
            continue
        try:
            record.values[key] = spec.read(value_node)
        except Invalid as error:
            problems.append(Problem(path, error.line or key_line, f"field '{key}' {error}"))
    for key, spec in fields.items():
        # A misspelt required field is reported once, as the unknown field with its suggestion.
        if spec.required and key not in record.lines and key not in suggested:
            problems.append(Problem(path, line_of(node), f"{what} is missing the required field '{key}'"))
    return record


class _Refused(yaml.MarkedYAMLError):
    """YAML this project does not accept, though it is valid YAML."""


class _Refusing(yaml.composer.Composer):
    """PyYAML's composer, refusing anchors and aliases (no alias bombs, no merge keys sharing
    values) and nesting deeper than ``MAX_DEPTH`` before it can exhaust the stack."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(None, None, "anchors and aliases (& and *) are not allowed", event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise _Refused(None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_Refusing, yaml.SafeLoader):
    """All in Python: slow, but its messages are the ones we report."""


if yaml.__with_libyaml__:
    class _FastLoader(_Refusing, yaml.cyaml.CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's scanner and parser (nine times faster: most of a large catalog's loading
        time) feeding the same refusing composer, which stays in Python so that its depth
        check runs before any recursion."""

        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            yaml.composer.Composer.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = _Loader


def compose(data: bytes, shown: str, problems: list[Problem]) -> yaml.Node | None:
    """Parse one YAML file's bytes into a node tree, or record why they cannot be read."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(shown, data.count(b"\n", 0, error.start) + 1, f"not UTF-8 text ({error.reason})"))
        return None
    try:
        try:
            node = yaml.compose(source, Loader=_FastLoader)
        except yaml.YAMLError:  # read again in Python, whose messages and positions we report
            node = yaml.compose(source, Loader=_Loader)
    except yaml.reader.ReaderError as error:  # a raw control character: say where, not its offset
        line = len(_YAML_BREAK.findall(source, 0, error.position)) + 1
        problems.append(Problem(shown, line, f"character {_code(chr(error.character))} is not allowed in a YAML file"))
        return None
    except yaml.MarkedYAMLError as error:
        # Point at where the broken construct began (an unclosed quote), not where YAML gave up.
        mark = error.context_mark or error.problem_mark
        line = mark.line + 1 if mark else 1
        detail = ", ".join(part for part in (error.context, error.problem) if part) or "unreadable"
        prefix = "" if isinstance(error, _Refused) else "YAML syntax error: "
        problems.append(Problem(shown, line, prefix + excerpt(detail, 200)))
        return None
    if node is None:
        problems.append(Problem(shown, 1, "file is empty: expected a mapping of fields"))
    return node
