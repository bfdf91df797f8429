"""``publisher check --email``: would a mail system take these files as attachments?

For every PDF and EPUB of a built folder (or the files named): its size once a mail client has
encoded it, against the budget; what gateways hold a file for (``pdf_scan``, ``epub_scan``);
a name that arrives as it left (ASCII, at most 100 characters, as the build's names are). One
``path: problem`` line each, then a summary. A booklet volume over the budget names the other
volumes of its booklet that fit; a booklet the build did not split says so (it splits only
above ``VOLUME_SIZE`` reviews), rather than promise volumes that do not exist.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog.bundles import VOLUME_SIZE
from ..catalog.records import excerpt, printable
from ..errors import PublisherError
from .epub_scan import epub_problems
from .pdf_scan import pdf_problems
from .sizes import Budget, encoded_size

NAME_MAX = 100  # what paths.py promises: a base name mail systems neither cut nor refuse
SCANS = {".pdf": ("PDF", pdf_problems), ".epub": ("EPUB", epub_problems)}
VOLUME = re.compile(r"(?P<stem>.+)--volume-(?P<number>\d+)-of-(?P<of>\d+)(?P<variant>(?:--[A-Za-z0-9-]+)?)\.pdf")


@dataclass
class Report:
    """The problem lines, and what the summary counts."""

    budget: Budget
    lines: list[str] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)  # "PDF" -> files checked
    files_with_problems: int = 0

    def summary(self) -> str:
        checked = sum(self.kinds.values())
        kinds = ", ".join(_count(self.kinds[kind], kind) for kind, _ in SCANS.values() if kind in self.kinds)
        head = f"checked {_count(checked, 'file')} ({kinds}) against a {self.budget.text} budget for mail"
        if not self.lines:
            return f"{head}: no problems"
        return f"{head}: {_count(len(self.lines), 'problem')} in {_count(self.files_with_problems, 'file')}"


def check(paths: list[Path], budget: Budget) -> Report:
    """Every PDF and EPUB below each folder of ``paths`` and each file named, checked."""
    report = Report(budget)
    for shown, path in files(paths):
        kind, scan = SCANS[path.suffix.lower()]
        report.kinds[kind] = report.kinds.get(kind, 0) + 1
        found = _name_problems(path.name) + _size_problems(path, budget)
        try:
            found += scan(path)
        except Exception as error:  # a damaged file: pypdf, zipfile and zlib raise many kinds
            found.append(f"not a readable {kind} ({_said(error)})")
        report.lines += [f"{printable(shown)}: {problem}" for problem in found]
        report.files_with_problems += bool(found)
    return report


def files(paths: list[Path]) -> list[tuple[str, Path]]:
    """(the path as shown, the path) of every file to check: each PDF and EPUB below a folder
    (regular files only: a FIFO would never end), in order; a file named, as it is. A path that
    is neither, or a folder with none, is an error."""
    chosen = []
    for path in paths:
        if path.is_dir():
            found = sorted(file for folder, _, names in os.walk(path) for name in names
                           if Path(name).suffix.lower() in SCANS and (file := Path(folder, name)).is_file())
            if not found:
                raise PublisherError(f"{printable(str(path))}: no PDF or EPUB in this folder")
            chosen += found
        elif not path.exists():
            raise PublisherError(f"{printable(str(path))}: no such file or folder")
        elif path.suffix.lower() not in SCANS:
            raise PublisherError(f"{printable(str(path))}: not a PDF or EPUB (.pdf, .epub)")
        elif not path.is_file():
            raise PublisherError(f"{printable(str(path))}: not a regular file")
        else:
            chosen.append(path)
    return [(str(path), path) for path in dict.fromkeys(chosen)]


def _name_problems(name: str) -> list[str]:
    found = []
    odd = next((i for i, c in enumerate(name) if not (c.isascii() and c.isprintable())), None)
    if odd is not None:
        found.append(f"its name is not plain ASCII (U+{ord(name[odd]):04X} at character {odd + 1}): "
                     "mail systems may garble or refuse it")
    if len(name) > NAME_MAX:
        found.append(f"its name is {len(name)} characters long: mail systems may cut or refuse "
                     f"a name longer than {NAME_MAX}")
    return found


def _size_problems(path: Path, budget: Budget) -> list[str]:
    size = path.stat().st_size
    encoded = encoded_size(size)
    if encoded <= budget.limit:
        return []
    line = (f"{encoded:,} bytes once encoded for mail (base64; {size:,} bytes as a file), over the "
            f"{_spelled(budget)} budget")
    return [line + _instead(path, budget)]


def _instead(path: Path, budget: Budget) -> str:
    """What to send instead of a booklet over the budget: the other volumes of its booklet that
    fit, or, for a booklet in one volume, its handouts one at a time."""
    volume = VOLUME.fullmatch(path.name)
    if volume:
        siblings = sorted(sibling.name for sibling in path.parent.glob(f"*--volume-*-of-{volume['of']}*.pdf")
                          if sibling != path and _same_booklet(VOLUME.fullmatch(sibling.name), volume)
                          and encoded_size(sibling.stat().st_size) <= budget.limit)
        if siblings:
            return f"; other volumes of this booklet that fit: {', '.join(siblings)}"
        return "; no volume of this booklet fits: mail its handouts (pdf/) one at a time"
    if path.suffix.lower() == ".pdf" and (path.name.startswith("all-compounds--") or "--all-conditions" in path.name):
        return (f"; the build splits a booklet into volumes only above {VOLUME_SIZE} reviews, so this one has "
                "none: mail its handouts (pdf/) one at a time, or print it")
    return ""


def _same_booklet(other, volume) -> bool:
    return bool(other) and all(other[part] == volume[part] for part in ("stem", "of", "variant"))


def _spelled(budget: Budget) -> str:
    """``10 MB (10,000,000 bytes)``; a budget given in bytes as it is."""
    return budget.text if budget.text.endswith(" bytes") else f"{budget.text} ({budget.limit:,} bytes)"


def _said(error: Exception) -> str:
    """The error in a few words: its message's first line, bounded and escaped."""
    first = (str(error).strip().splitlines() or [""])[0]
    return excerpt(first, 120) if first else type(error).__name__


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
