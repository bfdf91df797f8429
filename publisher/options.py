"""One build's options, declared once for the library and the CLI.

As WeasyPrint's ``DEFAULT_OPTIONS`` feeds both its command-line parser and ``write_pdf``,
each field of ``BuildOptions`` carries its command-line spelling and help; ``cli.py``
generates the click options from them. Every option is checked here, once, so the
library and the CLI refuse a bad value with the same message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Iterable

from .errors import SelectionError
from .outputs import ALIASES, FORMATS, NEEDS, OUTPUTS
from .seal import PASSWORD_ENV

EDITIONS = ("standard", "large-print")  # print editions (a language's version is not one)
WORDINGS = ("standard", "plain")  # the seeds' words, or plain language (catalog/plain.py, i18n/wording.py)
PAPER_SIZES = {"letter": "letter", "a4": "A4"}  # --paper's choices, and their CSS page sizes


def cli(*flags: str, **click_kwargs) -> dict:
    """Field metadata: how the option is spelt on the command line (None: library only)."""
    return {"cli": (flags, click_kwargs)}


@dataclass(frozen=True)
class BuildOptions:
    """What to build, from where, into where, and how."""

    catalog: Path = field(default=Path("catalog"), metadata=cli(
        "--catalog", type=str, metavar="DIR", show_default=True, help="The catalog directory."))
    out: Path = field(default=Path("dist"), metadata=cli(
        "--out", type=str, metavar="DIR", show_default=True, help="Output folder."))
    formats: tuple[str, ...] = field(default=FORMATS, metadata=cli(
        "--format", metavar="LIST", help=f"Comma-separated formats to build, from: {', '.join(FORMATS)} "
                                         "(default: all). site: the download portal (index.html, "
                                         "previews, ZIPs, OPDS feed) and every output it links to; fhir: a "
                                         "FHIR R4 DocumentReference per handout PDF, and a Bundle of them."))
    compounds: tuple[str, ...] = field(default=(), metadata=cli(
        "--compound", multiple=True, metavar="SLUG", help="Only this compound (repeatable)."))
    conditions: tuple[str, ...] = field(default=(), metadata=cli(
        "--condition", multiple=True, metavar="SLUG", help="Only this condition (repeatable)."))
    paper: str | None = field(default=None, metadata=cli(
        "--paper", metavar="|".join(PAPER_SIZES), help="Page size (default: site.yaml's paper, else letter)."))
    duplex: bool = field(default=False, metadata=cli(
        "--duplex", is_flag=True,
        help="Booklets for double-sided printing: every review starts on a right-hand page."))
    edition: str = field(default="standard", metadata=cli(
        "--edition", metavar="|".join(EDITIONS), show_default=True,
        help="large-print: all text at 18 pt or more, written under OUT/large-print/."))
    wording: str = field(default="standard", metadata=cli(
        "--wording", metavar="|".join(WORDINGS), show_default=True,
        help="plain: plain-language wording (grade 6 or below; the catalog's plain: versions), written "
             "under OUT/plain/."))
    archival: bool = field(default=False, metadata=cli(
        "--archival", is_flag=True,
        help="Archival PDFs: every PDF conforms to PDF/A-2a and PDF/UA-1 at once, at the same paths."))
    brand: Path | None = field(default=None, metadata=cli(
        "--brand", metavar="FILE", help="A clinic's brand file (YAML: name, phone, address, website, logo, "
                                        "accent_color)."))
    jobs: int | None = field(default=None, metadata=cli(
        "-j", "--jobs", type=int, metavar="N", help="Worker processes (default: one per core)."))
    scheduler: str | None = field(default=None, metadata=cli(
        "--scheduler", metavar="ADDRESS",
        help="Run on this Dask cluster (e.g. tcp://host:8786); needs publisher[dask]."))
    force: bool = field(default=False, metadata=cli(
        "--force", is_flag=True, help="Remake every output, even those that are up to date."))
    languages: tuple[str, ...] = field(default=(), metadata=cli(
        "--language", multiple=True, metavar="L",
        help="Only this language (repeatable; default: every language in site.yaml). The catalog's own "
             "language goes to OUT, every other one to OUT/<language>/."))
    allow_incomplete: bool = field(default=False, metadata=cli(
        "--allow-incomplete", is_flag=True,
        help="Build a language whose translation misses strings, printing the source text for them."))
    release: bool = field(default=False, metadata=cli(
        "--release", is_flag=True,
        help="Refuse (writing nothing) unless every selected review is approved and not overdue."))
    sign: Path | None = field(default=None, metadata=cli(
        "--sign", metavar="FILE.p12",
        help="With --release: sign every PDF (an invisible PAdES signature) and SHA256SUMS (SHA256SUMS.p7s) "
             "with the certificate and key in this PKCS#12 file."))
    sign_password_env: str = field(default=PASSWORD_ENV, metadata=cli(
        "--sign-password-env", metavar="NAME", show_default=True,
        help="The environment variable holding --sign's password (unset: asked for on a terminal). The "
             "password is never a command-line argument."))
    sign_password: str | None = field(default=None, repr=False, compare=False)  # library only; the CLI asks
    today: dt.date | None = None  # for --release; default the real today (outputs never depend on it)

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)

        put("catalog", Path(self.catalog))
        put("out", Path(self.out))
        put("formats", parse_formats(self.formats))
        put("compounds", _slugs(self.compounds))
        put("conditions", _slugs(self.conditions))
        put("languages", _slugs(self.languages))
        put("brand", Path(self.brand) if self.brand is not None else None)
        # Case does not matter, as in --format: A4 is a4, Large-Print is large-print.
        if self.paper is not None and _lower(self.paper) not in PAPER_SIZES:
            raise SelectionError(f"unknown paper '{self.paper}': choose from {', '.join(PAPER_SIZES)}")
        put("paper", _lower(self.paper))
        if _lower(self.edition) not in EDITIONS:
            raise SelectionError(f"unknown edition '{self.edition}': choose from {', '.join(EDITIONS)}")
        put("edition", _lower(self.edition))
        if _lower(self.wording) not in WORDINGS:
            raise SelectionError(f"unknown wording '{self.wording}': choose from {', '.join(WORDINGS)}")
        put("wording", _lower(self.wording))
        put("sign", Path(self.sign) if self.sign is not None else None)
        if self.sign is not None and not self.release:
            # A signature says the clinic released the file: a draft must not carry one.
            raise SelectionError("--sign goes with --release: only a release build (every review approved and "
                                 "current) is signed; add --release, or drop --sign")
        if self.jobs is not None and (isinstance(self.jobs, bool) or not isinstance(self.jobs, int)
                                      or self.jobs < 1):
            raise SelectionError(f"--jobs must be 1 or more, not {self.jobs}")

    @property
    def large_print(self) -> bool:
        return self.edition == "large-print"

    @property
    def plain(self) -> bool:
        return self.wording == "plain"

    @classmethod
    def cli_fields(cls):
        """(field name, flags, click keyword arguments) for every option the CLI offers."""
        for f in fields(cls):
            if "cli" in f.metadata:
                flags, kwargs = f.metadata["cli"]
                yield f.name, flags, kwargs


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _slugs(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def parse_formats(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"html,site"`` -> every output format that means, with what they need, in build order;
    None means every format."""
    if value is None:
        value = FORMATS
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip().lower() for n in names if n.strip()]
    unknown = [n for n in names if n not in FORMATS and n not in OUTPUTS]
    if unknown:
        raise SelectionError(f"unknown format '{','.join(unknown)}': choose from {', '.join(FORMATS)}")
    if not names:
        raise SelectionError(f"no format given: choose from {', '.join(FORMATS)}")
    chosen = {part for n in names for part in ALIASES.get(n, (n,))}
    chosen |= {need for n in chosen for need in NEEDS.get(n, ())}
    return tuple(f for f in OUTPUTS if f in chosen)
