"""Cost on telemetry: the attribution reads the optional OpenTelemetry GenAI usage attributes
(cache creation inside input, reasoning inside output) and writes each call's cost back as
``gen_ai.usage.cost.*`` columns (an open proposal, not yet in the conventions). Bad input is an
error naming file, row, column and reason, never a zero or a negative cost."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.data import tables
from lib.data.validation import DataValidationError
from lib.finops import attribution, calllog
from lib.prices import billing
from tests.conftest import BAD_DATA

PRICES = tables.load_api_prices("data/api_prices.csv")
RULES = billing.load_billing_rules()
SONNET = {"input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0, "cached_input_usd_per_mtok": 0.3,
          "cache_write_usd_per_mtok": 3.75}


def _row(provider="anthropic", model="Claude Sonnet 4.6", inp=10_000, cached=2_048, written=4_096, out=800,
         reasoning=300, ts="2026-05-02 10:00:00"):
    return {calllog.COL_TIME: ts, calllog.COL_TENANT: "Acme", calllog.COL_FEATURE: "agent",
            calllog.COL_PROVIDER: provider, calllog.COL_MODEL: model, calllog.COL_INPUT: inp,
            calllog.COL_CACHE_READ: cached, calllog.COL_CACHE_WRITE: written, calllog.COL_OUTPUT: out,
            calllog.COL_REASONING: reasoning}


def _write(tmp_path, rows, name="otel.parquet"):
    frame = pd.DataFrame(rows)
    frame[calllog.COL_TIME] = pd.to_datetime(frame[calllog.COL_TIME])
    path = tmp_path / name
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


# --------------------------------------------------------------------------- the reference
def test_cache_write_and_reasoning_hand_computed():
    # Sonnet 4.6: 10,000 input = 3,856 plain + 2,048 read + 4,096 written; 800 output incl. 300 reasoning.
    # 3,856 x 3 + 2,048 x 0.30 + 4,096 x 3.75 + 800 x 15 = 11,568 + 614.4 + 15,360 + 12,000 micro-dollars.
    cost = attribution.call_cost_usd(10_000, 800, 2_048, cache_write_tokens=4_096, reasoning_tokens=300, **SONNET)
    assert cost == Decimal("0.0395424")


def test_reasoning_is_inside_output_not_billed_twice():
    a = attribution.call_cost_usd(1_000, 800, 0, reasoning_tokens=0, **SONNET)
    b = attribution.call_cost_usd(1_000, 800, 0, reasoning_tokens=800, **SONNET)
    assert a == b


@pytest.mark.parametrize("kwargs", [
    dict(input_tokens=10, output_tokens=0, cache_read_tokens=6, cache_write_tokens=5),  # read + write > input
    dict(input_tokens=10, output_tokens=5, reasoning_tokens=6),  # reasoning > output
    dict(input_tokens=10.5, output_tokens=5),  # not a whole number
    dict(input_tokens=10, output_tokens=5, cache_write_tokens=-1),
])
def test_reference_refuses_impossible_usage(kwargs):
    with pytest.raises(ValueError):
        attribution.call_cost_usd(**kwargs, input_usd_per_mtok=3, output_usd_per_mtok=15)


def test_reference_refuses_a_negative_price():
    with pytest.raises(ValueError, match="negative price"):
        attribution.call_cost_usd(10, 5, input_usd_per_mtok=-1, output_usd_per_mtok=15)


@given(st.integers(0, 1_000_000), st.integers(0, 100_000), st.floats(0, 1), st.floats(0, 1))
def test_cost_is_never_negative_and_cache_write_costs_at_least_input_for_sonnet(inp, out, fr, fw):
    cached = int(inp * fr)
    written = int((inp - cached) * fw)
    cost = attribution.call_cost_usd(inp, out, cached, cache_write_tokens=written, **SONNET)
    assert cost >= 0
    # Sonnet's 5-minute write is 1.25 x input: moving plain input into a write never costs less.
    assert cost >= attribution.call_cost_usd(inp, out, cached, **SONNET)


# --------------------------------------------------------------------------- the price table's write price
def test_cache_write_price_stated_or_input_by_rule():
    table = attribution.price_table(PRICES, RULES).set_index(["provider", "model"])
    sonnet = table.loc[("anthropic", "Claude Sonnet 4.6")]
    assert sonnet["cache_write_basis"] == "stated 5-minute cache-write price"
    assert Decimal(sonnet["cache_write_usd_per_mtok"]) == Decimal("1.25") * Decimal(sonnet["input_usd_per_mtok"])
    flash = table.loc[("gcp.gemini", "Gemini 2.5 Flash")]
    if flash["cache_write_basis"].startswith("input price"):
        assert flash["cache_write_usd_per_mtok"] == flash["input_usd_per_mtok"]
    # Every row says where its write price comes from; a provider billing writes apart with no stated
    # price leaves calls with writes unpriced.
    assert table["cache_write_basis"].notna().all()


def test_negative_price_is_refused_in_the_price_table():
    bad = PRICES.copy()
    i = bad.index[(bad["model"] == "GPT-5") & bad["book_uses"]][0]
    bad.loc[i, "input_usd_per_mtok"] = -1.0  # OpenRouter's "-1" dynamic-price sentinel
    with pytest.raises(ValueError, match="negative price"):
        attribution.price_table(bad, RULES)


def test_sentinel_price_file_never_reaches_costing():
    with pytest.raises(DataValidationError, match="input_usd_per_mtok"):
        tables.load_api_prices(BAD_DATA / "api_prices_openrouter_sentinel.csv")


# --------------------------------------------------------------------------- SQL reads the optional columns
def test_sql_bills_cache_writes_and_matches_the_reference(tmp_path):
    rows = [_row(), _row(provider="openai", model="GPT-5", inp=8_000, cached=1_024, written=2_048, out=500, reasoning=400),
            _row(provider="gcp.gemini", model="Gemini 2.5 Flash", inp=3_000, cached=0, written=0, out=100, reasoning=0)]
    path = _write(tmp_path, rows)
    con = attribution.connect(path, PRICES)
    total = attribution.attribute(con).iloc[0]
    table = attribution.price_table(PRICES).set_index(["provider", "model"])
    ref = Decimal(0)
    for r in rows:
        p = table.loc[(r[calllog.COL_PROVIDER], r[calllog.COL_MODEL])]
        ref += attribution.call_cost_usd(r[calllog.COL_INPUT], r[calllog.COL_OUTPUT], r[calllog.COL_CACHE_READ],
                                         cache_write_tokens=r[calllog.COL_CACHE_WRITE],
                                         reasoning_tokens=r[calllog.COL_REASONING],
                                         **{c: p[c] for c in attribution.PRICE_COLUMNS})
    assert total["cost_usd_exact"] == ref
    assert total["cache_write_tokens"] == 4_096 + 2_048 and total["reasoning_tokens"] == 700


def test_log_without_optional_columns_reads_them_as_zero(tmp_path):
    rows = [{k: v for k, v in _row(written=0, reasoning=0).items()
             if k not in (calllog.COL_CACHE_WRITE, calllog.COL_REASONING)}]
    total = attribution.attribute(attribution.connect(_write(tmp_path, rows), PRICES)).iloc[0]
    assert total["cache_write_tokens"] == 0 and total["reasoning_tokens"] == 0
    assert total["cost_usd_exact"] == attribution.call_cost_usd(10_000, 800, 2_048, **{
        **SONNET, "cache_write_usd_per_mtok": None})


@pytest.mark.parametrize(("filename", "row", "column", "reason"), [
    ("call_log_otel_cache_write_over_input.csv", 2, calllog.COL_CACHE_WRITE, "cached reads + cache writes 2048 + 2048 > 3000"),
    ("call_log_otel_reasoning_over_output.csv", 2, calllog.COL_REASONING, "reasoning tokens 1200 > 900"),
    ("call_log_otel_fractional_cache_write.csv", 2, calllog.COL_CACHE_WRITE, "12.5 is not a whole number"),
    ("call_log_otel_negative_reasoning.csv", 2, calllog.COL_REASONING, "cannot be negative"),
    ("call_log_unknown_model.csv", None, calllog.COL_MODEL, "unknown model"),
])
def test_malformed_telemetry_is_refused_with_file_row_column_reason(tmp_path, filename, row, column, reason):
    with pytest.raises(DataValidationError) as err:
        attribution.write_costed_log(BAD_DATA / filename, tmp_path / "out.parquet", PRICES)
    text = str(err.value)
    assert filename in text and column in text and reason in text
    if row is not None:
        assert f"row {row}" in text
    assert not (tmp_path / "out.parquet").exists()


# --------------------------------------------------------------------------- writing the cost back
def test_write_costed_log_adds_the_proposed_cost_attributes(tmp_path):
    rows = [_row(), _row(ts="2026-05-02 10:00:01", provider="openai", model="GPT-5", inp=8_000, cached=1_024,
                         written=0, out=500, reasoning=400)]
    src = _write(tmp_path, rows)
    out = tmp_path / "costed.parquet"
    summary = attribution.write_costed_log(src, out, PRICES)
    assert summary == {"rows": 2, "unpriced": 0}
    got = pq.read_table(out).to_pandas()
    assert list(got.columns) == list(pd.DataFrame(rows).columns) + list(attribution.COST_COLUMNS)
    assert attribution.COST_COLUMNS == ("gen_ai.usage.cost.amount", "gen_ai.usage.cost.currency",
                                        "gen_ai.usage.cost.source")
    assert got[attribution.COST_AMOUNT].iloc[0] == pytest.approx(0.0395424, rel=1e-12)
    assert (got[attribution.COST_AMOUNT] > 0).all()
    assert (got[attribution.COST_CURRENCY] == "USD").all()
    assert got[attribution.COST_SOURCE].str.contains("api_prices.csv").all()
    # Writing twice replaces the cost columns, never duplicates them.
    attribution.write_costed_log(out, tmp_path / "again.parquet", PRICES)
    assert pq.read_table(tmp_path / "again.parquet").column_names == list(got.columns)


def test_an_unpriced_call_gets_no_amount_not_zero(tmp_path):
    prices = PRICES.copy()
    i = prices.index[(prices["model"] == "Claude Sonnet 4.6") & (prices["provider"] == "Anthropic") & prices["book_uses"]][0]
    prices.loc[i, "cache_write_5m_usd_per_mtok"] = float("nan")  # Anthropic bills writes apart: no price, no guess
    out = tmp_path / "costed.parquet"
    summary = attribution.write_costed_log(_write(tmp_path, [_row()]), out, prices)
    assert summary == {"rows": 1, "unpriced": 1}
    got = pq.read_table(out).to_pandas()
    assert pd.isna(got[attribution.COST_AMOUNT].iloc[0]) and pd.isna(got[attribution.COST_CURRENCY].iloc[0])
    assert got[attribution.COST_SOURCE].iloc[0].startswith("unpriced")


def test_costed_log_is_written_as_parquet_only(tmp_path):
    with pytest.raises(ValueError, match="Parquet"):
        attribution.write_costed_log(_write(tmp_path, [_row()]), tmp_path / "out.csv", PRICES)


def test_docstring_marks_the_cost_names_as_an_open_proposal():
    assert "OPEN PROPOSAL" in attribution.write_costed_log.__doc__
