"""Which of the guide's numbered figures the registry checks (lib.book.coverage, tools/guide_figures.py)."""

from __future__ import annotations

import sys

import pandas as pd

from lib.book import coverage
from lib.data import tables
from tests.conftest import ROOT

GUIDE = """Title line of the post

Opening words with $5 per million.


Self-hosting cost: the per-token math

Rent an 8× H100 node at $20/hour, which is $175k/year; output costs $1.83 per million and 25× more
when idle at 20% utilisation, with 40–100B tokens a year.

Hardware capex

A node costs ~$300,000 and $20/hour again.

Glossary

Nothing here: 8× B200.
"""


def _claims(*rows):
    return pd.DataFrame(rows, columns=["source", "quote", "written"])


def test_figures_are_money_shares_multiples_and_scaled_counts_not_node_sizes():
    assert coverage.figures_in("8× H100 at $20/hour is $175k/year, 25× at 20% for 40–100B tokens") == \
        ["$20", "$175k", "25×", "20%", "40–100B"]


def test_sections_split_at_standalone_headings_and_sub_headings_belong_to_the_cited_section():
    secs = [s.title for s in coverage.sections(GUIDE)]
    assert secs[:2] == ["(opening)", "Self-hosting cost: the per-token math"] and "Hardware capex" in secs
    claims = _claims(("Self-hosting cost: the per-token math", "output costs $1.83 per million", None))
    figs = coverage.guide_figures(GUIDE, set(claims["source"]))
    capex = figs[figs["section"] == "Hardware capex"]
    assert set(capex["claim_section"]) == {"Self-hosting cost: the per-token math"}
    assert capex["figure"].tolist() == ["$300,000", "$20"]  # the second $20 of the guide is another section's
    assert "Glossary" not in set(figs["section"])


def test_a_figure_is_registered_only_where_a_claim_of_its_section_quotes_it():
    claims = _claims(("Self-hosting cost: the per-token math", "output costs $1.83 per million", "40–100B"),
                     ("Another section", "it is $175k/year there", None))
    figs = coverage.guide_figures(GUIDE, set(claims["source"]))
    table = coverage.coverage(figs, claims)
    registered = set(table.loc[table["registered"], "figure"])
    assert {"$1.83", "40–100B"} <= registered and "$175k" not in registered
    per = coverage.by_section(table)
    row = per[per["section"] == "Self-hosting cost: the per-token math"].iloc[0]
    assert row["registered"] == 2 and row["figures"] == len(figs[figs["section"] == row["section"]])


def test_the_tool_writes_a_file_the_book_reads(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    import guide_figures
    text = tmp_path / "guide.txt"
    text.write_text(GUIDE, encoding="utf-8")
    out = tmp_path / "guide_figures.csv"
    assert guide_figures.main([str(text)], out=out) == 0
    frame = tables.load_guide_figures(out)
    assert "$1.83" in set(frame["figure"]) and not list(tmp_path.glob(".guide_figures-*"))


def test_the_committed_figures_file_is_valid_and_its_sections_are_claim_sources_or_under_one():
    frame = tables.load_guide_figures()
    sources = set(tables.load_guide_claims()["source"])
    assert len(frame) > 500
    assert set(frame["claim_section"]) - sources - {"(opening)"} <= set(frame["section"])
