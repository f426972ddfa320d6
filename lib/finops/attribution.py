"""What each tenant and feature cost: portable costing SQL, a per-call reference, cluster allocation,
showback and chargeback.

Costing rule (the OpenTelemetry usage shape, where input includes cached reads):

    cost = (input_tokens - cache_read_tokens) x input price
         + cache_read_tokens x cached-input price
         + output_tokens x output price                  (prices in USD per million tokens)

A cached read is billed once, at the cached price, never again at the input price. Only the base
rates apply: long-context tiers, batch discounts, off-peak hours and cache writes are not in an
OpenTelemetry call record, so they are not billed here (``lib.costs.api`` prices them for a known request).

Exactness: prices are held as DECIMAL(18,6) and token counts as BIGINT, so tokens x USD-per-million
is an exact decimal number of micro-dollars, and a SUM over any number of calls is exact in DuckDB,
in Spark and in Python's ``Decimal`` alike. Attribution totals therefore equal the sum of per-call
costs to the last digit, whatever the engine's summation order.

A price the table does not state (blank in a price snapshot) leaves the calls that need it unpriced
(NULL / None): they are counted in ``unpriced_calls`` and left out of the USD sums, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from lib.finops import calllog

PRICE_QUANTUM = Decimal("0.000001")  # prices are held to a millionth of a dollar per million tokens
MICRO = Decimal(1_000_000)
CENT = Decimal("0.01")
PRICE_COLUMNS = ("input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok")
DIMENSIONS = ("tenant", "feature", "provider", "model", "day", "hour")


# ---------------------------------------------------------------------------------------------
# Prices
# ---------------------------------------------------------------------------------------------
def to_price(value: object) -> Decimal | None:
    """A price as an exact Decimal to six places, or None when it is not stated (blank / NaN)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or (not isinstance(value, Decimal) and pd.isna(value)):
        return None
    text = repr(float(value)) if isinstance(value, (float, np.floating)) else str(value)
    return Decimal(text).quantize(PRICE_QUANTUM, rounding=ROUND_HALF_UP)


def price_table(prices: pd.DataFrame) -> pd.DataFrame:
    """The prices calls are costed at: the book's row per (provider, model), keyed by OpenTelemetry provider name.

    Columns: provider (gen_ai.provider.name), book_provider, model, and the three prices as
    six-place decimal strings (None where blank), which both DuckDB and Spark cast to DECIMAL exactly.
    """
    rows = prices[prices["book_uses"]] if "book_uses" in prices.columns else prices
    out = pd.DataFrame({
        # A provider a price feed adds without an OpenTelemetry name is keyed by its name in lower case.
        "provider": [calllog.OTEL_PROVIDER.get(p, str(p).lower()) for p in rows["provider"]],
        "book_provider": rows["provider"].astype(str),
        "model": rows["model"].astype(str),
    })
    for col in PRICE_COLUMNS:
        out[col] = [None if (d := to_price(v)) is None else str(d) for v in rows[col]]
    out = out.reset_index(drop=True)
    dup = out.duplicated(["provider", "model"], keep=False)
    if dup.any():
        raise ValueError(f"more than one price row for {sorted(set(zip(out.loc[dup, 'provider'], out.loc[dup, 'model'])))}")
    return out


def call_cost_usd(input_tokens: int, output_tokens: int, cache_read_tokens: int = 0, *,
                  input_usd_per_mtok: object, output_usd_per_mtok: object,
                  cached_input_usd_per_mtok: object = None) -> Decimal | None:
    """One call's cost in USD, exactly, the plain way: the reference the SQL is tested against.

    ``input_tokens`` INCLUDES the cached reads (OpenTelemetry convention). A part with zero tokens
    costs zero even if its price is not stated; a part with tokens and no price makes the call
    unpriced (None).
    """
    inp, out, cached = int(input_tokens), int(output_tokens), int(cache_read_tokens)
    if min(inp, out, cached) < 0:
        raise ValueError("token counts must be >= 0")
    if cached > inp:
        raise ValueError(f"cache_read_tokens ({cached}) cannot exceed input_tokens ({inp}), which include them")
    total = Decimal(0)
    for tokens, price in ((inp - cached, input_usd_per_mtok), (cached, cached_input_usd_per_mtok),
                          (out, output_usd_per_mtok)):
        if tokens == 0:
            continue
        rate = to_price(price)
        if rate is None:
            return None
        total += tokens * rate
    return total / MICRO  # exact: the quotient of a six-place decimal by 10**6 has twelve places


# ---------------------------------------------------------------------------------------------
# The costing SQL: one place, portable (DuckDB here; the same text runs on Spark SQL)
# ---------------------------------------------------------------------------------------------
def calls_view_sql(source: str, quote: str = '"') -> str:
    """SELECT that renames a raw log's OpenTelemetry columns to the plain names the costing SQL reads.

    ``source`` is a table or view name; ``quote`` is the engine's identifier quote ('"' for DuckDB,
    '`' for Spark), the only dialect difference, confined here.
    """
    def q(name: str) -> str:
        return quote + name + quote
    casts = {calllog.COL_TIME: "TIMESTAMP", calllog.COL_TENANT: "STRING", calllog.COL_FEATURE: "STRING",
             calllog.COL_PROVIDER: "STRING", calllog.COL_MODEL: "STRING", calllog.COL_INPUT: "BIGINT",
             calllog.COL_CACHE_READ: "BIGINT", calllog.COL_OUTPUT: "BIGINT"}
    cols = ",\n       ".join(f"CAST({q(src)} AS {casts[src]}) AS {plain}" for src, plain in calllog.PLAIN_NAMES.items())
    return f"SELECT {cols}\nFROM {source}"


def prices_view_sql(source: str) -> str:
    """SELECT that turns a ``price_table`` frame (registered as ``source``) into the ``prices`` table the
    costing SQL joins: the three prices as DECIMAL(18,6), cast from their exact decimal strings."""
    casts = ", ".join(f"CAST({c} AS DECIMAL(18,6)) AS {c}" for c in PRICE_COLUMNS)
    return f"SELECT provider, book_provider, model, {casts}\nFROM {source}"


def _part(tokens: str, price: str) -> str:
    # Zero tokens cost zero even where the price is not stated (NULL); otherwise tokens x price.
    return f"CASE WHEN {tokens} = 0 THEN CAST(0 AS DECIMAL(18,6)) ELSE {tokens} * {price} END"


PRICED_CALLS_SQL = f"""SELECT c.ts, c.tenant, c.feature, c.provider, c.model,
       CAST(c.ts AS DATE) AS day, date_trunc('hour', c.ts) AS hour,
       c.input_tokens, c.cache_read_tokens, c.output_tokens,
       {_part('(c.input_tokens - c.cache_read_tokens)', 'p.input_usd_per_mtok')}
       + {_part('c.cache_read_tokens', 'p.cached_input_usd_per_mtok')}
       + {_part('c.output_tokens', 'p.output_usd_per_mtok')} AS cost_micro_usd
FROM calls c
JOIN prices p ON c.provider = p.provider AND c.model = p.model"""
"""Every call with its exact cost in micro-dollars (tokens x USD per million tokens).

Reads two tables: ``calls`` (plain names, see ``calls_view_sql``) and ``prices`` (provider, model and
the three prices as DECIMAL(18,6), see ``price_table``)."""


UNPRICED_MODELS_SQL = """SELECT c.provider, c.model, COUNT(*) AS calls
FROM calls c
LEFT JOIN prices p ON c.provider = p.provider AND c.model = p.model
WHERE p.model IS NULL
GROUP BY c.provider, c.model
ORDER BY c.provider, c.model"""
"""(provider, model) pairs in the log that the price table does not have: the inner join of
``PRICED_CALLS_SQL`` would drop their calls, so an engine that does not run the DuckDB validator
(Spark) runs this first and refuses the log if it returns a row."""


def aggregate_sql(dimensions: Sequence[str] = ()) -> str:
    """Calls, tokens and exact cost grouped by any of ``DIMENSIONS`` (none: one row of totals).

    Why tokens are summed before they are priced: one price applies to every call of a
    (provider, model), so the sum of tokens x price equals price x the sum of tokens, exactly, and
    the join and the DECIMAL arithmetic then run once per group instead of once per call (about
    twice as fast on DuckDB at 10 M calls; far more on Spark, whose wide decimals are slow). The
    per-call rule is kept: calls are also grouped by which of their three parts have tokens, so a
    part with tokens and no price leaves exactly those calls unpriced, as ``PRICED_CALLS_SQL`` and
    ``call_cost_usd`` do call by call.
    """
    bad = [d for d in dimensions if d not in DIMENSIONS]
    if bad:
        raise ValueError(f"unknown dimensions {bad}; choose from {DIMENSIONS}")
    dims = ", ".join(dimensions)
    keys = ", ".join([*dimensions, *(k for k in ("provider", "model") if k not in dimensions)])
    select_dims = f"{dims},\n       " if dims else ""
    group = f"\nGROUP BY {dims}\nORDER BY {dims}" if dims else ""
    cost = (f"{_part('u.fresh_tokens', 'p.input_usd_per_mtok')}\n"
            f"       + {_part('u.cache_read_tokens', 'p.cached_input_usd_per_mtok')}\n"
            f"       + {_part('u.output_tokens', 'p.output_usd_per_mtok')}")
    return (f"WITH dated AS (\n"
            f"SELECT c.*, CAST(c.ts AS DATE) AS day, date_trunc('hour', c.ts) AS hour FROM calls c\n"
            f"), usage AS (\n"
            f"SELECT {keys}, COUNT(*) AS calls, SUM(input_tokens) AS input_tokens,\n"
            f"       SUM(cache_read_tokens) AS cache_read_tokens, SUM(output_tokens) AS output_tokens,\n"
            f"       SUM(input_tokens - cache_read_tokens) AS fresh_tokens\n"
            f"FROM dated\n"
            f"GROUP BY {keys}, input_tokens > cache_read_tokens, cache_read_tokens > 0, output_tokens > 0\n"
            f"), priced AS (\n"
            f"SELECT u.*,\n       {cost} AS cost_micro_usd\n"
            f"FROM usage u\n"
            f"JOIN prices p ON u.provider = p.provider AND u.model = p.model\n"
            f")\n"
            f"SELECT {select_dims}SUM(calls) AS calls, SUM(input_tokens) AS input_tokens,\n"
            f"       SUM(cache_read_tokens) AS cache_read_tokens, SUM(output_tokens) AS output_tokens,\n"
            f"       SUM(cost_micro_usd) AS cost_micro_usd,\n"
            f"       SUM(CASE WHEN cost_micro_usd IS NULL THEN calls ELSE 0 END) AS unpriced_calls\n"
            f"FROM priced{group}")


# ---------------------------------------------------------------------------------------------
# Running it on DuckDB
# ---------------------------------------------------------------------------------------------
def connect(call_log: str | Path, prices: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the validated log as ``calls`` and the book's prices as ``prices``.

    The Parquet file is read in place on every query (nothing is loaded up front). A malformed log
    raises ``DataValidationError`` naming file, row, column and reason.
    """
    con = duckdb.connect()
    # No progress bar: in a notebook it becomes a widget output, and outputs must be deterministic.
    con.execute("SET enable_progress_bar = false")
    table = price_table(prices)
    calllog.register_raw_log(con, call_log)
    calllog.validate_call_log(con, call_log, table)
    con.register("__prices_text", table)
    con.execute(f"CREATE TABLE prices AS {prices_view_sql('__prices_text')}")
    con.unregister("__prices_text")
    con.execute(f"CREATE VIEW calls AS {calls_view_sql('calls_raw')}")
    return con


def attribute(con: duckdb.DuckDBPyConnection, dimensions: Sequence[str] = ()) -> pd.DataFrame:
    """``aggregate_sql`` run on ``con``: one row per group with ``cost_usd_exact`` (Decimal) and ``cost_usd`` (float)."""
    cur = con.execute(aggregate_sql(dimensions))
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
    for col in ("calls", "input_tokens", "cache_read_tokens", "output_tokens", "unpriced_calls"):
        frame[col] = frame[col].fillna(0).astype("int64")
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
