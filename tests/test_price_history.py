"""lib.prices.history: prices that hold from a day, the table in force on any day, genai-prices'
dated history imported offline, and a call log costed at the price of each call's date (DuckDB SQL
against the per-call Python reference, totals exact)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.data import tables
from lib.data.validation import DataValidationError
from lib.finops import attribution, calllog
from lib.prices import compare, history
from tests.conftest import BAD_DATA

HISTORY = tables.load_price_history()
GUIDE = tables.load_api_prices("data/api_prices.csv")
MAP = tables.load_genai_prices_map()


def _toy() -> pd.DataFrame:
    """One model, three prices: $5/$20 from June, $2/$10 from 2026-07-15, $1/$8 from 2026-09-01."""
    return pd.DataFrame({
        "provider": ["OpenAI"] * 3, "model": ["GPT-5"] * 3,
        "valid_from": ["2026-06-01", "2026-07-15", "2026-09-01"],
        "input_usd_per_mtok": [5.0, 2.0, 1.0], "output_usd_per_mtok": [20.0, 10.0, 8.0],
        "cached_input_usd_per_mtok": [1.25, 0.5, 0.1], "cache_write_5m_usd_per_mtok": [None, None, None],
        "source": ["toy"] * 3, "as_of": ["2026-06"] * 3, "notes": [None] * 3})


# --------------------------------------------------------------------------- the table
def test_history_table_validates_and_holds_the_guides_prices_from_its_date():
    guide_rows = HISTORY[HISTORY["valid_from"] == history.GUIDE_VALID_FROM]
    book = GUIDE[GUIDE["book_uses"]]
    assert len(guide_rows) == len(book)
    gpt5 = guide_rows[(guide_rows["provider"] == "OpenAI") & (guide_rows["model"] == "GPT-5")].iloc[0]
    assert (gpt5["input_usd_per_mtok"], gpt5["output_usd_per_mtok"]) == (5.0, 20.0)


def test_history_holds_later_prices_from_the_litellm_snapshot():
    later = HISTORY[HISTORY["valid_from"] == "2026-11-23"]
    assert len(later) > 0 and later["source"].str.contains("LiteLLM").all()
    gpt5 = later[(later["provider"] == "OpenAI") & (later["model"] == "GPT-5")].iloc[0]
    assert (gpt5["input_usd_per_mtok"], gpt5["output_usd_per_mtok"]) == (1.25, 10.0)


def test_committed_history_is_what_the_builder_writes(tmp_path):
    """data/price_history.csv is reproducible from its sources (offline, bundled genai-prices snapshot)."""
    pytest.importorskip("genai_prices")
    snap = tables.load_api_prices("data/snapshots/api_prices.litellm.2026-11-23.csv")
    built = history.build_price_history(GUIDE, snap, "2026-11-23", history.genai_prices_history(MAP))
    out = tmp_path / "price_history.csv"
    history.write_price_history(built, out)
    assert out.read_text() == open("data/price_history.csv").read()


def test_bad_history_file_names_file_row_column_and_reason():
    with pytest.raises(DataValidationError) as err:
        tables.load_price_history(BAD_DATA / "price_history_bad.csv")
    text = str(err.value)
    assert "price_history_bad.csv" in text
    assert "row 2" in text and "input_usd_per_mtok" in text and "-1" in text  # OpenRouter's sentinel
    assert "row 3" in text and "valid_from" in text and "mid-2026" in text
    assert "row 4" in text and "'2026-06' is not a day" in text


# --------------------------------------------------------------------------- genai-prices' history
class _Start:
    def __init__(self, day):
        self.start_date = day


class _Cond:
    def __init__(self, constraint, inp, out):
        self.constraint = constraint
        self.prices = type("MP", (), {"input_mtok": Decimal(str(inp)), "output_mtok": Decimal(str(out)),
                                      "cache_read_mtok": None, "cache_write_mtok": None})()


class _Snap:
    """A stand-in snapshot: one model with an undated price, then a dated one; one with a single price."""

    def find_provider_model(self, ref, _a, provider_id, _b):
        if ref == "dated":
            info = type("I", (), {"id": "dated", "prices": [_Cond(None, 3, 15), _Cond(_Start("2026-10-12"), 2, 12)]})()
        else:
            info = type("I", (), {"id": ref, "prices": object()})()
        return None, info


def test_genai_history_import_takes_dated_prices_only():
    pytest.importorskip("genai_prices")
    toy_map = pd.DataFrame({"provider": ["X", "Y"], "model": ["Dated", "Flat"], "genai_provider_id": ["x", "y"],
                            "genai_model_ref": ["dated", "flat"], "genai_model_id": ["dated", "flat"]})
    rows = history.genai_prices_history(toy_map, _Snap())
    assert len(rows) == 1
    r = rows.iloc[0]
    assert (r["model"], r["valid_from"], r["input_usd_per_mtok"], r["output_usd_per_mtok"]) == ("Dated", "2026-10-12", 2.0, 12.0)
    assert "genai-prices" in r["source"]


def test_genai_history_import_runs_on_the_bundled_snapshot():
    pytest.importorskip("genai_prices")
    rows = history.genai_prices_history(MAP)
    assert list(rows.columns) == list(history.HISTORY_COLUMNS)
    assert rows["valid_from"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert set(zip(rows["provider"], rows["model"])) <= set(zip(MAP["provider"], MAP["model"]))


# --------------------------------------------------------------------------- prices_on
def test_prices_on_picks_the_row_in_force():
    toy = _toy()
    assert history.prices_on(toy, "2026-06-01")["input_usd_per_mtok"].tolist() == [5.0]
    assert history.prices_on(toy, "2026-07-14")["input_usd_per_mtok"].tolist() == [5.0]
    assert history.prices_on(toy, "2026-07-15")["input_usd_per_mtok"].tolist() == [2.0]  # valid_from is inclusive
    assert history.prices_on(toy, "2027-01-01")["input_usd_per_mtok"].tolist() == [1.0]
    assert len(history.prices_on(toy, "2026-05-31")) == 0  # no price yet: absent, never guessed


def test_change_report_works_across_any_two_dates():
    before = history.prices_on(HISTORY, "2026-07-01")
    after = history.prices_on(HISTORY, "2026-11-23")
    changes = compare.price_changes(before, after, input_tokens=1_000, output_tokens=1_000)
    gpt5 = changes[(changes["provider"] == "OpenAI") & (changes["model"] == "GPT-5")].iloc[0]
    assert gpt5["input_change"] == pytest.approx(1.25 / 5 - 1)
    assert bool(gpt5["imported"])
    same = compare.price_changes(before, before, input_tokens=1_000, output_tokens=1_000)
    assert not same["imported"].any() and (same["request_change"].fillna(0) == 0).all()


@given(st.dates(min_value=pd.Timestamp("2026-06-01").date(), max_value=pd.Timestamp("2027-12-31").date()))
@settings(max_examples=50, deadline=None)
def test_prices_on_row_is_the_latest_started(day):
    table = history.prices_on(HISTORY, day)
    assert (table["price_valid_from"] <= day.isoformat()).all()
    assert not table.duplicated(["provider", "model"]).any()
    later = HISTORY[(HISTORY["valid_from"] <= day.isoformat())]
    assert len(table) == len(later.drop_duplicates(["provider", "model"]))


# --------------------------------------------------------------------------- costing at each call's date
def _log_across(tmp_path, start="2026-07-10", days=10, n=3_000):
    """A seeded log whose days cross the toy's 2026-07-15 price change (GPT-5 calls only)."""
    table = calllog.generate_call_log(n, seed=11, start_date=start, days=days)
    frame = table.to_pandas()
    frame[calllog.COL_PROVIDER] = "openai"
    frame[calllog.COL_MODEL] = "GPT-5"
    path = tmp_path / "log.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path, frame


def test_each_call_costed_at_its_dates_price_and_totals_exact(tmp_path):
    path, frame = _log_across(tmp_path)
    toy = _toy()
    con = attribution.connect(path, toy)
    total = attribution.attribute(con).iloc[0]
    table = attribution.price_table(toy)
    ref = Decimal(0)
    for r in frame.itertuples(index=False):
        p = history.price_in_force(table, "openai", "GPT-5", r[0])
        ref += attribution.call_cost_usd(r[5], r[7], r[6], input_usd_per_mtok=p["input_usd_per_mtok"],
                                         output_usd_per_mtok=p["output_usd_per_mtok"],
                                         cached_input_usd_per_mtok=p["cached_input_usd_per_mtok"])
    assert total["cost_usd_exact"] == ref
    assert total["calls"] == len(frame) and total["unpriced_calls"] == 0
    by_day = attribution.attribute(con, ["day"])
    assert sum(by_day["cost_usd_exact"], Decimal(0)) == ref
    # Cheaper after the change: the same tokens at today's (September) prices cost less than at each date's.
    today = attribution.attribute(attribution.connect(path, history.prices_on(toy, "2026-09-01"))).iloc[0]
    assert today["cost_usd_exact"] < ref


def test_a_call_before_the_first_price_is_an_error(tmp_path):
    toy = _toy()
    with pytest.raises(DataValidationError) as err:
        attribution.connect(BAD_DATA / "call_log_before_price_history.csv", toy.assign(model="GPT-5 mini"))
    text = str(err.value)
    assert "call_log_before_price_history.csv" in text and "row 1" in text and "timestamp" in text
    assert "no price in force" in text and "2026-06-01" in text and "row 2" not in text


def test_price_table_gives_each_row_its_end():
    table = attribution.price_table(_toy())
    assert table["valid_from"].tolist() == ["2026-06-01", "2026-07-15", "2026-09-01"]
    assert table["valid_to"].tolist()[:2] == ["2026-07-15", "2026-09-01"] and pd.isna(table["valid_to"].iloc[2])
    with pytest.raises(KeyError):
        history.price_in_force(table, "openai", "GPT-5", "2026-05-01")


def test_costing_sql_with_history_stays_portable():
    sql = attribution.aggregate_sql(["day"])
    assert "valid_from" in sql and "valid_to" in sql
    for duck_only in ("EXCLUDE", "QUALIFY", "ASOF", "::", "strftime"):
        assert duck_only not in sql


def test_the_grouped_lookup_gives_the_same_rows_and_errors_as_price_in_force():
    table = attribution.price_table(_toy())
    lookup = history.price_lookup(table)
    for day in ("2026-06-01", "2026-07-14", "2026-07-15", "2026-08-31", "2026-09-01", "2027-01-01"):
        pd.testing.assert_series_equal(lookup("openai", "GPT-5", day), history.price_in_force(table, "openai", "GPT-5", day))
    for provider, model, day in (("openai", "GPT-5", "2026-05-01"), ("openai", "no such model", "2026-07-01")):
        with pytest.raises(KeyError, match="0 price rows in force"):
            lookup(provider, model, day)
