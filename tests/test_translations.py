"""Translations of the catalog's own text: PO files kept in step with the catalog, their status,
and the translator the build uses (issue 15)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from publisher.catalog import load_catalog
from publisher.cli import main
from publisher.errors import CatalogError
from publisher.i18n.po_files import counts, load_status, update
from publisher.i18n.strings import is_plain_only, source_strings
from publisher.i18n.translate import load_translation, translate_catalog, translation_release_problems as release_problems

from conftest import catalog_with_languages
from helpers import LDN, make_catalog, write_yaml

ROOT = Path(__file__).resolve().parent.parent
NOTE = "Case series of low-dose naltrexone in primary liver cancer with a long, careful follow-up period"


def run(*args):
    return CliRunner().invoke(main, list(args))


def small(root, site=None, conditions=("liver-cancer", "fibromyalgia", "psoriasis")):
    known = {"liver-cancer": {"name": "Liver Cancer", "specialist": "hepatologist or oncologist"},
             "fibromyalgia": {"name": "Fibromyalgia", "specialist": "rheumatologist"},
             "psoriasis": {"name": "Psoriasis", "specialist": "dermatologist"}}
    return make_catalog(
        root, compounds={"low-dose-naltrexone": LDN},
        conditions={slug: known[slug] for slug in conditions},
        reviews={("low-dose-naltrexone", "liver-cancer"): {
            "research_note": NOTE,
            "references": [{"title": "LDN and hepatocellular carcinoma", "pmid": "123"}]}},
        site=site or {"publisher": "Clinic Press", "edition_date": "2026-11-01"})


def po_text(root, language="es"):
    return (root / "translations" / f"{language}.po").read_text(encoding="utf-8")


def entry_line(text: str, msgid: str) -> int:
    """The 1-based line of ``msgid "<msgid>"`` in a PO file's text."""
    lines = text.splitlines()
    return next(n for n, line in enumerate(lines, 1) if line == f'msgid "{msgid}"')


def translate(root, language, mapping):
    """Fill msgstr for the given msgids, as a translator's editor would."""
    path = root / "translations" / f"{language}.po"
    text = path.read_text(encoding="utf-8")
    for source, target in mapping.items():
        before = f'msgid "{source}"\nmsgstr ""\n'
        assert before in text, source
        text = text.replace(before, f'msgid "{source}"\nmsgstr "{target}"\n')
    path.write_text(text, encoding="utf-8")


def translate_all(root, language="es", skip=(), fuzzy=()):
    """Give every entry ``ES:<msgid>`` but ``skip``, flag ``fuzzy``, as a translator's editor would."""
    path = root / "translations" / f"{language}.po"
    with path.open("rb") as file:
        po = read_po(file)
    for message in po:
        if message.id and message.id not in skip:
            message.string = f"ES:{message.id}"
        if message.id in fuzzy:
            message.flags.add("fuzzy")
    with path.open("wb") as file:
        write_po(file, po, width=76)
    return path.read_text(encoding="utf-8")


def test_update_writes_every_source_string_with_its_file_and_field(tmp_path):
    root = small(tmp_path / "c")
    result = run("translations", "update", "--catalog", str(root), "--language", "es")
    assert result.exit_code == 0, result.output
    assert result.output == f"{root}/translations/es.po: updated (0 translated, 0 fuzzy, 16 missing)\n"
    with (root / "translations/es.po").open("rb") as file:
        po = read_po(file)
    expected = {"Clinic Press", *(v for v in LDN.values()), "Liver Cancer", "hepatologist or oncologist",
                "Fibromyalgia", "rheumatologist", "Psoriasis", "dermatologist", NOTE,
                "LDN and hepatocellular carcinoma"}
    assert {m.id for m in po if m.id} == expected
    text = po_text(root)
    assert '#: compounds/low-dose-naltrexone.yaml:name\nmsgid "Low-Dose Naltrexone"\n' in text
    assert '#: conditions/fibromyalgia.yaml:specialist\nmsgid "rheumatologist"\n' in text
    assert '#: reviews/low-dose-naltrexone/liver-cancer.yaml:references\nmsgid "LDN and hepatocellular carcinoma"' in text
    assert "#: reviews/low-dose-naltrexone/liver-cancer.yaml:research_note\n" in text
    assert '#: site.yaml:publisher\nmsgid "Clinic Press"\n' in text
    # The only date is the catalog's edition date; the clock never is one.
    assert '"POT-Creation-Date: 2026-11-01 00:00+0000\\n"' in text
    assert '"Language: es\\n"' in text


def test_a_string_used_twice_is_one_entry_with_both_places(tmp_path):
    root = small(tmp_path / "c")
    write_yaml(root / "conditions/rheumatoid-arthritis.yaml", {"name": "Rheumatoid Arthritis", "specialist": "rheumatologist"})
    update(load_catalog(root), "es")
    assert ("#: conditions/fibromyalgia.yaml:specialist\n#: conditions/rheumatoid-arthritis.yaml:specialist\n"
            'msgid "rheumatologist"\n') in po_text(root)


def test_update_is_idempotent_and_keeps_translations(tmp_path):
    root = small(tmp_path / "c", site={"publisher": "Clinic Press"})  # no edition date: no date at all
    catalog = load_catalog(root)
    path, changed = update(catalog, "es")
    first = path.read_bytes()
    assert changed and update(catalog, "es") == (path, False) and path.read_bytes() == first
    assert b"POT-Creation-Date" not in first and b"YEAR-MO-DA HO:MI+ZONE" in first  # translators' tools set it
    translate(root, "es", {"Fibromyalgia": "Fibromialgia", "Liver Cancer": "Cáncer de hígado"})
    translated = path.read_bytes()
    result = run("translations", "update", "--catalog", str(root))  # no --language: every PO file
    assert result.output == f"{root}/translations/es.po: unchanged (2 translated, 0 fuzzy, 14 missing)\n"
    assert path.read_bytes() == translated
    tr = load_translation(load_catalog(root), "es", allow_incomplete=True)
    assert tr("Fibromyalgia") == "Fibromialgia" and tr("Liver Cancer") == "Cáncer de hígado"


def test_changed_string_becomes_fuzzy_removed_one_obsolete_and_a_returning_one_revives(tmp_path):
    root = small(tmp_path / "c")
    update(load_catalog(root), "es")
    translate_all(root)
    write_yaml(root / "conditions/liver-cancer.yaml", {"name": "Primary Liver Cancer", "specialist": "hepatologist or oncologist"})
    (root / "conditions/psoriasis.yaml").unlink()
    write_yaml(root / "compounds/low-dose-naltrexone.yaml", {**LDN, "safety_profile": LDN["safety_profile"] + "; insomnia"})
    catalog = load_catalog(root)
    path, changed = update(catalog, "es")
    text = po_text(root)
    assert changed
    assert ('#: conditions/liver-cancer.yaml:name\n#, fuzzy\n'
            'msgid "Primary Liver Cancer"\nmsgstr "ES:Liver Cancer"\n') in text
    assert ('#: compounds/low-dose-naltrexone.yaml:safety_profile\n#, fuzzy\nmsgid ""\n'
            '"Excellent safety profile at low doses; avoid in patients on opioid "\n'
            '"therapy; occasional vivid dreams; insomnia"\nmsgstr ""\n"ES:Excellent') in text
    assert '#~ msgid "Psoriasis"\n#~ msgstr "ES:Psoriasis"\n' in text
    assert '#~ msgid "dermatologist"\n' in text and '\nmsgid "Psoriasis"' not in text
    assert counts(catalog, "es") == (12, 2, 0)
    assert update(catalog, "es") == (path, False)
    tr = load_translation(catalog, "es")
    safety_line = text.splitlines().index('#: compounds/low-dose-naltrexone.yaml:safety_profile') + 3
    assert [str(p) for p in tr.problems] == [
        f'{path.as_posix()}:{safety_line}: '
        'fuzzy: "Excellent safety profile at low doses; avoid in patients on…"',
        f'{path.as_posix()}:{entry_line(text, "Primary Liver Cancer")}: fuzzy: "Primary Liver Cancer"']

    write_yaml(root / "conditions/psoriasis.yaml", {"name": "Psoriasis", "specialist": "dermatologist"})
    update(load_catalog(root), "es")
    text = po_text(root)
    assert 'msgid "Psoriasis"\nmsgstr "ES:Psoriasis"\n' in text and "#~ msgid \"Psoriasis\"" not in text


def test_missing_and_fuzzy_strings_are_reported_with_their_po_line(tmp_path):
    root = small(tmp_path / "c")
    update(load_catalog(root), "es")
    text = translate_all(root, skip={"Fibromyalgia", NOTE}, fuzzy={"Psoriasis"})
    catalog = load_catalog(root)
    tr = load_translation(catalog, "es")
    shown = (root / "translations/es.po").as_posix()
    lines = text.splitlines()  # the long note is wrapped: its msgid "" line, then its text
    note_line = next(n for n, line in enumerate(lines, 1) if line == 'msgid ""' and NOTE[:20] in lines[n])
    assert [str(p) for p in tr.problems] == [
        f'{shown}:{entry_line(text, "Fibromyalgia")}: untranslated: "Fibromyalgia"',
        f'{shown}:{entry_line(text, "Psoriasis")}: fuzzy: "Psoriasis"',
        f'{shown}:{note_line}: untranslated: "{NOTE[:60].rstrip()}…"',
    ]
    assert tr.partial and counts(catalog, "es") == (13, 1, 2)
    with pytest.raises(KeyError, match="no es translation for 'Fibromyalgia'"):
        tr("Fibromyalgia")
    assert tr("Liver Cancer") == "ES:Liver Cancer"


def test_allow_incomplete_gives_the_source_text_and_says_partial(tmp_path):
    root = small(tmp_path / "c")
    update(load_catalog(root), "es")
    translate(root, "es", {"Low-Dose Naltrexone": "Naltrexona en dosis bajas", "Liver Cancer": "Cáncer de hígado"})
    catalog = load_catalog(root)
    tr = load_translation(catalog, "es", allow_incomplete=True)
    assert tr.partial and len(tr.problems) == 14
    assert tr("Fibromyalgia") == "Fibromyalgia"
    translated = translate_catalog(catalog, tr)
    review = next(r for r in translated.reviews if r.condition.slug == "liver-cancer")
    assert (review.compound.name, review.condition.name, review.condition.specialist) == (
        "Naltrexona en dosis bajas", "Cáncer de hígado", "hepatologist or oncologist")
    assert review.research_note == NOTE and translated.site.language == "es"
    assert catalog.compounds[0].name == "Low-Dose Naltrexone"  # the source catalog is untouched


def test_no_po_file_at_all_is_reported_and_the_source_language_needs_none(tmp_path):
    root = small(tmp_path / "c")
    catalog = load_catalog(root)
    tr = load_translation(catalog, "es")
    assert str(tr.problems[0]) == (f"{root.as_posix()}/translations/es.po: no translation file "
                                   "(run: publisher translations update --language es)")
    assert len(tr.problems) == 1 + 16
    source = load_translation(catalog, "en")
    assert source("Liver Cancer") == "Liver Cancer" and not source.partial
    assert release_problems(catalog, source) == []


@pytest.mark.parametrize("status,expected", [
    ("status: final\ntranslater: Ana\n", [
        "es.yaml:1: field 'status' must be one of draft, reviewed, approved, not 'final'",
        "es.yaml:2: unknown field 'translater' (did you mean 'translator'?)"]),
    ("translator: Ana\n", ["es.yaml:1: file is missing the required field 'status'"]),
    ("translator: Ana\nstatus: approved\n", ["es.yaml:2: a approved translation needs 'reviewed_on'"]),
    ("status: reviewed\nreviewed_on: 2026-02-30\n", [
        "es.yaml:2: field 'reviewed_on' must be an ISO date such as 2026-01-31",
        "es.yaml:1: a reviewed translation needs 'translator'"]),  # not 'reviewed_on' again: it is there
])
def test_status_file_problems_are_path_line(tmp_path, status, expected):
    root = small(tmp_path / "c")
    (root / "translations").mkdir()
    (root / "translations/es.yaml").write_text(status, encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        load_status(load_catalog(root), "es")
    prefix = f"{root.as_posix()}/translations/"
    assert sorted(str(p) for p in error.value.problems) == sorted(prefix + line for line in expected)


def test_status_and_release(tmp_path):
    root = small(tmp_path / "c")
    catalog = load_catalog(root)
    update(catalog, "es")
    translate_all(root, skip={"Psoriasis"})
    assert load_status(catalog, "es").status == "draft"  # no status file: a draft
    tr = load_translation(catalog, "es")
    assert [p.message for p in release_problems(catalog, tr)] == [
        "translation status is draft, not approved", 'untranslated: "Psoriasis"']
    (root / "translations/es.yaml").write_text(
        "status: approved\ntranslator: Ana Ruiz\nreviewed_on: 2026-10-01\n", encoding="utf-8")
    translate_all(root)
    tr = load_translation(catalog, "es")
    assert tr.status.reviewed_on == dt.date(2026, 10, 1) and tr.problems == () and not tr.partial
    assert release_problems(catalog, tr) == []


def test_po_syntax_error_is_path_line(tmp_path):
    root = small(tmp_path / "c")
    update(load_catalog(root), "es")
    path = root / "translations/es.po"
    text = path.read_text(encoding="utf-8")
    line = entry_line(text, "Psoriasis")
    path.write_text(text.replace('msgid "Psoriasis"\nmsgstr ""\n', 'msgid "Psoriasis"\nmsgstr ""\ntranslation "Psoriasis"\n'),
                    encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        load_translation(load_catalog(root), "es")
    assert [str(p) for p in error.value.problems] == [
        f"{path.as_posix()}:{line + 2}: PO syntax error: Unknown or misformatted keyword"]


def test_check_prints_one_line_per_translated_language(tmp_path):
    root = small(tmp_path / "c", site={"publisher": "Clinic Press", "languages": ["en", "es", "ar"]})
    update(load_catalog(root), "es")
    translate(root, "es", {"Fibromyalgia": "Fibromialgia"})
    result = run("check", "--catalog", str(root))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "translation es: 1 translated, 0 fuzzy, 15 missing (draft)",
        "translation ar: 0 translated, 0 fuzzy, 16 missing (draft)",
    ]
    single = small(tmp_path / "d")
    assert "translation" not in run("check", "--catalog", str(single)).output


@pytest.mark.parametrize("languages,expected", [
    ("[en, es, es]", "site.yaml:1: field 'languages' lists 'es' twice"),
    ("[en, xx]", "site.yaml:1: field 'languages' 'xx' is not a language Babel (CLDR) knows"),
    ("[en, 'es_ES']", "site.yaml:1: field 'languages' 'es_ES' is not a language tag such as en or en-US"),
    ("en", "site.yaml:1: field 'languages' must be a list of language tags such as [en, es, zh-Hans]"),
])
def test_site_languages_are_checked(tmp_path, languages, expected):
    root = small(tmp_path / "c")
    (root / "site.yaml").write_text(f"languages: {languages}\n", encoding="utf-8")
    result = run("check", "--catalog", str(root))
    assert result.exit_code == 1 and result.output.splitlines()[0] == f"{root}/{expected}"


def test_site_languages_default_and_first_is_the_catalogs_own(tmp_path):
    root = small(tmp_path / "c")
    assert load_catalog(root).site.languages == ("en",)
    (root / "site.yaml").write_text("languages: [es, en]\n", encoding="utf-8")
    site = load_catalog(root).site
    assert (site.language, site.languages) == ("es", ("es", "en"))
    (root / "site.yaml").write_text("language: en\nlanguages:\n  - es\n  - en\n", encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        load_catalog(root)
    assert [str(p) for p in error.value.problems] == [
        f"{root.as_posix()}/site.yaml:2: the first of 'languages' must be the catalog's own 'language' (en)"]


def test_update_refuses_the_source_language_and_unknown_ones(tmp_path):
    root = small(tmp_path / "c")
    assert run("translations", "update", "--catalog", str(root), "--language", "en").output == (
        "Error: en is the catalog's own language: it has no translation\n")
    assert run("translations", "update", "--catalog", str(root), "--language", "xx").output == (
        "Error: 'xx' is not a language Babel (CLDR) knows\n")
    assert run("translations", "update", "--catalog", str(root)).output.startswith("no languages to translate into")


@pytest.mark.parametrize("language,script", [("es", None), ("zh-Hans", r"[\u4e00-\u9fff]"), ("ar", r"[\u0600-\u06ff]")])
def test_shipped_samples_are_complete_drafts_that_update_leaves_alone(tmp_path, language, script):
    copy = shutil.copytree(ROOT / "catalog", tmp_path / "catalog")
    catalog = load_catalog(copy)
    before = (copy / "translations" / f"{language}.po").read_bytes()
    assert update(catalog, language)[1] is False and (copy / "translations" / f"{language}.po").read_bytes() == before
    tr = load_translation(catalog, language)
    assert tr.problems == () and tr.status.status == "draft"
    assert tr.status.note == "sample translation, not reviewed by a medical translator"
    standard = [text for text, where in source_strings(catalog).items() if not is_plain_only(where)]
    untranslated = {text for text in standard if tr(text) == text}
    assert untranslated <= {"LDN", "Psoriasis"}  # an abbreviation, and the same word in Spanish
    if script:
        assert all(re.search(script, tr(text)) for text in standard if text != "LDN")


def test_a_status_file_problem_is_reported_once_and_check_never_says_ok_first(tmp_path):
    root = catalog_with_languages(tmp_path, ["en", "es"])
    (root / "translations" / "es.yaml").write_text("status: reviewed\ntranslator: A\nreviewed_on: 1979-12-31\n")
    result = run("check", "--catalog", str(root))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{root.as_posix()}/translations/es.yaml:3: field 'reviewed_on' must be between 1980-01-01 and "
        "2107-12-31 (the dates a zip file can hold), not 1979-12-31",
        "1 problem in the catalog; nothing was written."]
