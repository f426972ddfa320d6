"""The guide's claims registry, the verdict rule and the chapter that gathers every verdict."""

from __future__ import annotations

import math

import nbformat
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from lib.book import checks, guide, reliability
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA, ROOT

BOOK = ROOT / "book"


# --- the rule (lib.book.checks; the cases are in tests/test_checks.py) ---------------------------

@given(st.floats(-0.99, 100, allow_nan=False), st.sampled_from(["none", "guide_elsewhere", "outside_data"]))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_the_rule_is_a_pure_function_of_the_checks(gap, truth):
    claims = tables.load_guide_claims()
    row = claims[claims["claim_id"] == "mm_intro_daily_input_cost"].iloc[0].copy()
    row["truth"] = truth
    ours = 15000 * (1 + gap)
    check = checks.Check(arithmetic=ours) if truth == "none" else checks.Check(truth=ours)
    first = checks.verdict(row, check, {})
    assert first == checks.verdict(row, check, {}) and first[0] in checks.VERDICTS
    # "$15,000" has two significant figures: within half a unit (500) it rounds, beyond it misses.
    if abs(gap) <= 500 / 15000 * 0.999:
        assert first[0] in (checks.AGREES, checks.ROUNDING)
    elif abs(gap) > 500 / 15000 * 1.001:
        assert first[0] in checks.MISSES


@pytest.mark.parametrize(("gap", "check", "factor"), [
    (0.0, "guide_inputs", 1.0), (1.0, "guide_inputs", 2.0), (-0.5, "guide_elsewhere", 2.0),
    (-0.75, "roofline_ceiling", 4.0), (3.0, "roofline_ceiling", 1.0), (-1.0, "guide_inputs", math.inf),
])
def test_off_factor(gap, check, factor):
    assert reliability.off_factor(gap, check) == pytest.approx(factor)


@pytest.mark.parametrize(("gap", "check", "share"), [
    (-0.14, "guide_inputs", 0.14), (0.3, "outside_data", 0.3), (-0.5, "roofline_ceiling", 1.0),
    (2.0, "roofline_ceiling", 0.0),
])
def test_miss_share(gap, check, share):
    assert reliability.miss_share(gap, check) == pytest.approx(share)


def test_summary_names_each_miss_it_has():
    claims = tables.load_guide_claims()
    table = guide.comparison_table(claims, {"mm_lever_product": 0.1, "ue_query_gpt5": 0.0135,
                                            "rf_prod_h100": 2000.0})
    assert guide.verdict_summary(table) == ("Of the guide's 3 figures checked in this chapter, 1 agrees, "
                                            "0 differ by rounding, 1 is physically impossible and 1 is wrong arithmetic.")
    assert table.attrs["ours"]["rf_prod_h100"] == 2000.0


@pytest.mark.parametrize(("value", "text"), [
    (1500, "1,500"), (250_000, "250,000"), (39.42e12, "39.4 trillion"), (4e10, "40 billion"), (1e9, "1 billion"),
])
def test_large_token_counts_read_in_words(value, text):
    from lib.book.figures import format_value
    assert format_value(value, "tokens") == text


def test_verdict_phrases_agree_in_number():
    assert guide.verdict_phrase("disagrees with outside data", 1) == "1 disagrees with outside data"
    assert guide.verdict_phrase("contradicts another section", 2) == "2 contradict another section"
    assert guide.verdict_phrase("wrong arithmetic", 1) == "1 is wrong arithmetic"


def test_a_chapter_can_set_claims_against_other_data():
    claims = tables.load_guide_claims()
    table = guide.comparison_table(claims, {"ue_query_gpt5": 0.02}, truth="outside_data")
    assert table["verdict"].tolist() == ["disagrees with outside data"]


# --- the registry -----------------------------------------------------------------------------

def test_truth_must_be_a_known_kind():
    path = BAD_DATA / "guide_claims_bad_check.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_guide_claims(path)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}, row 2 (line 3), column 'truth'") and "'a hunch' is not one of" in p
               for p in problems), problems


def test_registry_holds_well_over_sixty_claims_from_every_checking_chapter():
    claims = tables.load_guide_claims()
    assert len(claims) > 60
    assert claims["claim_id"].is_unique
    assert set(claims["truth"]) <= set(tables.TRUTH_KINDS)
    assert set(claims["truth"]) >= {"none", "guide_elsewhere", "roofline_ceiling", "outside_data"}


# --- the book as refreshed --------------------------------------------------------------------

@pytest.fixture(scope="module")
def verdicts() -> pd.DataFrame:
    figures, conclusions = reliability.read_records(BOOK / "figures.csv", BOOK / "conclusions.csv")
    return reliability.claim_verdicts(tables.load_guide_claims(), figures, conclusions)


def test_every_claim_has_a_verdict_from_its_own_chapter(verdicts):
    missing = verdicts.loc[verdicts["verdict"] == reliability.NOT_RECOMPUTED, "claim_id"].tolist()
    assert missing == [], f"claims no chapter recomputes: {missing}"
    # Only a claim the data cannot check (registered so the gap shows) has no value of ours.
    checked = verdicts[verdicts["verdict"] != guide.UNCHECKED]
    assert checked["ours"].notna().all()
    assert verdicts.loc[verdicts["ours"].isna(), "verdict"].eq(guide.UNCHECKED).all()


def test_every_verdict_category_the_issue_names_has_a_claim(verdicts):
    counts = reliability.verdict_counts(verdicts)
    for category in ("agrees", "rounding", "wrong arithmetic", "contradicts another section", "physically impossible"):
        assert counts[category] >= 1, category


def test_classification_is_deterministic(verdicts):
    figures, conclusions = reliability.read_records(BOOK / "figures.csv", BOOK / "conclusions.csv")
    again = reliability.claim_verdicts(tables.load_guide_claims(), figures, conclusions)
    pd.testing.assert_frame_equal(verdicts, again)


def test_a_recorded_verdict_that_does_not_follow_is_caught():
    figures, conclusions = reliability.read_records(BOOK / "figures.csv", BOOK / "conclusions.csv")
    row = conclusions["name"] == "verdict_mm_lever_product"
    assert row.sum() == 1
    conclusions.loc[row, "text"] = "agrees" if conclusions.loc[row, "text"].item() != "agrees" else "wrong arithmetic"
    with pytest.raises(reliability.InconsistentVerdicts, match="mm_lever_product"):
        reliability.claim_verdicts(tables.load_guide_claims(), figures, conclusions)


def test_counts_within_grow_with_the_tolerance(verdicts):
    previous = -1
    for tolerance in (0.0, 0.05, 0.15, 0.5, 1.0, 10.0):
        c = reliability.counts_within(verdicts, tolerance)
        assert c["within"] + c["outside"] == c["checked"] and c["within"] >= previous
        previous = c["within"]
    with pytest.raises(ValueError):
        reliability.counts_within(verdicts, -0.1)
    # At the widest rounding any figure gets, the tolerance accepts at least every own check that agrees
    # or rounds (a figure on a failed premise may be close and still fail).
    close = int(verdicts["verdict"].isin([checks.AGREES, checks.ROUNDING]).sum())
    assert reliability.counts_within(verdicts, guide.MAX_REL)["within"] >= close


def test_worst_cases_are_misses_furthest_off_first(verdicts):
    worst = reliability.worst_cases(verdicts, 5)
    assert set(worst["verdict"]) <= set(guide.MISSES)
    assert list(worst["off_factor"]) == sorted(worst["off_factor"], reverse=True)


def test_trust_chapter_glues_the_counts_into_its_first_paragraph(verdicts):
    nb = nbformat.read(BOOK / "guide_trust.ipynb", as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    assert "{glue:text}`gt_answer`" in first.source
    glued = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                glued[name] = out["data"].get("application/papermill.record/text/plain", "")
    counts = reliability.verdict_counts(verdicts)
    answer = glued["gt_answer"]
    for category in ("agrees", "rounding", "wrong arithmetic", "contradicts another section", "physically impossible"):
        assert guide.verdict_phrase(category, int(counts[category])) in answer
    assert f"{len(verdicts)} figures" in answer
    # The stored notebook reads the book's own record files, not the refresh's work folder.
    params = nb.metadata["refresh"]["parameters"]
    assert params.get("figures_csv") == "book/figures.csv"
    assert params.get("conclusions_csv") == "book/conclusions.csv"
