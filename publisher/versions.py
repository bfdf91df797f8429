"""Which document, and which version of it: the one place that says (issue 26).

A handout's *document id* (``paths.document_id``) is its compound and condition slugs
(``low-dose-naltrexone--fibromyalgia``), a booklet's its base name's stem
(``low-dose-naltrexone--all-conditions``, ``…--volume-2-of-3``). Its *version* is the date it
carries (the review's ``reviewed_on``, else site.yaml's ``edition_date``; a booklet's edition
date) and a short hash of its content: ``2026-11-01.3f9a1c2e``, or the hash alone when the
catalog has no date.

The content hashed is the text the document says, as a reader or a screen reader gets it: the
rendered page's ``<body>`` text (and the words the print stylesheet shows from attributes: the
footer's imprint, "Page … of …", alternative text, link targets), white space normalised.
So the version changes exactly when what the document says changes (a review's fields, its
compound's and condition's, the site's text, the brand's, the template wording in its language,
its wording), and never for paper size, CSS, fonts or publisher's own version, which change the
file but not the content. The large-print edition says the same words: the same version (XMP's
renditions of one version), as is a handout on A4 and on letter. A template edit that only
moves markup keeps every version.

A booklet's content is its front matter and its reviews, each printed as its handout is: its
version hashes its front matter's text and its handouts' versions (``bundle_version``), so the
portal and the zips can name it from the handouts' DocumentReferences and one front page's
render, and agree with what the booklet prints.

Every PDF prints its id and version at the foot of every page and names them in its XMP
(``xmpMM:DocumentID``, ``xmpMM:VersionID``: outputs/xmp.py); the version is worked out from the
page rendered without them, so the line is not part of what it hashes. A patient's copy
(``publisher handout``) carries the version of the standard handout it was made from.

Why text and not the inputs' fingerprints: a fingerprint holds the paper, the stylesheets and
publisher's version (the file's bytes depend on them) and every field of a record, printed or
not (a compound's ``codes``). Rendering costs about 0.5 ms a handout (0.45 ms Jinja, 0.05 ms this
regular-expression text pass; HTMLParser would take 0.4 ms more), so the version is worked out
where a handout is typeset anyway (its PDF, its DocumentReference, ``publisher handout``), once
per changed handout; the portal, the zips and ``catalog.json`` read it from the handout's FHIR
DocumentReference (``outputs/fhir.py``) instead of rendering a whole catalog again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only
    from .catalog.bundles import Volume
    from .catalog.model import Review
    from .render import Renderer

HASH_LENGTH = 8  # hex digits: 32 bits tell one document's versions apart
VERSION = re.compile(rf"(?:\d{{4}}-\d{{2}}-\d{{2}}\.)?[0-9a-f]{{{HASH_LENGTH}}}")  # what version() writes
DOCUMENT_ID = re.compile(r"[a-z0-9]+(?:-{1,2}[a-z0-9]+)*")  # what paths.document_id and bundle_stem write
_UNSAID = re.compile(r"<(style|script)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
# Attributes whose words a reader gets: alternative text, accessible names, the data- words
# the print stylesheet shows ("Page N of M"), where a link leads. Not the running head: the
# title cut to fit the paper and edition (running_head.py), typesetting and not content.
_SAID = re.compile(r'\s(?:alt|aria-label|title|data-(?!running-head=)[a-z-]+|href)="([^"]*)"')


def content_text(page: str) -> str:
    """What ``page`` (an HTML document) says: its body's text and said attributes, in order,
    entities decoded, white space runs made single spaces."""
    start = page.find("<body")
    body = _UNSAID.sub(" ", page[start:] if start >= 0 else page)
    said = _TAG.sub(lambda tag: " " + " ".join(_SAID.findall(tag.group())) + " ", body)
    return " ".join(html.unescape(said).split())


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def version(date: dt.date | None, digest: str) -> str:
    """``2026-11-01.3f9a1c2e``; the hash alone when there is no date."""
    return f"{date.isoformat()}.{digest}" if date else digest


def review_date(review: Review, site) -> dt.date | None:
    """The date a handout carries: its review's, else the site's edition date."""
    return review.reviewed_on or site.edition_date


def handout_version(renderer: Renderer, review: Review) -> str:
    """The version of ``review``'s handout as ``renderer`` makes it (its language, edition,
    wording and brand)."""
    return version(review_date(review, renderer.site), content_hash(content_text(renderer.handout(review))))


def bundle_version(renderer: Renderer, volume: Volume, known: Mapping[str, str | None] | None = None) -> str | None:
    """A booklet volume's version: its edition date, and the hash of its front matter's text
    (page numbers left out: they follow the paper) and of its reviews' versions, in order. A
    booklet prints each review as its handout does (the same partial, handout-body.html.j2), so
    this changes exactly when its front matter or one of its handouts does. ``known``: the
    handouts' versions by review key, as the portal and the zips read them from the FHIR
    records, None where a record is missing (then so is the booklet's); else each handout's
    is worked out here."""
    found = [known.get(e.review.key) if known is not None else handout_version(renderer, e.review)
             for e in volume.entries]
    if None in found:
        return None
    front = renderer.booklet_front(volume, {entry.anchor: 0 for entry in volume.entries})
    return version(volume.edition_date(renderer.site), content_hash("\n".join([content_text(front), *found])))
