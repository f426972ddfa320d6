"""The call-log validator counts first (issue 19, item 3): screens from the Parquet footer, one counting
pass, and the first offending row looked up only for the rules that some row breaks.

The messages must be those of the one-pass validator it replaced: ``_one_pass_problems`` below is that
validator's rule loop (a count, the first row and its value for every rule, in one query), kept here as
the reference the counts-first path is compared with, log by log.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from lib.data.validation import DataValidationError
from lib.finops import attribution, calllog, logrules
from tests.test_calllog_hostile import PRICES, _corrupt_column, _parquet

MAX = calllog.MAX_TOKENS_PER_CALL
NBSP, IDEOGRAPHIC_SPACE = "\u00a0", "\u3000"  # whitespace TRIM strips, above printable ASCII


def _spy(monkeypatch) -> list[list[str]]:
    """Record the rules each ``first_offenders`` call is asked about (as 'column: reason' lines)."""
    calls: list[list[str]] = []
    real = logrules.first_offenders

    def spy(con, view, rules):
        calls.append([f"{r.column}: {r.reason}" for r in rules])
        return real(con, view, rules)

    monkeypatch.setattr(logrules, "first_offenders", spy)
    return calls


def _problems(path: Path) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        attribution.connect(path, PRICES)
    return [str(p) for p in info.value.problems]


def _one_pass_problems(path: Path) -> list[str]:
    """The replaced validator's value rules: every rule's count, first row and value in ONE query."""
    con = duckdb.connect()
    calllog.register_raw_log(con, path)
    types = {r[0]: str(r[1]).upper() for r in con.execute("DESCRIBE calls_raw").fetchall()}
    rules = logrules.value_rules(str(path), types)
    selects = ", ".join(f"COUNT(*) FILTER (WHERE {r.condition}), MIN(__row) FILTER (WHERE {r.condition}), "
                        f"ARG_MIN({r.value}, __row) FILTER (WHERE {r.condition})" for r in rules)
    row = con.execute(f"SELECT {selects} FROM calls_raw").fetchall()[0]
    problems = []
    for i, rule in enumerate(rules):
        count, first, value = row[3 * i: 3 * i + 3]
        if count:
            more = f" ({count:,} rows in all)" if count > 1 else ""
            problems.append(calllog.CallLogProblem(str(path), rule.reason.format(value=value) + more, int(first),
                                                   rule.column))
    return [str(p) for p in sorted(problems, key=lambda p: (p.row or 0, p.column or ""))]


def test_a_clean_log_passes_and_looks_up_no_row(tmp_path, monkeypatch):
    calls = _spy(monkeypatch)
    path = _parquet(tmp_path, n=500)
    con = attribution.connect(path, PRICES)
    assert int(attribution.attribute(con)["calls"].iloc[0]) == 500
    assert calls == [[]], calls  # asked about no rule: nothing to look up


def test_one_broken_rule_is_the_only_one_looked_up(tmp_path, monkeypatch):
    calls = _spy(monkeypatch)
    out = np.full(30, 100, dtype=np.int64)
    out[[7, 20]] = -5
    path = _parquet(tmp_path, n=30, **{calllog.COL_OUTPUT: pa.array(out)})
    problems = _problems(path)
    assert problems == [f"{path}, row 8, column '{calllog.COL_OUTPUT}': -5 tokens: a token count cannot be negative "
                        f"(2 rows in all)"]
    assert calls == [[f"{calllog.COL_OUTPUT}: {{value}} tokens: a token count cannot be negative"]]
    assert problems == _one_pass_problems(path)


def test_two_broken_rules_are_both_reported(tmp_path, monkeypatch):
    calls = _spy(monkeypatch)
    inp = np.full(40, 10_000_000, dtype=np.int64)  # above any generated cached read
    inp[3] = MAX + 1
    tenants = pa.array(["Acme"] * 40)
    tenants = pa.array([None if i == 11 else t for i, t in enumerate(tenants.to_pylist())])
    path = _parquet(tmp_path, n=40, **{calllog.COL_INPUT: pa.array(inp), calllog.COL_TENANT: tenants})
    problems = _problems(path)
    assert len(problems) == 2, problems
    assert problems[0].startswith(f"{path}, row 4, column '{calllog.COL_INPUT}': {MAX + 1} tokens is above the ceiling")
    assert problems[1] == f"{path}, row 12, column '{calllog.COL_TENANT}': is empty"
    assert len(calls) == 1 and sorted(c.split(":")[0] for c in calls[0]) == sorted([calllog.COL_TENANT, calllog.COL_INPUT])
    assert problems == _one_pass_problems(path)


@pytest.mark.parametrize("blank", ["", " ", "   ", NBSP, IDEOGRAPHIC_SPACE, f" {NBSP} "])
def test_the_text_screen_never_clears_a_blank_cell(tmp_path, blank):
    # The footer screen clears a text column only when every first byte is printable ASCII; a blank
    # of any whitespace TRIM strips (also above ASCII) must still be counted and refused.
    tenants = ["Acme"] * 25
    tenants[9] = blank
    path = _parquet(tmp_path, n=25, **{calllog.COL_TENANT: pa.array(tenants)})
    problems = _problems(path)
    assert problems == [f"{path}, row 10, column '{calllog.COL_TENANT}': is empty"]
    assert problems == _one_pass_problems(path)


def test_a_name_outside_ascii_is_counted_not_refused(tmp_path, monkeypatch):
    # A first character past ASCII makes the screen say "maybe": the rule is counted, finds nothing.
    calls = _spy(monkeypatch)
    path = _parquet(tmp_path, n=25, **{calllog.COL_TENANT: pa.array(["Ünited", "\tTab Ltd"] + ["Acme"] * 23)})
    attribution.connect(path, PRICES)
    assert calls == [[]]


def test_many_broken_rules_match_the_one_pass_validator(tmp_path):
    rng = np.random.default_rng(19)
    n = 3_000
    inp = rng.integers(100, 10_000, n)
    cached = (inp * rng.uniform(0, 0.5, n)).astype(np.int64)
    out = rng.integers(1, 2_000, n)
    reasoning = (out * rng.uniform(0, 0.5, n)).astype(np.int64)
    writes = (inp * rng.uniform(0, 0.3, n)).astype(np.int64)
    cached[[5, 900]] = inp[[5, 900]] + 1  # cached reads above the input
    writes[[40, 41, 2_000]] = inp[[40, 41, 2_000]]  # reads + writes above the input
    reasoning[[77]] = out[77] + 3  # reasoning above the output
    out[[1_500]] = MAX * 10  # above the ceiling (and so left out of the reasoning check)
    inp[[2_500]] = -1
    path = _parquet(tmp_path, n=n, **{
        calllog.COL_INPUT: pa.array(inp), calllog.COL_CACHE_READ: pa.array(cached), calllog.COL_OUTPUT: pa.array(out),
        calllog.COL_REASONING: pa.array(reasoning), calllog.COL_CACHE_WRITE: pa.array(writes)})
    problems = _problems(path)
    assert len(problems) == 5, problems
    assert problems == _one_pass_problems(path)


def test_a_csv_log_matches_the_one_pass_validator(tmp_path):
    header = list(calllog.REQUIRED_COLUMNS)
    good = ["2026-05-01 09:00:00", "Acme", "chat", "openai", "GPT-5", "10000", "4000", "500"]
    rows = [good] * 12
    rows = [list(r) for r in rows]
    rows[2][5] = "ten"  # not a number
    rows[4][7] = "1.5"  # not whole
    rows[6][7] = "nan"  # not finite
    rows[8][0] = "yesterday"  # not a timestamp
    rows[9][6] = "20000"  # cached above input
    rows[11][2] = "  "  # blank feature
    path = tmp_path / "log.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n")
    problems = _problems(path)
    assert len(problems) == 6, problems
    assert problems == _one_pass_problems(path)


def test_a_corrupt_page_of_a_text_column_is_found_by_the_validator(tmp_path):
    # The text rules are screened from the footer, yet the counting pass still reads every page of
    # the columns the costing reads: a corrupt tenant page is refused at connect, as a message.
    path = _corrupt_column(tmp_path, calllog.COL_TENANT)
    problems = _problems(path)
    assert len(problems) == 1 and "could not be read while checking its values" in problems[0], problems
