"""The handouts as FHIR R4 resources, for an EHR (issue 26): a ``DocumentReference`` per handout,
a ``collection`` ``Bundle`` of them, and the ``Communication`` that records one handout given to
one patient. Plain dictionaries in FHIR's JSON form; the tests validate every one with
``fhir.resources``.

Choices, each the standard's own:

- ``type`` is LOINC 69730-0 "Instructions": LOINC's term for "instructions given to a patient"
  (https://loinc.org/69730-0; C-CDA's Instructions Section, which says "List patient decision
  aids here"). A handout is that; "Education note" (34895-3) is a clinician's note *about* an
  education session, not the material.
- ``docStatus`` (R4's composition-status): a draft review is ``preliminary`` ("the content may
  be incomplete or unverified"); a reviewed or approved one is ``final`` ("complete and
  verified by an appropriate person"): a reviewer has checked both, and approval is a release
  decision, not more verification.
- The codes (ICD-10-CM, SNOMED CT for the condition; RxNorm, ATC, UNII for the compound) are in
  ``category``, one CodeableConcept per subject: R4 defines it as "a categorization ... helps
  for indexing and searching", with an example binding (any code system), and it is a search
  parameter, so ``DocumentReference?category=http://hl7.org/fhir/sid/icd-10-cm|C22.9`` finds
  the handouts. ``context.event`` is for "clinical acts documented" (a colonoscopy), not a
  diagnosis or a drug, and an extension would be ours alone. No ``subject``: a handout is
  about no patient.
- ``masterIdentifier`` names this version (``<key>|<version>``, as FHIR writes a canonical's
  version), ``identifier`` the handout whatever its version. The file of a handout keeps its
  id and path from version to version (an EHR polls one address); ``relatesTo`` ``replaces``
  names the previous version by its ``masterIdentifier`` (a logical reference: its resource was
  this same file, now overwritten).
- ``attachment.hash`` is the base64 SHA-1 of the PDF, as R4's Attachment defines it; ``url``
  is absolute under site.yaml's ``url``, else relative to the ``fhir/`` folder, as FHIR resolves
  relative references against the service base (``../pdf/…``).
- ``Communication`` for "education given" rather than a DocumentReference: a DocumentReference
  describes a document, a Communication records that information was conveyed to someone
  (R4: "a record of information transmitted from a sender to a receiver"), with ``subject``
  the patient, ``sent`` the day, ``payload.contentReference`` the version given and
  ``category`` patient education (SNOMED CT 311401005, as FHIR's own education example codes it).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import uuid

from .catalog.codes import codings
from .catalog.model import Review, Site
from .errors import PublisherError
from .paths import document_key, fhir_id
from .versions import VERSION  # a version read back from the output folder (anyone's) must look like one

LOINC_INSTRUCTIONS = {"system": "http://loinc.org", "code": "69730-0", "display": "Instructions"}
PATIENT_EDUCATION = {"system": "http://snomed.info/sct", "code": "311401005", "display": "Patient education (procedure)"}
INSTRUCTION = {"system": "http://terminology.hl7.org/CodeSystem/communication-category", "code": "instruction",
               "display": "Instruction"}
DOC_STATUS = {"draft": "preliminary", "reviewed": "final", "approved": "final"}
# FHIR R4's literal reference (references.html), for a Patient: relative, or absolute http(s).
PATIENT_REFERENCE = re.compile(r"(?:https?://[A-Za-z0-9\-.:%$]+(?:/[A-Za-z0-9\-.:%$]+)*/)?"
                               r"Patient/[A-Za-z0-9\-.]{1,64}(?:/_history/[A-Za-z0-9\-.]{1,64})?")


def namespace(site: Site) -> str:
    """The identifier system of a site's handouts: under its address, else a name-based UUID
    of its publisher (as the OPDS ids are), so two publishers' identifiers never meet."""
    if site.url:
        return f"{site.url.rstrip('/')}/fhir/handouts"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'publisher:{site.publisher}')}"


def instant(date: dt.date) -> str:
    """A catalog date as FHIR's ``instant`` (midnight UTC): never the clock."""
    return f"{date.isoformat()}T00:00:00Z"


def concept(subject, name: str) -> dict | None:
    """A compound's or condition's codes as one CodeableConcept (None without codes)."""
    coding = [{"system": system.uri, "code": code} for system, code in codings(subject)]
    return {"coding": coding, "text": name} if coding else None


def codes(review: Review) -> list[dict]:
    """One CodeableConcept for the condition and one for the compound, each with every code it has."""
    return [c for c in (concept(review.condition, review.condition.name),
                        concept(review.compound, review.compound.display_name)) if c]


def document_reference(review: Review, settings, title: str, version: str, date: dt.date | None, pdf: bytes,
                       url: str, previous: bytes | None = None) -> dict:
    """The DocumentReference of one handout's PDF in one language, edition and wording."""
    site, key = settings.site, document_key(review, settings)
    system = namespace(site)
    this = f"{key}|{version}"
    made = {"resourceType": "DocumentReference", "id": fhir_id(key), "language": site.language,
            "masterIdentifier": {"system": system, "value": this},
            "identifier": [{"system": system, "value": key}],
            "status": "current", "docStatus": DOC_STATUS[review.status],
            "type": {"coding": [LOINC_INSTRUCTIONS]}}
    if found := codes(review):
        made["category"] = found
    if date:
        made["date"] = instant(date)
    made["author"] = [{"display": site.publisher}]
    made["description"] = title
    if relates := _replaces(previous, system, key, this):
        made["relatesTo"] = relates
    attachment = {"contentType": "application/pdf", "language": site.language, "url": url, "size": len(pdf),
                  "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"), "title": title}
    if date:
        attachment["creation"] = date.isoformat()
    made["content"] = [{"attachment": attachment}]
    return made


def _replaces(previous: bytes | None, system: str, key: str, this: str) -> list[dict]:
    """What this version replaces: the previous file's version when it differs, else what the
    previous file said it replaced. The previous file is the output folder's, read as untrusted:
    only an identifier of this same handout is kept."""
    try:
        found = json.loads(previous) if previous else {}
        before = found["masterIdentifier"]["value"]
        if found["masterIdentifier"]["system"] != system:
            return []
        if before == this:
            before = found["relatesTo"][0]["target"]["identifier"]["value"]
    except (ValueError, TypeError, KeyError, IndexError):
        return []
    if (not isinstance(before, str) or before == this or before.rpartition("|")[0] != key
            or not VERSION.fullmatch(before.rpartition("|")[2])):
        return []
    return [{"code": "replaces", "target": {"type": "DocumentReference", "identifier": {"system": system, "value": before},
                                             "display": before.rpartition("|")[2]}}]


def version_of(data: bytes | None) -> str | None:
    """The version a DocumentReference names (``masterIdentifier``), or None."""
    try:
        found = json.loads(data)["masterIdentifier"]["value"].rpartition("|")[2]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return found if VERSION.fullmatch(found) else None


def collection(resources: list[dict], site: Site, date: dt.date | None) -> dict:
    """A ``collection`` Bundle of ``resources``; each entry's ``fullUrl`` a name-based UUID."""
    made = {"resourceType": "Bundle", "language": site.language, "type": "collection"}
    if date:
        made["timestamp"] = instant(date)
    made["entry"] = [{"fullUrl": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, namespace(site) + '/' + r['id'])}",
                      "resource": r} for r in resources]
    return made


def patient_reference(text: str) -> str:
    """``--patient-ref``: a FHIR reference to a Patient, relative (``Patient/123``) or absolute
    (``https://ehr.example.org/fhir/Patient/123``). An error never quotes it."""
    if not isinstance(text, str) or len(text) > 2000 or not PATIENT_REFERENCE.fullmatch(text):
        raise PublisherError("--patient-ref: not a FHIR reference to a patient: give Patient/<id>, or an absolute "
                             "http(s) URL ending in /Patient/<id> (an id is 1 to 64 letters, digits, '-' or '.')")
    return text


def communication(review: Review, settings, title: str, version: str, given: dt.date, patient: str) -> dict:
    """The record that one handout's version was given to one patient on ``given``."""
    site, key = settings.site, document_key(review, settings)
    made = {"resourceType": "Communication", "language": site.language, "status": "completed",
            "category": [{"coding": [PATIENT_EDUCATION]}, {"coding": [INSTRUCTION]}],
            "subject": {"reference": patient, "type": "Patient"},
            "topic": {"text": title}, "sent": given.isoformat()}
    if reason := concept(review.condition, review.condition.name):
        made["reasonCode"] = [reason]
    made["payload"] = [{"contentReference": {
        "type": "DocumentReference", "identifier": {"system": namespace(site), "value": f"{key}|{version}"},
        "display": f"{title} ({version})"}}]
    return made


def dumps(resource: dict) -> bytes:
    return (json.dumps(resource, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
