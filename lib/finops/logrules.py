"""The rules a call log's values must pass before any call is costed, checked in one SQL pass.

Each rule reports the first offending row, its value and how many rows break it, as
``CallLogProblem`` (file, row, column, reason). A token count must be a whole, finite number from
0 to ``MAX_TOKENS_PER_CALL``; the rules follow the column's type (a typed Parquet column skips the
text checks a CSV column needs), so a value past int64, an unsigned 64-bit count, ``inf`` or
``nan`` is refused with its row instead of failing later in a cast or wrapping in a sum.
Cross-column rules (cached reads within the input ...) only look at cells that passed their own
checks, compared as DOUBLE, so an absurd cell is reported once and can never overflow the check.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from lib.data.validation import DataValidationError, Problem
from lib.finops.logread import read_errors
from lib.finops.logschema import (COL_CACHE_READ, COL_CACHE_WRITE, COL_INPUT, COL_MODEL, COL_OUTPUT, COL_PROVIDER,
                                  COL_REASONING, COL_TIME, MAX_TOKENS_PER_CALL, OPTIONAL_COLUMNS, REQUIRED_COLUMNS,
                                  TOKEN_COLUMNS, CallLogProblem, _q)

_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                  "UBIGINT", "UHUGEINT"}
_FLOAT_PREFIXES = ("DOUBLE", "FLOAT", "REAL")


_PLAIN_TOKENS = ("input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens")
OVER_CEILING_SQL = (f"SELECT COUNT(*) AS calls, MAX(GREATEST({', '.join(_PLAIN_TOKENS)})) AS largest\nFROM calls\n"
                    f"WHERE " + " OR ".join(f"{c} > {MAX_TOKENS_PER_CALL}" for c in _PLAIN_TOKENS))
"""How many calls of the costing view ``calls`` (plain names, ``attribution.calls_view_sql``) hold a
token count above ``MAX_TOKENS_PER_CALL``, and the largest such count: portable SQL for an engine
that does not run this validator (Spark), which refuses the log if ``calls`` is not 0."""


def validate_call_log(con: duckdb.DuckDBPyConnection, path: str | Path, price_keys: pd.DataFrame,
                      view: str = "calls_raw") -> int:
    """Check the log registered as ``view``; raise ``DataValidationError`` naming file, row, column, reason.

    ``price_keys`` has ``provider`` (OpenTelemetry name) and ``model`` columns: the calls the book can price.
    Every rule reports its first offending row and how many rows break it. Returns the row count.
    A DuckDB error while scanning (a corrupt Parquet page) is reported on the file, never raised raw.
    """
    with read_errors(path, "while checking its values"):
        return _validate(con, str(path), price_keys, view)


def _token_rules(col: str, kind: str) -> tuple[list[tuple[str, str, str, str]], str, str]:
    """A token column's rules, its value as a number, and the condition that the value passed them all."""
    rules: list[tuple[str, str, str, str]] = []
    text = f"CAST({_q(col)} AS VARCHAR)"
    if kind.startswith("VARCHAR"):
        num = f"TRY_CAST({_q(col)} AS DOUBLE)"
        rules.append((col, f"TRIM({_q(col)}) <> '' AND {num} IS NULL", _q(col), "{value!r} is not a number of tokens"))
    elif kind in _INTEGER_TYPES or kind.startswith(_FLOAT_PREFIXES + ("DECIMAL",)):
        num = _q(col)
    else:
        raise TypeError(kind)
    may_be_nonfinite = kind.startswith(("VARCHAR",) + _FLOAT_PREFIXES)
    finite = f"NOT (isnan({num}) OR isinf({num}))" if may_be_nonfinite else "TRUE"
    if may_be_nonfinite:
        rules.append((col, f"{num} IS NOT NULL AND NOT ({finite})", text, "{value!r} is not a finite number of tokens"))
    rules.append((col, f"{finite} AND {num} < 0", text, "{value} tokens: a token count cannot be negative"))
    if kind not in _INTEGER_TYPES:
        rules.append((col, f"{finite} AND {num} >= 0 AND {num} <> FLOOR({num})", text,
                      "{value} is not a whole number of tokens"))
    rules.append((col, f"{finite} AND {num} > {MAX_TOKENS_PER_CALL}", text,
                  f"{{value}} tokens is above the ceiling of {MAX_TOKENS_PER_CALL:,} tokens per call "
                  f"(MAX_TOKENS_PER_CALL, ten times the largest context window): a broken or wrapped counter, "
                  f"not usage"))
    whole = "" if kind in _INTEGER_TYPES else f" AND {num} = FLOOR({num})"
    passed = f"({num} IS NOT NULL AND {finite} AND {num} >= 0 AND {num} <= {MAX_TOKENS_PER_CALL}{whole})"
    return rules, f"CAST({num} AS DOUBLE)", passed


def _validate(con: duckdb.DuckDBPyConnection, file: str, price_keys: pd.DataFrame, view: str) -> int:
    columns = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise DataValidationError([CallLogProblem(file, "required column is missing (a call log needs "
                                                  + ", ".join(REQUIRED_COLUMNS) + ")", 0, c) for c in missing])
    n = con.execute(f"SELECT COUNT(*) FROM {view}").fetchall()[0][0]
    if n == 0:
        raise DataValidationError([CallLogProblem(file, "the call log has no rows")])

    # One pass: for each rule, how many rows break it, the first such row, and its value. The rules
    # follow the column's type: a typed Parquet column skips the text checks a CSV column needs.
    types = {r[0]: str(r[1]).upper() for r in con.execute(f"DESCRIBE {view}").fetchall()}
    rules: list[tuple[str, str, str, str]] = []  # (column, condition, value expression, reason template)
    for col in REQUIRED_COLUMNS:
        text = types[col].startswith("VARCHAR")
        empty = f"{_q(col)} IS NULL" + (f" OR TRIM({_q(col)}) = ''" if text else "")
        rules.append((col, empty, "NULL", "is empty"))
    if types[COL_TIME].startswith("VARCHAR"):
        rules.append((COL_TIME, f"TRIM({_q(COL_TIME)}) <> '' AND TRY_CAST({_q(COL_TIME)} AS TIMESTAMP) IS NULL",
                      _q(COL_TIME), "{value!r} is not a timestamp"))
    elif not types[COL_TIME].startswith(("TIMESTAMP", "DATE")):
        raise DataValidationError([CallLogProblem(file, f"holds {types[COL_TIME]}, not timestamps", 0, COL_TIME)])
    present_optional = [c for c in OPTIONAL_COLUMNS if c in types]
    number: dict[str, str] = {}  # column -> its value as DOUBLE, for the cross-column rules
    passed: dict[str, str] = {}  # column -> the condition that its cell passed its own rules
    for col in TOKEN_COLUMNS + tuple(present_optional):
        try:
            own, number[col], passed[col] = _token_rules(col, types[col])
        except TypeError:
            raise DataValidationError([CallLogProblem(file, f"holds {types[col]}, not token counts", 0, col)]) from None
        rules += own
    both = f"{passed[COL_CACHE_READ]} AND {passed[COL_INPUT]}"
    rules.append((COL_CACHE_READ, f"{both} AND {number[COL_CACHE_READ]} > {number[COL_INPUT]}",
                  f"CAST({_q(COL_CACHE_READ)} AS VARCHAR) || ' > ' || CAST({_q(COL_INPUT)} AS VARCHAR)",
                  "cached reads {value} input: input_tokens includes the cached reads (OpenTelemetry convention), "
                  "so they cannot exceed it"))
    if COL_CACHE_WRITE in types:
        # Input includes both cached reads and cache writes: together they cannot exceed it.
        rules.append((COL_CACHE_WRITE,
                      f"{passed[COL_CACHE_WRITE]} AND {passed[COL_INPUT]} AND ({passed[COL_CACHE_READ]} OR "
                      f"{_q(COL_CACHE_READ)} IS NULL) AND COALESCE({number[COL_CACHE_READ]}, 0) + "
                      f"{number[COL_CACHE_WRITE]} > {number[COL_INPUT]}",
                      f"CAST({_q(COL_CACHE_READ)} AS VARCHAR) || ' + ' || CAST({_q(COL_CACHE_WRITE)} AS VARCHAR) "
                      f"|| ' > ' || CAST({_q(COL_INPUT)} AS VARCHAR)",
                      "cached reads + cache writes {value} input: input_tokens includes both (OpenTelemetry "
                      "convention), so together they cannot exceed it"))
    if COL_REASONING in types:
        rules.append((COL_REASONING, f"{passed[COL_REASONING]} AND {passed[COL_OUTPUT]} AND "
                                     f"{number[COL_REASONING]} > {number[COL_OUTPUT]}",
                      f"CAST({_q(COL_REASONING)} AS VARCHAR) || ' > ' || CAST({_q(COL_OUTPUT)} AS VARCHAR)",
                      "reasoning tokens {value} output: output_tokens includes reasoning (OpenTelemetry "
                      "convention), so reasoning cannot exceed it"))
    selects = ", ".join(f"COUNT(*) FILTER (WHERE {cond}), MIN(__row) FILTER (WHERE {cond}), "
                        f"ARG_MIN({value}, __row) FILTER (WHERE {cond})" for _, cond, value, _ in rules)
    row = con.execute(f"SELECT {selects} FROM {view}").fetchall()[0]
    problems: list[Problem] = []
    for i, (col, _, _, reason) in enumerate(rules):
        count, first, value = row[3 * i: 3 * i + 3]
        if count:
            more = f" ({count:,} rows in all)" if count > 1 else ""
            problems.append(CallLogProblem(file, reason.format(value=value) + more, int(first), col))

    keys = price_keys[["provider", "model"]].drop_duplicates()
    con.register("__price_keys", keys)
    unknown = con.execute(
        f"SELECT c.{_q(COL_PROVIDER)}, c.{_q(COL_MODEL)}, MIN(c.__row), COUNT(*) FROM {view} c "
        f"LEFT JOIN __price_keys k ON CAST(c.{_q(COL_PROVIDER)} AS VARCHAR) = k.provider "
        f"AND CAST(c.{_q(COL_MODEL)} AS VARCHAR) = k.model "
        f"WHERE k.model IS NULL AND c.{_q(COL_MODEL)} IS NOT NULL AND c.{_q(COL_PROVIDER)} IS NOT NULL "
        f"GROUP BY 1, 2 ORDER BY 3").fetchall()
    con.unregister("__price_keys")
    for provider, model, first, count in unknown:
        known_for_provider = sorted(keys.loc[keys["provider"] == provider, "model"])
        hint = (f"; priced models at {provider}: {', '.join(known_for_provider)}" if known_for_provider
                else f"; known providers: {', '.join(sorted(keys['provider'].unique()))}")
        more = f" ({count:,} rows in all)" if count > 1 else ""
        problems.append(CallLogProblem(file, f"unknown model '{model}' at provider '{provider}': it has no "
                                       f"price in the price table{hint}{more}", int(first), COL_MODEL))
    if "valid_from" in price_keys.columns and price_keys["valid_from"].notna().any():
        # A price history: every call must fall on or after the first date its model has a price.
        first = (price_keys.dropna(subset=["valid_from"]).groupby(["provider", "model"], as_index=False)["valid_from"]
                 .min())
        first = first.merge(price_keys[price_keys["valid_from"].isna()][["provider", "model"]].drop_duplicates(),
                            on=["provider", "model"], how="left", indicator=True)
        first = first[first["_merge"] == "left_only"][["provider", "model", "valid_from"]].astype(str)
        con.register("__price_first", first)
        early = con.execute(
            f"SELECT c.{_q(COL_PROVIDER)}, c.{_q(COL_MODEL)}, k.valid_from, MIN(c.__row), COUNT(*), "
            f"ARG_MIN(CAST(CAST(c.{_q(COL_TIME)} AS TIMESTAMP) AS DATE), c.__row) FROM {view} c "
            f"JOIN __price_first k ON CAST(c.{_q(COL_PROVIDER)} AS VARCHAR) = k.provider "
            f"AND CAST(c.{_q(COL_MODEL)} AS VARCHAR) = k.model "
            f"WHERE CAST(CAST(c.{_q(COL_TIME)} AS TIMESTAMP) AS DATE) < CAST(k.valid_from AS DATE) "
            f"GROUP BY 1, 2, 3 ORDER BY 4").fetchall() if not problems else []
        con.unregister("__price_first")
        for provider, model, valid_from, first_row, count, day in early:
            more = f" ({count:,} rows in all)" if count > 1 else ""
            problems.append(CallLogProblem(file, f"no price in force for '{model}' at '{provider}' on {day}: "
                                           f"its price history starts on {valid_from}{more}", int(first_row), COL_TIME))
    if problems:
        raise DataValidationError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return int(n)
