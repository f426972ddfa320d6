"""What each tenant and feature cost, on DuckDB: connect (validate the log), attribute, cluster
allocation, showback and chargeback, and the cost written back onto a log.

The costing itself (the rule, exact prices, the per-call reference ``call_cost_usd`` and the portable
SQL that DuckDB and Spark both run) is in ``lib.finops.costing``; its public names are importable
from here too, as they were before the split. The log's checks are ``lib.finops.logrules``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from lib.finops import calllog, logread
from lib.finops.logschema import _sql_string
from lib.finops.costing import (DIMENSIONS, MICRO, PRICE_COLUMNS, PRICE_QUANTUM, PRICED_CALLS_SQL,  # noqa: F401
                                UNPRICED_MODELS_SQL, USAGE_KEYS, USAGE_TABLE, UsageScan, aggregate_sql, call_cost_usd,
                                calls_view_sql, price_table, prices_view_sql, to_price, usage_scan)

CENT = Decimal("0.01")
CURRENCY = "USD"
# The cost attributes written back onto a log. They are from an OPEN PROPOSAL to the OpenTelemetry
# GenAI semantic conventions, not (yet) part of them: the names may change before they are adopted.
COST_AMOUNT = "gen_ai.usage.cost.amount"
COST_CURRENCY = "gen_ai.usage.cost.currency"
COST_SOURCE = "gen_ai.usage.cost.source"


# ---------------------------------------------------------------------------------------------
# Running it on DuckDB
# ---------------------------------------------------------------------------------------------
def connect(call_log: str | Path, prices: pd.DataFrame, rules: pd.DataFrame | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the validated log as ``calls`` and the book's prices as ``prices``.

    ``prices`` is an ``api_prices`` frame or a price history (``lib.prices.history``); with a
    history each call is costed at the price in force on its date.

    The validating pass over the log also writes its pre-aggregate (``costing.usage_scan``: tokens
    summed per tenant, feature, provider, model, day and priced parts, a few thousand rows), which
    ``attribute`` prices instead of reading the log again (except by hour); every other query (``per_call_costs``,
    ``write_costed_log``) reads the Parquet file in place through ``calls``. A malformed log raises
    ``DataValidationError`` naming file, row, column and reason.
    """
    con = duckdb.connect()
    # No progress bar: in a notebook it becomes a widget output, and outputs must be deterministic.
    con.execute("SET enable_progress_bar = false")
    table = price_table(prices, rules)
    columns = calllog.register_raw_log(con, call_log)
    # The one pass reads the Parquet file itself (calls_raw's row numbering is for the validator's look-ups).
    source = (f"read_parquet('{_sql_string(str(call_log))}')" if Path(call_log).suffix.lower() == ".parquet"
              else "calls_raw")
    calllog.validate_call_log(con, call_log, table, scan=lambda types: usage_scan(types, source))
    con.register("__prices_text", table)
    con.execute(f"CREATE TABLE prices AS {prices_view_sql('__prices_text')}")
    con.unregister("__prices_text")
    optional = [c for c in calllog.OPTIONAL_COLUMNS if c in columns]
    con.execute(f"CREATE VIEW calls AS {calls_view_sql('calls_raw', optional=optional)}")
    _keep_usage(con, usage_scan({r[0]: str(r[1]).upper() for r in con.execute("DESCRIBE calls_raw").fetchall()}, source))
    return con


def _keep_usage(con: duckdb.DuckDBPyConnection, scan: UsageScan) -> None:
    """Keep the validating pass's pre-aggregate only where it is exactly what ``calls`` holds, and note
    which ``calls`` it summarises, so that ``attribute`` can tell if ``calls`` was redefined since."""
    if not _has_table(con, scan.table):  # too many rules for one mask: counted the plain way
        return
    if scan.uncast and con.execute(f"SELECT bool_or({scan.uncast}) FROM {scan.table}").fetchall()[0][0]:
        # A value the plain CAST refuses though the validator let it pass: costing the log itself
        # raises as it always did, rather than the pre-aggregate silently reading it as NULL.
        con.execute(f"DROP TABLE {scan.table}")
        return
    con.execute(f"CREATE TEMP TABLE {scan.table}_of AS SELECT sql FROM duckdb_views() WHERE view_name = 'calls'")


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchall()[0][0])


def usage_source(con: duckdb.DuckDBPyConnection) -> str | None:
    """``connect``'s pre-aggregate if it still summarises ``calls`` (None: cost the ``calls`` view itself)."""
    if not _has_table(con, f"{USAGE_TABLE}_of"):
        return None
    same = con.execute(f"SELECT COUNT(*) FROM {USAGE_TABLE}_of o JOIN duckdb_views() v "
                       f"ON v.view_name = 'calls' AND v.sql = o.sql").fetchall()[0][0]
    return USAGE_TABLE if same else None


def attribute(con: duckdb.DuckDBPyConnection, dimensions: Sequence[str] = ()) -> pd.DataFrame:
    """``aggregate_sql`` run on ``con``: one row per group with ``cost_usd_exact`` (Decimal) and ``cost_usd`` (float).

    On a ``connect`` connection it prices the pre-aggregate its validating pass wrote (the same
    totals, to the last digit, as costing the log: ``tests/test_onepass.py``); elsewhere, or once
    ``calls`` has been redefined, the ``calls`` view.
    """
    usage = usage_source(con) if set(dimensions) <= set(USAGE_KEYS) else None  # by hour: read the log
    cur = con.execute(aggregate_sql(dimensions, usage=usage))
    return results_frame([d[0] for d in cur.description], cur.fetchall())


def results_frame(names: Sequence[str], rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """``aggregate_sql``'s result rows, from any engine, as ``attribute`` returns them.

    The micro-dollar sums arrive as exact decimals (DuckDB and Spark both return Python ``Decimal``
    for a DECIMAL column), so the USD figures are exact whichever engine ran the SQL.
    """
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(names))
    exact = [Decimal(0) if v is None else Decimal(v) / MICRO for v in frame["cost_micro_usd"]]
    frame["cost_usd_exact"] = exact
    frame["cost_usd"] = [float(v) for v in exact]
    for col in ("calls", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens",
                "unpriced_calls"):
        frame[col] = calllog.exact_counts(frame[col])  # int64 where every sum fits, exact ints otherwise
    return frame.drop(columns="cost_micro_usd")


def per_call_costs(con: duckdb.DuckDBPyConnection, where: str | None = None,
                   columns: Sequence[str] = ("ts", "day", "tenant", "feature")) -> pd.DataFrame:
    """Every call's ``columns`` and its cost (float USD; NaN if unpriced), in time order.

    Calls at the same microsecond are ordered by every other field, so the order is total and
    a guardrail replayed over it gives the same answer every run.
    """
    filt = f"WHERE {where}" if where else ""
    cur = con.execute(f"WITH priced AS ({PRICED_CALLS_SQL}) SELECT {', '.join(columns)}, "
                      f"CAST(cost_micro_usd AS DOUBLE) / 1000000 AS cost_usd FROM priced {filt} "
                      f"ORDER BY ts, tenant, feature, provider, model, input_tokens, cache_read_tokens, output_tokens")
    return cur.df()


# ---------------------------------------------------------------------------------------------
# A shared self-hosted cluster: token share blended with peak share
# ---------------------------------------------------------------------------------------------
def peak_shares(hourly: pd.DataFrame, *, quantile: float = 0.95, who: str = "tenant", hour: str = "hour",
                load: str = "tokens") -> pd.Series:
    """Each tenant's share of the load in the peak hours: those whose total load is at or above the
    ``quantile`` of hourly totals. Those are the hours a cluster must be sized for."""
    if not 0 <= quantile <= 1:
        raise ValueError("quantile must be within [0, 1]")
    totals = hourly.groupby(hour)[load].sum()
    peak_hours = totals.index[totals >= totals.quantile(quantile)]
    in_peak = hourly[hourly[hour].isin(peak_hours)].groupby(who)[load].sum()
    return (in_peak / in_peak.sum()).reindex(hourly[who].unique(), fill_value=0.0).rename("peak_share")


def blended_shares(token_share: np.ndarray | pd.Series, peak_share: np.ndarray | pd.Series,
                   token_weight: float = 0.7) -> np.ndarray:
    """``token_weight`` x token share + the rest x peak share. Both inputs sum to one, so the blend does too."""
    if not 0 <= token_weight <= 1:
        raise ValueError("token_weight must be within [0, 1]")
    return token_weight * np.asarray(token_share, dtype=float) + (1 - token_weight) * np.asarray(peak_share, dtype=float)


def allocate_shared_cluster(hourly: pd.DataFrame, monthly_cost_usd: float, *, token_weight: float = 0.7,
                            quantile: float = 0.95) -> pd.DataFrame:
    """Split a shared cluster's monthly cost among tenants, by tokens alone and by the token/peak blend.

    ``hourly`` has tenant, hour and tokens. Returns one row per tenant (largest first) with its
    token share, peak share, blended share, the USD each rule charges it and the difference.
    """
    tokens = hourly.groupby("tenant")["tokens"].sum()
    frame = pd.DataFrame({"tokens": tokens, "token_share": tokens / tokens.sum()})
    frame["peak_share"] = peak_shares(hourly, quantile=quantile).reindex(frame.index, fill_value=0.0)
    frame["blended_share"] = blended_shares(frame["token_share"], frame["peak_share"], token_weight)
    frame["usd_by_tokens"] = frame["token_share"] * monthly_cost_usd
    frame["usd_blended"] = frame["blended_share"] * monthly_cost_usd
    frame["usd_difference"] = frame["usd_blended"] - frame["usd_by_tokens"]
    return frame.reset_index().sort_values(["tokens", "tenant"], ascending=[False, True], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Showback and chargeback: the same costs, as information and as an invoice
# ---------------------------------------------------------------------------------------------
def showback(costs: pd.DataFrame, who: str = "tenant") -> pd.DataFrame:
    """Cost per ``who`` with its share of the total: information, nobody is billed, precision to taste."""
    by = costs.groupby(who, sort=False)["cost_usd_exact"].sum()
    total = sum(by, Decimal(0))
    out = pd.DataFrame({who: by.index, "cost_usd": [float(v) for v in by],
                        "share": [float(v / total) if total else 0.0 for v in by]})
    return out.sort_values(["cost_usd", who], ascending=[False, True], kind="stable").reset_index(drop=True)


def round_cents(amount: Decimal) -> Decimal:
    """Half-up to the cent, as an invoice line is."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def chargeback_invoice(costs: pd.DataFrame, markup: float | str | Decimal = 1, *,
                       lines: Sequence[str] = ("tenant", "feature")) -> pd.DataFrame:
    """Invoice lines: exact cost x markup, each line rounded to the cent; unpriced calls block the invoice.

    What changes from showback: every call must be priced (an invoice cannot carry "unknown"),
    amounts are rounded per line (so the tenant's total is the sum of rounded lines, which may
    differ from the rounded exact total by a few cents), and the markup turns cost into price.
    """
    if "unpriced_calls" in costs.columns and int(costs["unpriced_calls"].sum()) > 0:
        raise ValueError(f"{int(costs['unpriced_calls'].sum()):,} calls have no price: an invoice cannot bill them")
    m = Decimal(str(markup))
    if m < 0:
        raise ValueError("markup must be >= 0")
    grouped = costs.groupby(list(lines), sort=True)["cost_usd_exact"].sum()
    out = grouped.reset_index()
    out["billed_usd"] = [round_cents(v * m) for v in grouped]
    out["rounding_usd"] = [b - v * m for b, v in zip(out["billed_usd"], grouped)]
    return out


# ---------------------------------------------------------------------------------------------
# Cost written back onto telemetry
# ---------------------------------------------------------------------------------------------
COST_COLUMNS = (COST_AMOUNT, COST_CURRENCY, COST_SOURCE)


def write_costed_log(in_path: str | Path, out_path: str | Path, prices: pd.DataFrame, *,
                     rules: pd.DataFrame | None = None, source: str | None = None) -> dict[str, int]:
    """Copy a call log to ``out_path`` (Parquet) with each call's cost in three added columns.

    ``gen_ai.usage.cost.amount`` (USD, a double: the exact decimal cost rounded once),
    ``gen_ai.usage.cost.currency`` (``USD``) and ``gen_ai.usage.cost.source`` (which price list,
    and from which date the price row held). These three names come from an OPEN PROPOSAL to the
    OpenTelemetry GenAI semantic conventions; they are not (yet) part of the conventions and may
    be renamed. Columns of those names already in the log are replaced.

    The input is validated first (``connect``): negative or fractional tokens, cached reads and
    writes above the input, reasoning above the output, a model with no price, a call dated
    before its model's price history starts, or a negative price stop the write with an error
    naming file, row, column and reason. A call that needs a price the table leaves blank gets no
    amount (NULL) and a source saying so: never a zero. Rows keep their order and every other column.
    Returns the number of rows written and of unpriced rows.
    """
    out = Path(out_path)
    if out.suffix.lower() != ".parquet":
        raise ValueError(f"{out}: the costed log is written as Parquet (.parquet)")
    con = connect(in_path, prices, rules)
    label = source or f"book prices ({Path(prices.attrs.get('source_file', 'price table')).name})"
    priced = PRICED_CALLS_SQL.replace("SELECT c.ts,", "SELECT c.__row, c.ts,", 1)
    columns = [r[0] for r in con.execute("DESCRIBE calls_raw").fetchall()]
    optional = [c for c in calllog.OPTIONAL_COLUMNS if c in columns]
    con.execute(f"CREATE OR REPLACE VIEW calls AS {calls_view_sql('calls_raw', optional=optional, passthrough=['__row'])}")
    # DuckDB's Parquet reader adds ``file_row_number`` (the row numbering); it is not the log's column.
    added = {"__row"} | ({"file_row_number"} if Path(in_path).suffix.lower() == ".parquet" else set())
    keep = ", ".join(f"r.{calllog._q(c)}" for c in columns if c not in added and c not in COST_COLUMNS)
    lit = label.replace("'", "''")
    query = (f"WITH priced AS ({priced})\n"
             f"SELECT {keep},\n"
             f"  CAST(p.cost_micro_usd AS DOUBLE) / 1000000 AS {calllog._q(COST_AMOUNT)},\n"
             f"  CASE WHEN p.cost_micro_usd IS NULL THEN NULL ELSE '{CURRENCY}' END AS {calllog._q(COST_CURRENCY)},\n"
             f"  CASE WHEN p.cost_micro_usd IS NULL THEN 'unpriced: {lit} states no price for a part of this call'\n"
             f"       WHEN p.price_valid_from IS NULL THEN '{lit}'\n"
             f"       ELSE '{lit}, price valid from ' || CAST(p.price_valid_from AS VARCHAR) END AS {calllog._q(COST_SOURCE)}\n"
             f"FROM calls_raw r JOIN priced p ON r.__row = p.__row ORDER BY r.__row")
    with logread.read_errors(in_path, "while costing it"):  # a corrupt page in a column the validator skips
        table, n_in = con.sql(query).to_arrow_table(), con.execute("SELECT COUNT(*) FROM calls_raw").fetchall()[0][0]
    if table.num_rows != n_in:  # the validator guarantees one price row per call; never drop a call silently
        raise ValueError(f"{in_path}: {n_in - table.num_rows} calls found no price row in force")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(out)
    unpriced = int(table.column(COST_AMOUNT).null_count)
    return {"rows": int(table.num_rows), "unpriced": unpriced}
