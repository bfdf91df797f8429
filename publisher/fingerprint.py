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
from .render import Edition


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
        source = env.loader.get_source(env, name)[0]
        todo.extend(n for n in meta.find_referenced_templates(env.parse(source)) if n)
    return sorted(seen)


class Fingerprints:
    """Hashes outputs of one build: one edition (site, paper, duplex, brand, large print)."""

    def __init__(self, env: jinja2.Environment, edition: Edition):
        self.env = env
        self.large_print = edition.large_print
        options = {"paper": edition.paper, "duplex": edition.duplex, "large_print": edition.large_print,
                   "brand": edition.brand.fingerprint() if edition.brand else None}
        self.base = _digest(__version__, json.dumps(options, sort_keys=True), _record(edition.site))
        self._formats: dict[str, str] = {}

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
        subject = _record(target.review if target.review is not None else target.bundle)
        return _digest(self.base, self.format_digest(output), target.path, subject)
