"""Clinical codes a compound or condition may carry (``codes:``), so an EHR can find its
handouts by the codes it already holds (HL7 Infobutton, FHIR): the code systems, their FHIR
system URIs and HL7 OIDs, and each code's format check.

Each check is the system's published format; SNOMED CT identifiers also carry a Verhoeff
check digit and a partition identifier (SNOMED International, Technical Implementation
Guide, "SCTID"), which are checked too, so a mistyped concept id is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class CodeSystem:
    key: str  # the catalog's field name
    name: str  # as people call it
    uri: str  # FHIR's canonical URI for it
    oid: str  # HL7's OID (Infobutton's mainSearchCriteria.v.cs)
    rule: str  # the format, as an error message gives it
    valid: Callable[[str], bool]


def _pattern(expression: str) -> Callable[[str], bool]:
    compiled = re.compile(expression)
    return lambda code: compiled.fullmatch(code) is not None


# Verhoeff's dihedral-group tables (multiplication, permutation, inverse).
_D = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
      [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
      [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
      [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_P = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
      [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
      [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]


def verhoeff_valid(digits: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


def _sctid(code: str) -> bool:
    """A SNOMED CT concept id: 6 to 18 digits, no leading zero, partition 00 (short) or 10
    (extension), a valid Verhoeff check digit."""
    return (re.fullmatch(r"[1-9][0-9]{5,17}", code) is not None and code[-3:-1] in ("00", "10")
            and verhoeff_valid(code))


SYSTEMS = {system.key: system for system in (
    CodeSystem("rxnorm", "RxNorm", "http://www.nlm.nih.gov/research/umls/rxnorm", "2.16.840.1.113883.6.88",
               "an RxNorm concept id (RxCUI): digits, such as 7243", _pattern(r"[1-9][0-9]{0,7}")),
    CodeSystem("atc", "ATC", "http://www.whocc.no/atc", "2.16.840.1.113883.6.73",
               "a WHO ATC code: an anatomical group letter, then 2 digits, 2 letters and 2 digits "
               "(any leading part of N07BB04)",
               _pattern(r"[ABCDGHJLMNPRSV](?:[0-9]{2}(?:[A-Z](?:[A-Z](?:[0-9]{2})?)?)?)?")),
    CodeSystem("unii", "UNII", "http://fdasis.nlm.nih.gov", "2.16.840.1.113883.4.9",
               "an FDA UNII: 10 capital letters and digits, such as 5S6W795CQM", _pattern(r"[0-9A-Z]{10}")),
    CodeSystem("icd10cm", "ICD-10-CM", "http://hl7.org/fhir/sid/icd-10-cm", "2.16.840.1.113883.6.90",
               "an ICD-10-CM code: a letter, a digit, a digit or letter, then optionally a dot and 1 to 4 "
               "digits or letters, such as M79.7", _pattern(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")),
    CodeSystem("snomed", "SNOMED CT", "http://snomed.info/sct", "2.16.840.1.113883.6.96",
               "a SNOMED CT concept id: 6 to 18 digits ending in a partition (00 or 10) and a Verhoeff "
               "check digit, such as 203082005", _sctid),
)}
COMPOUND_CODES = ("rxnorm", "atc", "unii")
CONDITION_CODES = ("icd10cm", "snomed")


def codings(record):
    """Each code of a compound or condition, with its system: ``(CodeSystem, code)`` pairs."""
    return [(SYSTEMS[key], code) for key, found in record.codes for code in found]

