"""A call log's column names, the ceiling on a token count, and the problem a bad log reports.

The columns are documented in ``lib.finops.calllog`` (which re-exports every name here); this
module holds them apart so that the generator (``calllog``), the reader (``logread``) and the
validator (``logrules``) can share them without importing one another.
"""

from __future__ import annotations

import pandas as pd

from lib.data.validation import Problem

COL_TIME = "timestamp"
COL_TENANT = "tenant"
COL_FEATURE = "feature"
COL_PROVIDER = "gen_ai.provider.name"
COL_MODEL = "gen_ai.request.model"
COL_INPUT = "gen_ai.usage.input_tokens"
COL_CACHE_READ = "gen_ai.usage.cache_read.input_tokens"
COL_OUTPUT = "gen_ai.usage.output_tokens"
COL_CACHE_WRITE = "gen_ai.usage.cache_creation.input_tokens"
COL_REASONING = "gen_ai.usage.reasoning.output_tokens"
OPTIONAL_COLUMNS = (COL_CACHE_WRITE, COL_REASONING)
REQUIRED_COLUMNS = (COL_TIME, COL_TENANT, COL_FEATURE, COL_PROVIDER, COL_MODEL, COL_INPUT, COL_CACHE_READ, COL_OUTPUT)
TOKEN_COLUMNS = (COL_INPUT, COL_CACHE_READ, COL_OUTPUT)

# Plain names the portable costing SQL uses: Spark and DuckDB quote dotted names differently,
# so each engine renames once (``calls_view_sql``) and the costing SQL never sees a dot.
PLAIN_NAMES = {COL_TIME: "ts", COL_TENANT: "tenant", COL_FEATURE: "feature", COL_PROVIDER: "provider",
               COL_MODEL: "model", COL_INPUT: "input_tokens", COL_CACHE_READ: "cache_read_tokens",
               COL_OUTPUT: "output_tokens"}
# The optional columns' plain names; a log without them gets zeros (``attribution.calls_view_sql``).
OPTIONAL_PLAIN_NAMES = {COL_CACHE_WRITE: "cache_write_tokens", COL_REASONING: "reasoning_tokens"}

# The most tokens one count of one call (its input, its output, or any part of them) may hold.
# Why 100 million: the largest context window any model advertises is 10 M tokens (Llama 4 Scout),
# and a call's input and output together fit in its window, so a count ten times that is a broken
# exporter (a counter that wrapped, a sentinel such as 2**63 - 1), not usage. And low enough that
# sums stay far from overflow in every type the book sums in: an int64 (Spark's SUM of a BIGINT)
# holds 92 billion calls at the ceiling in one group; DuckDB sums BIGINT into a 128-bit HUGEINT and
# costs in DECIMAL(38,6), and pandas results keep exact Python ints (``attribution.results_frame``).
# 1e8 is also exact as a double, so the CSV path can compare text cells to it as DOUBLE.
MAX_TOKENS_PER_CALL = 100_000_000


class CallLogProblem(Problem):
    """A problem in a call log; a Parquet file has rows but no text lines, so only CSV names a line."""

    def __str__(self) -> str:
        if self.file.lower().endswith(".csv"):
            return super().__str__()
        where = [self.file] + ([f"row {self.row}"] if self.row is not None else []) + (
            [f"column '{self.column}'"] if self.column is not None else [])
        return ", ".join(where) + f": {self.reason}"


def exact_counts(values: pd.Series) -> pd.Series:
    """Summed counts as an int64 column where every value fits, else as exact Python ints: never wrapped.

    DuckDB sums BIGINT into HUGEINT (128 bits) and Spark's decimals are wider than int64, so a total
    can exceed int64 even when every call is under the ceiling; numpy's int64 would wrap it negative
    or refuse it. A missing sum (no rows in the group) is 0.
    """
    exact = [0 if v is None or v != v else int(v) for v in values]
    fits = all(-(2**63) <= v < 2**63 for v in exact)
    return pd.Series(exact, index=values.index, dtype="int64" if fits else object, name=values.name)


def _q(name: str) -> str:
    """``name`` as a DuckDB identifier, quoted (the OpenTelemetry names have dots)."""
    return '"' + name.replace('"', '""') + '"'


def _sql_string(text: str) -> str:
    return text.replace("'", "''")
