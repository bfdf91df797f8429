"""Review status: a draft says so on every page it prints, and `--release` lets nothing
unapproved or overdue reach a patient."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from publisher import build
from publisher.cli import main
from publisher.errors import ReleaseError

from helpers import LDN, make_catalog, pdf_pages, squash

MARK = "DRAFT — not for patient use"


def catalog_with_statuses(root: Path, default: str | None = None) -> Path:
    site = {"publisher": "Test Press", "edition_date": "2026-01-01"}
    if default:
        site["default_status"] = default
    return make_catalog(
        root,
        compounds={"low-dose-naltrexone": LDN},
        conditions={"asthma": {"name": "Asthma", "specialist": "pulmonologist"},
                    "gout": {"name": "Gout", "specialist": "rheumatologist"},
                    "psoriasis": {"name": "Psoriasis", "specialist": "dermatologist"}},
        reviews={
            ("low-dose-naltrexone", "asthma"): {"status": "draft", "reviewed_on": "2026-03-05",
                                                "reviewer": "Dr. Ana Müller"},
            ("low-dose-naltrexone", "gout"): {"status": "approved", "reviewed_on": "2025-01-10",
                                              "next_review_due": "2026-01-10"},
            ("low-dose-naltrexone", "psoriasis"): {"status": "approved", "reviewed_on": "2026-02-01",
                                                   "next_review_due": "2027-02-01"},
        },
        site=site,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("status")
    out = root / "out"
    build(catalog_with_statuses(root / "catalog"), out, formats="html,pdf,booklet,epub", jobs=1)  # what the tests read
    return out


def test_a_draft_handout_is_marked_on_every_page(built):
    pages = pdf_pages(built / "pdf/low-dose-naltrexone/low-dose-naltrexone--asthma.pdf")
    assert len(pages) >= 2
    for page in pages:
        assert MARK in page
    assert PdfReader(built / "pdf/low-dose-naltrexone/low-dose-naltrexone--asthma.pdf").metadata.title.startswith("DRAFT — Is ")
    html = (built / "html/low-dose-naltrexone/low-dose-naltrexone--asthma.html").read_text(encoding="utf-8")
    assert f'<p class="draft-mark" role="note">{MARK}</p>' in html


def test_approved_handouts_carry_no_mark_and_say_when_they_were_reviewed(built):
    for page in pdf_pages(built / "pdf/low-dose-naltrexone/low-dose-naltrexone--psoriasis.pdf"):
        assert MARK not in page and "DRAFT" not in page
    assert "Last reviewed February 1, 2026" in squash(pdf_pages(built / "pdf/low-dose-naltrexone/low-dose-naltrexone--psoriasis.pdf")[0])
    assert "Last reviewed March 5, 2026 by Dr. Ana Müller" in squash(pdf_pages(built / "pdf/low-dose-naltrexone/low-dose-naltrexone--asthma.pdf")[0])


def test_in_a_booklet_only_the_draft_reviews_pages_are_marked(built):
    path = built / "booklets/low-dose-naltrexone--all-conditions.pdf"
    reader = PdfReader(path)
    front = sum(1 for label in reader.page_labels if not label.isdigit())
    pages = pdf_pages(path)[front:]
    starts = [i for i, page in enumerate(pages) if "Safe for" in page and "Patients?" in page and "By Test Press" in page]
    assert len(starts) == 3  # Asthma (draft), Gout, Psoriasis
    asthma = pages[starts[0]:starts[1]]
    others = pages[starts[1]:]
    assert asthma and all(MARK in page for page in asthma)
    assert not any(MARK in page for page in others)


def test_the_epub_marks_the_draft_review(built):
    with zipfile.ZipFile(built / "epub/low-dose-naltrexone--all-conditions.epub") as book:
        assert MARK in book.read("EPUB/low-dose-naltrexone--asthma.xhtml").decode("utf-8")
        assert MARK not in book.read("EPUB/low-dose-naltrexone--gout.xhtml").decode("utf-8")


def test_release_refuses_drafts_and_overdue_reviews_writing_nothing(tmp_path):
    catalog = catalog_with_statuses(tmp_path / "catalog")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--catalog", str(catalog), "--out", str(out), "--release"])
    assert result.exit_code == 1
    assert result.output == (
        f"{catalog.as_posix()}/reviews/low-dose-naltrexone/asthma.yaml: status is draft, not approved\n"
        f"{catalog.as_posix()}/reviews/low-dose-naltrexone/gout.yaml: next review was due 2026-01-10\n"
        "2 reviews not ready for release; nothing was written.\n")
    assert not out.exists()


def test_release_passes_when_everything_selected_is_approved_and_current(tmp_path):
    catalog = catalog_with_statuses(tmp_path / "catalog")
    report = build(catalog, tmp_path / "out", formats="pdf", conditions=["psoriasis"], release=True, jobs=1)
    assert report.built == ["pdf/low-dose-naltrexone/low-dose-naltrexone--psoriasis.pdf"]
    with pytest.raises(ReleaseError, match="next review was due 2027-02-01"):
        build(catalog, tmp_path / "later", conditions=["psoriasis"], release=True, today=dt.date(2027, 3, 1))


def test_reviews_without_a_file_take_the_sites_default_status(tmp_path):
    catalog = catalog_with_statuses(tmp_path / "catalog", default="draft")
    (catalog / "reviews/low-dose-naltrexone/gout.yaml").unlink()
    with pytest.raises(ReleaseError) as refused:
        build(catalog, tmp_path / "out", release=True, today=dt.date(2026, 6, 1))
    assert sorted(str(p) for p in refused.value.problems) == sorted([
        "low-dose-naltrexone/gout (no review file): status is draft, not approved",
        f"{catalog.as_posix()}/reviews/low-dose-naltrexone/asthma.yaml: status is draft, not approved",
    ])


def test_check_reports_overdue_reviews(tmp_path):
    catalog = catalog_with_statuses(tmp_path / "catalog")
    result = CliRunner().invoke(main, ["check", "--catalog", str(catalog)])
    assert result.exit_code == 0
    assert result.output.splitlines()[1:] == [
        f"overdue: {catalog.as_posix()}/reviews/low-dose-naltrexone/gout.yaml: next review was due 2026-01-10"]


def test_bad_status_and_dates_are_catalog_errors(tmp_path):
    catalog = catalog_with_statuses(tmp_path / "catalog")
    (catalog / "reviews/low-dose-naltrexone/asthma.yaml").write_text("status: final\n")
    (catalog / "reviews/low-dose-naltrexone/gout.yaml").write_text(
        "reviewed_on: 2026-05-01\nnext_review_due: 2026-04-01\n")
    result = CliRunner().invoke(main, ["check", "--catalog", str(catalog)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{catalog.as_posix()}/reviews/low-dose-naltrexone/asthma.yaml:1: field 'status' must be one of draft, reviewed, approved, not 'final'",
        f"{catalog.as_posix()}/reviews/low-dose-naltrexone/gout.yaml:2: next_review_due must come after reviewed_on",
        "2 problems in the catalog; nothing was written.",
    ]


def test_printed_words_live_in_the_templates_not_in_css_strings():
    """The mark and the page footer's words are the templates' (string-set), so wording is
    edited (and one day translated) in layouts/ alone."""
    from publisher.resources import STYLES

    for css in STYLES.glob("*.css"):
        for value in re.findall(r"\bcontent:([^;}]*)", css.read_text(encoding="utf-8")):
            strings = [re.sub(r"\\[0-9A-Fa-f]{1,6}", "", s) for s in re.findall(r'"([^"]*)"', value)]  # "\A": a line break
            assert not [s for s in strings if re.search(r"[A-Za-z]", s)], (css.name, value)
    assert MARK in (Path(__file__).resolve().parent.parent / "layouts/review.html.j2").read_text(encoding="utf-8")
