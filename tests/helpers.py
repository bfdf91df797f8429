"""Shared test tools: synthetic catalogs, PDF text extraction, seed sentences."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

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
    body = []
    for page in pdf_pages(path):
        lines = [ln for ln in page.splitlines()
                 if ln.strip() not in furniture and not re.fullmatch(r"Page \d+ of \d+", ln.strip())]
        body.append("\n".join(lines))
    return squash("\n".join(body))


def seed_lines(name: str) -> list[str]:
    """The seed page's non-empty lines, bullets dropped, without the marketing line."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    lines = [ln.strip().lstrip("•").strip() for ln in text.splitlines()]
    return [ln for ln in lines if ln and not ln.startswith(MARKETING)]
