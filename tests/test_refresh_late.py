"""The late chapters (the landing page, the data page, the trust chapter) run when what they read
changed: the records the other chapters wrote, their own files, the chapters' titles, the data
files, the hand-written pages; not merely because another chapter ran. The plan hashes what they
read; these tests check that what it hashes is what they read."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lib.book import reliability
from lib.book.plan import DIRECTORY_VIEWS, LATE_CHAPTERS, _titles_view, late_plan, plan
from tests.conftest import ROOT
from tests.test_incremental import append, stamp_all

pytestmark = pytest.mark.slow


@pytest.fixture
def stamped(book_copy: Path) -> Path:
    stamp_all(book_copy)
    return book_copy


def test_late_chapters_read_the_chapter_folder_only_for_titles():
    """The plan hashes only each chapter's title of ``analyses_dir``; a late chapter that read the
    folder some other way would need its own view in lib.book.plan.DIRECTORY_VIEWS."""
    allowed = re.compile(r"(reliability\.chapter_titles|findings\.guide_pages)\(analyses_dir\b")
    for chapter in LATE_CHAPTERS:
        text = (ROOT / "analyses" / f"{chapter}.py").read_text()
        uses = [m.start() for m in re.finditer(r"\banalyses_dir\b", text)]
        assignments = [m.start() for m in re.finditer(r"^analyses_dir = ", text, re.MULTILINE)]
        calls = [m.start() + len(m.group(1)) + 1 for m in allowed.finditer(text)]
        assert sorted(uses) == sorted(assignments + calls), chapter
    # And what the view keeps is what chapter_titles reads.
    view = dict(_titles_view(ROOT / "analyses", {}))
    assert {stem: title or stem for stem, title in view.items()} == reliability.chapter_titles(ROOT / "analyses")
    assert set(DIRECTORY_VIEWS) == {"analyses_dir", "data_dir"}


def test_one_changed_chapter_leaves_the_late_ones_pending(stamped):
    append(stamped / "analyses" / "unit_economics.py", "\n# a reader's note\n")
    todo = plan(stamped)
    assert todo.early == ["unit_economics"] and todo.late == []
    assert todo.pending == list(LATE_CHAPTERS)
    # Records with the same bytes: none runs. A changed figure: every reader of the records runs.
    assert late_plan(stamped, list(LATE_CHAPTERS))[0] == []
    moved = stamped / "book" / "moved-figures.csv"
    text = (stamped / "book" / "figures.csv").read_text()
    lines = text.splitlines(keepends=True)
    lines[1] = re.sub(r",([^,]*),([^,]*)$", lambda m: f",{m.group(1)}1,{m.group(2)}", lines[1])
    moved.write_text("".join(lines))
    assert moved.read_text() != text
    ran, _, reasons = late_plan(stamped, list(LATE_CHAPTERS), read_from={"book/figures.csv": "book/moved-figures.csv"})
    readers = [c for c in LATE_CHAPTERS if '"book/figures.csv"' in (stamped / "analyses" / f"{c}.py").read_text()]
    assert ran == readers and set(reasons.values()) == {"inputs changed"}


def test_a_changed_title_reruns_the_late_chapters_that_list_titles(stamped):
    source = stamped / "analyses" / "unit_economics.py"
    text = source.read_text()
    title = re.search(r"^# # (.+)$", text, re.MULTILINE)
    assert title
    source.write_text(text.replace(title.group(0), title.group(0) + " (renamed)", 1))
    todo = plan(stamped)
    readers = [c for c in LATE_CHAPTERS if "analyses_dir =" in (stamped / "analyses" / f"{c}.py").read_text()]
    assert readers and todo.late == readers


def test_a_new_data_file_or_page_heading_reruns_the_late_chapters(stamped):
    shutil.copy(stamped / "data" / "cache_terms.csv", stamped / "data" / "snapshots" / "copy.csv")
    assert "open_data" in plan(stamped).late
    (stamped / "data" / "snapshots" / "copy.csv").unlink()
    assert plan(stamped).run == []
    page = next(p for p in sorted((stamped / "book").glob("*.md")) if p.name != "changes.md")
    append(page, "\nMore text under the heading.\n")  # not what the landing page reads of it
    assert plan(stamped).run == []
    heading = re.search(r"^# (.+)$", page.read_text(), re.MULTILINE)
    assert heading
    page.write_text(page.read_text().replace(heading.group(0), heading.group(0) + " (renamed)", 1))
    assert plan(stamped).late == list(LATE_CHAPTERS)
