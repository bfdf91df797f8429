"""The desk's typesetter: one patient's handout in memory, from a renderer kept warm.

``personal_handout`` (personal.py) makes a fresh ``Renderer`` and ``PdfOutput`` for every
handout: right for one command, twice the time for a desk that prints all day. Here they are
kept, one pair per settings (language, edition, wording, paper, brand), so only the first handout of
each pays for them. The review is planned again for every handout (``plan``, a few
milliseconds), so an edit to the catalog is in the next handout without a watcher, and a
broken catalog is the same ``path:line`` list a build gives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

from ..catalog import load_catalog
from ..errors import PublisherError
from ..options import BuildOptions
from ..personal import Personal, handout_name, plan_review

WARM = 8  # settings kept warm (a site rarely has more than a few languages x two editions)


class Refused(PublisherError):
    """A handout the desk will not make (a draft or overdue review); the message says why."""


@dataclass(frozen=True)
class Choice:
    """One review the page offers: ``value`` is ``compound/condition``."""

    value: str
    label: str
    held: str | None  # "draft" or "overdue": refused unless the desk allows drafts


@dataclass(frozen=True)
class Choices:
    reviews: tuple[Choice, ...]
    languages: tuple[str, ...]


class Typesetter:
    """Handouts for ``options``' catalog, paper and brand; one at a time (WeasyPrint's objects
    are not shared between threads), each typeset by the warm renderer of its settings."""

    def __init__(self, options: BuildOptions, allow_drafts: bool = False, today=dt.date.today):
        self.options, self.allow_drafts, self.today = options, allow_drafts, today
        self.lock = threading.Lock()
        self.warm: OrderedDict = OrderedDict()  # RenderSettings -> (Renderer, PdfOutput)

    def choices(self) -> Choices:
        """What the page offers, read from the catalog as it is now."""
        catalog = load_catalog(self.options.catalog)
        today = self.today()
        reviews = tuple(Choice(r.key, f"{r.compound.display_name} — {r.condition.name}", self._held(r, today))
                        for r in catalog.reviews)
        return Choices(reviews, tuple(catalog.site.languages))

    def warm_up(self) -> None:
        """Typeset the first review once, for no one, so the first patient does not wait for
        the fonts and templates to load."""
        from ..personal import Personal

        choices = self.choices()
        if choices.reviews:
            compound, _, condition = choices.reviews[0].value.partition("/")
            try:
                self.handout(compound, condition, choices.languages[0], "standard", "standard", Personal(self.today()))
            except Refused:
                pass

    def handout(self, compound: str, condition: str, language: str, edition: str, wording: str,
                personal: Personal) -> tuple[str, bytes]:
        """The PDF and its file name (the standard handout's plus ``--personal``)."""
        name, pdf, _ = self._typeset(compound, condition, language, edition, wording, personal)
        return name, pdf

    def message(self, compound: str, condition: str, language: str, edition: str, wording: str,
                personal: Personal) -> tuple[str, bytes]:
        """The unsent e-mail with the handout attached (mail/message.py), and its file name
        (the handout's, ending ``.eml``)."""
        from ..mail.message import draft, draft_name

        name, pdf, settings = self._typeset(compound, condition, language, edition, wording, personal)
        return draft_name(name), draft(settings, name, pdf)

    def _typeset(self, compound: str, condition: str, language: str, edition: str, wording: str,
                 personal: Personal):
        chosen = dataclasses.replace(self.options, edition=edition, wording=wording, languages=(language,))
        with self.lock:
            made, review = plan_review(chosen, compound, condition)
            held = self._held(review, self.today())
            if held:
                raise Refused(f"{review.key} is {held}: the desk prints only reviewed, current reviews "
                              "(start it with --allow-drafts to print drafts, marked as such)")
            renderer, output = self._renderer(made.settings)
            pdf = output.handout_pdf(review, personal)
        return handout_name(made, review), pdf, made.settings

    def _held(self, review, today: dt.date) -> str | None:
        if self.allow_drafts:
            return None
        if review.is_draft:
            return "a draft"
        if review.is_overdue(today):
            return "overdue for review"
        return None

    def _renderer(self, settings):
        from ..outputs.pdf import PdfOutput
        from ..render import Renderer

        if settings in self.warm:
            self.warm.move_to_end(settings)
            return self.warm[settings]
        renderer = Renderer.of(settings)
        self.warm[settings] = renderer, PdfOutput(renderer)
        while len(self.warm) > WARM:
            self.warm.popitem(last=False)
        return self.warm[settings]
