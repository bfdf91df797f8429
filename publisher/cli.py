"""The ``publisher`` command: thin click wrappers that load options and call the library."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import sys

from dataclasses import fields
from pathlib import Path

import click
from click.core import ParameterSource

from .version import __version__
from .pipeline.execute import build
from .catalog import load_catalog
from .catalog.release import overdue_problems
from .errors import PublisherError, SelectionError
from .options import BuildOptions
from .pipeline.plan import plans
from .progress import ProgressBar
from .mail.sizes import DEFAULT_BUDGET, BudgetType, parse_budget

class _Group(click.Group):
    """Turns a failing disk (no space, no permission) into one plain line, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise PublisherError(f"{where}{error.strerror or error}") from error


@click.group("publisher", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
    """One fresh handler per command (each command says each warning once)."""
    log = logging.getLogger("publisher")
    for handler in [h for h in log.handlers if isinstance(h, _WarningHandler)]:
        log.removeHandler(handler)
    log.addHandler(_WarningHandler())
    log.propagate = False


def _option(name: str, flags: tuple[str, ...], kwargs: dict):
    """One click option from a ``BuildOptions`` field, with the field's default as text."""
    if not kwargs.get("multiple") and not kwargs.get("is_flag"):
        default = next(f.default for f in fields(BuildOptions) if f.name == name)
        shown = ",".join(default) if isinstance(default, tuple) else default
        kwargs = {"default": str(shown) if isinstance(shown, Path) else shown, **kwargs}
    if name == "catalog":
        kwargs = {**kwargs, "callback": _default_catalog_here}
    return click.option(*flags, name, **kwargs)


def _default_catalog_here(ctx, param, value):
    """--catalog left at its default names a folder of the working directory: when there is
    none, say where to run publisher (a --catalog given gets the catalog loader's message).
    ``check --email`` reads no catalog, so nothing is said when it, files or ``--budget`` were
    given (click has read them by now: options given come before those left at their default)."""
    if (not ctx.resilient_parsing and ctx.get_parameter_source(param.name) is ParameterSource.DEFAULT
            and not Path(value).is_dir() and not any(ctx.params.get(name) for name in ("email", "paths", "budget"))):
        raise PublisherError(f"no catalog folder '{value}' here: run publisher in the folder that holds "
                             f"{value}/, or point at one with --catalog DIR")
    return value


def build_options(command):
    """The build's click options, generated from ``BuildOptions`` (options.py): one table, so
    the CLI and the library take, and check, the same options."""
    for name, flags, kwargs in reversed(list(BuildOptions.cli_fields())):
        command = _option(name, flags, kwargs)(command)
    return command


def _field_option(name: str):
    """The click option of one ``BuildOptions`` field, for commands that take only some."""
    return next(_option(*field) for field in BuildOptions.cli_fields() if field[0] == name)


catalog_option = _field_option("catalog")


@main.command("build", short_help="Build handouts, booklets, EPUBs and the download site.")
@build_options
@click.option("--dry-run", is_flag=True, help="Print what would be made and removed, and why; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="With --dry-run: print the plan as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Name every output written or removed.")
def build_command(dry_run, as_json, quiet, verbose, **options):
    """Build handouts (HTML, PDF), booklets, EPUBs, the download site and SHA256SUMS for every
    review in the catalog.

    Outputs that are up to date are skipped; outputs whose review left the catalog are removed.
    """
    if as_json and not dry_run:
        raise SelectionError("--json only goes with --dry-run (it prints the plan as JSON): "
                             "add --dry-run, or drop --json")
    if quiet and verbose:
        raise SelectionError("-q/--quiet and -v/--verbose contradict each other: choose one")
    chosen = BuildOptions(**options, sign_password=_sign_password(options))
    if dry_run:
        _print_plans(plans(chosen), as_json, verbose)
        return
    bar = ProgressBar(sys.stderr) if not (quiet or verbose) and _on_terminal() else None
    done = []

    def progress(count, total, path):
        done.append(path)
        if verbose:
            click.echo(f"wrote {path}")
        elif bar:
            bar(count, total, path)

    signal.signal(signal.SIGTERM, _terminated)
    try:
        report = build(chosen, progress=progress)
    except (KeyboardInterrupt, Terminated) as stop:
        if bar:
            bar.close()
        click.echo(f"stopped: {len(done):,} finished output(s) kept and recorded; "
                   "run the build again to make the rest", err=True)
        # The writer has saved the manifest and the pool has stopped its workers; leave now,
        # without the executor's exit hooks, which can wait on (or trip over) dead workers.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(143 if isinstance(stop, Terminated) else 130)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if bar:
            bar.close()
    if verbose:
        for path in report.removed:
            click.echo(f"removed {path}")
    if not quiet:
        click.echo(report.summary())


def _sign_password(options: dict) -> str | None:
    """--sign's password: asked for (not echoed) on a terminal when its environment variable is
    unset; otherwise the library reads the variable (and says when it is unset)."""
    if options["sign"] is None or not options["release"] or options["sign_password_env"] in os.environ:
        return None
    if not sys.stdin.isatty():
        return None
    return click.prompt(f"Password for {options['sign']}", hide_input=True, err=True)


class Terminated(BaseException):
    """SIGTERM (``timeout``, ``docker stop``, a CI runner): stop like Ctrl-C does."""


def _terminated(signum, frame):
    raise Terminated()


def _print_plans(found, as_json: bool, verbose: bool) -> None:
    """One plan per language: as JSON (one object, or a list for several), or as lines."""
    if as_json:
        data = [one.as_dict() for one in found]
        click.echo(json.dumps(data[0] if len(data) == 1 else data, indent=2))
        return
    for one in found:
        if verbose:
            for line in one.lines():
                click.echo(line)
        click.echo(one.summary())


def _on_terminal() -> bool:
    # sys.stderr at call time (CliRunner swaps it in tests); click.get_text_stream is
    # deprecated from click 8.3.
    return sys.stderr.isatty()


@main.command("check", short_help="Validate the catalog; list overdue reviews.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[FILE_OR_FOLDER]...")
@click.option("--email", is_flag=True,
              help="Check PDFs and EPUBs as mail attachments, not the catalog: size once encoded, "
                   "scripts, embedded files, actions mail gateways hold, names.")
@click.option("--budget", type=BudgetType(), metavar="SIZE",
              help=f"With --email: the largest attachment the mail system takes, once encoded (default "
                   f"{DEFAULT_BUDGET}). KB, MB, GB are powers of 1,000; KiB, MiB, GiB of 1,024.")
@catalog_option
@click.option("--readability", is_flag=True,
              help="Score every handout's reading level in each language (English: Flesch-Kincaid grade, "
                   "SMOG; Spanish: Fernández-Huerta, Szigriszt-Pazos/INFLESZ; others: not scored).")
@_field_option("wording")
@click.option("--strict", is_flag=True,
              help="With --readability: exit 1 when a handout is above reading_grade_max (site.yaml's "
                   "reading_grade_strict: true does the same).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON (with --readability: the scores).")
def check_command(paths, email, budget, catalog, readability, wording, strict, as_json):
    """Validate the catalog; exit 1 listing every problem. Lists overdue reviews.

    With --email, check PDFs and EPUBs as mail attachments instead: each below the folders given
    (default: dist) and each file given. One line per problem; exit 1 when there is any.
    """
    if email:
        given = click.get_current_context().get_parameter_source
        _check_email(paths, budget, readability=readability, strict=strict, json=as_json,
                     catalog=given("catalog") is not ParameterSource.DEFAULT,
                     wording=given("wording") is not ParameterSource.DEFAULT)
        return
    if paths or budget:
        raise SelectionError(f"{'files and folders go' if paths else '--budget goes'} with --email (without it, "
                             "check validates the catalog): add --email")
    plain = BuildOptions(wording=wording).plain  # checks the value as a build does
    if strict and not readability:
        raise SelectionError("--strict goes with --readability: add --readability, or drop --strict")
    loaded = load_catalog(catalog)
    if readability:
        from .i18n.readability import above_max, report

        found = report(loaded, plain)
        _print_readability(found, as_json)
        hard = above_max(found)
        if hard and (strict or loaded.site.reading_grade_strict):
            raise PublisherError(f"{len(hard)} handout(s) above reading grade {loaded.site.reading_grade_max:g} "
                                 f"in the {found['wording']} wording: {', '.join(hard[:5])}"
                                 f"{' …' if len(hard) > 5 else ''}")
        return
    if as_json:
        click.echo(json.dumps(_check_result(catalog, loaded), indent=2, ensure_ascii=False))
        return
    translations = _translation_lines(loaded)  # their problems first: never "ok", then problems
    click.echo(f"{catalog}: ok ({len(loaded.compounds)} compound(s), "
               f"{len(loaded.conditions)} condition(s), {len(loaded.reviews)} review(s))")
    for problem in overdue_problems(loaded.reviews, dt.date.today()):
        click.echo(f"overdue: {problem}")
    for line in translations:
        click.echo(line)


def _check_email(paths, budget, **others) -> None:
    """``check --email``: the files' problem lines and a summary; exit 1 when there is a problem."""
    from .mail.check import check

    given = [f"--{name.replace('_', '-')}" for name, value in others.items() if value]
    if given:
        raise SelectionError(f"{given[0]} does not go with --email (which checks files, not the catalog)")
    report = check(list(paths) or [BuildOptions().out], budget or parse_budget(DEFAULT_BUDGET))
    for line in report.lines:
        click.echo(line)
    click.echo(report.summary())
    if report.lines:
        raise SystemExit(1)


def _check_result(catalog: str, loaded) -> dict:
    """``check --json``: what the text says (the counts, overdue reviews, each translation)."""
    from .i18n.po_files import counts, load_status
    translations = []
    for language in loaded.site.languages[1:]:
        found = counts(loaded, language)
        translations.append({"language": language, "translated": found.translated, "fuzzy": found.fuzzy,
                             "missing": found.missing, "status": load_status(loaded, language).status})
    return {
        "catalog": catalog,
        "compounds": len(loaded.compounds),
        "conditions": len(loaded.conditions),
        "reviews": len(loaded.reviews),
        "overdue": [str(problem) for problem in overdue_problems(loaded.reviews, dt.date.today())],
        "translations": translations,
    }


def _print_readability(found: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    click.echo(f"{found['wording']} wording")
    _print_scores(found, found["reading_grade_max"])
    for where in found.get("without_plain", ()):
        click.echo(f"standard text (no plain version) in {where}")
    for other in found["languages"]:
        partial = ", partial translation" if other["partial_translation"] else ""
        if other.get("no_plain_wording"):
            partial += ", no plain template wording (the standard stands in)"
        if "not_scored" in other:
            click.echo(f"\n{other['language']}{partial}: not scored ({other['not_scored']})")
            continue
        click.echo(f"\n{other['language']}{partial}: {other['formula']}")
        _print_scores(other, found["reading_grade_max"])


def _print_scores(found: dict, limit: float) -> None:
    """One language's table: English grades, Spanish INFLESZ, or why it is not scored."""
    if "not_scored" in found:
        click.echo(f"{found['language']}: not scored ({found['not_scored']})")
        return
    rows = found["reviews"]
    width = max([len("review"), *(len(row["review"]) for row in rows)])
    if "inflesz" in rows[0]:
        click.echo(f"{'review':<{width}}  {'F-Huerta':>8}  {'Szigriszt':>9}  {'words':>5}  INFLESZ")
        for row in rows:
            click.echo(f"{row['review']:<{width}}  {row['fernandez_huerta']:>8.1f}  {row['szigriszt_pazos']:>9.1f}"
                       f"  {row['words']:>5}  {row['inflesz']}")
        hard = sum(row["difficult"] for row in rows)
        click.echo(f"{hard} of {len(rows)} handout(s) harder than INFLESZ 'normal' (Szigriszt-Pazos below 55)")
        return
    click.echo(f"{'review':<{width}}  {'FK grade':>8}  {'SMOG':>5}  {'words':>5}")
    for row in rows:
        flag = f"  above {limit:g}" if row["above_max"] else ""
        click.echo(f"{row['review']:<{width}}  {row['flesch_kincaid_grade']:>8.1f}  {row['smog_index']:>5.1f}"
                   f"  {row['words']:>5}{flag}")
    above = sum(row["above_max"] for row in rows)
    click.echo(f"{above} of {len(rows)} handout(s) above grade {limit:g} (reading_grade_max in site.yaml)")


@main.command("list", short_help="List compounds, conditions and reviews.")
@catalog_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def list_command(catalog, as_json):
    """List compounds, conditions and reviews."""
    catalog = load_catalog(catalog)
    reviews = catalog.reviews
    if as_json:
        click.echo(json.dumps({
            "compounds": [{"slug": c.slug, "name": c.display_name, "class": c.drug_class, "codes": dict(c.codes)}
                          for c in catalog.compounds],
            "conditions": [{"slug": c.slug, "name": c.name, "specialist": c.specialist, "codes": dict(c.codes)}
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


# --- translations of the catalog's own text (issue 15) -----------------------------------
# Babel is imported only here, when a command uses translations.

def _translation_lines(loaded) -> list[str]:
    """One line per translated language, when site.yaml lists more than one."""
    from .i18n.po_files import check_lines
    return list(check_lines(loaded))


@main.group("translations", short_help="Keep the catalog's translations (PO files) up to date.")
def translations_group() -> None:
    """Translations of the catalog's own text (catalog/translations/<lang>.po)."""


@translations_group.command("update", short_help="Create or refresh the PO files from the catalog.")
@catalog_option
@click.option("--language", "language_tags", multiple=True, metavar="L",
              help="Only this language (repeatable; default: site.yaml's languages and every existing PO file).")
def translations_update_command(catalog, language_tags):
    """Create or refresh the PO files from the catalog: new strings added, changed ones fuzzy,
    vanished ones obsolete. Running it twice changes nothing."""
    from .i18n.po_files import counts, languages, update
    loaded = load_catalog(catalog)
    chosen = list(language_tags) or languages(loaded)
    if not chosen:
        click.echo("no languages to translate into: list them in site.yaml's 'languages' or use --language")
        return
    for language in chosen:
        path, changed = update(loaded, language)
        found = counts(loaded, language)
        click.echo(f"{path}: {'updated' if changed else 'unchanged'} ({found.translated} translated, "
                   f"{found.fuzzy} fuzzy, {found.missing} missing)")


@main.command("handout", short_help="One patient's handout, printed or saved; nothing kept.")
@click.argument("compound")
@click.argument("condition")
@_field_option("catalog")
@click.option("--language", metavar="L", help="The handout's language (default: the catalog's own).")
@_field_option("edition")
@_field_option("wording")
@_field_option("paper")
@_field_option("brand")
@_field_option("allow_incomplete")
@_field_option("archival")
@click.option("--patient", metavar="NAME", help="The patient's name, printed at the top.")
@click.option("--clinician", metavar="NAME", help="Who gives the handout.")
@click.option("--given", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="The day it is given, YYYY-MM-DD (default: today), printed in the handout's language.")
@click.option("--note", "notes", multiple=True, metavar="TEXT", help="A note from the care team (repeatable).")
@click.option("--teach-back", is_flag=True, help="End with a checklist of the key points to say back in one's own words.")
@click.option("-o", "--output", metavar="FILE", help="Write the PDF here ('-': standard output). Default: "
                                                      "<compound>--<condition>--personal.pdf here, unless --print "
                                                      "or --eml.")
@click.option("--eml", metavar="FILE", help="Write an unsent e-mail with the PDF attached, which mail programs "
                                            "open as a draft to address and send ('-': standard output).")
@click.option("--password", metavar="[PASSWORD]", prompt="PDF password", hide_input=True, confirmation_prompt=True, prompt_required=False,
              default=None, help="Encrypt the PDF (AES-256) for mailing; without a value, asked for (not echoed).")
@click.option("--print", "to_printer", is_flag=True, help="Send it to the printer (CUPS' lp); no file is kept.")
@click.option("--printer", metavar="NAME", help="With --print: this printer, not the default one.")
@click.option("--record", metavar="FILE", help="Also write the FHIR R4 Communication recording that this handout, "
                                               "in its version, was given to --patient-ref ('-': standard output).")
@click.option("--patient-ref", metavar="REF", help="With --record: the patient as the EHR names them, a FHIR reference "
                                                   "(Patient/123, or an absolute URL); never printed or logged.")
def handout_command(compound, condition, language, patient, clinician, given, notes, teach_back, output, eml,
                    password, to_printer, printer, record, patient_ref, **options):
    """One review for one patient, at the point of care: their name, the clinician, the date,
    notes and a teach-back checklist on the handout, printed at once or saved.

    The personal details are never written anywhere but the PDF: not in its file name, a log,
    an error message or a temporary file.
    """
    from .folders import Folder
    from .personal import Personal, encrypt, personal_handout, send_to_printer

    if output == eml == "-":
        raise SelectionError("-o - and --eml - would both write to standard output: choose one")
    if password is not None and options["archival"]:
        raise SelectionError("--password and --archival cannot be used together: PDF/A forbids encryption")
    if (record is None) != (patient_ref is None):
        raise SelectionError("--record and --patient-ref go together: the record says who was given the handout")
    if record == "-" and "-" in (output, eml):
        raise SelectionError(f"{'-o' if output == '-' else '--eml'} - and --record - cannot both use standard output: "
                             "write one of them to a file")
    personal = Personal.read((given.date() if given else dt.date.today()), patient, clinician, notes, teach_back)
    chosen = BuildOptions(**options, languages=(language,) if language else ())
    name, pdf, settings, given_record = personal_handout(chosen, compound, condition, personal, patient_ref)
    if password is not None:
        pdf = encrypt(pdf, password)
    if to_printer:
        send_to_printer(pdf, name, printer)
        click.echo(f"sent {name} to {printer or 'the default printer'}", err=True)
    written = [(output or (None if to_printer or eml else name), pdf)]  # the default file, unless printed or mailed
    if eml:
        from .mail.message import draft

        written.append((eml, draft(settings, name, pdf, encrypted=password is not None)))
    if record:
        written.append((record, given_record))
    for where, data in written:
        if where == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        elif where:
            path = Path(where)
            Folder(path.parent).write(path.name, data)
            click.echo(f"wrote {path}", err=True)


@main.command("verify", short_help="Check the clinic's signature on PDFs and SHA256SUMS.")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--trust", metavar="CA.pem", help="Trusted certificates (PEM or DER): the signer's certificate must "
                                                "chain to one. Without it the signer is named, not checked.")
def verify_command(files, trust):
    """For each PDF: who signed it, whether it is unchanged since, and its date; for SHA256SUMS
    (or SHA256SUMS.p7s): its signature, then every file it lists. Exit 1 when any file is
    changed, missing or unsigned, or --trust does not vouch for its certificate."""
    from .seal.verify import verify

    findings = verify(files, trust)
    for finding in findings:
        click.echo(finding.line)
    if not all(finding.ok for finding in findings):
        sys.exit(1)


@main.command("desk", short_help="A web page for one patient's handout at a time; nothing kept.")
@_field_option("catalog")
@_field_option("paper")
@_field_option("brand")
@_field_option("allow_incomplete")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="Address to listen on; anything but loopback needs --access-code-env.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), metavar="PORT",
              help="Port to listen on (0: any free port).")
@click.option("--access-code-env", metavar="NAME",
              help="Ask for the access code held in the environment variable NAME before printing.")
@click.option("--allow-drafts", is_flag=True, help="Print draft and overdue reviews too (marked as drafts).")
def desk_command(host, port, access_code_env, allow_drafts, **options):
    """Serve a page on which the care team chooses a review, types the patient's details and
    downloads or prints the PDF: the ``handout`` command in a browser.

    The PDF is made in memory and sent back; nothing typed is written, logged or kept.
    Ctrl-C stops it.
    """
    from .desk import access_code_from, desk

    desk(BuildOptions(**options), host, port, access_code_from(access_code_env), allow_drafts)


@main.command("serve", short_help="Preview: build, serve and rebuild on every change.")
@_field_option("catalog")
@_field_option("brand")
@_field_option("edition")
@_field_option("wording")
@_field_option("paper")
@_field_option("formats")
@click.option("--language", metavar="L", help="Preview this language edition (default: the catalog's own, "
                                              "the first in site.yaml's languages).")
@_field_option("allow_incomplete")
@click.option("--out", metavar="DIR", help="Build into DIR and keep it (default: a private folder, removed on exit).")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="Address to listen on; anything but loopback makes the preview reachable from other machines.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), metavar="PORT",
              help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a web browser.")
def serve_command(out, language, host, port, open_browser, **options):
    """Preview: build, serve and rebuild on every change; open pages reload by themselves.

    HTML comes first, so an edited page is back within a second; PDFs, booklets, EPUBs and
    SHA256SUMS follow in the background. Ctrl-C stops it.
    """
    from .serve import serve

    chosen = BuildOptions(**options, languages=(language,) if language else (), **({"out": out} if out else {}))
    serve(chosen, host, port, open_browser, private=out is None)
