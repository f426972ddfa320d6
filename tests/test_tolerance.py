"""How close "rounding" is: read from how the guide wrote each figure (lib.book.tolerance)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from lib.book import checks, tolerance


@pytest.mark.parametrize(("text", "sig"), [("15,000", 2), ("0.004", 1), ("2.50", 3), ("4500", 2), ("0.625", 3),
                                           ("1000", 1), ("5", 1), ("128", 3), ("0.042", 2)])
def test_significant_figures(text, sig):
    assert tolerance.significant_figures(text) == sig


@pytest.mark.parametrize(("value", "sig"), [(15000.0, 2), (0.004, 1), (0.625, 3), (4500.0, 2), (0.042, 2)])
def test_stored_significant_figures(value, sig):
    assert tolerance.stored_significant_figures(value) == sig


@pytest.mark.parametrize(("text", "values"), [("~$0.004", [0.004]), ("40–100B", [4e10, 1e11]), ("$15,000", [15000.0]),
                                              ("5k", [5000.0]), ("80–95%", [0.8, 0.95]), ("1.2M", [1.2e6]), ("~512–2k", [512.0, 2000.0])])
def test_parse_written(text, values):
    assert tolerance.parse_written(text) == pytest.approx(values)


def test_parse_written_refuses_text_without_a_number():
    with pytest.raises(ValueError, match="no number"):
        tolerance.parse_written("a lot")


def test_tolerance_is_half_a_unit_in_the_last_place():
    # "$15,000": 14,500 to 15,500 round to it; "$0.004": 0.0035 to 0.0045.
    assert tolerance.relative_tolerance(15000, 2, False) == pytest.approx(500 / 15000)
    assert tolerance.relative_tolerance(0.004, 1, False) == pytest.approx(0.125)
    # A hedge doubles it, and is never under 10 %; nothing exceeds 25 %.
    assert tolerance.relative_tolerance(15000, 2, True) == pytest.approx(0.10)
    assert tolerance.relative_tolerance(0.004, 1, True) == pytest.approx(0.25)
    assert tolerance.relative_tolerance(1000, 1, False) == pytest.approx(tolerance.MAX_REL)
    assert tolerance.relative_tolerance(0.625, 3, False) == pytest.approx(tolerance.AGREE_REL)


def test_hedges():
    assert tolerance.hedged("~$0.004 per M tokens") and tolerance.hedged("roughly 3–5×")
    assert not tolerance.hedged("$15,000 per day")


def _claim(**kw):
    base = dict(claim_id="x", quote="", unit="usd", guide_value=None, guide_low=None, guide_high=None,
                truth="none", written=None, derived_from=None, truth_claims=None)
    return pd.Series({**base, **kw})


def test_a_ten_percent_slip_on_two_significant_figures_is_a_miss_not_rounding():
    claim = _claim(guide_value=15000.0, quote="$15,000 per day")
    assert checks.own_failures(claim, checks.Check(arithmetic=13500.0))[0] == [checks.WRONG_ARITHMETIC]
    assert checks.own_failures(claim, checks.Check(arithmetic=15400.0)) == ([], checks.ROUNDING)


@given(st.floats(1e-6, 1e12), st.integers(1, 6), st.booleans())
@settings(max_examples=300, deadline=None, derandomize=True)
def test_no_tolerance_lets_a_doubled_or_halved_figure_round(value, sig, is_hedged):
    tol = tolerance.relative_tolerance(value, sig, is_hedged)
    fig = checks.Figure(value, None, None, tol, tol)
    # ours anywhere within the tolerance of the figure: the figure doubled or halved no longer rounds.
    for ours in (value * (1 - 0.999 * tol), value, value * (1 + 0.999 * tol)):
        assert checks.closeness(ours, fig) != checks.MISSED
        assert checks.closeness(ours, fig.scaled(2.0)) == checks.MISSED
        assert checks.closeness(ours, fig.scaled(0.5)) == checks.MISSED
