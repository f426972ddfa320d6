"""The HTML build is incremental: Sphinx's environment in _build is kept, a build re-reads only
the pages whose notebook changed, and what it writes is, byte for byte, what a clean build writes."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import build_html, copy_project, snapshot

pytestmark = pytest.mark.slow

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CHAPTER = "routing"  # any chapter; this one's first paragraph and title are edited below


def build(project: Path) -> str:
    """`make html`'s build of ``project`` (warnings are errors); its log, without colours."""
    proc = build_html(project)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return ANSI.sub("", proc.stdout)


def pages(log: str, step: str) -> set[str]:
    """The pages a build's log names under ``step`` ("reading sources" or "writing output")."""
    return set(re.findall(rf"^{step}\.\.\. \[\s*\d+%\] (\S+)$", log, flags=re.M))


def clean_build(project: Path) -> dict[str, bytes]:
    shutil.rmtree(project / "_build", ignore_errors=True)
    build(project)
    return snapshot(project / "_build" / "html")


def edit_first_markdown(notebook: Path, old: str, new: str) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    source = "".join(cell["source"])
    assert old in source, f"{notebook.name}'s first markdown cell no longer says {old!r}: pick other words"
    cell["source"] = source.replace(old, new, 1)
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def assert_same_files(incremental: dict[str, bytes], clean: dict[str, bytes]) -> None:
    assert sorted(incremental) == sorted(clean)
    differing = [name for name in clean if incremental[name] != clean[name]]
    assert differing == [], f"an incremental build differs from a clean one in {differing}"


def test_a_changed_notebook_rebuilds_its_page_and_the_result_equals_a_clean_build(tmp_path):
    project = copy_project(tmp_path / "project")
    root_page = yaml.safe_load((project / "_toc.yml").read_text())["root"]  # its toctree lists every chapter
    notebook = project / "book" / f"{CHAPTER}.ipynb"
    clean = clean_build(project)

    unchanged = build(project)
    assert "updating environment: 0 added, 0 changed, 0 removed" in unchanged
    assert pages(unchanged, "reading sources") == set() and pages(unchanged, "writing output") == set()

    # The refresh replaces the notebook of a chapter it re-ran even when the bytes are the same:
    # newer, not changed. It is not re-read; its page is written again, to the same bytes.
    os.utime(notebook)
    touched = build(project)
    assert pages(touched, "reading sources") == set()
    assert f"book/{CHAPTER}" in pages(touched, "writing output")
    assert_same_files(snapshot(project / "_build" / "html"), clean)

    # A change inside the page: only it is re-read; it and the page whose toctree holds it are written.
    edit_first_markdown(notebook, "is the guide's\nbiggest lever", "is the guide's\nlargest lever")
    body = build(project)
    assert pages(body, "reading sources") == {f"book/{CHAPTER}"}
    assert pages(body, "writing output") == {f"book/{CHAPTER}", root_page}
    incremental = snapshot(project / "_build" / "html")
    assert b"largest lever" in incremental[f"book/{CHAPTER}.html"]
    assert_same_files(incremental, clean_build(project))

    # A changed title is in every page's sidebar: still one page re-read, but every page written.
    edit_first_markdown(notebook, "# Model routing and", "# Model routing, and")
    title = build(project)
    assert pages(title, "reading sources") == {f"book/{CHAPTER}"}
    written = pages(title, "writing output")
    assert len(written) == len(list((project / "_build" / "html" / "book").glob("*.html")))
    incremental = snapshot(project / "_build" / "html")
    assert b"Model routing, and" in incremental["book/api_prices.html"]
    assert_same_files(incremental, clean_build(project))
