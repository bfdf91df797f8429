"""What each output is made from, as one hash: its records, the templates and styles its
format uses, publisher's version and the build options. Equal hashes mean equal bytes, so
an output whose hash is in the manifest is not made again (Sphinx decides rebuilds the same
way, from content rather than file times).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import jinja2
from jinja2 import meta

from . import __version__
from .outputs import Target
from .render import RenderSettings
from .template_i18n import fingerprint_parts


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _record(value) -> str:
    """A dataclass record (review, bundle, site) as canonical JSON, without the fields that
    say where it was read from rather than what it says (``metadata={"printed": False}``)."""
    return json.dumps(_plain(value), sort_keys=True, default=str, ensure_ascii=False)


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.metadata.get("printed", True)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def template_closure(env: jinja2.Environment, roots: tuple[str, ...]) -> list[str]:
    """The templates ``roots`` use, directly or through include/import, sorted."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        source, filename, _ = env.loader.get_source(env, name)  # a syntax error then names its file
        todo.extend(n for n in meta.find_referenced_templates(env.parse(source, name, filename)) if n)
    return sorted(seen)


class Fingerprints:
    """Hashes outputs of one build's settings (site, paper, duplex, brand, large print)."""

    def __init__(self, env: jinja2.Environment, settings: RenderSettings):
        self.env = env
        self.large_print = settings.large_print
        brand = settings.brand
        self.base = _digest(__version__, _record(dataclasses.replace(settings, brand=None)),
                            json.dumps(brand.fingerprint() if brand else None, sort_keys=True),
                            *fingerprint_parts(settings.site.language))  # its wording and faces
        self._formats: dict[str, str] = {}
        self._sources: dict[tuple, str] = {}
        self._reviews: dict[int, str] = {}  # id(record) -> digest: a record is in several outputs

    def format_digest(self, output) -> str:
        """Templates and style files (fonts included) one format is made from."""
        if output.name not in self._formats:
            parts = []
            for name in template_closure(self.env, output.templates):
                parts += [name, self.env.loader.get_source(self.env, name)[0]]
            for path in output.styles(self.large_print):
                parts += [Path(path).name, Path(path).read_bytes()]
            self._formats[output.name] = _digest(output.name, *parts)
        return self._formats[output.name]

    def of(self, output, target: Target) -> str:
        if target.asset is not None:  # copied as it is: its bytes are all it depends on
            return _digest(__version__, target.path, target.asset.read_bytes())
        if target.review is not None:
            subject = self._review(target.review)
        else:  # a bundle: its name, and each entry's label, id prefix and review
            bundle = target.bundle
            subject = _digest(bundle.kind, self._once(bundle.subject),
                              *(part for e in bundle.entries for part in (e.label, e.prefix, self._review(e.review))))
        return _digest(self.base, self.format_digest(output), target.path, subject)

    def derived(self, output, target: Target, sources: dict[str, str]) -> str:
        """A derived output: its own format and options, and its sources' fingerprints (hashed
        once for all the catalog-wide pages that read the same files)."""
        key = tuple(sources.items())
        if key not in self._sources:
            self._sources[key] = _digest(*(part for path in sorted(sources) for part in (path, sources[path])))
        return _digest(self.base, self.format_digest(output), target.path, self._sources[key],
                       " ".join(target.languages))  # a portal page's links to its other languages

    def _review(self, review) -> str:
        """A review's digest, from its compound's and condition's (shared by many reviews,
        hashed once) and its own fields."""
        key = id(review)
        if key not in self._reviews:
            own = {f.name: getattr(review, f.name) for f in dataclasses.fields(review)
                   if f.metadata.get("printed", True) and f.name not in ("compound", "condition")}
            self._reviews[key] = _digest(self._once(review.compound), self._once(review.condition),
                                         json.dumps(_plain(own), sort_keys=True, default=str, ensure_ascii=False))
        return self._reviews[key]

    def _once(self, record) -> str:
        key = id(record)
        if key not in self._reviews:
            self._reviews[key] = _digest(_record(record))
        return self._reviews[key]
