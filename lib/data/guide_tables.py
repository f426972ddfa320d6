"""The schemas of the guide's own figures: ``data/guide_claims.csv`` (the claims the book checks)
and ``data/guide_figures.csv`` (every numbered figure the guide states, by section, which the
trust chapter sets against the claims to show what is not yet registered).

Kept apart from ``lib.data.tables`` (which registers them) so that module does not grow.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lib.data.validation import Column, Problem, TableSpec, load_table, not_above
from lib.data.paths import resolve

_PROVENANCE = (Column("source"), Column("as_of", kind="month"))


_not_above = not_above


def _value_or_range(frame: pd.DataFrame, label: str) -> list[Problem]:
    has_value = frame["guide_value"].notna()
    has_range = frame["guide_low"].notna() & frame["guide_high"].notna()
    return [Problem(label, "give guide_value, or both guide_low and guide_high", int(r["_row"]), "guide_value")
            for _, r in frame[~has_value & ~has_range].iterrows()]


# The kind of independent truth a claim's figure is checked against (lib.book.checks): none (only
# the guide's own arithmetic is redone), guide_elsewhere (what the guide states in another section:
# a miss contradicts it), roofline_ceiling (the hardware's physical ceiling: above it is impossible),
# outside_data (a datasheet, documentation or a measurement: a miss disagrees with it).
TRUTH_KINDS = ("none", "guide_elsewhere", "roofline_ceiling", "outside_data")


def _claim_ids(column: str):
    """Each ';'-separated id in ``column`` names another claim of the table, and derivations have no cycle."""

    def check(frame: pd.DataFrame, label: str) -> list[Problem]:
        known = set(frame["claim_id"])
        problems, graph = [], {}
        for _, r in frame[frame[column].notna()].iterrows():
            ids = [x.strip() for x in str(r[column]).split(";") if x.strip()]
            graph[r["claim_id"]] = ids
            for x in ids:
                if x not in known:
                    problems.append(Problem(label, f"{column} names '{x}', which is not a claim_id of this table",
                                            int(r["_row"]), column))
                elif x == r["claim_id"]:
                    problems.append(Problem(label, f"{column}: a claim cannot name itself", int(r["_row"]), column))
        if column == "derived_from":
            rows = dict(zip(frame["claim_id"], frame["_row"]))
            state: dict[str, int] = {}

            def visit(node: str, path: tuple[str, ...]) -> None:
                if state.get(node) == 2:
                    return
                if state.get(node) == 1:
                    cycle = path[path.index(node):] + (node,)
                    problems.append(Problem(label, f"derived_from forms a cycle: {' -> '.join(cycle)}",
                                            int(rows[node]), column))
                    return
                state[node] = 1
                for nxt in graph.get(node, []):
                    if nxt in rows and nxt != node:
                        visit(nxt, (*path, node))
                state[node] = 2

            for node in graph:
                visit(node, ())
        return problems

    return check


def _truth_claims_need_guide_elsewhere(frame: pd.DataFrame, label: str) -> list[Problem]:
    bad = frame[frame["truth_claims"].notna() & (frame["truth"] != "guide_elsewhere")]
    return [Problem(label, "truth_claims names the guide's other figures, so truth must be guide_elsewhere",
                    int(r["_row"]), "truth_claims") for _, r in bad.iterrows()]


GUIDE_CLAIMS = TableSpec(
    name="the guide's stated figures",
    columns=(
        Column("claim_id"), Column("chapter"), Column("quote"), Column("unit"),
        Column("guide_value", kind="float", nullable=True, min=-1e15, max=1e15),
        Column("guide_low", kind="float", nullable=True, min=-1e15, max=1e15),
        Column("guide_high", kind="float", nullable=True, min=-1e15, max=1e15),
        Column("inputs", nullable=True),
        Column("truth", choices=TRUTH_KINDS),
        Column("truth_claims", nullable=True), Column("derived_from", nullable=True),
        Column("written", nullable=True),
        *_PROVENANCE, Column("notes", nullable=True),
    ),
    key=("claim_id",),
    checks=(_value_or_range, _not_above("guide_low", "guide_high", "a range's low end"),
            _claim_ids("truth_claims"), _claim_ids("derived_from"), _truth_claims_need_guide_elsewhere),
)


GUIDE_FIGURES = TableSpec(
    name="the guide's numbered figures",
    columns=(
        Column("section"), Column("claim_section"), Column("line", kind="int", min=1, max=1_000_000),
        Column("figure"), *_PROVENANCE,
    ),
    key=("line", "section", "figure"),
)


def load_guide_figures(path: str | Path = "data/guide_figures.csv") -> pd.DataFrame:
    return load_table(resolve(path), GUIDE_FIGURES)
