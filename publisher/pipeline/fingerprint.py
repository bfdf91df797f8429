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
import operator
import re
from itertools import compress
from pathlib import Path
from typing import Iterable

import jinja2

from ..i18n.wording import fingerprint_parts
from ..outputs import TYPESET, Target
from ..render import RenderSettings
from ..version import __version__


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:  # each part after its length: no two lists of parts hash alike
        data = part.encode("utf-8") if type(part) is str else part
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
def _own_fields(cls: type) -> operator.attrgetter:
    """A review's printed fields but its compound and condition, as one tuple whose repr is
    exact for text, dates and numbers (its references' too), and quick to make."""
    return operator.attrgetter(*(name for name in _printed(cls) if name not in ("compound", "condition")))


@functools.cache
def _printed(cls: type) -> tuple[str, ...] | None:
    """A record class's printed fields (asked 100,000 times in a large plan), else None."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("printed", True))


# A template's references to others: a scan, not Jinja's parser (a fifth of a large
# plan's time went to parsing); tests check it finds what jinja2.meta finds in layouts/.
REFERENCES = re.compile(r"""\{%[-+]?\s*(?:extends|include|import|from)\s+(["'])([^"'\n]+)\1""")


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
            source = env.loader.get_source(env, name)[0]
            known[name] = source, sorted({match[2] for match in REFERENCES.finditer(source)})
        todo.extend(known[name][1])
    return sorted(seen)


class Fingerprints:
    """Hashes outputs of one build's settings (site, paper, duplex, brand, large print,
    archival)."""

    def __init__(self, env: jinja2.Environment, settings: RenderSettings, seal: str | None = None):
        self.env = env
        self.seal = seal  # a signed release: its certificates' SHA-256 (seal/), part of every PDF's
        self.large_print = settings.large_print
        brand = settings.brand
        self.archival = settings.archival  # changes the PDFs only: not in the base
        self.base = _digest(__version__, _record(dataclasses.replace(settings, brand=None, archival=False)),
                            json.dumps(brand.fingerprint() if brand else None, sort_keys=True),
                            *fingerprint_parts(settings.site.language, settings.plain))  # its wording and faces
        self._formats: dict[str, str] = {}  # format -> its templates' and styles' digest
        self._made_by: dict[tuple, str] = {}  # (format, links) -> first half of its outputs' fingerprints
        self._headers: dict[str, set[str]] = {}  # format -> the first halves of its every set of links
        self._files: dict[Path, str] = {}  # project file -> digest of its bytes
        self._templates: dict[str, tuple] = {}  # name -> (source, templates it uses)
        self._records: dict[int, tuple] = {}  # id(record) -> (record, digest): it is in several outputs

    def format_digest(self, output) -> str:
        """Templates and style files (fonts included) one format is made from."""
        if output.name not in self._formats:
            parts = []
            for name in template_closure(self.env, output.templates, self._templates):
                parts += [name, self._templates[name][0]]
            for path in output.styles(self.large_print):
                parts += [Path(path).name, self._file(path)]
            if self.archival and output.name in TYPESET:
                parts.append("archival")
            self._formats[output.name] = _digest(output.name, *parts)
        return self._formats[output.name]

    def of(self, output, target: Target) -> str:
        """How the output is made (settings, format, a handout's links), then what from: two halves of 128 bits.
        Joined, not hashed again: a large plan has tens of thousands of outputs and few of
        either half. The path adds nothing: it follows from the subject and the settings."""
        if target.asset is not None:  # copied as it is: its bytes are all it depends on
            return _digest(__version__, target.path, self._file(target.asset))
        subject = self._review(target.review) if target.review is not None else self._bundle(target.bundle)
        return self._how(output, target.links) + subject[:32]

    def but_for_links(self, output, target: Target, fingerprint: str, every: Iterable[tuple[str, ...]]) -> bool:
        """Whether ``fingerprint`` is ``target``'s but for its links, each set of them in
        ``every``: an HTML handout made from the same inputs with another header."""
        if output.name not in self._headers:
            self._headers[output.name] = {self._how(output, links) for links in every}
        return fingerprint[32:] == self.of(output, target)[32:] and fingerprint[:32] in self._headers[output.name]

    def derived(self, output, target: Target, sources: str) -> str:
        """A derived output: its own format and options, its sources' digest (``sources``),
        for a portal page the languages it links, and its date when it has one of its own (a
        zip of undated reviews takes the catalog's newest review date, which its sources do
        not show)."""
        if target.languages:
            sources = _digest(sources, " ".join(target.languages))
        if target.date is not None:
            sources = _digest(sources, target.date.isoformat())
        return self._how(output) + sources[:32]

    def signature(self, checksums: str, day) -> str:
        """SHA256SUMS.p7s: the certificates, the signing day and SHA256SUMS's fingerprint."""
        return _digest("signature", self.seal, day.isoformat(), checksums)

    def _how(self, output, links: tuple[str, ...] = ()) -> str:
        """The first half: settings and format, an HTML handout's header (which links it has,
        never their files' fingerprints: handout_links.py) and, for a signed PDF, the
        certificates (a new certificate re-signs); a few dozen, each hashed once."""
        key = (output.name, links)
        if key not in self._made_by:
            sealed = (self.seal,) if self.seal and output.name in TYPESET else ()
            self._made_by[key] = _digest(self.base, self.format_digest(output), *links, *sealed)[:32]
        return self._made_by[key]

    @staticmethod
    def sources(prints: dict[str, str], paths: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
        """Which of ``paths`` have a fingerprint in ``prints`` (the folder will hold them), and
        the digest of their paths and fingerprints. C-level loops: a portal's pages read
        80,000 files; no path or fingerprint has a line break, so the text is unambiguous."""
        if len(paths) == 1:  # a preview's PDF: ten thousand of them
            found = prints.get(paths[0])
            return (paths, _digest(paths[0], found)) if found else ((), _digest("", ""))
        found = tuple(map(prints.get, paths))
        if not all(found):  # some are not there: keep the others
            paths, found = tuple(compress(paths, found)), tuple(filter(None, found))
        return paths, _digest("\n".join(paths), "\n".join(found))

    @staticmethod
    def joined(digests: Iterable[str]) -> str:
        """The digest of sources in parts, from each part's ``sources`` digest."""
        return _digest(*digests)

    def _file(self, path: Path) -> str:
        """A project file's digest, read once a plan: formats share fonts of megabytes."""
        if path not in self._files:
            self._files[path] = _digest(Path(path).read_bytes())
        return self._files[path]

    def _bundle(self, bundle) -> str:
        """Its kind and subject, and its reviews in order (booklet and EPUB share it): an
        entry's label is its review's compound or condition name and its id prefix its
        place, so both follow from these (a third of the time, without them). A volume of a
        booklet in several: its whole bundle's digest and its number (its front matter lists
        every volume); a booklet in one volume is its whole bundle."""
        if getattr(bundle, "of", 1) > 1:
            return self._kept(bundle) or self._keep(bundle, _digest(self._bundle(bundle.whole), f"{bundle.number}/{bundle.of}"))
        return self._kept(bundle) or self._keep(bundle, _digest(bundle.kind, self._once(bundle.subject), "".join(
            [self._review(e.review) for e in bundle.entries])))

    def _review(self, review) -> str:
        """A review's digest, from its compound's and condition's (shared by many reviews,
        hashed once) and its own fields."""
        return self._kept(review) or self._keep(review, _digest(
            self._once(review.compound), self._once(review.condition), repr(_own_fields(type(review))(review))))

    def _once(self, record) -> str:
        return self._kept(record) or self._keep(record, _digest(_record(record)))

    def _kept(self, record) -> str | None:
        """The digest of ``record`` if already made: kept by identity, with the record itself
        so that its id cannot be reused by another object while it is kept."""
        kept = self._records.get(id(record))
        return kept[1] if kept is not None and kept[0] is record else None

    def _keep(self, record, digest: str) -> str:
        self._records[id(record)] = (record, digest)
        return digest
