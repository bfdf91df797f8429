"""What a build would do, worked out without writing anything: every selected output with
the reason it must be made (or none: up to date), and the outputs to remove as stale.

``publisher build --dry-run`` prints a plan; ``build()`` carries one out (build.py); a
preview server asks for one after every edit. Everything that can be checked is checked
here, before the first byte is written (as MkDocs does): a broken catalog, an unknown slug
or a review that may not be released leaves the output folder untouched.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import gc
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Iterable, NamedTuple

from ..catalog.brand import load_brand
from ..catalog import Catalog, Review, load_catalog
from ..catalog.records import quote
from ..catalog.release import review_release_problems
from ..errors import CatalogError, ReleaseError, SelectionError
from ..options import BuildOptions
from ..outputs import OUTPUTS, TYPESET, Target, is_derived
from ..paths import (CHECKSUMS, CHECKSUMS_SIGNATURE, in_large_print, is_source, output_root, review_file,
                     source_language, variant)
from ..render import RenderSettings, make_environment
from ..seal import SIGNATURE_STEP, Seal, catalog_day, document_day, open_seal
from .alternates import LanguageAlternates
from .fingerprint import Fingerprints
from .handout_links import EVERY, HandoutLinks, Holdings
from .manifest import Recorded, Manifest

REASONS = ("new", "changed input", "missing file", "forced")


class Step(NamedTuple):
    """One selected output: its format, target and fingerprint; ``reason`` is why it must be
    made (one of ``REASONS``), or None when it is up to date. A named tuple: one per output."""

    format: str
    target: Target
    fingerprint: str
    reason: str | None
    sources: tuple[str, ...] = ()  # derived outputs: the outputs they are made from

    @property
    def path(self) -> str:
        return self.target.path


@dataclass
class Plan:
    options: BuildOptions
    root: Path  # the output root this plan writes: one per language and print edition
    catalog: Catalog
    reviews: list[Review]
    settings: RenderSettings
    manifest: Manifest
    steps: list[Step]  # every selected output, in the order they are made
    stale: list[str]  # outputs whose review (or bundle) left the catalog: to remove
    holds: dict[str, str]  # every output the root will hold once carried out, by path: its fingerprint
    seal: Seal | None = None  # a signed release's certificate and key (--sign): execute.py signs with it

    @property
    def make(self) -> list[Step]:
        return [s for s in self.steps if s.reason]

    @property
    def skip(self) -> list[Step]:
        return [s for s in self.steps if not s.reason]

    def paths(self) -> list[str]:
        """Every path it makes, reads or removes: the writer checks the folders on the way."""
        return [s.path for s in self.steps] + self.stale

    def large_print_files(self) -> dict[str, Recorded]:
        """The large-print edition's outputs as its manifest lists them now, as seen from a
        standard root (``large-print/pdf/…``; none from a large-print root): the portal links
        them. Read when the plan is carried out, after any build of that edition before it."""
        if self.settings.large_print:
            return {}
        return {in_large_print(p): e for p, e in _other_edition(self.options, self.catalog.site).entries.items()}

    def waves(self) -> list[list[Step]]:
        """The steps to make, in rounds: first everything made from the catalog (one pool, in
        parallel), then each derived format, after the outputs it reads."""
        rounds: dict[str | None, list[Step]] = {}  # steps come in that order already
        for step in self.make:
            derived = step.format == SIGNATURE_STEP or is_derived(OUTPUTS[step.format])
            rounds.setdefault(step.format if derived else None, []).append(step)
        return list(rounds.values())

    def lines(self) -> list[str]:
        """One line per output to make or remove: ``<reason>  <path>``."""
        return [f"{s.reason:<13}  {s.path}" for s in self.make] + [f"{'stale':<13}  {p}" for p in self.stale]

    def summary(self) -> str:
        counts = Counter(s.reason for s in self.make)
        why = ", ".join(f"{counts[r]:,} {r}" for r in REASONS if counts[r])
        return (f"would build {len(self.make):,}{f' ({why})' if why else ''}, skip {len(self.skip):,} "
                f"unchanged, remove {len(self.stale):,} stale in {self.root}")

    def as_dict(self) -> dict:
        return {"out": str(self.root),
                "make": [{"path": s.path, "format": s.format, "reason": s.reason} for s in self.make],
                "skip": [s.path for s in self.skip],
                "remove": [{"path": p, "reason": "stale"} for p in self.stale]}


def plans(options: BuildOptions) -> list[Plan]:
    """One plan per language asked for (default: every language site.yaml lists), each
    followed by the refresh of that language's other print edition when it has one to do
    (``refresh``)."""
    with _collector_paused():
        catalog = load_catalog(options.catalog)
        check_languages(catalog.site, options.languages)
        seal = _open_seal(options)  # once: its password is asked for once
        made = []
        for language in options.languages or catalog.site.languages:
            made.append(_plan(options, language, catalog, seal))
            other = refresh(made[-1])
            if other.make:
                made.append(other)
    return made


def check_languages(site, asked) -> None:
    """Every language asked for (``--language``) must be one of site.yaml's."""
    for language in asked:
        if language not in site.languages:
            raise SelectionError(f"no language {quote(language)} in site.yaml's languages: "
                                 f"choose from {', '.join(site.languages)}")


def plan(options: BuildOptions, language: str | None = None, catalog: Catalog | None = None,
         seal: Seal | None = None) -> Plan:
    """Load and check everything, and work out what is out of date in one language (default:
    the catalog's own); writes nothing. ``seal``: ``--sign``'s, when already opened."""
    with _collector_paused():
        return _plan(options, language, catalog, seal or _open_seal(options))


def _open_seal(options: BuildOptions) -> Seal | None:
    return open_seal(options.sign, options.sign_password, options.sign_password_env) if options.sign else None


@contextlib.contextmanager
def _collector_paused():
    """A large plan makes hundreds of thousands of records, paths and steps, none of them in
    a cycle; Python's cycle collector would walk them again and again as they are made (a
    tenth of the plan's instructions). Paused while planning, as it was found on leaving.
    What the plan made is then moved to the oldest generation in one step (freeze, unfreeze):
    else the first allocation after would walk all of it at once, young (40 to 120 ms)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # a caller's own frozen objects stay frozen
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _plan(options: BuildOptions, language: str | None, catalog: Catalog | None, seal: Seal | None) -> Plan:
    catalog = catalog or load_catalog(options.catalog)
    language = language or source_language(catalog.site)
    if options.plain or not is_source(catalog.site, language):
        catalog = _worded(catalog, language, options)
    reviews = select(catalog, options.compounds, options.conditions)
    if options.release:
        problems = review_release_problems(reviews, options.today or dt.date.today())
        if catalog.site.reading_grade_strict:
            from ..i18n.readability import release_problems
            problems += release_problems(catalog, reviews, options.plain)
        if problems:
            raise ReleaseError(problems)
    brand = load_brand(options.brand) if options.brand is not None else None
    settings = RenderSettings(catalog.site, options.paper or catalog.site.paper, options.duplex, brand,
                              options.large_print, options.plain, options.archival)
    manifest = Manifest.load(options.out, _below(options.out, catalog.site, language, options.large_print,
                                                 options.plain))
    other = _other_edition(options, catalog.site).entries  # the same language's other print edition
    neighbours = {} if options.large_print else {in_large_print(p): e for p, e in other.items()}
    fingerprints = Fingerprints(make_environment(), settings, seal.fingerprint if seal else None)
    alternates = LanguageAlternates(options, catalog.site, language)  # which languages a portal page can link
    links = _links(settings, Holdings(manifest.entries, options.formats), Holdings(other))

    reason, forced = manifest.reason, "forced" if options.force else None
    targets = _targets(reviews, settings)
    steps = []
    for name in options.formats:
        output = OUTPUTS[name]
        if not is_derived(output):
            for target in targets[name]:  # tens of thousands: the plan's inner loop
                if name == "html":
                    target = links.mark(target)
                fingerprint = fingerprints.of(output, target)
                steps.append(Step(name, target, fingerprint, reason(target.path, fingerprint) or forced))
    if "html" not in options.formats:  # handouts already there follow what they link
        steps += _relinked(targets["html"], links, manifest, fingerprints)
    # Filters never make an output stale: compare with every output of the whole catalog.
    everything = targets if len(reviews) == len(catalog.reviews) else _targets(list(catalog.reviews), settings)
    stale = sorted(set(manifest.entries) - {t.path for found in everything.values() for t in found}
                   - ({CHECKSUMS_SIGNATURE} if seal else set()))  # an unsigned build removes the signature

    # Derived outputs read what the folder will hold once the steps above are done. One that
    # is already in the folder is kept true even when its format was not asked for.
    gone = set(stale)
    prints = {p: e.fingerprint for p, e in manifest.entries.items() if p not in gone}
    prints.update((p, e.fingerprint) for p, e in neighbours.items())  # read-only: the portal links them
    prints.update((s.path, s.fingerprint) for s in steps)
    for name, cls in OUTPUTS.items():
        if not is_derived(cls):
            continue
        owned = tuple(prints)  # a derived format reads earlier formats, never itself
        read = _Reads(prints, fingerprints)
        for target in targets[name]:
            if name in options.formats or target.path in manifest.entries:
                target = alternates.mark(cls, name, target)
                sources, digest = read[cls.sources(target, owned)]
                fingerprint = fingerprints.derived(cls, target, digest)
                steps.append(Step(name, target, fingerprint, reason(target.path, fingerprint) or forced, sources))
                prints[target.path] = fingerprint
    if seal is not None:
        steps += _sealed(seal, steps, catalog, settings, fingerprints, prints, reason, forced)
    return Plan(options, manifest.root, catalog, reviews, settings, manifest, steps, stale, prints, seal)


def _sealed(seal: Seal, steps: list[Step], catalog: Catalog, settings: RenderSettings, fingerprints: Fingerprints,
            prints: dict[str, str], reason, forced) -> list[Step]:
    """A signed release: its certificate checked against the dates of the PDFs to sign (before
    anything is written), and the step that signs SHA256SUMS, when the folder will hold one."""
    seal.check_dates(document_day(s.target, settings.site) for s in steps if s.reason and s.format in TYPESET)
    if CHECKSUMS not in prints:
        return []
    day = catalog_day(catalog)
    fingerprint = fingerprints.signature(prints[CHECKSUMS], day)
    return [Step(SIGNATURE_STEP, Target(CHECKSUMS_SIGNATURE), fingerprint,
                 reason(CHECKSUMS_SIGNATURE, fingerprint) or forced, (CHECKSUMS,))]


def refresh(done: Plan) -> Plan:
    """What the same language's other print edition must remake once ``done`` is carried out:
    its outputs whose links follow ``done``'s root, and nothing else. A large-print build adds
    large-print PDFs that the standard portal's pages, ``catalog.json`` and HTML handouts link;
    a standard build adds the portal that large-print handouts link. So each edition's files
    are linked by the build that makes them, whichever edition is built first.

    Only outputs already in that root are considered (a large-print build into an empty folder
    writes no portal), and only those up to date but for ``done``'s changes: an HTML handout
    made from the same inputs with another header; a portal page, feed or ``SHA256SUMS`` made
    from the files ``done``'s root holds now. One made from other catalog text, templates,
    options or selection is left to its own edition's next build, which would make it
    differently anyway. Its reviews are those whose PDF the root has: the selection its portal
    was last made for, when it was one build's. Planned before ``done`` is carried out: it
    compares ``done``'s root as it is and as it will be."""
    options = dataclasses.replace(done.options, edition="standard" if done.settings.large_print else "large-print",
                                  force=False)
    site, catalog = done.catalog.site, done.catalog
    settings = dataclasses.replace(done.settings, large_print=options.large_print)
    manifest = _other_edition(done.options, site)
    if not manifest.entries or not (done.make or done.stale):  # nothing there, or nothing changes beside it
        return Plan(options, manifest.root, catalog, [], settings, manifest, [], [], {})
    seal = done.seal  # a signed release re-signs the other edition's SHA256SUMS it changes
    fingerprints = Fingerprints(make_environment(), settings, seal.fingerprint if seal else None)
    links = _links(settings, Holdings(manifest.entries), Holdings(done.holds))
    named = variant(settings)
    reviews = [r for r in catalog.reviews if review_file("pdf", r, named) in manifest.entries]
    handouts = [r for r in catalog.reviews if review_file("html", r, named) in manifest.entries]
    targets = _targets(reviews, settings)
    steps = _relinked(OUTPUTS["html"].targets(handouts, settings), links, manifest, fingerprints)

    # Derived outputs there, made again when what they read changes with ``done``'s root.
    kept = {p: e.fingerprint for p, e in manifest.entries.items()}
    prints = {"before": dict(kept), "after": dict(kept)}
    if not options.large_print:  # the standard root reads the large-print files
        prints["before"].update((in_large_print(p), e.fingerprint) for p, e in done.manifest.entries.items())
        prints["after"].update((in_large_print(p), f) for p, f in done.holds.items())
    prints["after"].update((s.path, s.fingerprint) for s in steps)
    alternates = LanguageAlternates(options, site, site.language, making=())
    for name, cls in OUTPUTS.items():
        if not is_derived(cls):
            continue
        owned = {when: tuple(found) for when, found in prints.items()}
        reads = {when: _Reads(found, fingerprints) for when, found in prints.items()}
        for target in targets[name]:
            recorded = manifest.entries.get(target.path)
            if recorded is None:
                continue
            target = alternates.mark(cls, name, target)
            sources, digest = reads["after"][cls.sources(target, owned["after"])]
            fingerprint = fingerprints.derived(cls, target, digest)
            if fingerprint != recorded.fingerprint and recorded.fingerprint == fingerprints.derived(
                    cls, target, reads["before"][cls.sources(target, owned["before"])][1]):
                steps.append(Step(name, target, fingerprint, "changed input", sources))
                prints["after"][target.path] = fingerprint
    if seal is not None:
        steps += _sealed(seal, steps, catalog, settings, fingerprints, prints["after"], manifest.reason, None)
    return Plan(options, manifest.root, catalog, reviews, settings, manifest, steps, [], prints["after"], seal)


def _other_edition(options: BuildOptions, site) -> Manifest:
    """The manifest of the other print edition of ``site``'s language, read-only."""
    return Manifest.load(options.out, _below(options.out, site, site.language, not options.large_print, options.plain))


def _links(settings: RenderSettings, own: Holdings, other: Holdings) -> HandoutLinks:
    """The HTML handouts' links in a root of ``settings``' edition that holds ``own``, beside
    the other edition's root holding ``other``."""
    return HandoutLinks(settings, *((other, own) if settings.large_print else (own, other)))


def _relinked(targets: list[Target], links: HandoutLinks, manifest: Manifest, fingerprints: Fingerprints) -> list[Step]:
    """HTML handouts in the folder, not asked for, made again because their links change:
    each one that is up to date but for its header. One made from other catalog text,
    templates or options is left to the next build that asks for HTML."""
    html, steps = OUTPUTS["html"], []
    for target in targets:
        recorded = manifest.entries.get(target.path)
        if recorded is None or target.review is None:
            continue
        target = links.mark(target)
        fingerprint = fingerprints.of(html, target)
        if fingerprint != recorded.fingerprint and fingerprints.but_for_links(html, target, recorded.fingerprint, EVERY):
            steps.append(Step("html", target, fingerprint, "changed input"))
    return steps


def _below(out: Path, site, language: str, large_print: bool, plain: bool) -> str:
    """Where a wording's language's print edition is built, relative to the output folder."""
    return output_root(out, site, language, large_print, plain).relative_to(out).as_posix()


class _Reads(dict):
    """What a derived output reads: the sources the folder will have, and their digest.
    Sources come in parts, and parts may hold parts; each part is looked up and digested
    once, so the portal's index, made of its pages' parts, shares their digests."""

    def __init__(self, prints: dict[str, str], fingerprints: Fingerprints):
        super().__init__()
        self.prints, self.fingerprints = prints, fingerprints

    def __missing__(self, parts: tuple) -> tuple[tuple[str, ...], str]:
        if not parts or type(parts[0]) is not tuple:  # one part: paths
            made = self.fingerprints.sources(self.prints, parts)
        elif len(parts) == 1:
            made = self[parts[0]]
        else:
            found = [self[part] for part in parts]
            made = (tuple(chain.from_iterable(present for present, _ in found)),
                    self.fingerprints.joined(digest for _, digest in found))
        self[parts] = made
        return made


def _worded(catalog: Catalog, language: str, options: BuildOptions) -> Catalog:
    """The catalog in ``language`` and the build's wording: every missing string stops it,
    unless allowed (then the source text stands in); ``--release`` also wants the translation
    and the plain wording approved."""
    from ..i18n.translate import load_translation, translate_catalog, translation_release_problems

    translation = load_translation(catalog, language, options.allow_incomplete)
    if translation.problems and not options.allow_incomplete:
        raise CatalogError(list(translation.problems))
    if options.release and (problems := translation_release_problems(catalog, translation, options.plain)):
        raise ReleaseError(problems)
    return translate_catalog(catalog, translation, options.plain)


def _targets(reviews: list[Review], settings: RenderSettings) -> dict[str, list[Target]]:
    """Every format's targets: their names depend on the settings (print edition, language), and
    a derived output's may too (a sitemap only when the site has an address)."""
    return {name: cls.targets(reviews, settings) for name, cls in OUTPUTS.items()}


def select(catalog: Catalog, compounds: Iterable[str] = (), conditions: Iterable[str] = ()) -> list[Review]:
    """The reviews matching the filters; unknown slugs are errors, not silent no-ops."""
    compounds, conditions = list(compounds), list(conditions)
    _check_known("compound", compounds, [c.slug for c in catalog.compounds])
    _check_known("condition", conditions, [c.slug for c in catalog.conditions])
    return [r for r in catalog.reviews
            if (not compounds or r.compound.slug in compounds)
            and (not conditions or r.condition.slug in conditions)]


def _check_known(kind: str, wanted: list[str], known: list[str]) -> None:
    for slug in wanted:
        if slug not in known:
            close = difflib.get_close_matches(slug, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise SelectionError(f"no {kind} '{slug}' in the catalog{hint}")
