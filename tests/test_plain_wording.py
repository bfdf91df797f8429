"""Plain-language wording (``--wording plain``): the templates' plain wording (gettext,
``plain.po``), the catalog's ``plain:`` versions, where the files go, how plain they read by
our scorer and by textstat, and what ``check`` and ``--release`` make of a reading grade."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher import build
from publisher.catalog import load_catalog
from publisher.cli import main
from publisher.i18n.readability import article_text, report, scores
from publisher.i18n.translate import load_translation, translate_catalog
from publisher.render import Renderer

from conftest import ROOT, catalog_with_languages, copy_of
from helpers import make_catalog, pdf_pages, squash, write_yaml

LDN = "low-dose-naltrexone"


def handout_texts(catalog, plain: bool, language: str | None = None) -> dict[str, str]:
    """Each review's scored text (its <article>) in one wording and language."""
    language = language or catalog.site.languages[0]
    worded = translate_catalog(catalog, load_translation(catalog, language, allow_incomplete=True), plain)
    renderer = Renderer.create(worded.site, plain=plain)
    return {review.key: article_text(renderer.handout(review)) for review in worded.reviews}


def test_every_shipped_plain_handout_reads_at_grade_6_or_below():
    """The issue's target: FK <= 6 and SMOG <= 8 for every shipped plain handout; the standard
    wording (the seeds' words) stays far above that."""
    catalog = load_catalog(ROOT / "catalog")
    plain, standard = report(catalog, plain=True), report(catalog)
    assert [row["review"] for row in plain["reviews"]] == [r.key for r in catalog.reviews]
    for row in plain["reviews"]:
        assert row["flesch_kincaid_grade"] <= 6 and row["smog_index"] <= 8, row
        assert not row["above_max"]
    assert all(row["flesch_kincaid_grade"] > 12 for row in standard["reviews"])


def test_textstat_agrees_with_our_scores_within_half_a_grade():
    """An independent scorer (textstat 0.7.8: its own word, sentence and syllable counts) on the
    same text of every shipped handout, plain and standard."""
    textstat = pytest.importorskip("textstat")
    catalog = load_catalog(ROOT / "catalog")
    for plain in (True, False):
        for key, text in handout_texts(catalog, plain).items():
            ours = scores(text)
            assert abs(ours.flesch_kincaid_grade - textstat.flesch_kincaid_grade(text)) <= 0.5, (key, plain)
            assert abs(ours.smog_index - textstat.smog_index(text)) <= 0.5, (key, plain)
            if plain:
                assert textstat.flesch_kincaid_grade(text) <= 6 and textstat.smog_index(text) <= 8, key


def tea_for_flu(root: Path) -> Path:
    """The plainest one-review catalog: a compound and a condition in the plainest words."""
    return make_catalog(root / "catalog", {"tea": {
        "name": "Tea", "class": "a drink", "safety_profile": "Safe for most people.",
        "regulatory_status": "Sold as a food.", "evidence_level": "A few small studies.",
        "mechanism": "It warms you."}}, {"flu": {"name": "Flu", "specialist": "doctor"}},
        site={"publisher": "Test Press", "edition_date": "2026-01-01"})


def test_the_plainest_one_review_catalog_reads_at_grade_5_or_below(tmp_path):
    found = report(load_catalog(tea_for_flu(tmp_path)), plain=True)
    (row,) = found["reviews"]
    assert row["flesch_kincaid_grade"] <= 5, row
    assert report(load_catalog(tmp_path / "catalog"))["reviews"][0]["flesch_kincaid_grade"] > 8


def test_the_plain_wording_keeps_the_facts_and_the_disclaimers_meaning():
    catalog = load_catalog(ROOT / "catalog")
    text = squash(handout_texts(catalog, plain=True)[f"{LDN}/fibromyalgia"])
    for sentence in ("Is Low-Dose Naltrexone (LDN) safe if you have Fibromyalgia?",
                     "It is not advice from your doctor. Talk to your joint and muscle doctor before you try it.",
                     "The FDA has approved naltrexone at 50 mg. The low dose (1.5 to 4.5 mg) is not approved",
                     "You need blood tests before you start.",
                     "It is not advice from a doctor. Do not start, stop or change any care because of what you "
                     "read online. Always ask your doctor or nurse first.",
                     "ClinicalTrials.gov lists studies that are going on now."):
        assert sentence in text
    assert "consult qualified healthcare professionals" not in text


def test_a_plain_build_goes_under_plain_with_its_own_names(tmp_path):
    """``--wording plain`` writes OUT/plain/ (large print in OUT/plain/large-print/), every base
    name saying ``--plain``; the standard outputs of the same folder are not touched."""
    out = tmp_path / "out"
    chosen = dict(formats="pdf,html", compounds=[LDN], conditions=["fibromyalgia"], jobs=1)
    build(ROOT / "catalog", out, **chosen)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != ".publisher.lock"}
    build(ROOT / "catalog", out, wording="plain", **chosen)
    build(ROOT / "catalog", out, wording="plain", edition="large-print", **chosen)
    assert {p: p.read_bytes() for p in before} == before
    plain = out / "plain" / "pdf" / LDN / f"{LDN}--fibromyalgia--plain.pdf"
    large = out / "plain" / "large-print" / "pdf" / LDN / f"{LDN}--fibromyalgia--large-print--plain.pdf"
    assert (out / "plain" / "html" / LDN / f"{LDN}--fibromyalgia--plain.html").is_file()
    for pdf in (plain, large):
        text = squash(" ".join(pdf_pages(pdf)))
        assert "safe if you have Fibromyalgia?" in text
        assert "It blocks opioid receptors for a short time." in text  # the compound's plain mechanism
        assert "Transient opioid receptor blockade" not in text
        assert "joint and muscle doctor" in text  # the condition's plain specialist
        assert "rheumatologist" not in text


def test_a_plain_version_is_checked_like_its_field_and_reported_at_its_line(catalog_copy):
    compound = catalog_copy / "compounds" / f"{LDN}.yaml"
    text = compound.read_text(encoding="utf-8")
    compound.write_text(text.replace("  class: a drug that blocks", "  klass: a drug that blocks")
                        .replace("  mechanism: It blocks", "  mechanism: \"\"\n  safety: It blocks"), encoding="utf-8")
    (catalog_copy / "conditions" / "psoriasis.yaml").write_text("name: Psoriasis\nspecialist: dermatologist\n"
                                                                 "plain: [skin doctor]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--catalog", str(catalog_copy)])
    assert result.exit_code == 1
    lines = [line.replace(catalog_copy.as_posix() + "/", "") for line in result.output.splitlines()]
    start = text.splitlines().index("plain:") + 1
    assert lines[:-1] == [
        f"compounds/{LDN}.yaml:{start + 1}: unknown field 'klass' (did you mean 'class'?)",
        f"compounds/{LDN}.yaml:{start + 5}: field 'mechanism' must not be empty",
        f"compounds/{LDN}.yaml:{start + 6}: unknown field 'safety' (did you mean 'safety_profile'?)",
        "conditions/psoriasis.yaml:3: plain must be a mapping of fields, not a list",
    ]


def test_check_says_which_fields_print_their_standard_text(catalog_copy):
    result = CliRunner().invoke(main, ["check", "--catalog", str(catalog_copy), "--readability", "--wording", "plain"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "plain wording"
    assert f"standard text (no plain version) in compounds/{LDN}.yaml: name, short_name" in lines
    assert "standard text (no plain version) in conditions/psoriasis.yaml: name" in lines
    assert not any("chronic-kidney-disease" in line for line in lines if line.startswith("standard text"))
    data = json.loads(CliRunner().invoke(main, ["check", "--catalog", str(catalog_copy), "--readability",
                                                "--wording", "plain", "--json"]).output)
    assert data["wording"] == "plain" and f"compounds/{LDN}.yaml: name, short_name" in data["without_plain"]


def test_strict_readability_makes_a_hard_handout_an_error(catalog_copy):
    args = ["check", "--catalog", str(catalog_copy), "--readability"]
    assert CliRunner().invoke(main, args).exit_code == 0  # a note, by default
    strict = CliRunner().invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1
    assert strict.output.splitlines()[-1] == (
        f"Error: 10 handout(s) above reading grade 8 in the standard wording: {LDN}/chronic-kidney-disease (en), "
        f"{LDN}/crohns-disease (en), {LDN}/fibromyalgia (en), {LDN}/liver-cancer (en), "
        f"{LDN}/major-depressive-disorder (en) …")
    assert CliRunner().invoke(main, [*args, "--strict", "--wording", "plain"]).exit_code == 0
    site = catalog_copy / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "reading_grade_strict: true\n", encoding="utf-8")
    assert CliRunner().invoke(main, args).exit_code == 1  # site.yaml's setting does what --strict does
    lone = CliRunner().invoke(main, ["check", "--catalog", str(catalog_copy), "--strict"])
    assert (lone.exit_code, lone.output) == (2, "Error: --strict goes with --readability: add --readability, or drop --strict\n")


def test_release_honours_reading_grade_strict(catalog_copy, tmp_path):
    site = catalog_copy / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "default_status: approved\nreading_grade_strict: true\n",
                    encoding="utf-8")
    args = ["build", "--catalog", str(catalog_copy), "--out", str(tmp_path / "out"), "--format", "html",
            "--condition", "psoriasis", "--release", "-q"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1
    assert f"{LDN}/psoriasis: reads at grade 14.6 (Flesch-Kincaid) and 14.6 (SMOG) in the standard wording, " \
           "above reading_grade_max 8 (reading_grade_strict in site.yaml)" in refused.output
    assert not (tmp_path / "out").exists()
    assert CliRunner().invoke(main, [*args, "--wording", "plain"]).exit_code == 0
    assert (tmp_path / "out" / "plain" / "html" / LDN / f"{LDN}--psoriasis--plain.html").is_file()


def test_spanish_plain_wording_is_a_draft_until_approved(tmp_path):
    """The Spanish plain wording is drafted (its PO header fuzzy): every page says DRAFT in
    Spanish and --release refuses it; a plain catalog text without a Spanish translation gives
    the standard text's translation, one with a translation gives that."""
    catalog = catalog_with_languages(tmp_path, ["en", "es"])
    out = tmp_path / "out"
    build(catalog, out, formats="html", languages=["es"], wording="plain", conditions=["psoriasis"], jobs=1)
    html = (out / "plain" / "es" / "html" / LDN / f"{LDN}--psoriasis--plain--es.html").read_text(encoding="utf-8")
    assert '<p class="draft-mark" role="note">BORRADOR — no apto para pacientes</p>' in html
    assert "¿Es seguro Naltrexona en dosis bajas (LDN) si tiene Psoriasis?" in html
    assert "médico de la piel" in html and "dermatólogo" not in html  # the plain "skin doctor" in Spanish
    refused = CliRunner().invoke(main, ["build", "--catalog", str(catalog), "--out", str(tmp_path / "r"), "--language",
                                        "es", "--wording", "plain", "--release", "--format", "html"])
    assert refused.exit_code == 1
    assert "layouts/locale/es/LC_MESSAGES/plain.po: the plain wording is a draft (its header is marked fuzzy), " \
           "not approved" in refused.output

    po = catalog / "translations" / "es.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "médico de la piel"', 'msgstr ""'), encoding="utf-8")
    loaded = load_catalog(catalog)
    translated = translate_catalog(loaded, load_translation(loaded, "es"), plain=True)
    assert next(c for c in translated.conditions if c.slug == "psoriasis").specialist == "dermatólogo"


def test_plain_versions_go_into_the_po_file_but_are_never_missing(tmp_path):
    catalog = catalog_with_languages(tmp_path, ["en", "es"])
    result = CliRunner().invoke(main, ["translations", "update", "--catalog", str(catalog), "--language", "es"])
    assert result.exit_code == 0, result.output
    po = (catalog / "translations" / "es.po").read_text(encoding="utf-8")
    assert "#: conditions/psoriasis.yaml:plain.specialist\n" in po and 'msgid "skin doctor"' in po
    check = CliRunner().invoke(main, ["check", "--catalog", str(catalog)])
    assert "translation es: " in check.output and ", 0 missing (draft)" in check.output


def test_an_unknown_wording_is_refused():
    result = CliRunner().invoke(main, ["build", "--wording", "simple", "--catalog", str(ROOT / "catalog")])
    assert (result.exit_code, result.output) == (2, "Error: unknown wording 'simple': choose from standard, plain\n")


def test_every_template_message_of_the_plain_wording_is_a_template_message():
    """The plain PO files hold the POT's ids, no others (a stale id would never be shown)."""
    from babel.messages.pofile import read_po

    template = {m.id for m in read_po((ROOT / "layouts/locale/messages.pot").open("rb")) if m.id}
    for path in sorted((ROOT / "layouts/locale").glob("*/LC_MESSAGES/plain.po")):
        found = read_po(path.open("rb"))
        assert {m.id for m in found if m.id} == template, path
        assert sum(bool(m.string) for m in found if m.id) >= 30, path


@pytest.mark.slow
def test_the_plain_portal_names_its_own_addresses_and_books(tmp_path):
    """The plain portal's sitemap, hreflang and OPDS ids are under <url>/plain/, and its EPUB is
    another book than the standard one (its own identifier), as a translated EPUB is."""
    import zipfile

    out = tmp_path / "out"
    for wording in ("standard", "plain"):
        build(ROOT / "catalog", out, formats="site", conditions=["psoriasis"], wording=wording)
    sitemap = (out / "plain" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://insightswarm.ai/plain/index.html</loc>" in sitemap
    assert "https://insightswarm.ai/index.html" not in sitemap
    opds = (out / "plain" / "opds.xml").read_text(encoding="utf-8")
    assert "<id>https://insightswarm.ai/plain/opds.xml</id>" in opds

    def book_id(epub: Path) -> str:
        with zipfile.ZipFile(epub) as book:
            opf = book.read(next(n for n in book.namelist() if n.endswith(".opf"))).decode()
        return opf.split('<dc:identifier id="id">')[1].split("<")[0]

    standard = book_id(out / "epub" / f"{LDN}--all-conditions.epub")
    plain = book_id(out / "plain" / "epub" / f"{LDN}--all-conditions--plain.epub")
    assert standard.startswith("urn:uuid:") and plain.startswith("urn:uuid:") and standard != plain


def test_a_patients_handout_in_plain_language(tmp_path, monkeypatch):
    """``publisher handout --wording plain``: the point-of-care handout in the plain wording,
    its default name saying so."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["handout", LDN, "psoriasis", "--catalog", str(ROOT / "catalog"),
                                       "--wording", "plain", "--patient", "Ana", "--teach-back"])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {LDN}--psoriasis--plain--personal.pdf\n"
    text = squash(" ".join(pdf_pages(tmp_path / f"{LDN}--psoriasis--plain--personal.pdf")))
    assert "Made for you" in text and "safe if you have Psoriasis?" in text and "skin doctor" in text
    assert "which side effects to look out for, and what to do if you get one" in text


def test_the_spanish_plain_draft_reads_fairly_easy(tmp_path):
    """Spanish is scored on the INFLESZ scale: the drafted plain wording, with the shipped
    Spanish plain versions, is 'fairly easy' (Szigriszt-Pazos 65 or more) for every handout,
    where the standard Spanish is harder than 'normal' (below 55)."""
    catalog = load_catalog(catalog_with_languages(tmp_path, ["en", "es"]))
    (plain,) = report(catalog, plain=True)["languages"]
    (standard,) = report(catalog)["languages"]
    assert all(row["szigriszt_pazos"] >= 65 for row in plain["reviews"]), plain["reviews"]
    assert all(row["szigriszt_pazos"] < 55 for row in standard["reviews"])
