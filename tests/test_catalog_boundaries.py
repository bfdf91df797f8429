"""What a catalog value may be at the edges of what the outputs can carry (reliability
findings, part 2: #9 dates, #16 bidi controls, #17 language tags, #19 SVG logos, #20 web
addresses): each is refused by ``check`` and ``build`` as one exact ``path:line: message``,
exit 1, nothing written, the value never echoed; the values just inside the edges still work.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from publisher.catalog.brand import load_brand
from publisher.catalog.records import Invalid, standard_tag, text
from publisher.cli import main

from conftest import ROOT

SUMMARY_1 = "1 problem in the catalog; nothing was written."
COND = "conditions/liver-cancer.yaml"
COMPOUND = "compounds/low-dose-naltrexone.yaml"
REVIEW = "reviews/low-dose-naltrexone/liver-cancer.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def set_line(path: Path, key: str, value: str) -> int:
    """Give ``key`` the YAML ``value`` in ``path`` (replacing its line, or adding one at the
    end); return the line it is on."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    found = [i for i, line in enumerate(lines) if line.startswith(f"{key}:")]
    index = found[0] if found else len(lines)
    lines[index:index + 1] = [f"{key}: {value}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index + 1


def assert_refused(catalog: Path, tmp_path: Path, expected: str, hidden: str | None = None) -> None:
    """``check`` and a whole ``build`` both print exactly ``catalog/expected``, exit 1, write nothing."""
    out = tmp_path / "out"
    for command in (["check"], ["build", "--out", out]):
        result = run(*command, "--catalog", catalog)
        assert result.exit_code == 1, result.output
        assert result.output == f"{catalog}/{expected}\n{SUMMARY_1}\n"
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert hidden is None or hidden not in result.output
    assert not out.exists()


def assert_checks(catalog: Path) -> None:
    result = run("check", "--catalog", catalog)
    assert result.exit_code == 0, result.output


# --- #9: dates outside what a zip entry can hold ----------------------------------------

DATE_RULE = "must be between 1980-01-01 and 2107-12-31 (the dates a zip file can hold), not {}"


@pytest.mark.parametrize("value", ["1979-12-31", "2108-01-01", "9999-12-31", "0001-01-01"])
def test_an_edition_date_no_zip_can_hold_is_refused(catalog_copy, tmp_path, value):
    line = set_line(catalog_copy / "site.yaml", "edition_date", value)
    assert_refused(catalog_copy, tmp_path, f"site.yaml:{line}: field 'edition_date' {DATE_RULE.format(value)}")


@pytest.mark.parametrize("field,value,extra", [
    ("reviewed_on", "1979-12-31", ""),  # the bundle's date when site.yaml has none
    ("reviewed_on", "2108-01-01", ""),
    ("next_review_due", "2108-01-01", "reviewed_on: 2026-01-01\n"),
])
def test_a_review_date_no_zip_can_hold_is_refused(catalog_copy, tmp_path, field, value, extra):
    set_line(catalog_copy / "site.yaml", "edition_date", "2026-11-01")
    (catalog_copy / REVIEW).parent.mkdir(parents=True, exist_ok=True)
    (catalog_copy / REVIEW).write_text(f"research_note: A note.\n{extra}{field}: {value}\n", encoding="utf-8")
    line = 2 + extra.count("\n")
    assert_refused(catalog_copy, tmp_path, f"{REVIEW}:{line}: field '{field}' {DATE_RULE.format(value)}")


@pytest.mark.parametrize("value", ["1980-01-01", "2107-12-31"])
def test_the_first_and_last_dates_a_zip_holds_make_an_epub(catalog_copy, tmp_path, value):
    """The edges themselves pass ``check`` and are written as the EPUB entries' time."""
    set_line(catalog_copy / "site.yaml", "edition_date", value)
    assert_checks(catalog_copy)
    out = tmp_path / "out"
    result = run("build", "--catalog", catalog_copy, "--out", out, "--format", "epub", "--condition", "liver-cancer")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out / "epub/by-condition/all-compounds--liver-cancer.epub") as book:
        assert {info.date_time[:3] for info in book.infolist()} == {tuple(map(int, value.split("-")))}


# --- #16: bidirectional controls in catalog text -----------------------------------------

@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_a_bidi_control_is_refused_without_echoing_the_text(catalog_copy, tmp_path, char):
    path = catalog_copy / COMPOUND
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = f"name: Low-Dose {char}efasnu\u202c Naltrexone"  # shown as "unsafe" with U+202E
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_refused(catalog_copy, tmp_path, f"{COMPOUND}:1: field 'name' has a bidirectional control character "
                                           f"(U+{ord(char):04X}), which text may not contain", hidden="efasnu")


@pytest.mark.parametrize("name,content,expected", [
    (COND, 'name: "Liver \\u202ERecnac"\nspecialist: oncologist\n',
     f"{COND}:1: field 'name' has a bidirectional control character (U+202E), which text may not contain"),
    (REVIEW, 'references:\n  - title: "A \\u2067trial"\n    pmid: 123\n',
     f"{REVIEW}:2: field 'title' has a bidirectional control character (U+2067), which text may not contain"),
    ("site.yaml", 'publisher: "Team \\u202Bname"\n',
     "site.yaml:1: field 'publisher' has a bidirectional control character (U+202B), which text may not contain"),
])
def test_a_bidi_control_is_refused_in_every_kind_of_text(catalog_copy, tmp_path, name, content, expected):
    (catalog_copy / name).parent.mkdir(parents=True, exist_ok=True)
    (catalog_copy / name).write_text(content, encoding="utf-8")
    assert_refused(catalog_copy, tmp_path, expected)


def test_a_bidi_control_in_a_long_field(catalog_copy, tmp_path):
    line = set_line(catalog_copy / COMPOUND, "mechanism", '"Blocks \\u202Dreceptors"')
    assert_refused(catalog_copy, tmp_path, f"{COMPOUND}:{line}: field 'mechanism' has a bidirectional control "
                                           "character (U+202D), which text may not contain")


def test_the_text_reader_refuses_bidi_controls_for_every_caller():
    """The PO path reads translations with the same reader (``records.text``)."""
    def node(value: str) -> yaml.ScalarNode:
        line_5 = yaml.Mark("es.po", 0, 4, 0, None, None)
        return yaml.ScalarNode("tag:yaml.org,2002:str", value, line_5, line_5)

    with pytest.raises(Invalid) as error:
        text(node("Naltrexona \u202eefasnu\u202c"))
    assert str(error.value) == "has a bidirectional control character (U+202E), which text may not contain"
    assert error.value.line == 5
    # the marks that only set a direction (LRM, RLM) stay allowed for right-to-left text
    assert text(node("a\u200fb")) == "a\u200fb"


# --- #17: one language, one spelling ------------------------------------------------------

@pytest.mark.parametrize("languages,expected", [
    ("[en, EN]", "field 'languages' 'EN' is not the standard spelling of this language tag: write 'en'"),
    ("[en, en-US, en-us]", "field 'languages' 'en-us' is not the standard spelling of this language tag: write 'en-US'"),
    ("[en, iw, he]", "field 'languages' 'iw' is not the standard spelling of this language tag: write 'he'"),
    ("[en, zh-hans]", "field 'languages' 'zh-hans' is not the standard spelling of this language tag: write 'zh-Hans'"),
    ("[en, eng]", "field 'languages' 'eng' is not the standard spelling of this language tag: write 'en'"),
    ("[en, es, es]", "field 'languages' lists 'es' twice"),
    ("[en, zh-Hans-CN, zh-CN]",
     "field 'languages' lists 'zh-Hans-CN' and 'zh-CN', one language to Babel (CLDR) (zh_Hans_CN)"),
    ("[en, en-Latn]", "field 'languages' lists 'en' and 'en-Latn', one language to Babel (CLDR) (en)"),
])
def test_one_language_under_two_tags_is_refused(catalog_copy, tmp_path, languages, expected):
    line = set_line(catalog_copy / "site.yaml", "languages", languages)
    assert_refused(catalog_copy, tmp_path, f"site.yaml:{line}: {expected}")


def test_the_catalogs_own_language_is_spelt_the_standard_way(catalog_copy, tmp_path):
    line = set_line(catalog_copy / "site.yaml", "language", "EN")
    assert_refused(catalog_copy, tmp_path,
                   f"site.yaml:{line}: field 'language' 'EN' is not the standard spelling of this language tag: write 'en'")


def test_the_sample_languages_still_pass(catalog_copy):
    set_line(catalog_copy / "site.yaml", "languages", "[en, es, zh-Hans, ar]")
    assert_checks(catalog_copy)


@pytest.mark.parametrize("tag,standard", [
    ("en", "en"), ("zh-Hans", "zh-Hans"), ("ar", "ar"), ("es-419", "es-419"), ("pt-br", "pt-BR"),
    ("zh-hant-tw", "zh-Hant-TW"), ("en-UK", "en-GB"), ("in", "id"), ("ca-ES-VALENCIA", "ca-ES-valencia"),
])
def test_standard_tag(tag, standard):
    assert standard_tag(tag) == standard


# --- #19: an SVG logo is a still picture of itself -----------------------------------------

SVG = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 4 4"'
NOT_ALLOWED = "which a logo may not have"
OUTSIDE = " (it may link to #id, or embed a PNG, JPEG, GIF or WebP image)"
FETCH = " (url() other than #id, @import, image-set() or a \\ escape)"


def brand_with_logo(folder: Path, logo: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "logo.svg").write_bytes(logo if isinstance(logo, bytes) else logo.encode("utf-8"))
    (folder / "brand.yaml").write_text("name: Clinic\nphone: '555'\nlogo: logo.svg\n", encoding="utf-8")
    return folder / "brand.yaml"


@pytest.mark.parametrize("logo,expected", [
    (f'<svg {SVG}>\n<script>alert("SECRET")</script></svg>', f"has a <script> element on its line 2, {NOT_ALLOWED}"),
    (f'<svg {SVG}>\n\n<SCRIPT/></svg>', f"has a <script> element on its line 3, {NOT_ALLOWED}"),
    (f'<svg {SVG} onload="alert(1)"/>', f"has an event handler attribute (on...) on its line 1, {NOT_ALLOWED}"),
    (f'<svg {SVG}><a xlink:href=" java\tscript:alert(1)"><rect/></a></svg>',
     f"has a javascript: link on its line 1, {NOT_ALLOWED}"),
    (f'<svg {SVG}><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="x"/></foreignObject></svg>',
     f"has a <foreignObject> element on its line 1, {NOT_ALLOWED}"),
    (f'<svg {SVG}><image href="https://tracker.example/SECRET.png"/></svg>',
     f"has a link to something outside it on its line 1, {NOT_ALLOWED}{OUTSIDE}"),
    (f'<svg {SVG}><use href="file:///etc/passwd#x"/></svg>',
     f"has a link to something outside it on its line 1, {NOT_ALLOWED}{OUTSIDE}"),
    (f'<svg {SVG}><image href="data:image/svg+xml;base64,PHN2Zy8+"/></svg>',
     f"has a link to something outside it on its line 1, {NOT_ALLOWED}{OUTSIDE}"),
    (f'<?xml version="1.0"?>\n<?xml-stylesheet href="https://x.example/a.css"?>\n<svg {SVG}/>',
     f"has a processing instruction (<?...?>) on its line 2, {NOT_ALLOWED}"),
    (f'<svg {SVG}><rect fill="url(https://x.example/p.svg#g)"/></svg>',
     f"has a style that fetches something on its line 1, {NOT_ALLOWED}{FETCH}"),
    (f'<svg {SVG}>\n<style>\n@import "https://x.example/a.css";\n</style></svg>',
     f"has a style that fetches something on its line 2, {NOT_ALLOWED}{FETCH}"),
    (f'<svg {SVG}><style>rect {{ fill: \\75 rl(https://x.example/) }}</style></svg>',
     f"has a style that fetches something on its line 1, {NOT_ALLOWED}{FETCH}"),
    (f'<svg {SVG}><a href="#a"><set attributeName="href" to="javascript:alert(1)"/></a></svg>',
     f"has a <set> element on its line 1, {NOT_ALLOWED}"),
    # a DOCTYPE the old byte search missed (UTF-16): refused before its entities are read
    (f'<!DOCTYPE svg [<!ENTITY a "SECRET">]><svg {SVG}><title>&a;</title></svg>'.encode("utf-16"),
     "must be an SVG image without a DOCTYPE"),
])
def test_a_logo_that_could_run_or_fetch_is_refused(tmp_path, logo, expected):
    brand = brand_with_logo(tmp_path / "brand", logo)
    out = tmp_path / "out"
    result = run("build", "--catalog", ROOT / "catalog", "--out", out, "--brand", brand,
                 "--format", "html", "--condition", "liver-cancer")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [f"{brand}:3: the logo {expected}",
                                          "1 problem in the brand file; nothing was written."]
    assert "SECRET" not in result.output and "tracker" not in result.output
    assert not out.exists()


def test_a_logo_made_of_itself_is_kept(tmp_path):
    """Gradients, <use>, embedded PNGs, CSS that refers within the logo, editors' metadata."""
    logo = (f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generator: an editor -->\n'
            f'<svg {SVG} xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
            'inkscape:export-filename="C:\\Users\\me\\logo.png">'
            '<defs><linearGradient id="g"><stop offset="0" stop-color="#2e8b57"/></linearGradient></defs>'
            '<style>.a { fill: url("#g") }</style>'
            '<rect class="a" width="4" height="4" style="stroke: url( #g )"/><use xlink:href="#g"/>'
            '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>'
            '<a href="#g"><text>Clinic</text></a></svg>')
    brand = load_brand(brand_with_logo(tmp_path / "brand", logo))
    assert brand.logo_bytes == logo.encode("utf-8")


# --- #20: web addresses as RFC 3986 has them -----------------------------------------------

CHARACTER = "has a character a web address may not hold (U+{:04X}); write it percent-encoded (%XX)"
USER = "names a user before its host (user@host), which a published address may not"


@pytest.mark.parametrize("field,value,expected", [
    ("url", '"https://example.org/a\\"b"', CHARACTER.format(0x22)),
    ("url", "https://example.org/<script>", CHARACTER.format(0x3C)),
    ("url", "https://example.org/a>b", CHARACTER.format(0x3E)),
    ("url", "https://example.org/{x}", CHARACTER.format(0x7B)),
    ("url", "https://example.org/a|b", CHARACTER.format(0x7C)),
    ("url", "https://example.org/caf\u00e9", CHARACTER.format(0xE9)),
    ("url", "https://example.org/100%", "has a '%' not followed by two hexadecimal digits (write a % sign as %25)"),
    ("url", "https://user:secret@example.org/", USER),
    ("url", "https://evil.example@example.org", USER),
    ("online_url", "https://example.org/{compound}/{condition}/<b>", CHARACTER.format(0x3C)),
    ("online_url", "https://me@example.org/{compound}/{condition}", USER),
    ("online_url", "https://example.org/{compound}{x}",
     "'https://example.org/{compound}{x}' must contain {compound} and/or {condition}, may contain {language}, "
     "and no other braces"),
])
def test_a_site_address_that_is_not_a_url_is_refused(catalog_copy, tmp_path, field, value, expected):
    line = set_line(catalog_copy / "site.yaml", field, value)
    assert_refused(catalog_copy, tmp_path, f"site.yaml:{line}: field '{field}' {expected}")


def test_a_reference_address_that_is_not_a_url_is_refused(catalog_copy, tmp_path):
    (catalog_copy / REVIEW).parent.mkdir(parents=True, exist_ok=True)
    (catalog_copy / REVIEW).write_text('references:\n  - title: A trial\n    url: "https://example.org/a b<c"\n',
                                       encoding="utf-8")
    # white space was already refused by the address pattern; the "<" now is too
    assert_refused(catalog_copy, tmp_path, f"{REVIEW}:3: field 'url' 'https://example.org/a b<c' is not a web address "
                                           "starting with https:// or http://")
    (catalog_copy / REVIEW).write_text('references:\n  - title: A trial\n    url: "https://example.org/a<c"\n',
                                       encoding="utf-8")
    assert_refused(catalog_copy, tmp_path, f"{REVIEW}:3: field 'url' {CHARACTER.format(0x3C)}")


def test_addresses_rfc_3986_allows_still_pass(catalog_copy):
    set_line(catalog_copy / "site.yaml", "url", "\"https://example.org/a%20b/@team?x=1&y=(2);z=*,$!'+~#part\"")
    set_line(catalog_copy / "site.yaml", "online_url", "https://example.org/{language}/{compound}/{condition}?q=[1]")
    (catalog_copy / REVIEW).parent.mkdir(parents=True, exist_ok=True)
    (catalog_copy / REVIEW).write_text("references:\n  - title: A trial\n"
                                       "    url: https://doi.org/10.1000/xyz_(1)-a.b~c\n", encoding="utf-8")
    assert_checks(catalog_copy)
