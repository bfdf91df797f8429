"""Clinical codes on compounds and conditions (``codes:``): each checked by its system's format
and reported at its line, and carried into ``publisher list --json`` and ``catalog.json``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from publisher.catalog import load_catalog
from publisher.catalog.codes import SYSTEMS, verhoeff_valid
from publisher.cli import main

from conftest import ROOT


def test_the_shipped_catalog_carries_its_codes():
    catalog = load_catalog(ROOT / "catalog")
    assert dict(catalog.compounds[0].codes) == {"rxnorm": ("7243",), "atc": ("N07BB04",), "unii": ("5S6W795CQM",)}
    conditions = {c.slug: dict(c.codes) for c in catalog.conditions}
    assert conditions["fibromyalgia"] == {"icd10cm": ("M79.7",), "snomed": ("203082005",)}
    assert conditions["major-depressive-disorder"]["icd10cm"] == ("F32.9", "F33.9")
    assert conditions["stage-iv-cancer"] == {}  # no code names a stage


@pytest.mark.parametrize("system, good, bad", [
    ("rxnorm", ["7243", "1"], ["07243", "72a3", "123456789"]),
    ("atc", ["N07BB04", "N", "N07", "N07B", "N07BB"], ["X07BB04", "N07BB0", "n07bb04", "N7BB04"]),
    ("unii", ["5S6W795CQM"], ["5S6W795CQ", "5s6w795cqm", "5S6W795CQM1"]),
    ("icd10cm", ["M79.7", "K50.90", "G35", "S72.001A"], ["M797", "M79.", "M79.70001", "7M9.7"]),
    ("snomed", ["203082005", "44054006", "9014002"], ["203082006", "203082015", "12345", "0203082005"]),
])
def test_each_system_checks_its_format(system, good, bad):
    assert all(SYSTEMS[system].valid(code) for code in good)
    assert not any(SYSTEMS[system].valid(code) for code in bad)


def test_verhoeff_catches_a_mistyped_or_swapped_digit():
    assert verhoeff_valid("203082005")
    assert not verhoeff_valid("203082006") and not verhoeff_valid("230082005")


def test_systems_have_the_fhir_uris_and_hl7_oids_lookups_name_them_by():
    by_oid = {s.oid: s.key for s in SYSTEMS.values()}
    by_uri = {s.uri: s.key for s in SYSTEMS.values()}
    assert len(by_oid) == len(by_uri) == len(SYSTEMS)  # lookup.js finds a system by either
    assert (by_oid["2.16.840.1.113883.6.90"], by_oid["2.16.840.1.113883.6.96"]) == ("icd10cm", "snomed")
    assert by_uri["http://www.nlm.nih.gov/research/umls/rxnorm"] == "rxnorm"


def test_a_bad_code_is_reported_at_its_line_every_one_at_once(catalog_copy):
    (catalog_copy / "conditions" / "psoriasis.yaml").write_text(
        "name: Psoriasis\nspecialist: dermatologist\ncodes:\n  icd10cm: [L40.9, L409, L40.9]\n"
        "  snomed: 9014003\n  icd9: 696.1\n", encoding="utf-8")
    (catalog_copy / "conditions" / "fibromyalgia.yaml").write_text(
        "name: Fibromyalgia\nspecialist: rheumatologist\ncodes: M79.7\n", encoding="utf-8")
    compound = catalog_copy / "compounds" / "low-dose-naltrexone.yaml"
    compound.write_text(compound.read_text(encoding="utf-8").replace("atc: N07BB04", "atc: {code: N07BB04}")
                        .replace("rxnorm: 7243", "rxnorm: []"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--catalog", str(catalog_copy)])
    assert result.exit_code == 1
    lines = [line.replace(catalog_copy.as_posix() + "/", "") for line in result.output.splitlines()]
    rxnorm = next(n for n, line in enumerate(compound.read_text(encoding="utf-8").splitlines(), 1) if "rxnorm" in line)
    assert lines == [
        f"compounds/low-dose-naltrexone.yaml:{rxnorm}: field 'rxnorm' must be {SYSTEMS['rxnorm'].rule}, "
        "or a list of them, not an empty list",
        f"compounds/low-dose-naltrexone.yaml:{rxnorm + 1}: field 'atc' must be {SYSTEMS['atc'].rule}, "
        "or a list of them, not a mapping",
        "conditions/fibromyalgia.yaml:3: codes must be a mapping of fields, not text",
        "conditions/psoriasis.yaml:4: field 'icd10cm' 'L409' is not " + SYSTEMS["icd10cm"].rule,
        "conditions/psoriasis.yaml:5: field 'snomed' '9014003' is not " + SYSTEMS["snomed"].rule,
        "conditions/psoriasis.yaml:6: unknown field 'icd9'; known fields: icd10cm, snomed",
        "6 problems in the catalog; nothing was written.",
    ]


def test_codes_are_in_list_json():
    result = CliRunner().invoke(main, ["list", "--json", "--catalog", str(ROOT / "catalog")])
    data = json.loads(result.output)
    assert data["compounds"][0]["codes"] == {"rxnorm": ["7243"], "atc": ["N07BB04"], "unii": ["5S6W795CQM"]}
    psoriasis = next(c for c in data["conditions"] if c["slug"] == "psoriasis")
    assert psoriasis["codes"] == {"icd10cm": ["L40.9"], "snomed": ["9014002"]}
