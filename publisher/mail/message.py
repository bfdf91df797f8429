"""The unsent message around one patient's handout: ``publisher handout --eml`` and the desk's
Email button. The care team opens it, types the patient's address and sends it from their own
mail program; publisher sends nothing and keeps nothing.

What is in it, and why:
- ``X-Unsent: 1``: Outlook (classic and new) opens the file as a new message, ready to address
  and send, rather than as one received; Thunderbird opens it in its compose window too.
- No ``From``, ``To`` or ``Cc``: the mail program fills in the sender's own account, and the
  address is typed by someone who knows it is the patient's.
- No ``Date`` and no ``Message-ID``. RFC 5322 (3.6.1) dates a message when its sender says it is
  ready to go, which for a draft is the moment Send is pressed: the mail program adds both
  then. A date written now (or the handout's ``--given`` day) would be wrong on a draft sent a
  day later; and without a clock or a host name in it, the same handout always gives the same
  bytes.
- Subject and body from ``layouts/mail/handout-message.txt.j2``, in the handout's language and
  wording (gettext, as every template). They name no one: what is personal stays in the PDF.
- The handout attached under its own safe name (``personal.handout_name``), as
  ``application/pdf`` in base64. The text part is quoted-printable and the boundary starts with
  ``=_``, which neither quoted-printable nor base64 can contain, so a fixed boundary is safe.
Lines end in CRLF (``policy.SMTP``), as RFC 5322 has them on the wire and in ``.eml`` files.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from pathlib import Path

import jinja2

from ..i18n.wording import template_translations
from ..resources import LAYOUTS

BOUNDARY = "=_publisher-handout_="
TEMPLATE = "handout-message.txt.j2"


def draft_name(pdf_name: str) -> str:
    """``low-dose-naltrexone--liver-cancer--personal.eml`` for the handout's PDF name."""
    return Path(pdf_name).with_suffix(".eml").name


def draft(settings, name: str, pdf: bytes, encrypted: bool = False) -> bytes:
    """The message, as the bytes of an ``.eml`` file, for the handout ``pdf`` called ``name``
    and made with ``settings`` (a plan's ``RenderSettings``: its site in the handout's
    language, its brand, its wording); ``encrypted`` says the PDF has a password."""
    site, brand = settings.site, settings.brand
    context = {"sender": brand.name if brand else site.publisher, "phone": brand.phone if brand else None,
               "encrypted": encrypted}
    wording = _environment(site.language, settings.plain).get_template(TEMPLATE).make_module(context)
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = str(wording.subject()).strip()
    message["X-Unsent"] = "1"
    message.set_content(str(wording), charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = site.language  # goes with the text into its part
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=name, params={"name": name})
    del message.get_payload()[-1]["MIME-Version"]  # the message's own is enough (RFC 2045, 4)
    message.set_boundary(BOUNDARY)
    return message.as_bytes()


def _environment(language: str, plain: bool) -> jinja2.Environment:
    """Plain text, so not escaped: nothing here is read as HTML, and the header's own encoder
    (RFC 2047) takes care of the subject."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(LAYOUTS / "mail"), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(template_translations(language, plain), newstyle=True)
    return env
