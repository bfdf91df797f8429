"""Reading one catalog YAML file into checked fields, with a line number for every problem.

PyYAML's composer keeps each node's position, so we validate the node tree directly
instead of the plain dict ``yaml.safe_load`` would give: that is what lets every
message say ``file:line``. Each record kind declares its fields once, as a table.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import Problem

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RULE = "use lowercase a-z, 0-9 and single '-' between words only"

_STR = "tag:yaml.org,2002:str"
_constructor = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.Node) -> Any:
    """YAML's own reading of a scalar; its raw text where YAML cannot read it (2025-13-01)."""
    try:
        return _constructor.construct_object(node)
    except (ValueError, yaml.YAMLError):
        return node.value


class Invalid(Exception):
    """A field's value is wrong; raised by a field reader with the node's line."""

    def __init__(self, message: str, node: yaml.Node | None = None):
        super().__init__(message)
        self.line = node.start_mark.line + 1 if node is not None else None


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


# --- field readers: node -> python value, or raise Invalid -----------------------

def text(node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
        raise Invalid(f"must be text, not {_describe(node)}", node)
    value = " ".join(node.value.split())
    if not value:
        raise Invalid("must not be empty", node)
    return value


def slug(node: yaml.Node) -> str:
    value = text(node)
    if not SLUG_RE.match(value):
        raise Invalid(f"{value!r} is not a valid slug: {SLUG_RULE}", node)
    return value


def slug_list(node: yaml.Node) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        raise Invalid(f"must be a list of slugs, not {_describe(node)}", node)
    return tuple(slug(item) for item in node.value)


def digits(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode) and re.fullmatch(r"\d+", node.value.strip()):
        return node.value.strip()
    raise Invalid("must be a PubMed ID (digits only)", node)


def node(value: yaml.Node) -> yaml.Node:
    """Keep the node as it is, for fields whose items are checked one by one."""
    return value


def date(node: yaml.Node) -> dt.date:
    if isinstance(node, yaml.ScalarNode):
        value = _scalar(node)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
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
    value = text(node)
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value):
        raise Invalid(f"{value!r} is not a web address starting with https:// or http://", node)
    return value


def grade(node: yaml.Node) -> float:
    """A school grade such as 8 or 6.5."""
    value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 20:
        raise Invalid("must be a school grade between 1 and 20, such as 8", node)
    return float(value)


def url_pattern(node: yaml.Node) -> str:
    """A web address with ``{compound}`` and/or ``{condition}`` where the slugs go."""
    value = url(node)
    holes = re.findall(r"\{[^}]*\}|[{}]", value)
    if not holes or any(h not in ("{compound}", "{condition}") for h in holes):
        raise Invalid(f"{value!r} must contain {{compound}} and/or {{condition}} and no other braces", node)
    return value


def choice(*options: str) -> Callable[[yaml.Node], str]:
    def read(node: yaml.Node) -> str:
        value = text(node)
        if value not in options:
            raise Invalid(f"must be one of {', '.join(options)}, not {value!r}", node)
        return value
    return read


def language(node: yaml.Node) -> str:
    value = text(node)
    if not re.match(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$", value):
        raise Invalid(f"{value!r} is not a language tag such as en or en-US", node)
    return value


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    value = _scalar(node)
    if value is None:
        return "empty"
    kind = _KIND_NAMES.get(type(value), type(value).__name__)
    return f"{kind} ({node.value})"


_KIND_NAMES = {int: "a number", float: "a number", bool: "true/false",
               dt.date: "a date", dt.datetime: "a date and time"}


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
        problems.append(Problem(path, line_of(node), f"{what} must be a mapping of fields, not {_describe(node)}"))
        return record
    for key_node, value_node in node.value:
        key_line = line_of(key_node)
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str) or key_node.tag != _STR:
            problems.append(Problem(path, key_line, "field names must be plain words"))
            continue
        if key in record.lines:
            problems.append(Problem(path, key_line, f"field '{key}' is given twice (first on line {record.lines[key]})"))
            continue
        record.lines[key] = key_line
        record.nodes[key] = value_node
        spec = fields.get(key)
        if spec is None:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; known fields: {', '.join(fields)}"
            problems.append(Problem(path, key_line, f"unknown field '{key}'{hint}"))
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


def compose(path: Path, shown: str, problems: list[Problem]) -> yaml.Node | None:
    """Parse one YAML file into a node tree, or record why it cannot be read."""
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(shown, 1, f"not UTF-8 text ({error.reason})"))
        return None
    except OSError as error:
        problems.append(Problem(shown, 1, f"cannot read: {error.strerror}"))
        return None
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        # Point at where the broken construct began (an unclosed quote), not where YAML gave up.
        mark = error.context_mark or error.problem_mark
        line = mark.line + 1 if mark else 1
        detail = ", ".join(part for part in (error.context, error.problem) if part) or "unreadable"
        problems.append(Problem(shown, line, f"YAML syntax error: {detail}"))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(shown, 1, f"YAML syntax error: {error}"))
        return None
    if node is None:
        problems.append(Problem(shown, 1, "file is empty: expected a mapping of fields"))
    return node
