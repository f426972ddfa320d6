"""The code a reader sees teaches: every visible code cell is a short call into lib, never bookkeeping.

A chapter's HTML shows the input of every code cell not tagged ``remove-input``, ``remove-cell``
or ``hide-input`` (the last is folded behind a "show code" toggle). Those cells must compute what
the paragraph beside them says; recording figures, glueing text, showing tables, building charts
and wiring widgets belong in hidden cells or in ``lib.book.publish``.

The length limit is 15 lines of code (blank and comment-only lines not counted): about a
screenful beside its paragraph, enough for the longest single idea in the book (a loop over the
guide's claims that prices each), and short enough that a cell over it is doing two things and
should be split.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from unittest import mock

import jupytext
import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "analyses").glob("*.py"))
HIDDEN_TAGS = frozenset({"remove-input", "remove-cell", "hide-input"})
MAX_LINES = 15
# Calls that record, glue, display or publish, by the name they are called with.
BOOKKEEPING_CALLS = frozenset({"record", "record_conclusion", "glue", "glue_text", "record_verdicts",
                               "record_ceiling_checks", "show_table", "snapshot_banner", "display"})
# Modules whose every use is display work: charts (Altair, the book's chart helpers) and publishing.
DISPLAY_MODULES = frozenset({"alt", "charts", "publish", "widgets"})


def tags(cell: nbformat.NotebookNode) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def code_lines(source: str) -> int:
    return sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))


def bookkeeping(source: str) -> list[str]:
    """What in ``source`` is bookkeeping: calls named in BOOKKEEPING_CALLS, any use of DISPLAY_MODULES."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            if name in BOOKKEEPING_CALLS:
                found.add(f"{ast.unparse(f)}(...)")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in DISPLAY_MODULES:
            found.add(f"{node.value.id}.{node.attr}")
    return sorted(found)


def lib_names(nb: nbformat.NotebookNode) -> set[str]:
    """Names a chapter binds by importing from lib (``from lib.costs import api`` binds ``api``)."""
    names = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "lib":
                names.update(a.asname or a.name for a in node.names)
    return names


def uses(source: str, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(ast.parse(source)))


# The landing page answers first: its findings are read from the chapters' records, and a reader
# changes a parameter or reads the call in the chapter each finding links to, so no code of it is
# shown. Every other page is held to all the rules.
LANDING_PAGE = "intro"


def problems(nb: nbformat.NotebookNode, chapter: str) -> list[str]:
    """Every way the chapter's visible code fails to teach, each naming the chapter and the cell."""
    if chapter.removesuffix(".py") == LANDING_PAGE:
        code = [c for c in nb.cells if c.cell_type == "code"]
        return [f"{chapter}, cell {i}: the landing page shows code; tag it remove-input or remove-cell"
                for i, c in enumerate(nb.cells) if c.cell_type == "code" and not tags(c) & {"remove-input", "remove-cell"}
                and "hide-input" not in tags(c)] if code else [f"{chapter}: no code cells"]
    out = []
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    params = [i for i, c in code if "parameters" in tags(c)]
    if len(params) != 1:
        out.append(f"{chapter}: {len(params)} cells tagged 'parameters' (one, visible: it is what a reader edits)")
    for i, c in code:
        where = f"{chapter}, cell {i} ({c.source.strip().splitlines()[0][:60]!r})" if c.source.strip() else \
            f"{chapter}, cell {i}"
        if "parameters" in tags(c):
            if tags(c) & HIDDEN_TAGS:
                out.append(f"{where}: the parameters cell is hidden; a reader must see what they can change")
            continue
        if i == (params[0] + 1 if params else -1) and "hide-input" not in tags(c):
            out.append(f"{where}: the imports cell after the parameters is not tagged hide-input, as in every chapter")
        if tags(c) & HIDDEN_TAGS:
            continue
        if found := bookkeeping(c.source):
            out.append(f"{where}: visible code does bookkeeping ({', '.join(found)}); "
                       "split it into a hidden cell (remove-input) or call lib.book.publish")
        if (n := code_lines(c.source)) > MAX_LINES:
            out.append(f"{where}: {n} lines of visible code, over {MAX_LINES}; split it")
    teaching = [i for i, c in code if not tags(c) & HIDDEN_TAGS and "parameters" not in tags(c)
                and uses(c.source, lib_names(nb))]
    if not teaching:
        out.append(f"{chapter}: no visible code cell calls into lib; the reader sees no computation")
    return out


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_visible_code_teaches(path):
    nb = jupytext.read(path)  # as lib.book.plan.source_notebook reads a chapter
    assert problems(nb, path.name) == []


def test_every_chapter_is_checked():
    assert len(CHAPTERS) >= 28


def notebook(*cells: tuple[str, list[str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, metadata={"tags": t} if t else {}) for src, t in cells]
    return nb


GOOD = (("x = 1", ["parameters"]), ("from lib.costs import api\nfrom lib.book import figures", ["hide-input"]),
        ("cost = api.request_cost_usd(prices, input_tokens=x)", []),
        ('figures.record("cost", cost, "usd")', ["remove-input"]))


def test_the_checker_passes_a_lecture_and_fails_each_kind_of_bookkeeping():
    assert problems(notebook(*GOOD), "good.py") == []
    for visible, what in (('figures.record("c", 1.0, "usd")', "figures.record"), ('record("c", 1.0, "usd")', "record"),
                          ("show_table(frame)", "show_table"), ("guide.record_verdicts(comparison)", "record_verdicts"),
                          ('alt.Chart(frame).mark_bar()', "alt.Chart"), ("display(w)", "display"),
                          ('publish.verdicts("v", comparison)', "publish.verdicts"),
                          ("charts.use_book_style(True)", "charts.use_book_style")):
        found = problems(notebook(*GOOD, (visible, [])), "ch.py")
        assert len(found) == 1 and "ch.py, cell 4" in found[0] and what in found[0], (visible, found)
    # The same bookkeeping in a hidden cell, or named only in a string or a comment, is fine.
    assert problems(notebook(*GOOD, ('figures.record("c", 1.0, "usd")', ["hide-input"]),
                             ('note = "figures.record"  # display(...)', [])), "ch.py") == []


def test_the_checker_fails_long_cells_hidden_parameters_and_no_lib_call():
    long_cell = "\n".join(f"v{i} = api.request_cost_usd(prices, input_tokens={i})" for i in range(MAX_LINES + 1))
    assert any("16 lines" in p and "cell 4" in p for p in problems(notebook(*GOOD, (long_cell, [])), "ch.py"))
    fifteen = "\n".join(long_cell.splitlines()[:MAX_LINES]) + "\n\n# a comment\n"
    assert problems(notebook(*GOOD, (fifteen, [])), "ch.py") == []
    hidden_params = (("x = 1", ["parameters", "remove-input"]),) + GOOD[1:]
    assert any("parameters cell is hidden" in p for p in problems(notebook(*hidden_params), "ch.py"))
    shown_imports = (GOOD[0], (GOOD[1][0], [])) + GOOD[2:]
    assert any("imports cell" in p for p in problems(notebook(*shown_imports), "ch.py"))
    no_lib = GOOD[:2] + (("cost = 2 * x", []),)
    assert problems(notebook(*no_lib), "ch.py") == ["ch.py: no visible code cell calls into lib; the reader sees "
                                                   "no computation"]


def test_publish_verdicts_glues_records_and_shows_in_that_order():
    from lib.book import guide, publish

    comparison = pd.DataFrame({"claim_id": ["a", "b"], "the guide says": ["x", "y"], "verdict": ["agrees", "agrees"]})
    comparison.attrs.update(ours={"a": 1.0, "b": 2.0}, units={"a": "usd", "b": "ratio"}, missing={})
    calls = []
    with mock.patch.object(publish.figures, "glue_text", lambda n, t: calls.append(("glue", n, t))), \
            mock.patch.object(publish.guide, "record_verdicts", lambda c: calls.append(("verdicts", list(c["claim_id"])))), \
            mock.patch.object(publish, "show_table", lambda f: calls.append(("table", list(f.columns)))):
        publish.verdicts("xx_verdicts", comparison)
        publish.verdicts("yy_verdicts", comparison, show=False)
    assert calls == [("glue", "xx_verdicts", guide.verdict_summary(comparison)), ("verdicts", ["a", "b"]),
                     ("table", ["the guide says", "verdict"]),
                     ("glue", "yy_verdicts", guide.verdict_summary(comparison)), ("verdicts", ["a", "b"])]
    with pytest.raises(KeyError, match="zz_verdicts.*claim_id"):
        publish.verdicts("zz_verdicts", pd.DataFrame({"verdict": ["agrees"]}))


def visible_code_blocks(html: str) -> list[str]:
    """The text of each code cell's input a reader sees without opening anything: a hide-input
    cell's input sits inside a closed <details>, a remove-input cell's is not in the page."""
    soup = BeautifulSoup(html, "html.parser")
    return [div.get_text() for div in soup.select("div.cell_input") if div.find_parent("details") is None]


def test_built_page_shows_the_call_and_not_the_bookkeeping(built_book):
    page = (built_book / "book" / "api_prices.html").read_text(encoding="utf-8")
    blocks = visible_code_blocks(page)
    assert not [b for b in blocks if re.search(r"figures\.record|glue_text|show_table|record_verdicts", b)]
    # The teaching calls are there to read (so an everything-hidden page fails too).
    assert any("guide.comparison_table(" in b for b in blocks)
    assert any("api.long_context_costs_usd(" in b for b in blocks)
    # Hidden, not lost: a hide-input cell's code is still in the page behind its toggle.
    soup = BeautifulSoup(page, "html.parser")
    assert any("figures.record" in d.get_text() for d in soup.select("details div.cell_input"))
