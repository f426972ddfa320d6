"""The fifteen-lever playbook (lib.costs.playbook): a waterfall by hand, and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.costs import batching, levers, playbook
from lib.data import tables
from lib.data.validation import DataValidationError
from tests.conftest import BAD_DATA, ROOT


def lever_rows(*rows: tuple) -> pd.DataFrame:
    cols = ["rank", "lever_id", "lever", "applied_saving_frac", "share_frac", "share_basis", "min_monthly_usd"]
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture(scope="module")
def book_levers() -> pd.DataFrame:
    return tables.load_playbook_levers(ROOT / "data" / "playbook_levers.csv")


def test_three_levers_by_hand():
    table = lever_rows((1, "a", "A", 0.5, 1.0, "bill", np.nan),  # halves the bill: 100 -> 50
                       (2, "b", "B", 0.5, 1.0, "output_cost", np.nan),  # half of the output part (0.4): x 0.8 -> 40
                       (3, "c", "C", 0.3, 1.0, "bill", 45.0))  # threshold 45 not met at 40: nothing
    w = playbook.apply_levers(table, 100.0, input_cost_share=0.6)
    assert w["usd_after"].tolist() == pytest.approx([50.0, 40.0, 40.0])
    assert w["usd_saved"].tolist() == pytest.approx([50.0, 10.0, 0.0])
    assert w["why_not"].tolist() == ["", "", "bill below its threshold"]
    assert playbook.total_reduction(w) == pytest.approx(0.6)
    # Adding the savings claims 0.5 + 0.2 = 70%, more than the 60% they really give together.
    assert playbook.added_savings(w) == pytest.approx(0.7)


def test_self_hosted_levers_wait_for_the_self_hosting_lever():
    table = lever_rows((1, "quantize", "Q", 0.5, 1.0, "self_hosted", np.nan),
                       (2, playbook.SELF_HOST_LEVER, "S", 0.4, 0.6, "bill", np.nan),
                       (3, "offpeak", "O", 0.5, 1.0, "self_hosted", np.nan))
    w = playbook.apply_levers(table, 100.0, input_cost_share=0.5)
    # Before self-hosting there is nothing to quantise; after it, 60% of traffic is self-hosted.
    assert w["multiplier"].tolist() == pytest.approx([1.0, 1 - 0.6 * 0.4, 1 - 0.6 * 0.5])
    assert w.loc[0, "why_not"] == "nothing self-hosted yet"


def test_switched_off_levers_save_nothing(book_levers):
    w = playbook.apply_levers(book_levers, 1e6, input_cost_share=0.5, enabled=["batch_api"])
    assert w["applied"].sum() == 1
    assert playbook.total_reduction(w) == pytest.approx(0.15)


def test_matches_the_shared_waterfall_and_batching_math(book_levers):
    w = playbook.apply_levers(book_levers, 450_000, input_cost_share=0.5)
    shared = levers.lever_waterfall(w[["lever", "multiplier"]], 450_000)
    assert w["usd_after"].to_numpy() == pytest.approx(shared["usd_after"].to_numpy())
    row = book_levers.set_index("lever_id").loc["batch_api"]
    step = w.set_index("lever_id").loc["batch_api"]
    assert step["saving_frac"] == pytest.approx(float(batching.hybrid_saving_frac(row["share_frac"],
                                                                                  row["applied_saving_frac"])))


def test_volume_to_trigger_finds_the_threshold():
    table = lever_rows((1, "a", "A", 0.5, 1.0, "bill", np.nan), (2, "big", "Big", 0.2, 1.0, "bill", 1000.0))
    # $0.01 a request, halved by lever a: the bill reaches $1,000 at 200,000 requests.
    assert playbook.volume_to_trigger(table, "big", 0.01, input_cost_share=0.5) == pytest.approx(200_000, abs=1)
    assert playbook.volume_to_trigger(table, "big", 0.01, input_cost_share=0.5, max_requests=1000) == np.inf


def test_bad_input_is_refused():
    table = lever_rows((1, "a", "A", 0.5, 1.0, "somewhere", np.nan))
    with pytest.raises(ValueError, match="share_basis"):
        playbook.apply_levers(table, 100.0, input_cost_share=0.5)
    with pytest.raises(ValueError):
        playbook.apply_levers(lever_rows((1, "a", "A", 0.5, 1.0, "bill", np.nan)), 100.0, input_cost_share=1.5)


@settings(max_examples=50, deadline=None)
@given(savings=st.lists(st.tuples(st.floats(0.0, 0.95), st.floats(0.0, 1.0)), min_size=1, max_size=15),
       baseline=st.floats(1.0, 1e8), share=st.floats(0.0, 1.0))
def test_levers_compound_and_never_raise_the_bill(savings, baseline, share):
    table = lever_rows(*[(i + 1, f"l{i}", f"L{i}", s, f, "bill", np.nan) for i, (s, f) in enumerate(savings)])
    w = playbook.apply_levers(table, baseline, input_cost_share=share)
    after = w["usd_after"].to_numpy()
    assert np.all(np.diff(np.concatenate([[baseline], after])) <= 1e-9 * baseline)
    assert after[-1] == pytest.approx(baseline * np.prod([1 - s * f for s, f in savings]), rel=1e-9)
    # Compounded savings never exceed the added ones.
    assert playbook.total_reduction(w) <= playbook.added_savings(w) + 1e-12


def test_a_percentage_typed_as_a_saving_names_file_row_column_and_reason():
    path = BAD_DATA / "playbook_levers_percent.csv"
    with pytest.raises(DataValidationError) as info:
        tables.load_playbook_levers(path)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}, row 2 (line 3), column 'applied_saving_frac'")
               and "50 is above the largest sane value 1" in p for p in problems), problems
    assert any("row 3 (line 4), column 'share_basis'" in p for p in problems), problems
