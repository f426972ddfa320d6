"""``connect`` reads the log once: its validating pass also writes a pre-aggregate, and ``attribute``
prices that instead of the log. These tests hold it to the raw-log costing, to the last digit."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib.data import tables
from lib.data.validation import DataValidationError
from lib.finops import attribution, calllog, costing, logrules

PRICES = tables.load_api_prices("data/api_prices.csv")
RUNAWAY = calllog.Runaway("Cobalt", "agent", day=3, start_hour=9, hours=4, calls_per_hour=200)
DIMENSION_SETS = [(), ("tenant",), ("tenant", "feature"), ("provider", "model"), ("day",), ("tenant", "day"),
                  ("model", "day"), ("feature", "provider", "model", "day"), ("tenant", "feature", "provider", "model", "day")]


def _blank_prices() -> pd.DataFrame:
    # DeepSeek V3's cached price blanked (GPT-5 nano's is blank already): calls with cached reads go unpriced.
    prices = PRICES.copy()
    prices.loc[prices["book_uses"] & (prices["model"] == "DeepSeek V3"), "cached_input_usd_per_mtok"] = np.nan
    return prices


def _log(tmp_path, *, optional: bool = False, csv: bool = False):
    table = calllog.generate_call_log(20_000, seed=11, days=6, runaway=RUNAWAY)
    if optional:  # cache writes and reasoning, within what input and output include
        rng = np.random.default_rng(3)
        inp = table.column(calllog.COL_INPUT).to_numpy()
        cached = table.column(calllog.COL_CACHE_READ).to_numpy()
        out = table.column(calllog.COL_OUTPUT).to_numpy()
        writes = np.where(rng.random(len(inp)) < 0.3, (inp - cached) // 2, 0)
        table = table.append_column(calllog.COL_CACHE_WRITE, pa.array(writes, pa.int64()))
        table = table.append_column(calllog.COL_REASONING, pa.array(out // 3, pa.int64()))
    if csv:
        path = tmp_path / "log.csv"
        table.to_pandas().to_csv(path, index=False)
    else:
        path = tmp_path / "log.parquet"
        pq.write_table(table, path)
    return path, table.num_rows


def _raw(con, dims):
    """What ``attribute`` returned before the pre-aggregate: the costing SQL over the ``calls`` view."""
    cur = con.execute(costing.aggregate_sql(dims))
    return attribution.results_frame([d[0] for d in cur.description], cur.fetchall())


@pytest.mark.parametrize(("optional", "csv"), [(False, False), (True, False), (True, True)])
def test_the_pre_aggregate_attributes_exactly_as_the_log(tmp_path, optional, csv):
    path, n = _log(tmp_path, optional=optional, csv=csv)
    con = attribution.connect(path, _blank_prices())
    assert attribution.usage_source(con) == costing.USAGE_TABLE  # the one-pass path is the one taken
    groups = con.execute(f"SELECT COUNT(*) FROM {costing.USAGE_TABLE}").fetchall()[0][0]
    assert groups < n / 5  # far fewer rows than calls: that is the point of it
    for dims in DIMENSION_SETS:
        ours, raw = attribution.attribute(con, dims), _raw(con, dims)
        pd.testing.assert_frame_equal(ours, raw, check_exact=True)
        assert list(ours["cost_usd_exact"]) == list(raw["cost_usd_exact"])  # Decimal to the last digit
    totals = attribution.attribute(con).iloc[0]
    assert totals["calls"] == n and totals["unpriced_calls"] > 0  # the blank prices did leave calls unpriced
    by_tenant = attribution.attribute(con, ["tenant"]).set_index("tenant")
    assert by_tenant.loc["Cobalt", "calls"] > RUNAWAY.calls_per_hour * RUNAWAY.hours  # the runaway is in


def test_by_hour_reads_the_log_and_agrees(tmp_path):
    path, _ = _log(tmp_path)
    con = attribution.connect(path, _blank_prices())
    with pytest.raises(ValueError, match="has no"):
        costing.aggregate_sql(["hour"], usage=costing.USAGE_TABLE)
    pd.testing.assert_frame_equal(attribution.attribute(con, ["tenant", "hour"]), _raw(con, ["tenant", "hour"]),
                                  check_exact=True)


def test_a_redefined_calls_view_is_costed_itself_not_the_stale_pre_aggregate(tmp_path):
    path, _ = _log(tmp_path)
    con = attribution.connect(path, PRICES)
    everyone = attribution.attribute(con).iloc[0]
    con.execute("CREATE OR REPLACE VIEW calls AS "
                + costing.calls_view_sql("calls_raw") + " WHERE tenant = 'Cobalt'")
    assert attribution.usage_source(con) is None
    cobalt = attribution.attribute(con).iloc[0]
    assert 0 < cobalt["calls"] < everyone["calls"]
    assert cobalt["cost_usd_exact"] == _raw(con, ())["cost_usd_exact"].iloc[0]


def test_a_refused_log_is_still_refused_with_its_row(tmp_path):
    # The grouping pass counts the rules; a broken one still names its first row and its count.
    path, _ = _log(tmp_path)
    frame = pq.read_table(path).to_pandas()
    frame.loc[[7, 9], calllog.COL_CACHE_READ] = frame.loc[[7, 9], calllog.COL_INPUT] + 1
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    with pytest.raises(DataValidationError) as err:
        attribution.connect(path, PRICES)
    problem = err.value.problems[0]
    assert problem.row == 8 and problem.column == calllog.COL_CACHE_READ and "2 rows in all" in problem.reason


def test_per_call_costs_still_sum_to_the_attribution(tmp_path):
    path, _ = _log(tmp_path)
    con = attribution.connect(path, PRICES)
    per_call = attribution.per_call_costs(con)
    total = attribution.attribute(con).iloc[0]
    assert len(per_call) == total["calls"]
    assert per_call["cost_usd"].sum() == pytest.approx(float(total["cost_usd_exact"]), rel=1e-12)
    assert Decimal(0) < total["cost_usd_exact"]


def test_only_columns_whose_screens_cleared_every_own_rule_are_taken_as_clean(tmp_path):
    path, _ = _log(tmp_path)
    frame = pq.read_table(path).to_pandas()
    frame.loc[4, calllog.COL_OUTPUT] = -1  # output's negative-count screen now says "may"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    con = duckdb.connect()
    calllog.register_raw_log(con, path)
    types = {r[0]: str(r[1]).upper() for r in con.execute("DESCRIBE calls_raw").fetchall()}
    rules = logrules.value_rules(str(path), types)
    clean = logrules.clean_columns(str(path), types, rules, logrules.screen_rules(con, "calls_raw", rules))
    assert clean == [calllog.COL_INPUT, calllog.COL_CACHE_READ]
    with pytest.raises(DataValidationError, match="cannot be negative") as err:
        attribution.connect(path, PRICES)
    assert err.value.problems[0].row == 5


def test_extra_log_columns_named_like_the_plain_names_are_not_read(tmp_path):
    # A log may carry other columns; one named ``input_tokens`` must not stand in for the OpenTelemetry count.
    path, n = _log(tmp_path)
    table = pq.read_table(path)
    for name in ("input_tokens", "cache_read_tokens", "output_tokens", "ts"):
        table = table.append_column(name, pa.array(np.zeros(n, dtype=np.int64)))
    pq.write_table(table, path)
    con = attribution.connect(path, _blank_prices())
    assert attribution.usage_source(con) == costing.USAGE_TABLE
    for dims in DIMENSION_SETS:
        pd.testing.assert_frame_equal(attribution.attribute(con, dims), _raw(con, dims), check_exact=True)
