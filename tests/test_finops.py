"""lib.finops: the call-log generator and validator, exact costing in SQL against the per-call
reference, cluster allocation, chargeback, alerts and caps."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.data import tables
from lib.data.validation import DataValidationError
from lib.finops import alerts, attribution, calllog
from tests.conftest import BAD_DATA

PRICES = tables.load_api_prices("data/api_prices.csv")
GPT5 = {"input_usd_per_mtok": 5.0, "output_usd_per_mtok": 20.0, "cached_input_usd_per_mtok": 1.25}
RUNAWAY = calllog.Runaway("Cobalt", "agent", day=20, start_hour=9, hours=6, calls_per_hour=300)


# --------------------------------------------------------------------------- per-call reference
def test_call_cost_hand_computed():
    # 10,000 input of which 4,000 cached, 500 output on GPT-5 ($5 / $1.25 cached / $20 per M):
    # 6,000 x 5 + 4,000 x 1.25 + 500 x 20 = 45,000 micro-dollars.
    assert attribution.call_cost_usd(10_000, 500, 4_000, **GPT5) == Decimal("0.045")
    # No cache: all 10,000 at the input price.
    assert attribution.call_cost_usd(10_000, 500, 0, **GPT5) == Decimal("0.06")


def test_cached_reads_are_not_billed_twice():
    all_cached = attribution.call_cost_usd(8_192, 0, 8_192, **GPT5)
    assert all_cached == Decimal(8_192) * Decimal("1.25") / 1_000_000


def test_missing_price_gives_unpriced_not_a_guess():
    no_cache_price = {**GPT5, "cached_input_usd_per_mtok": float("nan")}
    assert attribution.call_cost_usd(1_000, 10, 0, **no_cache_price) == Decimal("0.0052")
    assert attribution.call_cost_usd(1_000, 10, 512, **no_cache_price) is None


@pytest.mark.parametrize(("inp", "out", "cached"), [(-1, 0, 0), (10, -1, 0), (10, 0, 11)])
def test_call_cost_refuses_impossible_usage(inp, out, cached):
    with pytest.raises(ValueError):
        attribution.call_cost_usd(inp, out, cached, **GPT5)


@given(st.integers(0, 2_000_000), st.integers(0, 200_000), st.floats(0, 1))
def test_moving_tokens_into_the_cache_never_costs_more(inp, out, frac):
    cached = int(inp * frac)
    with_cache = attribution.call_cost_usd(inp, out, cached, **GPT5)
    without = attribution.call_cost_usd(inp, out, 0, **GPT5)
    assert with_cache <= without
    assert without - with_cache == Decimal(cached) * (Decimal("5") - Decimal("1.25")) / 1_000_000


def test_price_table_keys_by_otel_provider_and_keeps_blank_prices_blank():
    table = attribution.price_table(PRICES)
    sonnet = table[table["model"] == "Claude Sonnet 4.6"]
    assert set(sonnet["provider"]) == {"anthropic", "aws.bedrock"}
    nano = table[table["model"] == "GPT-5 nano"].iloc[0]
    assert pd.isna(nano["cached_input_usd_per_mtok"])
    assert table.loc[table["model"] == "Gemini 2.5 Flash", "cached_input_usd_per_mtok"].iloc[0] == "0.019000"


# --------------------------------------------------------------------------- generator
def test_generator_is_deterministic_and_shaped():
    a = calllog.generate_call_log(20_000, seed=7, runaway=RUNAWAY)
    b = calllog.generate_call_log(20_000, seed=7, runaway=RUNAWAY)
    assert a.equals(b)
    assert not a.equals(calllog.generate_call_log(20_000, seed=8, runaway=RUNAWAY))
    assert a.num_rows == 20_000 + RUNAWAY.calls_per_hour * RUNAWAY.hours
    assert list(a.column_names) == list(calllog.REQUIRED_COLUMNS)
    f = a.to_pandas()
    assert (f[calllog.COL_CACHE_READ] <= f[calllog.COL_INPUT]).all()
    assert f["timestamp"].is_monotonic_increasing
    assert f["timestamp"].min() >= pd.Timestamp("2026-05-01")
    assert f["timestamp"].max() < pd.Timestamp("2026-05-31")
    loop_day = f[(f["tenant"] == "Cobalt") & (f["timestamp"].dt.date == pd.Timestamp("2026-05-21").date())]
    assert (loop_day[calllog.COL_MODEL] == "GPT-5").sum() >= RUNAWAY.calls_per_hour * RUNAWAY.hours


def test_a_million_calls_generate_deterministically():
    # Its speed is a benchmark figure (tools/bench.py), never a test assertion.
    table = calllog.generate_call_log(1_000_000, seed=1)
    assert table.num_rows == 1_000_000
    assert table.equals(calllog.generate_call_log(1_000_000, seed=1))


def test_ensure_call_log_writes_once_and_keys_on_its_arguments(tmp_path):
    p1 = calllog.ensure_call_log(tmp_path, 5_000, seed=3)
    stamp = p1.stat().st_mtime_ns
    assert calllog.ensure_call_log(tmp_path, 5_000, seed=3) == p1
    assert p1.stat().st_mtime_ns == stamp
    p2 = calllog.ensure_call_log(tmp_path, 5_000, seed=3, runaway=RUNAWAY)
    assert p2 != p1 and p2.exists()
    p1.unlink()
    assert calllog.ensure_call_log(tmp_path, 5_000, seed=3) == p1 and p1.exists()


def test_cache_dir_is_git_ignored():
    assert ".cache/" in Path(".gitignore").read_text().splitlines()


# --------------------------------------------------------------------------- SQL against the reference
def _reference_total(path: Path) -> tuple[Decimal, dict[str, Decimal]]:
    frame = pq.read_table(path).to_pandas()
    table = attribution.price_table(PRICES)
    rates = {(r.provider, r.model): {"input_usd_per_mtok": r.input_usd_per_mtok,
                                     "output_usd_per_mtok": r.output_usd_per_mtok,
                                     "cached_input_usd_per_mtok": r.cached_input_usd_per_mtok}
             for r in table.itertuples(index=False)}
    total, by_tenant = Decimal(0), {}
    cols = [frame[c].astype(object).to_numpy() if c in (calllog.COL_TENANT, calllog.COL_PROVIDER, calllog.COL_MODEL)
            else frame[c].to_numpy().tolist() for c in (calllog.COL_TENANT, calllog.COL_PROVIDER, calllog.COL_MODEL,
                                                         calllog.COL_INPUT, calllog.COL_OUTPUT, calllog.COL_CACHE_READ)]
    for tenant, provider, model, inp, out, cached in zip(*cols):
        c = attribution.call_cost_usd(inp, out, cached, **rates[(provider, model)])
        total += c
        by_tenant[tenant] = by_tenant.get(tenant, Decimal(0)) + c
    return total, by_tenant


def test_attribution_equals_the_sum_of_per_call_costs_exactly(tmp_path):
    path = calllog.ensure_call_log(tmp_path, 30_000, seed=11, runaway=RUNAWAY)
    con = attribution.connect(path, PRICES)
    ref_total, ref_tenant = _reference_total(path)
    assert attribution.attribute(con)["cost_usd_exact"].iloc[0] == ref_total
    by_tenant = attribution.attribute(con, ["tenant"]).set_index("tenant")["cost_usd_exact"]
    assert by_tenant.to_dict() == ref_tenant
    by_tf = attribution.attribute(con, ["tenant", "feature"])
    assert sum(by_tf["cost_usd_exact"], Decimal(0)) == ref_total
    by_hour = attribution.attribute(con, ["model", "hour"])
    assert sum(by_hour["cost_usd_exact"], Decimal(0)) == ref_total


@pytest.mark.slow
def test_chapter_log_totals_equal_per_call_sum_exactly(tmp_path):
    """The chapter's own log (its default parameters): every call priced in Python, summed exactly."""
    path = calllog.ensure_call_log(tmp_path, 1_000_000, seed=2026, start_date="2026-05-01", days=30,
                                   runaway=calllog.Runaway("Cobalt", "agent", day=25, start_hour=9, hours=6,
                                                           calls_per_hour=600))
    con = attribution.connect(path, PRICES)
    # The guide's Inform discipline: "what did each model cost this week" (its speed is a bench figure).
    week = con.execute(f"WITH w AS ({attribution.aggregate_sql(['model', 'day'])}) SELECT model, SUM(cost_micro_usd) "
                       f"FROM w WHERE day >= DATE '2026-05-24' GROUP BY model").fetchall()
    assert len(week) == 6
    ref_total, ref_tenant = _reference_total(path)
    assert attribution.attribute(con)["cost_usd_exact"].iloc[0] == ref_total
    assert attribution.attribute(con, ["tenant"]).set_index("tenant")["cost_usd_exact"].to_dict() == ref_tenant


def test_blank_price_leaves_calls_unpriced_and_counted(tmp_path):
    path = calllog.ensure_call_log(tmp_path, 5_000, seed=5)
    prices = PRICES.copy()
    prices.loc[prices["book_uses"] & (prices["model"] == "DeepSeek V3"), "cached_input_usd_per_mtok"] = np.nan
    con = attribution.connect(path, prices)
    frame = pq.read_table(path).to_pandas()
    expected = int(((frame[calllog.COL_MODEL] == "DeepSeek V3") & (frame[calllog.COL_CACHE_READ] > 0)).sum())
    assert expected > 0
    totals = attribution.attribute(con).iloc[0]
    assert totals["unpriced_calls"] == expected
    with pytest.raises(ValueError, match="no price"):
        attribution.chargeback_invoice(attribution.attribute(con, ["tenant", "feature"]))


_MODELS = [("openai", "GPT-5"), ("anthropic", "Claude Haiku 4.5"), ("gcp.gemini", "Gemini 2.5 Flash"),
           ("openai", "GPT-5 nano")]  # GPT-5 nano has no cached price: a cached read leaves the call unpriced


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3_000_000), st.floats(0, 1), st.integers(0, 100_000)),
                min_size=1, max_size=40))
def test_sql_equals_the_reference_on_any_log(tmp_path_factory, rows):
    """Random logs (zero tokens, all-cached prompts, unpriced calls): SQL and reference agree to the digit."""
    path = tmp_path_factory.mktemp("prop") / "log.csv"
    lines = [",".join(calllog.REQUIRED_COLUMNS)]
    table = attribution.price_table(PRICES).set_index(["provider", "model"])
    ref_total, ref_unpriced = Decimal(0), 0
    for i, (m, inp, frac, out) in enumerate(rows):
        provider, model = _MODELS[m]
        cached = int(inp * frac)
        lines.append(f"2026-05-01 00:00:{i % 60:02d},T{i % 3},f,{provider},{model},{inp},{cached},{out}")
        p = table.loc[(provider, model)]
        c = attribution.call_cost_usd(inp, out, cached, input_usd_per_mtok=p["input_usd_per_mtok"],
                                      output_usd_per_mtok=p["output_usd_per_mtok"],
                                      cached_input_usd_per_mtok=p["cached_input_usd_per_mtok"])
        if c is None:
            ref_unpriced += 1
        else:
            ref_total += c
    path.write_text("\n".join(lines) + "\n")
    con = attribution.connect(path, PRICES)
    totals = attribution.attribute(con).iloc[0]
    assert totals["cost_usd_exact"] == ref_total
    assert totals["unpriced_calls"] == ref_unpriced
    assert sum(attribution.attribute(con, ["tenant"])["cost_usd_exact"], Decimal(0)) == ref_total


def test_costing_sql_is_portable():
    sql = attribution.aggregate_sql(["tenant", "day"])
    assert '"' not in sql and "gen_ai." not in sql  # no dialect-specific quoting in the costing SQL
    assert "DECIMAL(18,6)" in sql and "DECIMAL(18,6)" in attribution.prices_view_sql("p")
    spark_view = attribution.calls_view_sql("raw_calls", quote="`")
    assert "`gen_ai.usage.cache_read.input_tokens`" in spark_view and '"' not in spark_view
    with pytest.raises(ValueError, match="unknown dimensions"):
        attribution.aggregate_sql(["customer"])


def test_otel_csv_log_of_a_reader_is_accepted(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("timestamp,tenant,feature,gen_ai.provider.name,gen_ai.request.model,gen_ai.usage.input_tokens,"
                    "gen_ai.usage.cache_read.input_tokens,gen_ai.usage.output_tokens,extra\n"
                    "2026-05-01 09:00:00,Acme,chat,openai,GPT-5,10000,4000,500,x\n"
                    "2026-05-01 10:00:00,Acme,chat,anthropic,Claude Haiku 4.5,1000,0,100,y\n")
    con = attribution.connect(path, PRICES)
    total = attribution.attribute(con)["cost_usd_exact"].iloc[0]
    assert total == Decimal("0.045") + (Decimal(1000) * Decimal("0.8") + Decimal(100) * Decimal("4")) / 1_000_000


# --------------------------------------------------------------------------- malformed logs
@pytest.mark.parametrize(
    ("filename", "row", "column", "reason"),
    [
        ("call_log_missing_column.csv", 0, calllog.COL_CACHE_READ, "required column is missing"),
        ("call_log_negative_tokens.csv", 2, calllog.COL_INPUT, "-40 tokens: a token count cannot be negative"),
        ("call_log_cached_over_input.csv", 2, calllog.COL_CACHE_READ, "cached reads 1024 > 1000 input"),
        ("call_log_unknown_model.csv", 2, calllog.COL_MODEL, "unknown model 'gpt-5-mini-2025-08-07' at provider 'openai'"),
        ("call_log_not_a_number.csv", 1, calllog.COL_INPUT, "'twelve hundred' is not a number of tokens"),
        ("call_log_bad_timestamp.csv", 1, calllog.COL_TIME, "'yesterday' is not a timestamp"),
    ],
)
def test_bad_csv_log_names_file_row_column_and_reason(filename, row, column, reason):
    path = BAD_DATA / filename
    with pytest.raises(DataValidationError) as info:
        attribution.connect(path, PRICES)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{path}, row {row} (line {row + 1}), column '{column}'") and reason in p
               for p in problems), problems


def test_cached_over_input_counts_every_bad_row():
    with pytest.raises(DataValidationError) as info:
        attribution.connect(BAD_DATA / "call_log_cached_over_input.csv", PRICES)
    assert "(2 rows in all)" in str(info.value)


def _bad_parquet(tmp_path: Path, **changes) -> Path:
    table = calllog.generate_call_log(1_000, seed=2)
    frame = table.to_pandas()
    for key, (row, value) in changes.items():
        col = {"input": calllog.COL_INPUT, "cached": calllog.COL_CACHE_READ, "model": calllog.COL_MODEL}[key]
        if key == "model":
            frame[col] = frame[col].astype(str)
        frame.loc[row, col] = value
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def test_bad_parquet_log_names_file_row_column_and_reason(tmp_path):
    path = _bad_parquet(tmp_path, input=(41, -5), model=(99, "GPT-9"))
    with pytest.raises(DataValidationError) as info:
        attribution.connect(path, PRICES)
    problems = [str(p) for p in info.value.problems]
    # Parquet rows are 1-based data rows; there is no text line to name.
    assert any(p.startswith(f"{path}, row 42, column '{calllog.COL_INPUT}'") and "cannot be negative" in p
               for p in problems), problems
    assert any(p.startswith(f"{path}, row 100, column '{calllog.COL_MODEL}'") and "unknown model 'GPT-9'" in p
               for p in problems), problems


def test_parquet_missing_column_is_named(tmp_path):
    table = calllog.generate_call_log(100, seed=2).drop_columns([calllog.COL_TENANT])
    path = tmp_path / "no_tenant.parquet"
    pq.write_table(table, path)
    with pytest.raises(DataValidationError, match=r"no_tenant.parquet, row 0, column 'tenant': required column"):
        attribution.connect(path, PRICES)


def test_missing_or_foreign_file_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        attribution.connect(tmp_path / "nope.parquet", PRICES)
    other = tmp_path / "log.json"
    other.write_text("{}")
    with pytest.raises(ValueError, match=".parquet or .csv"):
        attribution.connect(other, PRICES)


# --------------------------------------------------------------------------- allocation, chargeback
def test_peak_share_and_blend_hand_computed():
    # Hours 0-3: A steady at 10; B bursts to 30 in hour 3. Totals 10, 10, 10, 40: only hour 3 is peak.
    hourly = pd.DataFrame({"tenant": ["A"] * 4 + ["B"] * 4, "hour": list(range(4)) * 2,
                           "tokens": [10, 10, 10, 10, 0, 0, 0, 30]})
    peak = attribution.peak_shares(hourly, quantile=0.95)
    assert peak["A"] == pytest.approx(0.25) and peak["B"] == pytest.approx(0.75)
    alloc = attribution.allocate_shared_cluster(hourly, 1_000, token_weight=0.7).set_index("tenant")
    # Token shares 40/70 and 30/70; blend = 0.7 x token + 0.3 x peak.
    assert alloc.loc["B", "blended_share"] == pytest.approx(0.7 * 30 / 70 + 0.3 * 0.75)
    assert alloc["usd_blended"].sum() == pytest.approx(1_000)
    assert alloc.loc["B", "usd_difference"] > 0


@given(st.lists(st.floats(0, 1), min_size=2, max_size=8), st.lists(st.floats(0, 1), min_size=2, max_size=8),
       st.floats(0, 1))
def test_blend_of_shares_sums_to_one(t, p, w):
    n = min(len(t), len(p))
    t, p = np.array(t[:n]), np.array(p[:n])
    if t.sum() == 0 or p.sum() == 0:
        return
    blend = attribution.blended_shares(t / t.sum(), p / p.sum(), w)
    assert blend.sum() == pytest.approx(1.0)
    assert (blend >= 0).all()


def test_chargeback_rounds_each_line_half_up():
    costs = pd.DataFrame({"tenant": ["A", "A", "B"], "feature": ["x", "y", "x"],
                          "cost_usd_exact": [Decimal("0.005"), Decimal("1.004"), Decimal("2.0049")]})
    inv = attribution.chargeback_invoice(costs, 1)
    assert list(inv["billed_usd"]) == [Decimal("0.01"), Decimal("1.00"), Decimal("2.00")]
    inv3 = attribution.chargeback_invoice(costs, "3")
    assert list(inv3["billed_usd"]) == [Decimal("0.02"), Decimal("3.01"), Decimal("6.01")]
    show = attribution.showback(costs)
    assert show["tenant"].tolist() == ["B", "A"] and show["share"].sum() == pytest.approx(1)


# --------------------------------------------------------------------------- alerts and caps
def test_alert_fires_above_the_multiple_of_the_trailing_mean():
    days = pd.date_range("2026-05-01", periods=10, freq="D")
    spend = [100] * 7 + [149, 170, 100]
    out = alerts.spend_alerts(pd.DataFrame({"day": days, "cost_usd": spend}), multiple=1.5, window_days=7)
    assert out["alert"].tolist() == [False] * 7 + [False, True, False]
    assert out["trailing_mean"].iloc[7] == pytest.approx(100)
    assert out["trailing_mean"].iloc[8] == pytest.approx((6 * 100 + 149) / 7)  # 149 is in the window; 170 > 1.5 x 107.0


def test_alert_fills_quiet_days_with_zero():
    frame = pd.DataFrame({"tenant": ["A", "A"], "day": pd.to_datetime(["2026-05-01", "2026-05-08"]),
                          "cost_usd": [70.0, 20.0]})
    out = alerts.spend_alerts(frame, by=("tenant",))
    assert len(out) == 8
    assert out["trailing_mean"].iloc[-1] == pytest.approx(10.0)  # (70 + six quiet days at zero) / 7
    assert out["alert"].iloc[-1]


def test_daily_cap_hand_computed():
    keys = np.array([0, 0, 0, 1, 0, 0])
    days = np.array([1, 1, 1, 1, 1, 2])
    costs = np.array([5.0, 5.0, 5.0, 50.0, 1.0, 5.0])
    admitted = alerts.apply_daily_caps(keys, days, costs, np.array([8.0, np.inf]))
    # Tenant 0, day 1: 5 (0 before) in, 5 (5 before) in, 5 (10 before) out, 1 out; day 2 starts afresh.
    assert admitted.tolist() == [True, True, False, True, False, True]


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.floats(0, 10)), min_size=1, max_size=60),
       st.floats(0.5, 20))
def test_cap_holds_spend_to_cap_plus_one_call_and_never_reopens(rows, cap):
    keys, days, costs = (np.array(x) for x in zip(*rows))
    admitted = alerts.apply_daily_caps(keys, days, costs, np.full(3, cap))
    for k in range(3):
        for d in range(3):
            g = (keys == k) & (days == d)
            if not g.any():
                continue
            a = admitted[g]
            assert a.sum() == 0 or not np.any(np.diff(a.astype(int)) > 0)  # refused once, refused after
            assert costs[g][a].sum() <= cap + (costs[g].max() if g.any() else 0) + 1e-9


def test_injected_runaway_is_alerted_and_capped(tmp_path):
    path = calllog.ensure_call_log(tmp_path, 60_000, seed=4, runaway=RUNAWAY)
    con = attribution.connect(path, PRICES)
    daily = attribution.attribute(con, ["tenant", "day"])
    out = alerts.spend_alerts(daily, by=("tenant",))
    fired = out[out["alert"]]
    loop_day = pd.Timestamp("2026-05-21")
    assert ((fired["tenant"] == "Cobalt") & (fired["day"] == loop_day)).any()
    calls = attribution.per_call_costs(con, columns=("ts", "day", "tenant"))
    result = alerts.guardrail_outcome(calls, daily, cap_multiple=2.0)
    assert result["refused_usd"] > 0
    caps = alerts.baseline_caps(daily, multiple=2.0, baseline_days=7)
    tenants = sorted(daily["tenant"].unique())
    admitted = alerts.apply_daily_caps(pd.Categorical(calls["tenant"], categories=tenants).codes,
                                       calls["day"].to_numpy(), calls["cost_usd"].to_numpy(),
                                       caps.reindex(tenants).to_numpy())
    on_loop_day = (calls["tenant"] == "Cobalt") & (pd.to_datetime(calls["day"]) == loop_day)
    assert (~admitted & on_loop_day).sum() == (~admitted).sum()  # the cap refuses only the loop's day
    assert calls.loc[on_loop_day & pd.Series(admitted), "cost_usd"].sum() <= caps["Cobalt"] + calls["cost_usd"].max()
