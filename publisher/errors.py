"""Errors users see: each one is a clean message and an exit code, never a traceback.

Rooted in ``click.ClickException`` (as MkDocs does) so the CLI prints them as they are,
while library callers can catch ``PublisherError``.
"""

from __future__ import annotations

from dataclasses import dataclass

import click


class PublisherError(click.ClickException):
    """Base of every error publisher reports to its user."""

    exit_code = 1


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the catalog, pinned to a file and line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ProblemsError(PublisherError):
    """Problems pinned to files and lines, all listed at once; the kinds below differ only in
    what their summary line calls them."""

    what = "problem{s}"

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        count = len(self.problems)
        summary = f"{count} {self.what.format(s='s' if count != 1 else '')}; nothing was written."
        super().__init__("\n".join([*map(str, self.problems), summary]))

    def show(self, file=None) -> None:
        # Bare ``path:line: message`` lines, so editors and CI annotators can jump to them.
        click.echo(self.format_message(), file=file, err=True)


class CatalogError(ProblemsError):
    """The catalog has problems."""

    what = "problem{s} in the catalog"


class BrandError(ProblemsError):
    """The clinic's brand file (``--brand``) has problems."""

    what = "problem{s} in the brand file"


class ReleaseError(ProblemsError):
    """``--release`` found reviews that may not reach patients yet."""

    what = "review{s} not ready for release"


class SelectionError(PublisherError):
    """The command asked for something the catalog does not have, or an option is invalid."""

    exit_code = 2
