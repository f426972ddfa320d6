"""The rules a call log's values must pass before any call is costed, counted first.

Three steps: screens cleared from the Parquet footer (``screen_rules``), one counting pass over the
rest (``count_violations``), and the first offending row and value looked up only for the rules
some row breaks (``first_offenders``): a clean log pays for one pass over its data.
Each broken rule reports the first offending row, its value and how many rows break it, as
``CallLogProblem`` (file, row, column, reason). A token count must be a whole, finite number from
0 to ``MAX_TOKENS_PER_CALL``; the rules follow the column's type (a typed Parquet column skips the
text checks a CSV column needs), so a value past int64, an unsigned 64-bit count, ``inf`` or
``nan`` is refused with its row instead of failing later in a cast or wrapping in a sum.
Cross-column rules (cached reads within the input ...) only look at cells that passed their own
checks, compared as DOUBLE, so an absurd cell is reported once and can never overflow the check.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, NamedTuple

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
                      view: str = "calls_raw", scan: Callable[[dict[str, str]], Any] | None = None) -> int:
    """Check the log registered as ``view``; raise ``DataValidationError`` naming file, row, column, reason.

    ``price_keys`` has ``provider`` (OpenTelemetry name) and ``model`` columns: the calls the book can price.
    Every rule reports its first offending row and how many rows break it. Returns the row count.
    A DuckDB error while scanning (a corrupt Parquet page) is reported on the file, never raised raw.

    ``scan`` (``costing.usage_scan``) maps the log's column types to a ``UsageScan``: the counting pass
    then also groups the log into its pre-aggregate table (``count_and_group``), left in ``con`` for
    the costing to read instead of the log. On a refused log that table means nothing.
    """
    with read_errors(path, "while checking its values"):
        return _validate(con, str(path), price_keys, view, scan)


class Rule(NamedTuple):
    """One check of a cell: the rows where ``condition`` holds break it; ``value`` is what the message shows."""

    column: str
    condition: str  # SQL, true on a row that breaks the rule
    value: str  # SQL, the offending value (formatted into ``reason`` as {value})
    reason: str  # the message, a template with {value}
    # An aggregate of COUNT/MIN/MAX over bare columns that is FALSE only when no row can break the
    # rule; DuckDB answers such aggregates from Parquet's footer statistics without reading a page.
    # None: the rule has no such screen and is always counted.
    screen: str | None = None


def _token_rules(col: str, kind: str) -> tuple[list[Rule], str, str]:
    """A token column's rules, its value as a number, and the condition that the value passed them all."""
    rules: list[Rule] = []
    text = f"CAST({_q(col)} AS VARCHAR)"
    if kind.startswith("VARCHAR"):
        num = f"TRY_CAST({_q(col)} AS DOUBLE)"
        rules.append(Rule(col, f"TRIM({_q(col)}) <> '' AND {num} IS NULL", _q(col), "{value!r} is not a number of tokens"))
    elif kind in _INTEGER_TYPES or kind.startswith(_FLOAT_PREFIXES + ("DECIMAL",)):
        num = _q(col)
    else:
        raise TypeError(kind)
    may_be_nonfinite = kind.startswith(("VARCHAR",) + _FLOAT_PREFIXES)
    finite = f"NOT (isnan({num}) OR isinf({num}))" if may_be_nonfinite else "TRUE"
    if may_be_nonfinite:
        rules.append(Rule(col, f"{num} IS NOT NULL AND NOT ({finite})", text, "{value!r} is not a finite number of tokens"))
    rules.append(Rule(col, f"{finite} AND {num} < 0", text, "{value} tokens: a token count cannot be negative",
                      f"MIN({num}) < 0" if kind in _INTEGER_TYPES else None))
    if kind not in _INTEGER_TYPES:
        rules.append(Rule(col, f"{finite} AND {num} >= 0 AND {num} <> FLOOR({num})", text,
                          "{value} is not a whole number of tokens"))
    rules.append(Rule(col, f"{finite} AND {num} > {MAX_TOKENS_PER_CALL}", text,
                      f"{{value}} tokens is above the ceiling of {MAX_TOKENS_PER_CALL:,} tokens per call "
                      f"(MAX_TOKENS_PER_CALL, ten times the largest context window): a broken or wrapped counter, "
                      f"not usage", f"MAX({num}) > {MAX_TOKENS_PER_CALL}" if kind in _INTEGER_TYPES else None))
    whole = "" if kind in _INTEGER_TYPES else f" AND {num} = FLOOR({num})"
    passed = f"({num} IS NOT NULL AND {finite} AND {num} >= 0 AND {num} <= {MAX_TOKENS_PER_CALL}{whole})"
    return rules, f"CAST({num} AS DOUBLE)", passed


def value_rules(file: str, types: dict[str, str], clean: Collection[str] = ()) -> list[Rule]:
    """Every rule a log with these column ``types`` (DuckDB type names, upper case) must pass.

    The rules follow the column's type: a typed Parquet column skips the text checks a CSV column
    needs. A column of a type no rule can read (a token count held as a date) is refused here.
    ``clean`` names required token columns known to pass their own rules on every row (their
    footer screens cleared them all: ``clean_columns``): the cross-column rules then skip
    re-checking them per row, the same verdicts for a cheaper condition.
    """
    rules: list[Rule] = []
    for col in REQUIRED_COLUMNS:
        text = types[col].startswith("VARCHAR")
        empty = f"{_q(col)} IS NULL" + (f" OR TRIM({_q(col)}) = ''" if text else "")
        # TRIM strips only whitespace, and no whitespace character lies in printable ASCII ('!' to '~'):
        # if every cell's first byte does (MIN >= '!' and MAX < chr(127), compared bytewise), no cell
        # trims to ''. Any other first character sends the rule on to be counted, never assumed.
        screen = f"COUNT(*) > COUNT({_q(col)})" + (f" OR MIN({_q(col)}) < '!' OR MAX({_q(col)}) >= chr(127)"
                                                     if text else "")
        rules.append(Rule(col, empty, "NULL", "is empty", screen))
    if types[COL_TIME].startswith("VARCHAR"):
        rules.append(Rule(COL_TIME, f"TRIM({_q(COL_TIME)}) <> '' AND TRY_CAST({_q(COL_TIME)} AS TIMESTAMP) IS NULL",
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
        if col in clean and col in TOKEN_COLUMNS:
            passed[col] = "TRUE"
    both = f"{passed[COL_CACHE_READ]} AND {passed[COL_INPUT]}"
    rules.append(Rule(COL_CACHE_READ, f"{both} AND {number[COL_CACHE_READ]} > {number[COL_INPUT]}",
                      f"CAST({_q(COL_CACHE_READ)} AS VARCHAR) || ' > ' || CAST({_q(COL_INPUT)} AS VARCHAR)",
                      "cached reads {value} input: input_tokens includes the cached reads (OpenTelemetry convention), "
                      "so they cannot exceed it"))
    if COL_CACHE_WRITE in types:
        # Input includes both cached reads and cache writes: together they cannot exceed it.
        rules.append(Rule(COL_CACHE_WRITE,
                          f"{passed[COL_CACHE_WRITE]} AND {passed[COL_INPUT]} AND ({passed[COL_CACHE_READ]} OR "
                          f"{_q(COL_CACHE_READ)} IS NULL) AND COALESCE({number[COL_CACHE_READ]}, 0) + "
                          f"{number[COL_CACHE_WRITE]} > {number[COL_INPUT]}",
                          f"CAST({_q(COL_CACHE_READ)} AS VARCHAR) || ' + ' || CAST({_q(COL_CACHE_WRITE)} AS VARCHAR) "
                          f"|| ' > ' || CAST({_q(COL_INPUT)} AS VARCHAR)",
                          "cached reads + cache writes {value} input: input_tokens includes both (OpenTelemetry "
                          "convention), so together they cannot exceed it"))
    if COL_REASONING in types:
        rules.append(Rule(COL_REASONING, f"{passed[COL_REASONING]} AND {passed[COL_OUTPUT]} AND "
                                         f"{number[COL_REASONING]} > {number[COL_OUTPUT]}",
                          f"CAST({_q(COL_REASONING)} AS VARCHAR) || ' > ' || CAST({_q(COL_OUTPUT)} AS VARCHAR)",
                          "reasoning tokens {value} output: output_tokens includes reasoning (OpenTelemetry "
                          "convention), so reasoning cannot exceed it"))
    return rules


def clean_columns(file: str, types: dict[str, str], rules: list[Rule], maybe: list[bool]) -> list[str]:
    """The required token columns whose every own rule (emptiness included) has a screen that cleared it:
    every cell of such a column is present, whole and within range, so ``passed`` holds on every row."""
    cleared = {r for r, flag in zip(rules, maybe) if not flag}
    out = []
    for col in TOKEN_COLUMNS:
        try:
            own = _token_rules(col, types[col])[0]
        except TypeError:
            continue
        empty = [r for r in rules if r.column == col and r.reason == "is empty"]
        if all(r in cleared for r in own + empty):
            out.append(col)
    return out


def screen_rules(con: duckdb.DuckDBPyConnection, view: str, rules: list[Rule]) -> list[bool]:
    """For each rule, whether some row MAY break it: one aggregate of the rules' screens.

    A rule without a screen may always be broken. Over a typed Parquet log the screens read only
    the footer's statistics (null counts, minima and maxima), so a clean log's per-column rules cost
    nothing; a screen that says "may" only sends the rule on to be counted.
    """
    screened = [i for i, r in enumerate(rules) if r.screen is not None]
    maybe = [True] * len(rules)
    if screened:
        row = con.execute("SELECT " + ", ".join(f"COALESCE({rules[i].screen}, TRUE)" for i in screened)
                          + f" FROM {view}").fetchall()[0]
        for i, flag in zip(screened, row):
            maybe[i] = bool(flag)
    return maybe


def count_violations(con: duckdb.DuckDBPyConnection, view: str, rules: list[Rule], read: Mapping[str, str] | None = None,
                     price_keys: str | None = None) -> tuple[list[int], int]:
    """How many rows break each rule, and how many calls name an unpriced model: ONE aggregate pass,
    a SUM(CASE ...) per rule, counts only.

    Why counts first: fetching each rule's first offending row and value in the same pass (a MIN
    and an ARG_MIN per rule) cost about 15x the counts on a 10 M-call log, and a clean log, the
    common case, needs none of them; ``first_offenders`` fetches them for the failing rules only.
    (SUM(CASE ...) measured about twice as fast as COUNT(*) FILTER (WHERE ...) here.)

    ``read`` maps each column the costing reads to its DuckDB type: every value of each is read here
    (a cheap MIN), whether or not a counted rule reads it, because DuckDB skips pages no term needs
    (a null test on a column without nulls reads nothing) and a corrupt page must be found here, as
    a message on the file, not later as an engine error. ``price_keys`` is a registered table of
    (provider, model) pairs: calls whose pair is not in it are counted too.
    """
    terms = [f"SUM(CASE WHEN {r.condition} THEN 1 ELSE 0 END)" for r in rules]
    # Read, not reported; strlen because MIN of a string compares whole strings, several times dearer.
    terms += [f"MIN(strlen({_q(c)}))" if kind.startswith("VARCHAR") else f"MIN({_q(c)})" for c, kind in (read or {}).items()]
    source = f"{view} c"
    if price_keys is not None:
        terms.append(f"SUM(CASE WHEN k.model IS NULL AND c.{_q(COL_MODEL)} IS NOT NULL AND c.{_q(COL_PROVIDER)} "
                     f"IS NOT NULL THEN 1 ELSE 0 END)")
        source += (f" LEFT JOIN {price_keys} k ON CAST(c.{_q(COL_PROVIDER)} AS VARCHAR) = k.provider "
                   f"AND CAST(c.{_q(COL_MODEL)} AS VARCHAR) = k.model")
    if not terms:
        return [], 0
    row = con.execute(f"SELECT {', '.join(terms)} FROM {source}").fetchall()[0]
    return [int(v or 0) for v in row[:len(rules)]], (int(row[-1] or 0) if price_keys is not None else 0)


# Rule bits of ``count_and_group``'s BIGINT code, above the costing's 4-bit ``parts`` code: more rules
# than this are counted the plain way.
_PARTS_BITS, _MASK_BITS = 4, 58


def count_and_group(con: duckdb.DuckDBPyConnection, rules: list[Rule], price_keys: str, scan: Any) -> tuple[list[int], int]:
    """``count_violations``'s counts from ONE grouping pass that also writes ``scan.table`` (a ``UsageScan``).

    Why: ``attribute`` would otherwise read the log again to cost it. Each row's broken rules are
    packed as bits into the grouping's ``parts`` key (bit 4 + i: rule i), so a clean log adds no
    group and no aggregate per rule; a rule's count is then the calls of the groups with its bit
    set. The grouping reads every column the costing reads (as keys and sums), so a corrupt page is
    still found here. Unknown models are counted on the groups (a few thousand rows) instead of
    joining every call to the price keys.
    """
    if len(rules) > _MASK_BITS:
        raise ValueError(f"{len(rules)} rules do not fit a {_MASK_BITS}-bit mask")
    bits = [f"(CASE WHEN {r.condition} THEN {1 << (_PARTS_BITS + i)} ELSE 0 END)" for i, r in enumerate(rules)]
    # The rules read the raw columns (inner SELECT); the parts code reads the plain names, so it is
    # computed outside: inside, a log column that happens to bear a plain name (an extra
    # ``input_tokens``) would be read instead of the alias.
    columns = [*scan.columns, f"CAST({' + '.join(bits) or '0'} AS BIGINT) AS __broken"]
    keys = [*scan.keys, f"CAST(({scan.parts}) + __broken AS BIGINT) AS parts"]
    ordinals = ", ".join(str(i + 1) for i in range(len(keys)))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {scan.table} AS SELECT {', '.join(keys)}, {', '.join(scan.sums)}\n"
                f"FROM (SELECT {', '.join(columns)} FROM {scan.source})\nGROUP BY {ordinals}")
    terms = [f"SUM(CASE WHEN (g.parts & {1 << (_PARTS_BITS + i)}) <> 0 THEN g.calls ELSE 0 END)" for i in range(len(rules))]
    terms.append("SUM(CASE WHEN k.model IS NULL AND g.model IS NOT NULL AND g.provider IS NOT NULL THEN g.calls ELSE 0 END)")
    row = con.execute(f"SELECT {', '.join(terms)} FROM {scan.table} g LEFT JOIN {price_keys} k "
                      f"ON g.provider = k.provider AND g.model = k.model").fetchall()[0]
    return [int(v or 0) for v in row[:len(rules)]], int(row[-1] or 0)


def first_offenders(con: duckdb.DuckDBPyConnection, view: str, rules: list[Rule]) -> list[tuple[int, object]]:
    """Each rule's first offending row (``__row``) and its value, in one pass over the log.

    Called with the failing rules only (``count_violations`` said which), so a clean log never pays
    for it; every rule given must have a violation.
    """
    if not rules:
        return []
    selects = ", ".join(f"MIN(__row) FILTER (WHERE {r.condition}), ARG_MIN({r.value}, __row) FILTER (WHERE {r.condition})"
                        for r in rules)
    row = con.execute(f"SELECT {selects} FROM {view}").fetchall()[0]
    return [(int(row[2 * i]), row[2 * i + 1]) for i in range(len(rules))]


def _validate(con: duckdb.DuckDBPyConnection, file: str, price_keys: pd.DataFrame, view: str,
              scan: Callable[[dict[str, str]], Any] | None = None) -> int:
    types = {r[0]: str(r[1]).upper() for r in con.execute(f"DESCRIBE {view}").fetchall()}
    missing = [c for c in REQUIRED_COLUMNS if c not in types]
    if missing:
        raise DataValidationError([CallLogProblem(file, "required column is missing (a call log needs "
                                                  + ", ".join(REQUIRED_COLUMNS) + ")", 0, c) for c in missing])
    # Row count first (Parquet answers it from its footer): an empty log is refused before its types are.
    n = con.execute(f"SELECT COUNT(*) FROM {view}").fetchall()[0][0]
    if n == 0:
        raise DataValidationError([CallLogProblem(file, "the call log has no rows")])
    # Screens (from the footer), then one counting pass over the rules no screen cleared and the
    # price keys, then the first offending row of each rule that has any: a clean log pays one pass.
    rules = value_rules(file, types)
    flags = screen_rules(con, view, rules)
    clean = clean_columns(file, types, rules, flags)
    if clean:  # same rules in the same order; only the cross-column conditions are shorter
        rules = value_rules(file, types, clean)
    maybe = [r for r, flag in zip(rules, flags) if flag]
    read = {c: types[c] for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in types}
    keys = price_keys[["provider", "model"]].drop_duplicates()
    con.register("__price_keys", keys)
    try:
        if scan is not None and len(maybe) <= _MASK_BITS:
            counts, unknown_calls = count_and_group(con, maybe, "__price_keys", scan(types))
        else:
            counts, unknown_calls = count_violations(con, view, maybe, read, "__price_keys")
        failing = [(rule, count) for rule, count in zip(maybe, counts) if count]
        problems: list[Problem] = []
        for (rule, count), (first, value) in zip(failing, first_offenders(con, view, [r for r, _ in failing])):
            more = f" ({count:,} rows in all)" if count > 1 else ""
            problems.append(CallLogProblem(file, rule.reason.format(value=value) + more, first, rule.column))
        unknown = con.execute(
            f"SELECT c.{_q(COL_PROVIDER)}, c.{_q(COL_MODEL)}, MIN(c.__row), COUNT(*) FROM {view} c "
            f"LEFT JOIN __price_keys k ON CAST(c.{_q(COL_PROVIDER)} AS VARCHAR) = k.provider "
            f"AND CAST(c.{_q(COL_MODEL)} AS VARCHAR) = k.model "
            f"WHERE k.model IS NULL AND c.{_q(COL_MODEL)} IS NOT NULL AND c.{_q(COL_PROVIDER)} IS NOT NULL "
            f"GROUP BY 1, 2 ORDER BY 3").fetchall() if unknown_calls else []
    finally:
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
