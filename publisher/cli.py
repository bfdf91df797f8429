"""The ``publisher`` command: thin click wrappers that load options and call the library."""

from __future__ import annotations

import datetime as dt
import json
import logging

import click

from . import __version__
from .build import EDITIONS, build, overdue_problems
from .catalog import load_catalog
from .errors import PublisherError
from .formats import FORMATS
from .progress import ProgressBar
from .render import PAPER_SIZES

catalog_option = click.option(
    "--catalog", "catalog_dir", default="catalog", show_default=True,
    type=click.Path(file_okay=False, path_type=str), help="The catalog directory.")


class _Group(click.Group):
    """Turns a failing disk (no space, no permission) into one plain line, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise PublisherError(f"{where}{error.strerror or error}") from error


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="publisher")
def main() -> None:
    """Turn a catalog of medical safety reviews into patient handouts."""
    _show_warnings()


class _WarningHandler(logging.Handler):
    """publisher's own warnings as one plain stderr line each, each said once."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.said: set[str] = set()

    def emit(self, record):
        message = record.getMessage()
        if message not in self.said:
            self.said.add(message)
            click.echo(f"warning: {message}", err=True)


def _show_warnings() -> None:
    log = logging.getLogger("publisher")
    if not any(isinstance(h, _WarningHandler) for h in log.handlers):
        log.addHandler(_WarningHandler())
    log.propagate = False


@main.command("build")
@catalog_option
@click.option("--out", default="dist", show_default=True, type=click.Path(file_okay=False),
              help="Output folder.")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True, metavar="LIST",
              help=f"Comma-separated formats to build, from: {', '.join(FORMATS)}.")
@click.option("--compound", "compounds", multiple=True, metavar="SLUG",
              help="Only this compound (repeatable).")
@click.option("--condition", "conditions", multiple=True, metavar="SLUG",
              help="Only this condition (repeatable).")
@click.option("--paper", type=click.Choice(sorted(PAPER_SIZES)), default=None,
              help="Page size (default: site.yaml's paper, else letter).")
@click.option("--duplex", is_flag=True,
              help="Booklets for double-sided printing: every review starts on a right-hand page.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes (default: one per core).")
@click.option("--force", is_flag=True, help="Remake every output, even those that are up to date.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run on this Dask cluster (e.g. tcp://host:8786); needs publisher[dask].")
@click.option("--brand", "brand", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="A clinic's brand file (YAML: name, phone, address, website, logo, accent_color).")
@click.option("--edition", type=click.Choice(EDITIONS), default="standard", show_default=True,
              help="large-print: all text at 18 pt or more, written under OUT/large-print/.")
@click.option("--release", is_flag=True,
              help="Refuse (writing nothing) unless every selected review is approved and not overdue.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Name every output written or removed.")
def build_command(catalog_dir, out, formats, compounds, conditions, paper, duplex, jobs, force,
                  scheduler, brand, edition, release, quiet, verbose):
    """Build handouts (HTML, PDF), booklets and EPUBs for every review in the catalog.

    Outputs that are up to date are skipped; outputs whose review left the catalog are removed.
    """
    bar = ProgressBar(click.get_text_stream("stderr")) if not (quiet or verbose) and _on_terminal() else None

    def progress(done, total, path):
        if verbose:
            click.echo(f"wrote {path}")
        elif bar:
            bar(done, total, path)

    try:
        report = build(catalog_dir, out, formats=formats, compounds=compounds, conditions=conditions,
                       paper=paper, duplex=duplex, jobs=jobs, force=force, scheduler=scheduler,
                       release=release, brand=brand, edition=edition, progress=progress)
    finally:
        if bar:
            bar.close()
    if verbose:
        for path in report.removed:
            click.echo(f"removed {path}")
    if not quiet:
        click.echo(report.summary())


def _on_terminal() -> bool:
    return click.get_text_stream("stderr").isatty()


@main.command("check")
@catalog_option
@click.option("--readability", is_flag=True,
              help="Also score every handout's reading level (Flesch-Kincaid grade, SMOG).")
@click.option("--json", "as_json", is_flag=True, help="With --readability: print JSON.")
def check_command(catalog_dir, readability, as_json):
    """Validate the catalog; exit 1 listing every problem. Lists overdue reviews."""
    catalog = load_catalog(catalog_dir)
    if readability:
        _readability(catalog, as_json)
        return
    click.echo(f"{catalog_dir}: ok ({len(catalog.compounds)} compound(s), "
               f"{len(catalog.conditions)} condition(s), {len(catalog.reviews)} review(s))")
    for problem in overdue_problems(catalog.reviews, dt.date.today()):
        click.echo(f"overdue: {problem}")


def _readability(catalog, as_json: bool) -> None:
    from .readability import article_text, as_dict, scores
    from .render import Renderer

    renderer = Renderer.create(catalog.site)
    limit = catalog.site.reading_grade_max
    rows = [as_dict(r.key, scores(article_text(renderer.handout(r)), catalog.site.language), limit)
            for r in catalog.reviews]
    if as_json:
        click.echo(json.dumps({"reading_grade_max": limit, "reviews": rows}, indent=2, ensure_ascii=False))
        return
    width = max([len("review"), *(len(row["review"]) for row in rows)])
    click.echo(f"{'review':<{width}}  {'FK grade':>8}  {'SMOG':>5}  {'words':>5}")
    for row in rows:
        flag = f"  above {limit:g}" if row["above_max"] else ""
        click.echo(f"{row['review']:<{width}}  {row['flesch_kincaid_grade']:>8.1f}  {row['smog_index']:>5.1f}"
                   f"  {row['words']:>5}{flag}")
    above = sum(row["above_max"] for row in rows)
    click.echo(f"{above} of {len(rows)} handout(s) above grade {limit:g} (reading_grade_max in site.yaml)")


@main.command("list")
@catalog_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def list_command(catalog_dir, as_json):
    """List compounds, conditions and reviews."""
    catalog = load_catalog(catalog_dir)
    reviews = catalog.reviews
    if as_json:
        click.echo(json.dumps({
            "compounds": [{"slug": c.slug, "name": c.display_name, "class": c.drug_class}
                          for c in catalog.compounds],
            "conditions": [{"slug": c.slug, "name": c.name, "specialist": c.specialist}
                           for c in catalog.conditions],
            "reviews": [{"compound": r.compound.slug, "condition": r.condition.slug,
                         "override": r.source} for r in reviews],
        }, indent=2, ensure_ascii=False))
        return
    click.echo(f"Compounds ({len(catalog.compounds)}):")
    for c in catalog.compounds:
        click.echo(f"  {c.slug:<32} {c.display_name}")
    click.echo(f"Conditions ({len(catalog.conditions)}):")
    for c in catalog.conditions:
        click.echo(f"  {c.slug:<32} {c.name} ({c.specialist})")
    click.echo(f"Reviews ({len(reviews)}):")
    for r in reviews:
        click.echo(f"  {r.key}{'  [override]' if r.source else ''}")
