"""Loading the catalog folder: every file read and checked before anything else runs.

``load_catalog`` raises one ``CatalogError`` listing every problem as ``path:line: message``.
Each record kind declares its fields once, as a table (``records.py`` reads them).
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path

import yaml
from babel import Locale

from ..errors import CatalogError, Problem
from . import records as r
from .files import Tree, Unsafe
from .model import STATUSES, Catalog, Compound, Condition, Reference, Review, Site
from .codes import COMPOUND_CODES, CONDITION_CODES, SYSTEMS
from .plain import plain_keys, plain_values

LONG = r.text_of("long")
COMPOUND_FIELDS = {
    "name": r.Field(r.text, required=True),
    "short_name": r.Field(r.text),
    "class": r.Field(r.text, required=True),
    "safety_profile": r.Field(LONG, required=True),
    "regulatory_status": r.Field(LONG, required=True),
    "evidence_level": r.Field(LONG, required=True),
    "mechanism": r.Field(LONG, required=True),
    "conditions": r.Field(r.slug_list),
    "codes": r.Field(r.node),  # read system by system: _codes
    "plain": r.Field(r.node),  # read field by field: _plain
}
CONDITION_FIELDS = {
    "name": r.Field(r.text, required=True),
    "specialist": r.Field(r.text, required=True),
    "codes": r.Field(r.node),
    "plain": r.Field(r.node),
}
REFERENCE_FIELDS = {
    "title": r.Field(r.text_of("title"), required=True),
    "url": r.Field(r.url),
    "pmid": r.Field(r.digits),
}
REVIEW_FIELDS = {
    "research_note": r.Field(r.text_of("note")),
    "references": r.Field(r.node),  # read item by item, see _references
    "reviewed_on": r.Field(r.date),
    "status": r.Field(r.choice(*STATUSES)),
    "reviewer": r.Field(r.text),
    "next_review_due": r.Field(r.date),
    "plain": r.Field(r.node),
}


def _languages(node: yaml.Node) -> tuple[str, ...]:
    """site.yaml's ``languages``: BCP 47 tags Babel (CLDR) knows (``records.language``), each
    language once: two spellings CLDR reads as one locale (``en``, ``en-Latn``) would make two
    editions of it."""
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise r.Invalid("must be a list of language tags such as [en, es, zh-Hans]", node)
    tags: dict[str, str] = {}  # CLDR's locale -> the tag that named it
    for item in node.value:
        tag = r.language(item)
        locale = str(Locale.parse(tag, sep="-"))
        if tags.get(locale) == tag:
            raise r.Invalid(f"lists {tag!r} twice", item)
        if locale in tags:
            raise r.Invalid(f"lists {tags[locale]!r} and {tag!r}, one language to Babel (CLDR) ({locale})", item)
        tags[locale] = tag
    return tuple(tags.values())


SITE_FIELDS = {
    "publisher": r.Field(r.text),
    "medical_advisor": r.Field(r.text),
    "disclaimer": r.Field(LONG),
    "url": r.Field(r.url),
    "language": r.Field(r.language),
    "languages": r.Field(_languages),
    "paper": r.Field(r.choice("letter", "a4")),
    "edition_date": r.Field(r.date),
    "sample": r.Field(r.boolean),
    "default_status": r.Field(r.choice(*STATUSES)),
    "online_url": r.Field(r.url_pattern),
    "reading_grade_max": r.Field(r.grade),
    "reading_grade_strict": r.Field(r.boolean),
    "plain": r.Field(r.node),
}
FIELDS = {Compound: COMPOUND_FIELDS, Condition: CONDITION_FIELDS, Review: REVIEW_FIELDS, Site: SITE_FIELDS}
PLAIN = {kind: {key: r.Field(FIELDS[kind][key].read) for key in plain_keys(kind)} for kind in FIELDS}
CODES = {Compound: {key: r.Field(r.codes_of(SYSTEMS[key])) for key in COMPOUND_CODES},
         Condition: {key: r.Field(r.codes_of(SYSTEMS[key])) for key in CONDITION_CODES}}


def _blocks(record: r.Record, kind: type, problems: list[Problem]) -> None:
    """A record's ``plain:`` block (easier words for some of its text fields, each checked by
    that field's own reader: plain.py says which) and ``codes:`` block (each system's codes,
    checked by its format: codes.py), read in place of their nodes, problems at their lines."""
    for key, fields in (("plain", PLAIN[kind]), ("codes", CODES.get(kind))):
        node = record.values.pop(key, None)
        if node is None or fields is None:
            continue
        block = r.read_mapping(node, fields, record.path, problems, what=key).values
        record.values[key] = (plain_values(kind, block) if key == "plain"
                              else tuple((system, block[system]) for system in fields if system in block))


def load_catalog(root: str | Path = "catalog") -> Catalog:
    """Read and check every file of the catalog; raise ``CatalogError`` on any problem.

    Only regular files and folders under ``root`` are read (see files.py): a link leading
    out of the catalog, a FIFO, a device or a file over 1 MB is a problem, never opened.
    """
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise CatalogError([Problem(_shown(root), 0, "no catalog directory here")])
    tree = Tree(root, "the catalog")

    site, site_record = _load_site(tree, problems)
    conditions = {c.slug: c for c, _ in _load_kind(tree, Condition, _condition, problems) if c}
    compounds = {}
    for compound, record in _load_kind(tree, Compound, _compound, problems):
        _check_condition_slugs(record, conditions, problems)
        if compound:
            compounds[compound.slug] = compound
    if not _yaml_files(tree, root / "compounds", []):
        problems.append(Problem(_shown(root / "compounds"), 0, "the catalog has no compounds (expected compounds/<slug>.yaml)"))
    if not _yaml_files(tree, root / "conditions", []):
        problems.append(Problem(_shown(root / "conditions"), 0, "the catalog has no conditions (expected conditions/<slug>.yaml)"))
    overrides = _load_reviews(tree, compounds, conditions, site.default_status, problems)
    if problems:
        raise CatalogError(problems)

    ordered_conditions = sorted(conditions.values(), key=lambda c: (c.name.casefold(), c.slug))
    reviews = []
    for compound in sorted(compounds.values(), key=lambda c: c.slug):
        chosen = ([conditions[s] for s in compound.conditions] if compound.conditions is not None
                  else ordered_conditions)
        for condition in chosen:
            reviews.append(overrides.get((compound.slug, condition.slug),
                                         Review(compound, condition, status=site.default_status)))
    _check_online_url(site, site_record, reviews, problems)
    if problems:
        raise CatalogError(problems)
    return Catalog(
        root=root, site=site,
        compounds=tuple(sorted(compounds.values(), key=lambda c: c.slug)),
        conditions=tuple(ordered_conditions),
        reviews=tuple(reviews),
    )


# The handout prints its QR code one inch wide. Up to version 10 (57 modules and the quiet
# zone: 0.39 mm a module) a phone reads it from paper; version 40, which holds 2,331 bytes,
# would print 0.14 mm modules no camera resolves. Version 10 at error correction M, byte mode:
QR_MAX_BYTES = 213


def _check_online_url(site: Site, record: r.Record | None, reviews: list[Review], problems: list[Problem]) -> None:
    """Every review's online address must fit in the QR code printed on its handout."""
    site = replace(site, language=max(site.languages, key=len))  # {language}: the longest language tag's
    longest = max((len(site.online(review).encode("utf-8")) for review in reviews), default=0) if site.online_url else 0
    if longest > QR_MAX_BYTES:
        problems.append(Problem(record.path, record.line("online_url"),
                                f"field 'online_url' gives addresses up to {longest:,} bytes long; the "
                                f"handout's one-inch QR code stays readable up to {QR_MAX_BYTES}"))


def _shown(path: Path) -> str:
    return r.printable(path.as_posix())


def _kind(tree: Tree, path: Path, problems: list[Problem]) -> str | None:
    """``tree.kind(path)``, with an unsafe path recorded as a problem (and None)."""
    try:
        return tree.kind(path)
    except Unsafe as error:
        problems.append(Problem(_shown(path), 0, str(error)))
        return None


def _compose(tree: Tree, path: Path, problems: list[Problem]) -> yaml.Node | None:
    try:
        data = tree.read(path)
    except Unsafe as error:
        problems.append(Problem(_shown(path), 0, str(error)))
        return None
    return r.compose(data, _shown(path), problems)


def _yaml_files(tree: Tree, folder: Path, problems: list[Problem]) -> list[Path]:
    """The .yaml files of ``folder``; a misnamed or unreadable one is a problem, not skipped."""
    if _kind(tree, folder, problems) != "dir":
        return []
    found = []
    for path in tree.entries(folder):
        suffix = path.suffix.lower()
        if path.name.startswith(".") or suffix not in (".yaml", ".yml"):
            continue
        kind = _kind(tree, path, problems)
        if kind == "dir":
            problems.append(Problem(_shown(path), 0, "is a folder; catalog files are <slug>.yaml files"))
        elif kind == "file" and path.suffix != ".yaml":
            problems.append(Problem(_shown(path), 1, f"catalog files end in .yaml, not {r.printable(path.suffix)}"))
        elif kind == "file":
            found.append(path)
    return found


def _slug_of(path: Path, problems: list[Problem]) -> str | None:
    problem = r.slug_problem(path.stem, "slug for a file name")
    if problem is None:
        return path.stem
    problems.append(Problem(_shown(path), 1, problem))
    return None


def _load_kind(tree, kind, build, problems):
    """Yield (object or None if invalid, record) for every readable file of compounds/ or conditions/
    (``kind``: Compound or Condition)."""
    fields = FIELDS[kind]
    for path in _yaml_files(tree, tree.root / f"{kind.__name__.lower()}s", problems):
        slug = _slug_of(path, problems)
        node = _compose(tree, path, problems)
        if node is None:
            continue
        before = len(problems)
        record = r.read_mapping(node, fields, _shown(path), problems)
        _blocks(record, kind, problems)
        valid = slug is not None and len(problems) == before
        yield (build(slug, record.values) if valid else None), record


def _compound(slug: str, v: dict) -> Compound:
    return Compound(
        slug=slug, name=v["name"], short_name=v.get("short_name"), drug_class=v["class"],
        safety_profile=v["safety_profile"], regulatory_status=v["regulatory_status"],
        evidence_level=v["evidence_level"], mechanism=v["mechanism"],
        conditions=v.get("conditions"), codes=v.get("codes", ()), plain=v.get("plain", ()),
    )


def _condition(slug: str, v: dict) -> Condition:
    return Condition(slug=slug, name=v["name"], specialist=v["specialist"], codes=v.get("codes", ()),
                     plain=v.get("plain", ()))


def _check_condition_slugs(record: r.Record, conditions: dict, problems: list[Problem]) -> None:
    node = record.nodes.get("conditions")
    if "conditions" not in record.values:
        return
    seen: set[str] = set()
    for item in node.value:
        slug, line = item.value, r.line_of(item)
        if slug in seen:
            problems.append(Problem(record.path, line, f"condition '{slug}' is listed twice in 'conditions'"))
        seen.add(slug)
        if slug not in conditions:
            close = difflib.get_close_matches(slug, list(conditions), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(Problem(record.path, line, f"unknown condition '{slug}' in 'conditions'{hint}"))


def _load_site(tree: Tree, problems: list[Problem]) -> tuple[Site, r.Record | None]:
    path = tree.root / "site.yaml"
    if _kind(tree, path, problems) is None:
        return Site(), None
    node = _compose(tree, path, problems)
    if node is None:
        return Site(), None
    record = r.read_mapping(node, SITE_FIELDS, _shown(path), problems)
    _blocks(record, Site, problems)
    values = record.values
    if "languages" in values:
        values.setdefault("language", values["languages"][0])
        if values["language"] != values["languages"][0]:
            problems.append(Problem(record.path, record.line("languages"), "the first of 'languages' must be "
                                    f"the catalog's own 'language' ({values['language']})"))
    return Site(**values), record


def _load_reviews(tree, compounds, conditions, site_status, problems) -> dict[tuple[str, str], Review]:
    reviews: dict[tuple[str, str], Review] = {}
    folder = tree.root / "reviews"
    if _kind(tree, folder, problems) != "dir":
        return reviews
    for sub in tree.entries(folder):
        if sub.name.startswith("."):
            continue
        kind = _kind(tree, sub, problems)
        if kind != "dir":
            if kind == "file" and sub.suffix.lower() in (".yaml", ".yml"):
                problems.append(Problem(_shown(sub), 1, "review files go in reviews/<compound-slug>/<condition-slug>.yaml"))
            continue
        compound = compounds.get(sub.name)
        for path in _yaml_files(tree, sub, problems):
            shown = _shown(path)
            node = _compose(tree, path, problems)
            if node is None:
                continue
            before = len(problems)
            record = r.read_mapping(node, REVIEW_FIELDS, shown, problems)
            _blocks(record, Review, problems)
            references = _references(record, problems)
            condition = conditions.get(path.stem)
            if "reviewer" in record.values and "reviewed_on" not in record.lines:
                problems.append(Problem(shown, record.line("reviewer"),
                                        "field 'reviewer' needs 'reviewed_on', the date of that review"))
            if compound is None:
                problems.append(Problem(shown, 1, f"no compound {r.quote(sub.name)} in the catalog for this review"))
            elif condition is None:
                problems.append(Problem(shown, 1, f"no condition {r.quote(path.stem)} in the catalog for this review"))
            elif compound.conditions is not None and condition.slug not in compound.conditions:
                problems.append(Problem(shown, 1, f"'{compound.slug}' is not reviewed for '{condition.slug}' "
                                                  f"(add it to the compound's 'conditions' list)"))
            elif (record.values.get("next_review_due") and record.values.get("reviewed_on")
                  and record.values["next_review_due"] <= record.values["reviewed_on"]):
                problems.append(Problem(shown, record.line("next_review_due"),
                                        "next_review_due must come after reviewed_on"))
            elif len(problems) == before:
                reviews[(compound.slug, condition.slug)] = Review(
                    compound, condition,
                    research_note=record.values.get("research_note"),
                    references=references,
                    reviewed_on=record.values.get("reviewed_on"),
                    source=shown,
                    status=record.values.get("status", site_status),
                    reviewer=record.values.get("reviewer"),
                    next_review_due=record.values.get("next_review_due"),
                    plain=record.values.get("plain", ()),
                )
    return reviews


def _references(record: r.Record, problems: list[Problem]) -> tuple[Reference, ...]:
    node = record.values.get("references")
    if node is None:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(record.path, record.line("references"),
                                "field 'references' must be a list of items with 'title' and 'url' or 'pmid'"))
        return ()
    found = []
    for item in node.value:
        ref = r.read_mapping(item, REFERENCE_FIELDS, record.path, problems, what="reference")
        values = ref.values
        if isinstance(item, yaml.MappingNode) and "url" not in ref.lines and "pmid" not in ref.lines:
            problems.append(Problem(record.path, r.line_of(item), "reference needs a 'url' or a 'pmid'"))
        if "title" in values and ("url" in values or "pmid" in values):
            found.append(Reference(values["title"], values.get("url"), values.get("pmid")))
    return tuple(found)
