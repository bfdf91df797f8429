"""The command line: exact messages and exit codes, as sqlite-utils tests its CLI."""

from __future__ import annotations

import re

import json

import pytest
from click.testing import CliRunner

from publisher import __version__
from publisher.cli import main

from helpers import LDN, make_catalog, write_yaml

SUMMARY_1 = "1 problem in the catalog; nothing was written."


def run(*args):
    return CliRunner().invoke(main, list(args))


def small_catalog(root):
    return make_catalog(root,
                        compounds={"low-dose-naltrexone": LDN},
                        conditions={"liver-cancer": {"name": "Liver Cancer", "specialist": "hepatologist or oncologist"},
                                    "fibromyalgia": {"name": "Fibromyalgia", "specialist": "rheumatologist"}})


@pytest.mark.parametrize("breakage,expected", [
    (lambda c: (c / "compounds/low-dose-naltrexone.yaml").write_text(
        (c / "compounds/low-dose-naltrexone.yaml").read_text().replace("safety_profile", "saftey_profile")),
     "compounds/low-dose-naltrexone.yaml:4: unknown field 'saftey_profile' (did you mean 'safety_profile'?)"),
    (lambda c: (c / "conditions/liver-cancer.yaml").write_text("name: Liver Cancer\n"),
     "conditions/liver-cancer.yaml:1: file is missing the required field 'specialist'"),
    (lambda c: (c / "conditions/liver-cancer.yaml").write_text("name: Liver Cancer\nspecialist: [a, b]\n"),
     "conditions/liver-cancer.yaml:2: field 'specialist' must be text, not a list"),
    (lambda c: (c / "conditions/liver-cancer.yaml").write_text("name: 42\nspecialist: oncologist\n"),
     "conditions/liver-cancer.yaml:1: field 'name' must be text, not a number (42)"),
    (lambda c: (c / "conditions/liver-cancer.yaml").write_text("name: 'Liver Cancer\nspecialist: oncologist\n"),
     "conditions/liver-cancer.yaml:1: YAML syntax error: while scanning a quoted scalar, found unexpected end of stream"),
    (lambda c: (c / "conditions/Liver_Cancer.yaml").write_text("name: L\nspecialist: s\n"),
     "conditions/Liver_Cancer.yaml:1: 'Liver_Cancer' is not a valid slug for a file name: use lowercase a-z, 0-9 and single '-' between words only"),
    (lambda c: write_yaml(c / "compounds/x.yaml", {**LDN, "conditions": ["liver-cancer", "lvier-cancer"]}),
     "compounds/x.yaml:13: unknown condition 'lvier-cancer' in 'conditions' (did you mean 'liver-cancer'?)"),
    (lambda c: write_yaml(c / "reviews/low-dose-naltrexone/asthma.yaml", {"research_note": "x"}),
     "reviews/low-dose-naltrexone/asthma.yaml:1: no condition 'asthma' in the catalog for this review"),
    (lambda c: write_yaml(c / "reviews/aspirin/liver-cancer.yaml", {"research_note": "x"}),
     "reviews/aspirin/liver-cancer.yaml:1: no compound 'aspirin' in the catalog for this review"),
    (lambda c: write_yaml(c / "reviews/low-dose-naltrexone/liver-cancer.yaml", {"reviewed_on": "2025-13-01"}),
     "reviews/low-dose-naltrexone/liver-cancer.yaml:1: field 'reviewed_on' must be an ISO date such as 2026-01-31"),
    (lambda c: write_yaml(c / "reviews/low-dose-naltrexone/liver-cancer.yaml", {"references": [{"title": "T"}]}),
     "reviews/low-dose-naltrexone/liver-cancer.yaml:2: reference needs a 'url' or a 'pmid'"),
    (lambda c: write_yaml(c / "site.yaml", {"paper": "legal"}),
     "site.yaml:1: field 'paper' must be one of letter, a4, not 'legal'"),
])
def test_each_kind_of_broken_catalog_is_one_exact_line(tmp_path, breakage, expected):
    catalog = small_catalog(tmp_path / "c")
    breakage(catalog)
    out = tmp_path / "out"
    for command in (["check"], ["build", "--out", str(out)]):
        result = run(*command, "--catalog", str(catalog))
        assert result.exit_code == 1, result.output
        assert result.output == f"{catalog}/{expected}\n{SUMMARY_1}\n"
        assert "Traceback" not in result.output
    assert not out.exists()


def test_compound_listing_a_condition_twice_and_a_misplaced_review(tmp_path):
    catalog = small_catalog(tmp_path / "c")
    write_yaml(catalog / "compounds/x.yaml", {**LDN, "conditions": ["fibromyalgia"]})
    write_yaml(catalog / "reviews/x/liver-cancer.yaml", {"research_note": "n"})
    result = run("check", "--catalog", str(catalog))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{catalog}/reviews/x/liver-cancer.yaml:1: 'x' is not reviewed for 'liver-cancer' "
        "(add it to the compound's 'conditions' list)")


def test_every_problem_is_reported_at_once(tmp_path):
    catalog = small_catalog(tmp_path / "c")
    (catalog / "conditions/liver-cancer.yaml").write_text("# no name\nspecalist: x\n")
    (catalog / "conditions/fibromyalgia.yaml").write_text("")
    result = run("check", "--catalog", str(catalog))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{catalog}/conditions/fibromyalgia.yaml:1: file is empty: expected a mapping of fields",
        f"{catalog}/conditions/liver-cancer.yaml:2: file is missing the required field 'name'",
        f"{catalog}/conditions/liver-cancer.yaml:2: unknown field 'specalist' (did you mean 'specialist'?)",
        "3 problems in the catalog; nothing was written.",
    ]


def test_missing_catalog_directory(tmp_path):
    result = run("check", "--catalog", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"{tmp_path}/nope: no catalog directory here"


def test_check_passes_a_good_catalog(tmp_path):
    catalog = small_catalog(tmp_path / "c")
    result = run("check", "--catalog", str(catalog))
    assert result.exit_code == 0
    assert result.output == f"{catalog}: ok (1 compound(s), 2 condition(s), 2 review(s))\n"


def test_list_json(tmp_path):
    catalog = small_catalog(tmp_path / "c")
    result = run("list", "--catalog", str(catalog), "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [c["slug"] for c in data["conditions"]] == ["fibromyalgia", "liver-cancer"]
    assert data["compounds"] == [{"slug": "low-dose-naltrexone", "name": "Low-Dose Naltrexone (LDN)",
                                  "class": "Opioid Antagonist / Immunomodulator", "codes": {}}]
    assert [(r["compound"], r["condition"]) for r in data["reviews"]] == [
        ("low-dose-naltrexone", "fibromyalgia"), ("low-dose-naltrexone", "liver-cancer")]


def test_list_text(tmp_path):
    result = run("list", "--catalog", str(small_catalog(tmp_path / "c")))
    assert result.exit_code == 0
    assert "  low-dose-naltrexone/liver-cancer\n" in result.output


def test_version_and_help():
    assert run("--version").output == f"publisher, version {__version__}\n"
    for command in ([], ["build"], ["check"], ["list"]):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


@pytest.mark.parametrize("args,message", [
    (["--format", "html,docx"], "Error: unknown format 'docx': choose from html, pdf, booklet, epub, site, fhir, checksums"),
    (["--compound", "aspirin"], "Error: no compound 'aspirin' in the catalog"),
    (["--condition", "livercancer"], "Error: no condition 'livercancer' in the catalog (did you mean 'liver-cancer'?)"),
])
def test_bad_selection_is_a_usage_error(tmp_path, args, message):
    assert_usage_error(tmp_path, args, message)


def assert_usage_error(tmp_path, args, message):
    """``build`` with ``args`` prints exactly ``Error: …`` (exit 2) and makes no output folder."""
    out = tmp_path / "out"
    result = run("build", "--catalog", str(small_catalog(tmp_path / "c")), "--out", str(out), *args)
    assert result.exit_code == 2
    assert result.output == message + "\n"
    assert not out.exists()


def test_build_filters_and_formats(tmp_path):
    out = tmp_path / "out"
    result = run("build", "--catalog", str(small_catalog(tmp_path / "c")), "--out", str(out),
                 "--format", "html", "--condition", "fibromyalgia")
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert files == ["html/low-dose-naltrexone/low-dose-naltrexone--fibromyalgia.html"]
    assert not (out / "pdf").exists()
    # one handout, its stylesheet and the fonts beside it
    assert re.fullmatch(r"built 23, skipped 0 unchanged, removed 0 stale in \d+\.\d s\n", result.output)


def test_unwritable_output_is_a_clean_error(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file, not a folder")
    result = run("build", "--catalog", str(small_catalog(tmp_path / "c")), "--out", str(blocker / "sub"),
                 "--format", "html")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "Traceback" not in result.output


def test_quiet_verbose_and_the_summary_line(tmp_path):
    catalog, out = small_catalog(tmp_path / "c"), tmp_path / "out"
    quiet = run("build", "--catalog", str(catalog), "--out", str(out), "--format", "pdf", "-q")
    assert quiet.exit_code == 0 and quiet.output == ""
    (catalog / "conditions/fibromyalgia.yaml").unlink()
    verbose = run("build", "--catalog", str(catalog), "--out", str(out), "--format", "pdf,html", "-v", "-j", "1")
    lines = verbose.output.splitlines()
    wrote = sorted(line for line in lines if line.startswith("wrote "))
    assert len(wrote) == 23 and "wrote html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer.html" in wrote
    assert "wrote html/_assets/handout.css" in wrote and "wrote html/_assets/fonts/web/DejaVuSans-arrows.woff2" in wrote
    assert lines[-2] == "removed pdf/low-dose-naltrexone/low-dose-naltrexone--fibromyalgia.pdf"
    assert re.fullmatch(r"built 23, skipped 1 unchanged, removed 1 stale in \d+\.\d s", lines[-1])
    again = run("build", "--catalog", str(catalog), "--out", str(out), "--format", "pdf,html")
    assert re.fullmatch(r"built 0, skipped 24 unchanged, removed 0 stale in \d+\.\d s\n", again.output)


def test_jobs_must_be_positive(tmp_path):
    result = run("build", "--catalog", str(small_catalog(tmp_path / "c")), "--out", str(tmp_path / "o"), "-j", "0")
    assert result.exit_code == 2 and result.output == "Error: --jobs must be 1 or more, not 0\n"


def test_progress_bar_counts_rate_and_time_left():
    import io

    from publisher.progress import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar.started -= 2.0  # two seconds in
    bar(4, 8, "pdf/a.pdf")
    assert stream.getvalue() == "\r[##############..............] 4/8 outputs  2.0/s  0:02 left"
    bar(8, 8, "pdf/b.pdf")  # the last one is always drawn
    assert re.search(r"\r\[#{28}\] 8/8 outputs  \d\.\d/s  0:00 left$", stream.getvalue())
    bar.close()
    assert stream.getvalue().endswith("\r")


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_a_build_raises_no_deprecation_warning(tmp_path):
    # click.get_text_stream is deprecated from click 8.3: the CLI uses sys.stderr
    result = run("build", "--catalog", str(small_catalog(tmp_path / "c")), "--out", str(tmp_path / "out"),
                 "--format", "html", "--condition", "fibromyalgia")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("args,message", [
    (["--json"], "Error: --json only goes with --dry-run (it prints the plan as JSON): add --dry-run, or drop --json"),
    (["-q", "-v"], "Error: -q/--quiet and -v/--verbose contradict each other: choose one"),
    (["--quiet", "--verbose", "--dry-run"], "Error: -q/--quiet and -v/--verbose contradict each other: choose one"),
])
def test_options_that_do_not_go_together_are_refused(tmp_path, args, message):
    assert_usage_error(tmp_path, args, message)


def test_check_json(tmp_path):
    catalog = small_catalog(tmp_path / "c")
    write_yaml(catalog / "site.yaml", {"languages": ["en", "es"]})
    write_yaml(catalog / "reviews/low-dose-naltrexone/fibromyalgia.yaml",
               {"reviewed_on": "2020-01-10", "next_review_due": "2021-01-10"})
    write_yaml(catalog / "translations/es.yaml", {"status": "reviewed", "translator": "Ana Ruiz",
                                                  "reviewed_on": "2026-01-05"})
    result = run("check", "--catalog", str(catalog), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "catalog": str(catalog), "compounds": 1, "conditions": 2, "reviews": 2,
        "overdue": [f"{catalog}/reviews/low-dose-naltrexone/fibromyalgia.yaml: next review was due 2021-01-10"],
        "translations": [{"language": "es", "translated": 0, "fuzzy": 0, "missing": 12, "status": "reviewed"}],
    }
    text = run("check", "--catalog", str(catalog)).output.splitlines()
    assert text[1:] == [
        f"overdue: {catalog}/reviews/low-dose-naltrexone/fibromyalgia.yaml: next review was due 2021-01-10",
        "translation es: 0 translated, 0 fuzzy, 12 missing (reviewed)"]


def test_check_json_of_a_one_language_catalog(tmp_path):
    catalog = small_catalog(tmp_path / "c")
    result = run("check", "--catalog", str(catalog), "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == {"catalog": str(catalog), "compounds": 1, "conditions": 2, "reviews": 2,
                                         "overdue": [], "translations": []}


@pytest.mark.parametrize("given,paper,edition", [
    ({"paper": "A4", "edition": "Large-Print"}, "a4", "large-print"),
    ({"paper": "LETTER", "edition": "STANDARD"}, "letter", "standard"),
    ({}, None, "standard"),
])
def test_paper_and_edition_ignore_case_like_format(given, paper, edition):
    from publisher.options import BuildOptions

    settings = BuildOptions(**given, formats="PDF")
    assert (settings.paper, settings.edition, settings.formats) == (paper, edition, ("pdf",))


def test_paper_in_capitals_on_the_command_line(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "out"
    result = run("build", "--catalog", str(small_catalog(tmp_path / "c")), "--out", str(out),
                 "--format", "PDF", "--paper", "A4", "--condition", "fibromyalgia", "-q")
    assert result.exit_code == 0, result.output
    [pdf] = out.rglob("*.pdf")
    box = PdfReader(pdf).pages[0].mediabox
    assert (round(box.width), round(box.height)) == (595, 842)  # A4 in points
    refused = run("build", "--catalog", str(small_catalog(tmp_path / "d")), "--paper", "Legal")
    assert refused.exit_code == 2 and refused.output == "Error: unknown paper 'Legal': choose from letter, a4\n"


HELPS = [[], ["build"], ["check"], ["list"], ["serve"], ["translations"], ["translations", "update"], ["verify"]]


@pytest.mark.parametrize("command", HELPS, ids=lambda c: " ".join(c) or "publisher")
def test_every_help_fits_80_columns(command):
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=80)
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: {' '.join(['publisher', *command])} [OPTIONS]")
    assert [line for line in result.output.splitlines() if len(line) > 80] == []
    assert "..." not in result.output.split("\n", 1)[1]  # no command summary cut short


def test_command_summaries_and_metavars():
    top = CliRunner().invoke(main, ["--help"], terminal_width=80).output
    assert top.split("Commands:\n")[1].splitlines() == [
        "  build         Build handouts, booklets, EPUBs and the download site.",
        "  check         Validate the catalog; list overdue reviews.",
        "  desk          A web page for one patient's handout at a time; nothing kept.",
        "  handout       One patient's handout, printed or saved; nothing kept.",
        "  list          List compounds, conditions and reviews.",
        "  serve         Preview: build, serve and rebuild on every change.",
        "  translations  Keep the catalog's translations (PO files) up to date.",
        "  verify        Check the clinic's signature on PDFs and SHA256SUMS.",
    ]
    build = squash_help(["build"])
    assert "--catalog DIR The catalog directory. [default: catalog]" in build
    assert "--out DIR Output folder. [default: dist]" in build
    assert ("--format LIST Comma-separated formats to build, from: html, pdf, booklet, epub, site, fhir, checksums "
            "(default: all). site: the download portal (index.html, previews, ZIPs, OPDS feed) and every "
            "output it links to; fhir: a FHIR R4 DocumentReference per handout PDF, and a Bundle of them.") in build
    serve = squash_help(["serve"])
    for shown in ("--catalog DIR", "--out DIR", "--host ADDRESS", "--port PORT", "--brand FILE"):
        assert shown in serve
    handout = squash_help(["handout"])
    for shown in ("--patient NAME", "--given DATE", "--note TEXT", "-o, --output FILE", "--password [PASSWORD]"):
        assert shown in handout
    assert "TEXT" not in build + serve and "INTEGER" not in serve
    for command in (["check"], ["list"], ["translations", "update"]):
        assert "--catalog DIR The catalog directory." in squash_help(command)


def squash_help(command):
    return " ".join(CliRunner().invoke(main, [*command, "--help"], terminal_width=80).output.split())


NO_CATALOG_HERE = ("Error: no catalog folder 'catalog' here: run publisher in the folder that holds catalog/, "
                   "or point at one with --catalog DIR\n")


@pytest.mark.parametrize("command", [["build"], ["build", "--dry-run"], ["check"], ["check", "--json"], ["list"],
                                     ["serve"], ["translations", "update"]], ids=" ".join)
def test_run_outside_a_catalog(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = run(*command)
    assert result.exit_code == 1
    assert result.output == NO_CATALOG_HERE
    assert list(tmp_path.iterdir()) == []  # nothing written (no dist/)
    assert run(*command, "--help").exit_code == 0  # help needs no catalog


def test_the_default_catalog_folder_is_used_when_there(tmp_path, monkeypatch):
    small_catalog(tmp_path / "catalog")
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 0
    assert result.output == "catalog: ok (1 compound(s), 2 condition(s), 2 review(s))\n"
