"""The release policy: which reviews may reach patients (``build --release``), and which are
overdue (``publisher check`` lists them)."""

from __future__ import annotations

import datetime as dt

from ..errors import Problem
from .model import Review

def review_release_problems(reviews, today: dt.date) -> list[Problem]:
    """Why each review may not be released: not approved, or its next review is overdue."""
    problems = [Problem(_where(r), 0, f"status is {r.status}, not approved")
                for r in reviews if r.status != "approved"]
    return problems + overdue_problems(reviews, today)


def overdue_problems(reviews, today: dt.date) -> list[Problem]:
    """Reviews whose next review date has passed: ``--release`` refuses them, ``check`` lists them."""
    return [Problem(_where(r), 0, f"next review was due {r.next_review_due.isoformat()}")
            for r in reviews if r.is_overdue(today)]


def _where(review: Review) -> str:
    return review.source or f"{review.key} (no review file)"
