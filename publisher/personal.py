"""One patient's handout at the point of care: a review typeset with the patient's name, the
clinician's, the date, the care team's notes and a teach-back checklist; nothing kept.

The personal text is the one thing publisher handles that must never be kept. It lives in
this process's memory, in the HTML given to WeasyPrint and in the PDF handed back (written
where the user asked, or sent to the printer). It is in no file name (the default name is
the standard handout's plus ``--personal``), no log line, no error message (a problem names
the option, never its value), no manifest and no cache; the PDF's metadata carries the
review's title only. The review is chosen, checked and translated as a build would do it
(``plan``), so drafts print their mark and a broken catalog is the same ``path:line`` list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .catalog import records
from .errors import PublisherError
from .options import BuildOptions
from .paths import review_file, variant

MAX_NOTES = 10  # a handout's notes box, not a letter: ten notes of up to 2,000 characters


@dataclass(frozen=True)
class Personal:
    """Who a handout is for. ``given`` is the day it is handed over (the caller's today)."""

    given: dt.date
    patient: str | None = None
    clinician: str | None = None
    notes: tuple[str, ...] = ()
    teach_back: bool = False

    @classmethod
    def read(cls, given: dt.date, patient: str | None = None, clinician: str | None = None,
             notes: tuple[str, ...] = (), teach_back: bool = False) -> "Personal":
        """Checked like catalog text (no control or bidirectional-control characters, not
        blank, bounded, drawable), white space runs made single spaces; ``PublisherError``
        lists every problem by option, never quoting what was typed."""
        problems = []

        def checked(option: str, value: str | None, kind: str) -> str | None:
            if value is None:
                return None
            try:
                return records.text(records.scalar(value, option), kind)
            except records.Invalid as error:
                problems.append(f"{option}: {error}")
                return None

        patient = checked("--patient", patient, "short")
        clinician = checked("--clinician", clinician, "short")
        kept = tuple(checked("--note", note, "long") for note in notes)
        if len(notes) > MAX_NOTES:
            problems.append(f"--note: {len(notes)} notes; at most {MAX_NOTES} fit a handout")
        if problems:
            raise PublisherError("\n".join(problems))
        return cls(given, patient, clinician, kept, teach_back)


def personal_handout(options: BuildOptions, compound: str, condition: str, personal: Personal,
                     patient_ref: str | None = None):
    """The file name one review for one patient goes by (the standard handout's, plus
    ``--personal``: nothing personal in it), its PDF, the settings it was made with (its
    language, edition, brand: what the message around it needs, mail/message.py) and, given
    ``patient_ref``, its education record (``education_record``; else None). ``options``
    gives the catalog, one language, the edition, paper and brand, as for a build."""
    from .outputs.pdf import PdfOutput
    from .render import Renderer

    made, review = plan_review(options, compound, condition)
    renderer = Renderer.of(made.settings)
    record = education_record(renderer, review, personal.given, patient_ref) if patient_ref is not None else None
    pdf = PdfOutput(renderer).handout_pdf(review, personal)
    return handout_name(made, review), pdf, made.settings, record


def education_record(renderer, review, given: dt.date, patient: str) -> bytes:
    """The FHIR R4 Communication saying that this handout, in this version (versions.py), was
    given to ``patient`` (an opaque reference the EHR passed in: checked as a FHIR reference,
    never logged) on ``given`` (fhir.py says why a Communication). Only the caller writes it."""
    from .fhir import communication, dumps, patient_reference
    from .versions import handout_version

    patient = patient_reference(patient)
    return dumps(communication(review, renderer, renderer.phrase("question", review),
                               handout_version(renderer, review), given, patient))


def plan_review(options: BuildOptions, compound: str, condition: str):
    """The plan of the one review, checked and translated as a build would (its language
    ``options.languages[0]``, else the catalog's own), and the review."""
    from .pipeline.plan import plan

    chosen = dataclasses.replace(options, compounds=(compound,), conditions=(condition,), formats=("pdf",))
    made = plan(chosen, options.languages[0] if options.languages else None)
    if not made.reviews:
        raise PublisherError(f"'{compound}' has no review for '{condition}' in the catalog")
    return made, made.reviews[0]


def handout_name(made, review) -> str:
    """``low-dose-naltrexone--liver-cancer--es--personal.pdf``: the standard handout's base
    name, its edition and language included, plus ``--personal``."""
    return f"{Path(review_file('pdf', review, variant(made.settings))).stem}--personal.pdf"


def encrypt(pdf: bytes, password: str) -> bytes:
    """The PDF encrypted with AES-256, opened only with ``password``. Printing and text
    extraction stay allowed, so a screen reader can read it (PDF/UA-1, 7.16); changing it is
    not. The structure tree, language and metadata are kept (the file is copied whole)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import UserAccessPermissions as May

    if not password:
        raise PublisherError("--password: an empty password would protect nothing")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    allowed = May.PRINT | May.PRINT_TO_REPRESENTATION | May.EXTRACT | May.EXTRACT_TEXT_AND_GRAPHICS
    writer.encrypt(user_password=password, owner_password=None, permissions_flag=allowed, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def send_to_printer(pdf: bytes, title: str, printer: str | None = None) -> None:
    """Print through CUPS' ``lp``, the PDF on its standard input: no file is written. The
    job's title is the file name, which holds nothing personal."""
    lp = shutil.which("lp")
    if lp is None:
        raise PublisherError("--print: no 'lp' command here; install CUPS' client "
                             "(apt-get install cups-client), or write the file with -o and print it")
    command = [lp, "-t", title, *(["-d", printer] if printer else []), "-"]
    try:
        done = subprocess.run(command, input=pdf, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise PublisherError("--print: the printing system did not answer within 60 s") from None
    if done.returncode != 0:
        said = records.excerpt(done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}", 200)
        raise PublisherError(f"--print: the printer did not take the job: {said}")
