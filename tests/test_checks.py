"""Two checks per claim, the verdict that names what failed, and failed premises (lib.book.checks)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from lib.book import checks, guide
from lib.data import tables


def _claim(**kw):
    base = dict(claim_id="x", quote="", unit="usd", guide_value=None, guide_low=None, guide_high=None,
                truth="none", written=None, derived_from=None, truth_claims=None)
    return pd.Series({**base, **kw})


@pytest.mark.parametrize(("kw", "check", "expected"), [
    (dict(guide_value=0.004, truth="outside_data"), checks.Check(arithmetic=0.00401, truth=0.7), "disagrees with outside data"),
    (dict(guide_value=0.004, truth="outside_data"), checks.Check(arithmetic=0.00401, truth=0.0041), "rounding"),
    (dict(guide_value=0.004, truth="outside_data"), checks.Check(arithmetic=0.008, truth=0.004), "wrong arithmetic"),
    (dict(guide_value=0.625, truth="guide_elsewhere"), checks.Check(arithmetic=0.625, truth=1.25), "contradicts another section"),
    (dict(guide_value=5000.0, truth="roofline_ceiling"), checks.Check(truth=28.0), "physically impossible"),
    (dict(guide_value=4500.0, truth="roofline_ceiling"), checks.Check(truth=9000.0), "physically possible"),
    (dict(guide_low=4e10, guide_high=1e11), checks.Check(arithmetic=7.1e10), "agrees"),
    (dict(guide_low=3.0, guide_high=5.0, truth="outside_data"), checks.Check(truth=2.0, truth_high=6.0), "disagrees with outside data"),
    (dict(guide_low=3.0, guide_high=5.0, truth="outside_data"), checks.Check(truth=3.0, truth_high=5.0), "agrees"),
    (dict(guide_value=1.0), checks.Check(arithmetic=math.nan, missing="no price"), "not checkable on this data"),
])
def test_verdicts(kw, check, expected):
    assert checks.verdict(_claim(**kw), check, {})[0] == expected


def test_a_truth_value_without_a_kind_of_truth_is_refused():
    with pytest.raises(ValueError, match="names no kind of truth"):
        checks.own_failures(_claim(guide_value=1.0), checks.Check(truth=1.0))


def test_a_claim_on_a_failed_premise_does_not_agree():
    claim = _claim(guide_value=0.004, derived_from="qps")
    assert checks.verdict(claim, checks.Check(arithmetic=0.004), {"qps": checks.IMPOSSIBLE})[0] == checks.PREMISE_FAILED
    assert checks.verdict(claim, checks.Check(arithmetic=0.004), {})[0] == checks.AGREES
    # Its own failure is the worse news, and wins.
    assert checks.verdict(claim, checks.Check(arithmetic=0.04), {"qps": checks.IMPOSSIBLE})[0] == checks.WRONG_ARITHMETIC


def test_survivors_are_found():
    wide = _claim(guide_low=5.0, guide_high=50.0, truth="outside_data")
    # A point in the middle of a 10x-wide range still lies in it doubled ([10, 100]) and halved ([2.5, 25]).
    assert checks.survives(wide, checks.Check(truth=20.0), 2.0) and checks.survives(wide, checks.Check(truth=20.0), 0.5)
    # Computed end by end, it cannot survive.
    assert not checks.survives(wide, checks.Check(truth=5.0, truth_high=50.0), 2.0)
    ceiling = _claim(guide_value=100.0, truth="roofline_ceiling")
    assert not checks.survives(ceiling, checks.Check(truth=1000.0), 2.0)


def test_comparison_table_orders_premises_and_refuses_unknown_ones():
    claims = tables.load_guide_claims().copy()
    ids = list(claims["claim_id"][:2])
    claims.loc[claims["claim_id"] == ids[1], "derived_from"] = ids[0]
    rows = claims.set_index("claim_id")
    bad = {ids[0]: float(rows.loc[ids[0], "guide_value"] if not pd.isna(rows.loc[ids[0], "guide_value"])
                         else rows.loc[ids[0], "guide_low"]) * 10}
    good_second = rows.loc[ids[1], "guide_value"]
    good_second = float(good_second if not pd.isna(good_second) else rows.loc[ids[1], "guide_low"])
    table = guide.comparison_table(claims, {**bad, ids[1]: good_second})
    assert table.loc[table["claim_id"] == ids[1], "verdict"].item() == checks.PREMISE_FAILED
    assert ids[0] in table.loc[table["claim_id"] == ids[1], "why"].item()
    with pytest.raises(KeyError, match="neither checks nor"):
        guide.comparison_table(claims, {ids[1]: good_second})
    ok = guide.comparison_table(claims, {ids[1]: good_second}, premises={ids[0]: checks.AGREES})
    assert ok["verdict"].item() in checks.HOLDS


def test_counts_come_from_the_vocabulary():
    table = pd.DataFrame({"verdict": ["agrees", "wrong arithmetic", "rests on a failed premise"]})
    counts = guide.count_verdicts(table)
    assert (counts["holds"], counts["misses"]) == (1, 2)
    assert guide.holds_sentence(table) == "1 of the 3 figures checked here holds; 2 do not"
    with pytest.raises(ValueError, match="vocabulary"):
        guide.count_verdicts(pd.DataFrame({"verdict": ["disagrees"]}))


def test_the_registry_refuses_unknown_premises_cycles_and_misplaced_truth_claims():
    from lib.data.validation import DataValidationError
    from tests.conftest import BAD_DATA
    path = BAD_DATA / "guide_claims_bad_graph.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_guide_claims(path)
    problems = [str(p) for p in info.value.problems]
    assert any("column 'derived_from'" in p and "'no_such_claim'" in p and "row 2" in p for p in problems), problems
    assert any("derived_from forms a cycle" in p for p in problems), problems
    assert any("column 'truth_claims'" in p and "must be guide_elsewhere" in p and "row 3" in p for p in problems), problems


def test_a_check_that_already_fails_is_no_survivor_even_if_the_scaled_figure_would_hold():
    claim = _claim(guide_value=2.0, truth="outside_data")  # ours 3 against "2": a miss; doubled, 4 would round
    assert checks.verdict(claim, checks.Check(truth=3.0), {})[0] == "disagrees with outside data"
    assert not checks.survives(claim, checks.Check(truth=3.0), 2.0)


def test_an_upper_bound_is_tested_below_the_value_it_bounds():
    bound = _claim(guide_low=0.0, guide_high=1.0)  # "pays for itself in the first hour"
    assert checks.verdict(bound, checks.Check(arithmetic=0.0003), {})[0] == checks.AGREES
    assert not checks.survives(bound, checks.Check(arithmetic=0.0003), 2.0)
    # With the bound lowered to half the value, the check fails: it could have come out the other way.
    assert checks.closeness(0.0003, checks.Figure(None, 0.0, 0.00015, 0.125, 0.125)) == checks.MISSED


def test_holds_sentence_agrees_in_number():
    assert guide.holds_sentence(pd.DataFrame({"verdict": ["agrees", "wrong arithmetic"]})) == \
        "1 of the 2 figures checked here holds; 1 does not"


def test_a_check_with_no_value_is_recorded_as_not_checkable():
    claims = tables.load_guide_claims()
    cid = claims["claim_id"].iloc[0]
    table = guide.comparison_table(claims, {cid: checks.Check(missing="no quality data")})
    assert table["verdict"].item() == checks.UNCHECKED
    assert math.isnan(table.attrs["checks"][cid].arithmetic)
