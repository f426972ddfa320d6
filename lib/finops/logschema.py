"""A call log's column names and the problem a bad log reports.

The columns are documented in ``lib.finops.calllog`` (which re-exports every name here); this
module holds them apart so that the generator (``calllog``), the reader (``logread``) and the
validator (``logrules``) can share them without importing one another.
"""

from __future__ import annotations

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

class CallLogProblem(Problem):
    """A problem in a call log; a Parquet file has rows but no text lines, so only CSV names a line."""

    def __str__(self) -> str:
        if self.file.lower().endswith(".csv"):
            return super().__str__()
        where = [self.file] + ([f"row {self.row}"] if self.row is not None else []) + (
            [f"column '{self.column}'"] if self.column is not None else [])
        return ", ".join(where) + f": {self.reason}"


def _q(name: str) -> str:
    """``name`` as a DuckDB identifier, quoted (the OpenTelemetry names have dots)."""
    return '"' + name.replace('"', '""') + '"'


def _sql_string(text: str) -> str:
    return text.replace("'", "''")
