"""Property: whatever a translation's PO file holds (any msgstr text, any raw line, any header
value, any bytes), ``check`` exits 0 or 1 with no traceback and every problem is one
``path[:line]: message`` line naming the PO file; and a msgstr that passes builds an HTML
handout with the text as escaped text (reliability findings, part 2: #5-#8, #15).

The YAML side of the same property is test_hypothesis_catalog.py. Example counts are small
so the suite runs in seconds; raise ``max_examples`` locally.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import escape
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from markupsafe import escape as html_escape
import pytest

from publisher.cli import main

from conftest import ROOT

SUMMARY = re.compile(r"^\d+ problems? in the catalog; nothing was written\.$")
LIVER = 'msgstr "Cáncer de hígado"'
LIVER_LINE = (ROOT / "catalog/translations/es.po").read_text(encoding="utf-8").splitlines().index(LIVER) + 1
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PAGE = "es/html/low-dose-naltrexone/low-dose-naltrexone--liver-cancer--es.html"


def judged(change, build: bool = False):
    """Copy the shipped catalog with "es on", apply ``change(po, text)`` (its new text or
    bytes), run ``check`` and judge its output: ``(po path, problem lines, page)``, the page
    being the Spanish Liver Cancer handout's HTML when ``build`` and ``check`` passed."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(shutil.copytree(ROOT / "catalog", Path(tmp) / "catalog"))
        site = root / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8") + "languages: [en, es]\n", encoding="utf-8")
        po = root / "translations/es.po"
        new = change(po.read_text(encoding="utf-8"))
        po.write_bytes(new if isinstance(new, bytes) else new.encode("utf-8", "surrogatepass"))
        result = CliRunner().invoke(main, ["check", "--catalog", str(root)])
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        lines = result.output.splitlines()
        if result.exit_code == 0:
            assert lines[0].startswith(f"{root}: ok (") and lines[1].startswith("translation es: ")
            if not build:
                return po, [], None
            out = Path(tmp) / "out"
            built = CliRunner().invoke(main, ["build", "--catalog", str(root), "--out", str(out), "--format", "html",
                                              "--language", "es", "--condition", "liver-cancer", "-q"])
            assert built.exit_code == 0 and built.exception is None, built.output
            return po, [], (out / PAGE).read_text(encoding="utf-8")
        assert SUMMARY.match(lines[-1]), lines
        found = [line for line in lines[:-1] if not line.startswith(f"{root}: ok (")]
        for line in found:
            assert re.match(rf"^{re.escape(po.as_posix())}(:\d+)?: .+$", line) and len(line) < len(str(po)) + 300, line
        return po, found, None


def normalised(text: str) -> str:
    return " ".join(text.split())


def title_text(page: str) -> str:
    """The text of the page's ``<title>`` as a browser reads it (references resolved)."""
    class Title(HTMLParser):
        inside, text = False, ""

        def handle_starttag(self, tag, attrs):
            self.inside = tag == "title"

        def handle_endtag(self, tag):
            self.inside = False

        def handle_data(self, data):
            self.text += data if self.inside else ""

    parser = Title()
    parser.feed(page)
    return parser.text


# Any text, and text from Latin-1 and Latin Extended-A (control characters included), which the
# handout fonts draw, so that about a third of the examples pass and are built.
TEXT = st.text(min_size=1, max_size=300) | st.text(st.characters(max_codepoint=0x17F), min_size=1, max_size=300)


@pytest.mark.slow
@FAST
@given(TEXT)
def test_any_msgstr_text_is_refused_at_its_line_or_built_as_escaped_text(value):
    """Any text, as a translator's editor writes it (escaped), for a condition's name."""
    po, problems, page = judged(lambda text: text.replace(LIVER, f"msgstr {escape(value)}"), build=True)
    if problems:
        assert len(problems) == 1 and problems[0].startswith(
            f"{po.as_posix()}:{LIVER_LINE}: translation of field 'name' in conditions/liver-cancer.yaml "), problems
        assert len(value.strip()) < 8 or value not in problems[0]  # never the text itself
        return
    shown = normalised(value)
    assert str(html_escape(shown)) in page and shown in title_text(page)  # text, not markup


KEYWORDS = st.sampled_from(["msgstr ", "msgstr[", "msgstr[0] ", "msgid_plural ", "msgctxt ", '"', "#~ msgstr ", ""])


@FAST
@given(KEYWORDS, st.text(max_size=120))
def test_any_raw_msgstr_line_is_a_po_problem_or_reads(keyword, raw):
    """Any characters in place of a msgstr line as they stand in the file (quotes, backslashes
    and line ends included, unescaped), after a PO keyword or none."""
    judged(lambda text: text.replace(LIVER, keyword + raw))


HEADERS = st.sampled_from(["Plural-Forms", "POT-Creation-Date", "PO-Revision-Date", "Language", "Content-Type",
                           "Project-Id-Version", "X-Other"])


@FAST
@given(HEADERS, st.text(max_size=60))
def test_any_header_value_is_a_problem_at_a_header_line_or_reads(name, value):
    """A field added after the shipped header's last (line 19), as line 20: a refused value is
    reported within the header, from its ``msgid ""`` (line 7) to that line."""
    last = '"Content-Transfer-Encoding: 8bit\\n"'
    po, problems, _ = judged(lambda text: text.replace(last, f'{last}\n{escape(f"{name}: {value}")}'))
    for line in problems:
        assert 7 <= int(line[len(po.as_posix()) + 1:].split(":", 1)[0]) <= 20, problems


@FAST
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_any_bytes_as_a_po_file(data):
    judged(lambda text: data)
