"""What each output is made from, as one hash: its records, the templates and styles its
format uses, publisher's version and the build options. Equal hashes mean equal bytes, so
an output whose hash is in the manifest is not made again (Sphinx decides rebuilds the same
way, from content rather than file times).
"""

from __future__ import annotations

import dataclasses
import functools
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
    names = _printed(type(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@functools.cache
def _printed(cls: type) -> tuple[str, ...] | None:
    """A record class's printed fields (asked 100,000 times in a large plan), else None."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("printed", True))


def template_closure(env: jinja2.Environment, roots: tuple[str, ...], known: dict | None = None) -> list[str]:
    """The templates ``roots`` use, directly or through include/import, sorted; ``known``
    keeps each template's (source, references) for the next call: formats share templates."""
    known = {} if known is None else known
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name not in known:
            source, filename, _ = env.loader.get_source(env, name)  # a syntax error then names its file
            known[name] = source, [n for n in meta.find_referenced_templates(env.parse(source, name, filename)) if n]
        todo.extend(known[name][1])
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
        self._made_by: dict[str, str] = {}  # format -> first half of its outputs' fingerprints
        self._templates: dict[str, tuple] = {}  # name -> (source, templates it uses)
        self._reviews: dict[int, tuple] = {}  # id(record) -> (record, digest): it is in several outputs

    def format_digest(self, output) -> str:
        """Templates and style files (fonts included) one format is made from."""
        if output.name not in self._formats:
            parts = []
            for name in template_closure(self.env, output.templates, self._templates):
                parts += [name, self._templates[name][0]]
            for path in output.styles(self.large_print):
                parts += [Path(path).name, Path(path).read_bytes()]
            self._formats[output.name] = _digest(output.name, *parts)
        return self._formats[output.name]

    def of(self, output, target: Target) -> str:
        """How the output is made (settings, format), then what from: two halves of 128 bits.
        Joined, not hashed again: a large plan has tens of thousands of outputs and few of
        either half. The path adds nothing: it follows from the subject and the settings."""
        if target.asset is not None:  # copied as it is: its bytes are all it depends on
            return _digest(__version__, target.path, target.asset.read_bytes())
        subject = self._review(target.review) if target.review is not None else self._bundle(target.bundle)
        return self._how(output) + subject[:32]

    def derived(self, output, target: Target, sources: str) -> str:
        """A derived output: its own format and options, and its sources' digest (``sources``)."""
        return self._how(output) + sources[:32]

    def _how(self, output) -> str:
        if output.name not in self._made_by:
            self._made_by[output.name] = _digest(self.base, self.format_digest(output))[:32]
        return self._made_by[output.name]

    @staticmethod
    def sources(prints: dict[str, str], paths: tuple[str, ...]) -> str:
        """The digest of files' fingerprints: one line ``path fingerprint`` each (neither has
        spaces or line breaks, so the text is unambiguous)."""
        return _digest("\n".join(f"{path} {prints[path]}" for path in paths))

    def _bundle(self, bundle) -> str:
        """Its name, and each entry's label, id prefix and review (booklet and EPUB share it)."""
        return self._kept(bundle, lambda: _digest(
            bundle.kind, self._once(bundle.subject),
            *(part for e in bundle.entries for part in (e.label, e.prefix, self._review(e.review)))))

    def _review(self, review) -> str:
        """A review's digest, from its compound's and condition's (shared by many reviews,
        hashed once) and its own fields."""
        def digest():
            own = {name: getattr(review, name) for name in _printed(type(review))
                   if name not in ("compound", "condition")}
            return _digest(self._once(review.compound), self._once(review.condition),
                           json.dumps(_plain(own), sort_keys=True, default=str, ensure_ascii=False))
        return self._kept(review, digest)

    def _once(self, record) -> str:
        return self._kept(record, lambda: _digest(_record(record)))

    def _kept(self, record, digest) -> str:
        """``digest()`` of ``record``, computed once: kept by identity, with the record itself
        so that its id cannot be reused by another object while it is kept."""
        kept = self._reviews.get(id(record))
        if kept is None or kept[0] is not record:
            kept = self._reviews[id(record)] = (record, digest())
        return kept[1]
