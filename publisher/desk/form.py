"""The desk's form: what was typed, read and checked, field by field.

A problem is tied to its field (``id`` and label) so the page can list every problem at the
top, each linked to its field, and keep what was typed. The personal fields are checked by
``Personal.read``, as the ``handout`` command checks its options; its problems name an option
(``--patient``), which is mapped here to the field that took it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from ..errors import PublisherError
from ..options import EDITIONS, WORDINGS
from ..personal import Personal

MAX_BODY = 256 * 1024  # ten notes of 2,000 characters, percent-encoded CJK, and the rest
MAX_FIELDS = 64
LABELS = {  # field id -> label, in the page's order
    "access_code": "Access code",
    "review": "Handout",
    "language": "Language",
    "edition": "Edition",
    "wording": "Wording",
    "patient": "Patient's name",
    "clinician": "Clinician",
    "given": "Date given",
    "notes": "Notes from the care team",
}
LINES = re.compile("\r\n|\n|\r")  # a textarea's line breaks; any other control character is reported
OPTIONS = {"--patient": "patient", "--clinician": "clinician", "--note": "notes"}  # Personal.read's names


class Malformed(Exception):
    """A body no form on the page could have sent."""


@dataclass
class Form:
    """The form as typed (strings, for showing again) and its problems: (field id, message)."""

    values: dict[str, str] = field(default_factory=dict)
    teach_back: bool = False
    action: str = "download"
    problems: list[tuple[str, str]] = field(default_factory=list)

    def problem(self, name: str, message: str) -> None:
        self.problems.append((name, f"{LABELS[name]}: {message}"))


def parse(body: bytes) -> Form:
    """The urlencoded body as a ``Form``; ``Malformed`` for anything else."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body),
                          max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise Malformed() from None
    values: dict[str, str] = {}
    for name, value in pairs:
        if name in values:
            raise Malformed()
        values[name] = value
    form = Form(values={name: values.get(name, "") for name in ("token", *LABELS)},
                teach_back=values.get("teach_back") == "yes",
                action=values.get("action") if values.get("action") in ("print", "email") else "download")
    return form


def personal(form: Form, today: dt.date) -> Personal | None:
    """The ``Personal`` the form describes, or None with its problems added to ``form``."""
    given = today
    if form.values["given"].strip():
        try:
            given = dt.date.fromisoformat(form.values["given"].strip())
        except ValueError:
            form.problem("given", "must be a date such as 2026-01-31")
    notes = tuple(line for line in LINES.split(form.values["notes"]) if line.strip())
    try:
        made = Personal.read(given, form.values["patient"] or None, form.values["clinician"] or None,
                             notes, form.teach_back)
    except PublisherError as error:
        for line in str(error).splitlines():
            option, _, message = line.partition(": ")
            form.problem(OPTIONS.get(option, "notes"), message)
        return None
    return None if form.problems else made


def choice(form: Form, reviews: set[str], languages: tuple[str, ...]) -> tuple[str, str, str, str, str] | None:
    """(compound, condition, language, edition, wording) chosen, or None with problems added; a
    form without a wording (sent by an older page) asks for the standard one."""
    review, language, edition = form.values["review"], form.values["language"], form.values["edition"]
    wording = form.values["wording"] or "standard"
    if review not in reviews:
        form.problem("review", "choose one of the handouts listed")
    if language not in languages:
        form.problem("language", "choose one of the languages listed")
    if edition not in EDITIONS:
        form.problem("edition", "choose standard or large print")
    if wording not in WORDINGS:
        form.problem("wording", "choose standard or plain language")
    if form.problems:
        return None
    compound, _, condition = review.partition("/")
    return compound, condition, language, edition, wording
