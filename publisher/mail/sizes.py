"""Sizes as mail systems count them: a budget written the way people write one (``10MB``,
``25 MB``, ``5MiB``), and a file's size once a mail client has encoded it.

A mail client sends an attachment in base64 (RFC 2045, 6.8): every 3 bytes become 4
characters, in lines of at most 76 characters, each ended by CRLF. Size limits (Exchange's
``MaxSendSize``) apply to that encoded message, so a file of 7.3 MB already fills a 10 MB
budget. KB, MB and GB are powers of 1,000 (SI, as disks and most mail providers state
them); KiB, MiB and GiB powers of 1,024 (Exchange's "10 MB" is 10 MiB, 10,485,760 bytes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import click

UNITS = {"b": 1, "kb": 1000, "mb": 1000 ** 2, "gb": 1000 ** 3, "kib": 1024, "mib": 1024 ** 2, "gib": 1024 ** 3}
SPELLED = {"b": "bytes", "kb": "KB", "mb": "MB", "gb": "GB", "kib": "KiB", "mib": "MiB", "gib": "GiB"}
SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*", re.IGNORECASE)
DEFAULT_BUDGET = "10MB"  # Exchange Server's default limit, and below it: 10 MiB is 10,485,760 bytes
LINE = 76  # base64 characters per line (RFC 2045, 6.8)


@dataclass(frozen=True)
class Budget:
    """A size limit: ``limit`` bytes, ``text`` as the user wrote it (``10 MB``)."""

    limit: int
    text: str


def parse_budget(value: str) -> Budget:
    """``"25 MB"`` -> 25,000,000 bytes; ``"5MiB"`` -> 5,242,880; a bare number is bytes.
    ``ValueError`` for anything else, or for nothing at all."""
    found = SIZE.fullmatch(value)
    if not found:
        raise ValueError(value)
    number, unit = found[1], (found[2] or "b").lower()
    limit = int(float(number) * UNITS[unit])
    if limit < 1:
        raise ValueError(value)
    return Budget(limit, f"{number} {SPELLED[unit]}")


class BudgetType(click.ParamType):
    """``--budget SIZE`` for click: a ``Budget``, or click's usage error saying what fits."""

    name = "size"

    def convert(self, value, param, ctx):
        if isinstance(value, Budget):
            return value
        try:
            return parse_budget(value)
        except ValueError:
            self.fail(f"{value!r} is not a size: write one such as 10MB, 25 MB, 5MiB or 500KB "
                      "(KB, MB, GB: powers of 1,000; KiB, MiB, GiB: of 1,024)", param, ctx)


def encoded_size(size: int) -> int:
    """The bytes a ``size``-byte attachment takes in a message: base64 (4 characters for every
    3 bytes, the last group padded) in lines of 76 characters, each ended by CRLF."""
    characters = 4 * -(-size // 3)
    return characters + 2 * -(-characters // LINE)
