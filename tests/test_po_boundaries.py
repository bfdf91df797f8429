"""A translation's PO file gets every check its YAML gets (reliability findings, part 2:
#5, #6, #7, #8, #15 and the PO side of #16).

Each test is a finding's reproducer: the shipped catalog with "es on" (``languages: [en, es]``),
one change planted in ``translations/es.po``, then ``publisher check`` and ``publisher build``
(and, for the header, ``publisher translations update``). A bad file is one ``es.po:LINE: …``
problem in every command, exit 1, no traceback, nothing written to ``--out``, never the text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.catalog import load_catalog
from publisher.cli import main
from publisher.i18n.translate import load_translation

from conftest import ROOT

SUMMARY = "{n} problem{s} in the catalog; nothing was written."
LIVER = 'msgid "Liver Cancer"\nmsgstr "Cáncer de hígado"\n'
PUBLISHER = 'msgstr "Equipo de Investigación de Insight Swarm"'
NAME = 'msgid "Low-Dose Naltrexone"\nmsgstr "Naltrexona en dosis bajas"\n'
CONDITION_NAME = "translation of field 'name' in conditions/liver-cancer.yaml"
COMPOUND_NAME = "translation of field 'name' in compounds/low-dose-naltrexone.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def es_on(tmp_path) -> Path:
    """The shipped catalog with "es on", as the findings build it."""
    root = Path(shutil.copytree(ROOT / "catalog", tmp_path / "CAT"))
    site = root / "site.yaml"
    text = site.read_text(encoding="utf-8")
    assert "\nlanguage: en\n" in text
    site.write_text(text.replace("\nlanguage: en\n", "\nlanguage: en\nlanguages: [en, es]\n"), encoding="utf-8")
    return root


def po_of(root: Path, language: str = "es") -> Path:
    return root / "translations" / f"{language}.po"


def plant(root: Path, old: str, new: str, language: str = "es") -> Path:
    """Replace ``old`` (once, and it must be there) in the language's PO file."""
    po = po_of(root, language)
    text = po.read_text(encoding="utf-8")
    assert old in text, old
    po.write_text(text.replace(old, new, 1), encoding="utf-8")
    return po


def line_of(po: Path, start: str) -> int:
    """The 1-based line of the first line of ``po`` starting with ``start``."""
    lines = po.read_bytes().decode("utf-8", "replace").split("\n")
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def problems(result) -> list[str]:
    """The output's problem lines (those naming a translation file), after checking that the
    command refused as a command should: exit 1, no traceback, a summary line last."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    found = [line for line in lines if "/translations/" in line]
    assert lines[-1] == SUMMARY.format(n=len(found), s="s" if len(found) != 1 else ""), lines
    return found


def refused(root: Path, out: Path, expected: list[str], update: bool = False, *build_args) -> None:
    """``check`` and ``build`` (and ``translations update`` if asked) each print exactly the
    ``expected`` problems and exit 1; the build writes nothing, the update leaves the file."""
    po = po_of(root)
    before = po.read_bytes()
    assert problems(run("check", "--catalog", root)) == expected
    assert problems(run("build", "--catalog", root, "--out", out, "--format", "html", *build_args)) == expected
    assert not out.exists()
    if update:
        assert problems(run("translations", "update", "--catalog", root, "--language", "es")) == expected
        assert po.read_bytes() == before and sorted(p.name for p in po.parent.iterdir()) == [
            "ar.po", "ar.yaml", "es.po", "es.yaml", "zh-Hans.po", "zh-Hans.yaml"]


def at(po: Path, line: int, message: str) -> str:
    return f"{po.as_posix()}:{line}: {message}"


def test_the_shipped_translations_pass_every_check(tmp_path):
    """The three sample translations (Latin, Chinese and Arabic script) pass as they are: the
    Chinese text is drawn by the Noto Sans SC faces, which the check knows for zh."""
    root = Path(shutil.copytree(ROOT / "catalog", tmp_path / "CAT"))
    (root / "site.yaml").write_text((root / "site.yaml").read_text(encoding="utf-8")
                                    + "languages: [en, es, zh-Hans, ar]\n", encoding="utf-8")
    result = run("check", "--catalog", root)
    assert result.exit_code == 0, result.output
    # Spanish also translates the 19 plain versions (--wording plain); the others give the
    # standard text's translation for them, which is not missing.
    assert result.output.splitlines()[1:] == [f"translation {tag}: {count} translated, 0 fuzzy, 0 missing (draft)"
                                              for tag, count in (("es", 46), ("zh-Hans", 27), ("ar", 27))]


# --- #5: plural entries and msgctxt ------------------------------------------------------

PLURAL_NOTE = "a plural entry (msgid_plural) cannot translate catalog text: give one msgid and one msgstr"


def test_a_plural_entry_for_a_condition_name_is_refused(es_on, tmp_path):
    po = plant(es_on, LIVER, 'msgid "Liver Cancer"\nmsgid_plural "Liver Cancers"\n'
                             'msgstr[0] "Cáncer de hígado"\nmsgstr[1] "Cánceres de hígado"\n')
    refused(es_on, tmp_path / "out", [at(po, line_of(po, 'msgid "Liver Cancer"'), PLURAL_NOTE)], True)


def test_a_plural_entry_for_the_compound_name_is_refused_not_printed_as_a_tuple(es_on, tmp_path):
    po = plant(es_on, NAME, 'msgid "Low-Dose Naltrexone"\nmsgid_plural "x"\nmsgstr[0] "uno"\nmsgstr[1] "dos"\n')
    refused(es_on, tmp_path / "out", [at(po, line_of(po, 'msgid "Low-Dose Naltrexone"'), PLURAL_NOTE)])


def test_a_plural_entry_is_refused_before_babel_sizes_it_by_nplurals(es_on, tmp_path):
    """Babel makes a list of ``nplurals`` strings for each plural entry: a trillion would
    exhaust memory. The entry is refused first, so that list is never made."""
    plant(es_on, "nplurals=2;", "nplurals=1000000000000;")
    po = plant(es_on, LIVER, 'msgid "Liver Cancer"\nmsgid_plural "x"\nmsgstr[0] "uno"\n')
    refused(es_on, tmp_path / "out", [at(po, line_of(po, 'msgid "Liver Cancer"'), PLURAL_NOTE)])


def test_an_obsolete_plural_entry_is_refused_too(es_on, tmp_path):
    """``translations update`` brings an obsolete entry back when its string returns."""
    po = po_of(es_on)
    po.write_text(po.read_text(encoding="utf-8") + '\n#~ msgid "Gone"\n#~ msgid_plural "Gones"\n#~ msgstr[0] "a"\n',
                  encoding="utf-8")
    refused(es_on, tmp_path / "out", [at(po, line_of(po, '#~ msgid "Gone"'), PLURAL_NOTE)])


def test_an_entry_with_a_msgctxt_is_refused(es_on, tmp_path):
    po = plant(es_on, LIVER, 'msgctxt "liver"\n' + LIVER)
    refused(es_on, tmp_path / "out", [at(po, line_of(po, 'msgid "Liver Cancer"'),
                                         "an entry with a msgctxt cannot translate catalog text: "
                                         "give one msgid and one msgstr")])


# --- #6, #7, #16: a msgstr is read as the YAML field it replaces ----------------------------

def test_a_control_character_in_a_msgstr_is_refused_in_every_format(es_on, tmp_path):
    po = plant(es_on, PUBLISHER, 'msgstr "Equipo \x1b de Investigación"')
    expected = [at(po, line_of(po, 'msgstr "Equipo'), "translation of field 'publisher' in site.yaml "
                                                      "has a control character (U+001B), which text may not contain")]
    refused(es_on, tmp_path / "out", expected)
    assert problems(run("build", "--catalog", es_on, "--out", tmp_path / "out", "--format", "epub",
                        "--language", "es")) == expected
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("planted,shown", [
    ("\x00", "has a control character (U+0000), which text may not contain"),
    ("\\a", "has a control character (U+0007), which text may not contain"),  # a PO escape
    ("\x85", "has a control character (U+0085), which text may not contain"),
    ("\U0001F48A", "has characters the handout fonts cannot draw: U+1F48A"),  # an emoji
    ("\ue000", "has characters the handout fonts cannot draw: U+E000"),  # private use
    ("\U00010000", "has characters the handout fonts cannot draw: U+10000"),  # Linear B
    ("\u16a0", "has characters the handout fonts cannot draw: U+16A0"),  # Runic
])
def test_a_msgstr_gets_the_yaml_text_checks(es_on, tmp_path, planted, shown):
    po = plant(es_on, LIVER, f'msgid "Liver Cancer"\nmsgstr "Cáncer {planted} de hígado"\n')
    refused(es_on, tmp_path / "out", [at(po, line_of(po, 'msgstr "Cáncer '), f"{CONDITION_NAME} {shown}")])


def test_a_white_space_msgstr_is_empty_not_a_blank_name(es_on, tmp_path):
    po = plant(es_on, LIVER, 'msgid "Liver Cancer"\nmsgstr " \\t \\n \u3000 "\n')
    refused(es_on, tmp_path / "out", [at(po, line_of(po, 'msgstr " '), f"{CONDITION_NAME} must not be empty")])


def test_line_breaks_and_tabs_in_a_msgstr_become_single_spaces_as_in_yaml(es_on, tmp_path):
    plant(es_on, LIVER, 'msgid "Liver Cancer"\nmsgstr ""\n"  Cáncer\\n de\\t\\thígado"\n" \u2028con\u2029 ruido "\n')
    translation = load_translation(load_catalog(es_on), "es")
    assert translation("Liver Cancer") == "Cáncer de hígado con ruido"
    out = tmp_path / "out"
    result = run("build", "--catalog", es_on, "--out", out, "--format", "html", "--language", "es",
                 "--condition", "liver-cancer")
    assert result.exit_code == 0, result.output
    page = (out / "es/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--es.html").read_text(encoding="utf-8")
    assert "pacientes con Cáncer de hígado con ruido" in page
    assert not any(c in page for c in "\t\u2028\u2029")


@pytest.mark.parametrize("kind,old,chars,line_start,field", [
    ("short", NAME, 200, 'msgstr "NNNN', COMPOUND_NAME),
    ("long", 'msgstr ""\n"Perfil de seguridad excelente en dosis bajas; no se debe usar si recibe "\n'
             '"tratamiento con opioides; a veces causa sueños muy vívidos"\n',
     2000, 'msgstr "NNNN', "translation of field 'safety_profile' in compounds/low-dose-naltrexone.yaml"),
])
def test_a_msgstr_has_its_fields_length_limit(es_on, tmp_path, kind, old, chars, line_start, field):
    """200 characters for a name, 2,000 for a safety profile, as in YAML: at the limit it
    passes, one more is refused (counted after white space is joined, as in YAML)."""
    msgid = old.split("\n")[0] + "\n" if old.startswith("msgid") else ""
    po = plant(es_on, old, f'{msgid}msgstr "{"N" * (chars - 2)} {"  " * 50}N"\n')
    assert run("check", "--catalog", es_on).exit_code == 0
    plant(es_on, f'msgstr "{"N" * (chars - 2)}', f'msgstr "N{"N" * (chars - 2)}')
    refused(es_on, tmp_path / "out", [at(po, line_of(po, line_start),
                                         f"{field} is {chars + 1:,} characters long; at most {chars:,} are allowed")])


def test_an_800_kb_name_is_refused_before_any_html(es_on, tmp_path):
    """#7: a compound name of 792 KB made 17 MB of HTML per handout; it is a name, 200 characters at most."""
    po = plant(es_on, NAME, f'msgid "Low-Dose Naltrexone"\nmsgstr "{"Naltrexona " * 72_000}"\n')
    assert po.stat().st_size < 1_000_000
    refused(es_on, tmp_path / "out", [at(po, line_of(po, 'msgstr "Naltrexona Naltrexona'),
                                         f"{COMPOUND_NAME} is 791,999 characters long; at most 200 are allowed")])


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_bidi_controls_in_a_msgstr_are_refused(es_on, tmp_path, control):
    """#16, the PO side: "efasnu" in the file must not render as "unsafe". The PO check is
    records.text's: the embedding and override controls (U+202A-U+202E) are refused there by
    the bidi rule; the isolates (U+2066-U+2069) already as characters the fonts cannot draw."""
    po = plant(es_on, NAME, f'msgid "Low-Dose Naltrexone"\nmsgstr "Naltrexona {control}efasnu\u202c"\n')
    prefix = at(po, line_of(po, 'msgstr "Naltrexona'), f"{COMPOUND_NAME} ")
    for args in (("check", "--catalog", es_on), ("build", "--catalog", es_on, "--out", tmp_path / "out")):
        found = problems(run(*args))
        assert len(found) == 1 and found[0].startswith(prefix) and f"U+{ord(control):04X}" in found[0], found
    assert not (tmp_path / "out").exists()


def test_a_chinese_msgstr_is_checked_with_the_chinese_faces(tmp_path):
    """zh-Hans text is drawn by Noto Sans SC: Chinese characters pass, an emoji does not, and
    the limits and white space rules are the YAML ones."""
    root = Path(shutil.copytree(ROOT / "catalog", tmp_path / "CAT"))
    (root / "site.yaml").write_text((root / "site.yaml").read_text(encoding="utf-8")
                                    + "languages: [en, zh-Hans]\n", encoding="utf-8")
    po = plant(root, 'msgstr "低剂量纳曲酮"', 'msgstr "  低剂量 \\n\\t纳曲酮 "', "zh-Hans")
    assert load_translation(load_catalog(root), "zh-Hans")("Low-Dose Naltrexone") == "低剂量 纳曲酮"
    plant(root, 'msgstr "  低剂量 \\n\\t纳曲酮 "', 'msgstr "低剂量\U0001F48A纳曲酮"', "zh-Hans")
    line = line_of(po, 'msgstr "低剂量')
    assert problems(run("check", "--catalog", root)) == [
        at(po, line, f"{COMPOUND_NAME} has characters the handout fonts cannot draw: U+1F48A")]
    plant(root, 'msgstr "低剂量\U0001F48A纳曲酮"', f'msgstr "{"低" * 201}"', "zh-Hans")
    assert problems(run("check", "--catalog", root)) == [
        at(po, line, f"{COMPOUND_NAME} is 201 characters long; at most 200 are allowed")]


# --- #8: header values --------------------------------------------------------------------

@pytest.mark.parametrize("old,new,field,message", [
    ("nplurals=2;", "nplurals=abc;", '"Plural-Forms:',
     "header Plural-Forms cannot be read; expected a value such as nplurals=2; plural=(n != 1);"),
    ("POT-Creation-Date: 2026-11-01 00:00+0000", "POT-Creation-Date: not a date", '"POT-Creation-Date:',
     "header POT-Creation-Date cannot be read; expected a value such as 2026-11-01 00:00+0000"),
    ("PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE", "PO-Revision-Date: 2026-11-01 00:00+9999", '"PO-Revision-Date:',
     "header PO-Revision-Date cannot be read; expected a value such as 2026-11-01 00:00+0000"),
    ("Language: es", "Language: ../x", '"Language:', "header Language cannot be read; expected a value such as es"),
    *[("charset=utf-8", f"charset={charset}", '"Content-Type:',
       f"header Content-Type declares charset '{charset}'; translation files are UTF-8 (charset=UTF-8)")
      for charset in ("bogus-zz", "rot13", "hex", "zlib_codec", "utf-7", "latin-1")],
])
def test_a_bad_header_value_is_a_problem_at_its_line_in_every_command(es_on, tmp_path, old, new, field, message):
    po = plant(es_on, old, new)
    refused(es_on, tmp_path / "out", [at(po, line_of(po, field), message)], True)


def test_every_bad_header_value_is_reported_at_once(es_on, tmp_path):
    plant(es_on, "nplurals=2;", "nplurals=abc;")
    plant(es_on, "POT-Creation-Date: 2026-11-01 00:00+0000", "POT-Creation-Date: not a date")
    po = plant(es_on, "charset=utf-8", "charset=bogus-zz")
    found = problems(run("check", "--catalog", es_on))
    assert [line.split(": ", 1)[0] for line in found] == [
        f"{po.as_posix()}:{line_of(po, name)}" for name in ('"POT-Creation-Date:', '"Plural-Forms:', '"Content-Type:')]


def test_a_header_field_given_many_times_is_one_problem(es_on, tmp_path):
    """Each bad field is named once, at its first line: a header of 28,000 bad fields (in
    nearly 1 MB) is one problem, found at once."""
    po = plant(es_on, '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n',
               '"Plural-Forms: nplurals=abc;\\n"\n' + '"X: y\\nPlural-Forms: nplurals=x\\n"\n' * 28_000)
    assert po.stat().st_size < 1_000_000
    refused(es_on, tmp_path / "out", [at(po, line_of(po, '"Plural-Forms:'), "header Plural-Forms cannot be read; "
                                         "expected a value such as nplurals=2; plural=(n != 1);")])


def test_a_bad_field_repeating_a_good_one_is_reported_at_its_own_line(es_on, tmp_path):
    po = plant(es_on, '"Content-Transfer-Encoding: 8bit\\n"\n',
               '"Content-Transfer-Encoding: 8bit\\n"\n"Language: ../x\\n"\n"Content-Type: text/plain; charset=hex\\n"\n')
    refused(es_on, tmp_path / "out", [
        at(po, line_of(po, '"Language: ../x'), "header Language cannot be read; expected a value such as es"),
        at(po, line_of(po, '"Content-Type: text/plain; charset=hex'),
           "header Content-Type declares charset 'hex'; translation files are UTF-8 (charset=UTF-8)")])


def test_a_utf8_charset_under_another_name_and_the_template_placeholder_pass(es_on):
    plant(es_on, "charset=utf-8", "charset=UTF8")
    assert run("check", "--catalog", es_on).exit_code == 0
    plant(es_on, "charset=UTF8", "charset=CHARSET")
    assert run("check", "--catalog", es_on).exit_code == 0


# --- #15: PO syntax and encoding ----------------------------------------------------------

@pytest.mark.parametrize("new,message", [
    ('msgstr "Cáncer de hígado', "string not closed with a double quote"),
    ('msgstr "Cáncer "de" hígado"', 'a double quote inside a string must be written \\"'),
    ("msgstr Cáncer de hígado", "expected a string in double quotes"),
    ('msgstr[x] "Cáncer de hígado"', "Unknown or misformatted keyword"),
])
def test_a_malformed_string_is_a_syntax_error_at_its_line(es_on, tmp_path, new, message):
    """``msgstr "abc`` was read as ``ab``; ``msgstr[x]`` was a traceback."""
    po = plant(es_on, 'msgstr "Cáncer de hígado"', new)
    refused(es_on, tmp_path / "out", [at(po, line_of(po, new), f"PO syntax error: {message}")], True)


def test_a_malformed_continuation_line_is_a_syntax_error_at_its_line(es_on, tmp_path):
    old = '"tratamiento con opioides; a veces causa sueños muy vívidos"'
    po = plant(es_on, old, old[:-1])
    refused(es_on, tmp_path / "out", [at(po, line_of(po, old[:-1]),
                                         "PO syntax error: string not closed with a double quote")])


def test_a_missing_msgstr_is_reported_without_its_msgid(es_on, tmp_path):
    po = po_of(es_on)
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "SECRET <script>"\n', encoding="utf-8")
    refused(es_on, tmp_path / "out", [at(po, line_of(po, 'msgid "SECRET'), "PO syntax error: missing msgstr")])


def test_a_bom_is_accepted_as_in_yaml(es_on, tmp_path):
    po = po_of(es_on)
    po.write_bytes(b"\xef\xbb\xbf" + po.read_bytes())
    result = run("check", "--catalog", es_on)
    assert result.exit_code == 0 and "translation es: 46 translated, 0 fuzzy, 0 missing" in result.output
    assert load_translation(load_catalog(es_on), "es")("Liver Cancer") == "Cáncer de hígado"


def test_crlf_line_ends_are_accepted_and_cr_alone_is_one_problem(es_on, tmp_path):
    po = po_of(es_on)
    text = po.read_bytes()
    po.write_bytes(text.replace(b"\n", b"\r\n"))
    assert run("check", "--catalog", es_on).exit_code == 0
    po.write_bytes(text.replace(b"\n", b"\r"))
    refused(es_on, tmp_path / "out", [at(po, 1, "a line ends with CR alone: PO files end lines with LF or CRLF")], True)


def test_an_invalid_byte_is_reported_at_its_own_line(es_on, tmp_path):
    po = po_of(es_on)
    text = po.read_bytes().replace('msgstr "Cáncer de hígado"'.encode(), b'msgstr "C\xe1ncer de h\xedgado"')
    po.write_bytes(text)
    line = text[:text.index(b"\xe1")].count(b"\n") + 1
    assert line > 90
    refused(es_on, tmp_path / "out", [at(po, line, "not UTF-8 text (invalid continuation byte)")], True)


def test_a_translation_file_is_at_most_1_mb(es_on, tmp_path):
    po = po_of(es_on)
    text = po.read_bytes()
    po.write_bytes(text + b"#" * (1_000_000 - len(text) - 1) + b"\n")
    assert po.stat().st_size == 1_000_000 and run("check", "--catalog", es_on).exit_code == 0
    po.write_bytes(po.read_bytes() + b"\n")
    refused(es_on, tmp_path / "out",
            [f"{po.as_posix()}: is larger than 1,000,000 bytes, the most a file here may be; not read"], True)
