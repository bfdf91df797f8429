"""What a mail gateway holds a PDF for: scripts, actions that reach outside the file, files
inside it, content it cannot scan.

The list is the one malware triage tools count and gateways' heuristics build on: Didier
Stevens' pdfid (``/JS``, ``/JavaScript``, ``/AA``, ``/OpenAction``, ``/Launch``,
``/EmbeddedFile``, ``/RichMedia``, ``/XFA``, ``/JBIG2Decode``, ``/Encrypt``), peepdf (adds
``/SubmitForm``, ``/ImportData``, ``/EmbeddedFiles``, 3D content) and the remote go-to
actions (``/GoToR``, ``/GoToE``) that Assemblyline's pdfid service adds. Unlike pdfid, which
counts keywords in the raw bytes, the file is parsed (pypdf), so a name written ``/J#53`` or
hidden in a compressed object stream is still seen, and an ``/OpenAction`` that only opens
page 1 is not a problem. Link annotations (``/URI``) are normal in a handout; one to a
``file:`` or other non-web address is not. Every object the cross-reference table lists is
read, referenced or not, as a gateway reading the bytes would see it.
"""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

# Actions that reach outside the file, and what each does, as the problem line says it.
OUTSIDE = {
    "/GoToE": "opens a PDF embedded in it",
    "/GoToR": "opens another PDF file",
    "/ImportData": "reads form data from another file",
    "/Launch": "starts another program or opens another file",
    "/SubmitForm": "sends form data to an address",
}
WEB = {"http", "https", "mailto", "tel"}  # what a link in a handout may address
# Where an action is triggered from: the key naming it -> how the problem line says it.
TRIGGERS = {"/OpenAction": "/OpenAction", "/AA": "/AA", "/A": "/A", "/PA": "/A"}
ENCRYPTED = ("is encrypted (/Encrypt): a mail gateway cannot scan it, and many hold what they cannot "
             "scan; its contents were not checked")


def pdf_problems(path: Path) -> list[str]:
    """What a gateway would flag in the PDF at ``path``, each as the rest of a ``path: …`` line.
    A damaged file raises whatever pypdf raises (a dozen kinds): the caller makes it one line."""
    from pypdf import PdfReader

    with _quiet():
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return [ENCRYPTED]
        return _Found.of(reader).problems()


class _Found:
    """What the objects of one PDF hold, gathered from every object before it is judged (an
    action's trigger is known only once the object that names it is read)."""

    def __init__(self):
        self.javascript: set[str] = set()
        self.outside: set[str] = set()
        self.schemes: set[str] = set()
        self.embedded = self.media = self.xfa = self.jbig2 = False

    @classmethod
    def of(cls, reader) -> "_Found":
        from pypdf.generic import IndirectObject

        found, seen = cls(), set()
        numbers = [(number, generation) for generation, table in reader.xref.items() for number in table]
        numbers += [(number, 0) for number in reader.xref_objStm]
        for number, generation in sorted(set(numbers)):
            for dictionary, trigger in _dictionaries(reader.get_object(IndirectObject(number, generation, reader)), seen):
                found._judge(dictionary, trigger)
        for dictionary, trigger in _dictionaries(reader.trailer, seen):
            found._judge(dictionary, trigger)
        return found

    def _judge(self, d, trigger: str) -> None:
        kind, subtype = _name(d, "/S"), _name(d, "/Subtype")
        is_action = _name(d, "/Type") != "/StructElem" and not ("/P" in d and "/K" in d)  # not a structure element
        if "/JS" in d or (is_action and kind == "/JavaScript"):
            self.javascript.add(trigger or "/JS")
        if "/JavaScript" in d:  # the document's name tree of scripts, run as it opens
            self.javascript.add("/Names /JavaScript")
        if is_action and kind in OUTSIDE:
            self.outside.add(kind)
        if is_action and kind == "/URI":
            address = d.get("/URI")
            scheme = urlsplit(str(address)).scheme.lower() if address is not None else ""
            if scheme not in WEB:
                self.schemes.add(scheme)
        if ("/EmbeddedFiles" in d or "/EF" in d or _name(d, "/Type") == "/EmbeddedFile"
                or subtype == "/FileAttachment"):
            self.embedded = True
        if subtype in ("/RichMedia", "/3D"):
            self.media = True
        if "/XFA" in d:
            self.xfa = True
        filters = dict.get(d, "/Filter")
        if filters == "/JBIG2Decode" or (isinstance(filters, list) and "/JBIG2Decode" in filters):
            self.jbig2 = True

    def problems(self) -> list[str]:
        found = []
        if self.javascript:
            places = sorted(self.javascript - {"/JS"}) or ["/JS"]  # a script known only by its /JS entry
            found.append(f"runs JavaScript ({', '.join(places)})")
        found += [f"has a {kind} action, which {OUTSIDE[kind]}" for kind in sorted(self.outside)]
        if self.embedded:
            found.append("carries embedded files (/EmbeddedFiles): gateways hold files inside attachments")
        if self.media:
            found.append("has rich media or 3D content (/RichMedia, /3D), which can run scripts")
        if self.xfa:
            found.append("has an XFA form (/XFA), which can run scripts")
        if self.jbig2:
            found.append("has a /JBIG2Decode image, the route of past PDF reader exploits that gateways flag")
        found += [f"links to a {scheme or 'relative'} address (/URI), not a web, mail or phone one"
                  for scheme in sorted(self.schemes)]
        return found


def _dictionaries(value, seen: set):
    """Every dictionary inside one object, with the trigger it sits under (``""``: none). A
    reference is read as an object of its own, except under a trigger, where it is followed
    (once per trigger: ``/Next`` chains may loop) so that the action it names knows its trigger."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack = [(value, "")]
    while stack:
        value, trigger = stack.pop()
        if isinstance(value, IndirectObject):
            if trigger and (value.idnum, trigger) not in seen:
                seen.add((value.idnum, trigger))
                stack.append((value.get_object(), trigger))
        elif isinstance(value, DictionaryObject):
            yield value, trigger
            holds_triggers = trigger == "/AA" and "/S" not in value  # /AA maps events to actions
            for key, child in dict.items(value):  # as stored: references are not resolved
                if holds_triggers:
                    stack.append((child, "/AA"))
                elif key == "/Next":  # the next action runs when this one does
                    stack.append((child, trigger or "/A"))
                else:
                    stack.append((child, TRIGGERS.get(key, "")))
        elif isinstance(value, ArrayObject):
            stack.extend((child, trigger) for child in value)  # /Next [a b], a destination


def _name(d, key: str):
    value = dict.get(d, key)
    return value if isinstance(value, str) else None


@contextmanager
def _quiet():
    """pypdf reports what it repairs through logging and warnings; a damaged file's problem
    is our one line, not its chatter on the terminal."""
    log = logging.getLogger("pypdf")  # its modules log through children of this one
    was = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        log.setLevel(was)
