"""A synthetic catalog of any size, deterministic, shaped like the shipped one: real-looking
condition names and compounds with the shipped compound's length of text.

    python bench/synthetic.py OUT_DIR [COMPOUNDS] [CONDITIONS]
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import yaml

CONDITIONS = [
    ("Alzheimer's Disease", "neurologist"), ("Asthma", "pulmonologist"), ("Atrial Fibrillation", "cardiologist"),
    ("Breast Cancer", "oncologist"), ("Chronic Fatigue Syndrome", "internist"), ("Chronic Kidney Disease", "nephrologist"),
    ("COPD", "pulmonologist"), ("Crohn’s Disease", "gastroenterologist"), ("Epilepsy", "neurologist"),
    ("Fibromyalgia", "rheumatologist"), ("Glioblastoma", "neuro-oncologist"), ("Heart Failure", "cardiologist"),
    ("Hepatitis C", "hepatologist"), ("HIV", "infectious disease specialist"), ("Hypertension", "cardiologist"),
    ("Liver Cancer", "hepatologist or oncologist"), ("Lupus", "rheumatologist"), ("Lyme Disease", "infectious disease specialist"),
    ("Major Depressive Disorder", "psychiatrist"), ("Migraine", "neurologist"), ("Multiple Sclerosis", "neurologist"),
    ("Osteoarthritis", "rheumatologist"), ("Osteoporosis", "endocrinologist"), ("Pancreatic Cancer", "oncologist"),
    ("Parkinson's Disease", "neurologist"), ("Prostate Cancer", "urologist or oncologist"), ("Psoriasis", "dermatologist"),
    ("Rheumatoid Arthritis", "rheumatologist"), ("Sjögren’s Syndrome", "rheumatologist"), ("Stage IV Cancer", "oncologist"),
    ("Type 1 Diabetes", "endocrinologist"), ("Type 2 Diabetes", "endocrinologist"), ("Ulcerative Colitis", "gastroenterologist"),
    ("Long COVID", "internist"), ("Endometriosis", "gynecologist"), ("Celiac Disease", "gastroenterologist"),
    ("Hashimoto's Thyroiditis", "endocrinologist"), ("Interstitial Cystitis", "urologist"), ("Eczema", "dermatologist"),
    ("Generalized Anxiety Disorder", "psychiatrist"), ("Bipolar Disorder", "psychiatrist"), ("PTSD", "psychiatrist"),
    ("Colorectal Cancer", "oncologist"), ("Lung Cancer", "oncologist"), ("Melanoma", "dermatologist or oncologist"),
    ("ALS", "neurologist"), ("Myasthenia Gravis", "neurologist"), ("Sarcoidosis", "pulmonologist"),
    ("Gout", "rheumatologist"), ("Polycystic Ovary Syndrome", "endocrinologist"),
]

COMPOUND = {
    "class": "Opioid Antagonist / Immunomodulator",
    "safety_profile": "Excellent safety profile at low doses; avoid in patients on opioid therapy; occasional vivid dreams",
    "regulatory_status": "FDA-approved at 50mg; the low dose (1.5–4.5mg) is off-label",
    "evidence_level": "Phase II trials for MS, Crohn's, fibromyalgia; promising but small studies",
    "mechanism": "Transient opioid receptor blockade → endorphin upregulation; TLR4 antagonism; microglial modulation; anti-inflammatory",
}


def slugify(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in plain.replace("'", "")).split())


def make_catalog(root: Path, compounds: int = 1, conditions: int = 50) -> Path:
    """Write ``compounds`` x ``conditions`` reviews; beyond the named list, conditions get numbers."""
    root = Path(root)
    for folder in ("compounds", "conditions"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(yaml.safe_dump({
        "publisher": "Synthetic Press", "medical_advisor": "A. Example, MD", "url": "https://example.org",
        "edition_date": "2026-11-01", "sample": True}), encoding="utf-8")
    for n in range(conditions):
        name, specialist = CONDITIONS[n % len(CONDITIONS)]
        if n >= len(CONDITIONS):
            name = f"{name} (Type {n // len(CONDITIONS) + 1})"
        _dump(root / "conditions" / f"{slugify(name)}.yaml", {"name": name, "specialist": specialist})
    for n in range(compounds):
        fields = {"name": f"Compound {n + 1:04d}", "short_name": f"C{n + 1}", **COMPOUND}
        _dump(root / "compounds" / f"compound-{n + 1:04d}.yaml", fields)
    return root


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    out = Path(sys.argv[1])
    make_catalog(out, *(int(a) for a in sys.argv[2:4]))
    print(f"wrote {out}")
