"""Hostile call logs (issue 22, items 5 and 8): real malformed CSV and Parquet files, each refused with
its file, row, column and reason, never a DuckDB or Arrow traceback, and nothing written.

Also the arithmetic: a token count above ``MAX_TOKENS_PER_CALL`` is refused (two calls of
int64-maximum tokens once summed to a negative total and a $55 trillion bill), and the sums the
book takes cannot wrap, even past int64.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib.data import tables
from lib.data.validation import DataValidationError
from lib.finops import attribution, calllog

PRICES = tables.load_api_prices("data/api_prices.csv")
HEADER = list(calllog.REQUIRED_COLUMNS)
GOOD = ["2026-05-01 09:00:00", "Acme", "chat", "openai", "GPT-5", "10000", "4000", "500"]
INT64_MAX = 2**63 - 1
MAX = calllog.MAX_TOKENS_PER_CALL


def _gpt5_cost(inp: int, out: int, cached: int = 0) -> Decimal:
    row = attribution.price_table(PRICES).set_index(["provider", "model"]).loc[("openai", "GPT-5")]
    return attribution.call_cost_usd(inp, out, cached, **{c: row[c] for c in attribution.PRICE_COLUMNS})


def _csv(tmp_path: Path, *rows: list[str] | bytes, header: list[str] = HEADER, name: str = "log.csv") -> Path:
    lines = [",".join(header).encode()] + [r if isinstance(r, bytes) else ",".join(r).encode() for r in rows]
    path = tmp_path / name
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _row(**cells: str) -> list[str]:
    """GOOD with some cells replaced, by column name."""
    out = list(GOOD)
    for col, value in cells.items():
        out[HEADER.index({"input": calllog.COL_INPUT, "cached": calllog.COL_CACHE_READ,
                          "output": calllog.COL_OUTPUT, "tenant": calllog.COL_TENANT}[col])] = value
    return out


def _parquet(tmp_path: Path, n: int = 20, name: str = "log.parquet", **columns: pa.Array) -> Path:
    """A seeded log of ``n`` calls with some columns replaced (by OpenTelemetry name) or added."""
    table = calllog.generate_call_log(n, seed=3)
    for col, array in columns.items():
        i = table.schema.get_field_index(col)
        table = table.set_column(i, col, array) if i >= 0 else table.append_column(col, array)
    path = tmp_path / name
    pq.write_table(table, path)
    return path


def _refused(tmp_path: Path, path: Path) -> list:
    """The problems ``write_costed_log`` refuses ``path`` with; asserts that nothing was written."""
    out_dir = tmp_path / "out"
    with pytest.raises(DataValidationError) as info:
        attribution.write_costed_log(path, out_dir / "costed.parquet", PRICES)
    assert not out_dir.exists(), list(out_dir.rglob("*"))
    text = str(info.value)
    assert "Traceback" not in text and "LINE 1" not in text and "SELECT" not in text, text  # no engine echo
    assert all(p.file == str(path) for p in info.value.problems)
    return info.value.problems


def _named(problems: list, path: Path, row: int | None, column: str | None, reason: str) -> str:
    """The problem at (row, column) whose reason holds ``reason``; its message names all four."""
    hits = [p for p in problems if p.row == row and p.column == column and reason in p.reason]
    assert hits, [str(p) for p in problems]
    text = str(hits[0])
    assert text.startswith(str(path)) and reason in text
    if row is not None:
        assert f"row {row}" in text
    if column is not None:
        assert f"column '{column}'" in text
    return text


# --------------------------------------------------------------------------- the ceiling and the sums
@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_two_int64_max_calls_are_refused_by_the_ceiling(tmp_path, kind):
    big = str(INT64_MAX)
    if kind == "csv":
        path = _csv(tmp_path, GOOD, _row(input=big, cached="0", output=big), _row(input=big, cached="0", output=big))
        first = 2
    else:
        inp = np.full(20, 1_000, dtype=np.int64)
        out = np.full(20, 100, dtype=np.int64)
        inp[[4, 9]] = out[[4, 9]] = INT64_MAX
        path = _parquet(tmp_path, **{calllog.COL_INPUT: pa.array(inp), calllog.COL_OUTPUT: pa.array(out),
                                     calllog.COL_CACHE_READ: pa.array(np.zeros(20, np.int64))})
        first = 5
    problems = _refused(tmp_path, path)
    for col in (calllog.COL_INPUT, calllog.COL_OUTPUT):
        text = _named(problems, path, first, col, f"{big} tokens is above the ceiling of {MAX:,} tokens per call")
        assert "(2 rows in all)" in text
    assert len(problems) == 2, [str(p) for p in problems]


def test_the_ceiling_is_inclusive(tmp_path):
    at = _csv(tmp_path, _row(input=str(MAX), cached="0", output=str(MAX)), name="at.csv")
    total = attribution.attribute(attribution.connect(at, PRICES)).iloc[0]
    assert total["input_tokens"] == MAX and total["cost_usd_exact"] == _gpt5_cost(MAX, MAX)
    over = _csv(tmp_path, _row(input=str(MAX + 1), cached="0"), name="over.csv")
    _named(_refused(tmp_path, over), over, 1, calllog.COL_INPUT, "above the ceiling")


def test_many_calls_at_the_ceiling_sum_exactly(tmp_path):
    n = 200_000  # 2 x 10**13 tokens: every sum exact, to the token and the micro-dollar
    table = pa.table({calllog.COL_TIME: pa.array(np.full(n, np.datetime64("2026-05-01T09:00", "us"))),
                      calllog.COL_TENANT: ["Acme"] * n, calllog.COL_FEATURE: ["chat"] * n,
                      calllog.COL_PROVIDER: ["openai"] * n, calllog.COL_MODEL: ["GPT-5"] * n,
                      calllog.COL_INPUT: np.full(n, MAX, np.int64),
                      calllog.COL_CACHE_READ: np.full(n, MAX // 2, np.int64),
                      calllog.COL_OUTPUT: np.full(n, MAX, np.int64)})
    path = tmp_path / "ceiling.parquet"
    pq.write_table(table, path)
    total = attribution.attribute(attribution.connect(path, PRICES)).iloc[0]
    assert total["input_tokens"] == n * MAX and total["output_tokens"] == n * MAX
    assert total["cost_usd_exact"] == n * _gpt5_cost(MAX, MAX, MAX // 2)


def test_token_sums_past_int64_do_not_wrap():
    # The costing SQL and the pandas frame on four calls of 2**62 tokens each (the validator would
    # refuse them; the sum must still be exact): 2**64 tokens, not a negative number or an error.
    con = duckdb.connect()
    con.register("__p", attribution.price_table(PRICES))
    con.execute(f"CREATE TABLE prices AS {attribution.prices_view_sql('__p')}")
    big = 2**62
    con.execute(f"CREATE TABLE calls AS SELECT TIMESTAMP '2026-05-01 09:00:00' AS ts, 'Acme' AS tenant, "
                f"'chat' AS feature, 'openai' AS provider, 'GPT-5' AS model, CAST({big} AS BIGINT) AS input_tokens, "
                f"CAST(0 AS BIGINT) AS cache_read_tokens, CAST(0 AS BIGINT) AS cache_write_tokens, "
                f"CAST({big} AS BIGINT) AS output_tokens, CAST(0 AS BIGINT) AS reasoning_tokens FROM range(4)")
    total = attribution.attribute(con).iloc[0]
    assert total["input_tokens"] == 2**64 and total["output_tokens"] == 2**64 and total["calls"] == 4
    assert total["cost_usd_exact"] == 4 * _gpt5_cost(big, big) > 0


# --------------------------------------------------------------------------- bad cells in a CSV
@pytest.mark.parametrize(("cell", "reason"), [
    ("9223372036854775808", "9223372036854775808 tokens is above the ceiling"),  # past int64
    ("1e300", "1e300 tokens is above the ceiling"),
    ("inf", "'inf' is not a finite number of tokens"),
    ("-inf", "'-inf' is not a finite number of tokens"),
    ("nan", "'nan' is not a finite number of tokens"),
    ("NaN", "'NaN' is not a finite number of tokens"),
    ("-3", "-3 tokens: a token count cannot be negative"),
    ("2.5", "2.5 is not a whole number of tokens"),
    ("lots", "'lots' is not a number of tokens"),
])
@pytest.mark.parametrize("column", ["input", "output"])
def test_bad_token_cell_in_csv_is_named_once(tmp_path, cell, reason, column):
    path = _csv(tmp_path, GOOD, GOOD, _row(**{column: cell}))
    problems = _refused(tmp_path, path)
    col = calllog.COL_INPUT if column == "input" else calllog.COL_OUTPUT
    _named(problems, path, 3, col, reason)
    assert len(problems) == 1, [str(p) for p in problems]  # no echo from the cached <= input rule


def test_short_row_names_the_first_missing_column(tmp_path):
    path = _csv(tmp_path, GOOD, GOOD[:6], GOOD)
    _named(_refused(tmp_path, path), path, 2, calllog.COL_CACHE_READ, "has 6 fields, the header has 8")


def test_long_row_is_named(tmp_path):
    path = _csv(tmp_path, GOOD, GOOD + ["extra"], GOOD + ["extra"])
    text = _named(_refused(tmp_path, path), path, 2, None, "has 9 fields, the header has 8")
    assert "(2 rows in all)" in text


def test_latin1_cell_names_row_column_and_byte(tmp_path):
    latin = ",".join(_row(tenant="Caf\xe9")).encode("latin-1")
    path = _csv(tmp_path, GOOD, GOOD, latin)
    text = _named(_refused(tmp_path, path), path, 3, calllog.COL_TENANT, "holds the byte 0xe9, which is not UTF-8")
    assert "'é'" in text and "save the file as UTF-8" in text


def test_latin1_header_is_named(tmp_path):
    path = tmp_path / "log.csv"
    header = ",".join(HEADER).replace("tenant", "t\xe9nant").encode("latin-1")
    path.write_bytes(header + b"\n" + ",".join(GOOD).encode())
    _named(_refused(tmp_path, path), path, 0, None, "header field 2 holds the byte 0xe9")


def test_unclosed_quote_is_named(tmp_path):
    path = _csv(tmp_path, GOOD, b'2026-05-01 09:00:00,"Acme,chat,openai,GPT-5,10,0,5', GOOD)
    _named(_refused(tmp_path, path), path, 2, calllog.COL_FEATURE, "is a closing quote missing?")


def test_cell_past_the_csv_field_limit_is_named(tmp_path):
    # Two MiB in one quoted cell: past pyarrow's block and the csv module's field limit alike.
    huge = b'2026-05-01 09:00:00,"' + (b"A" * 1023 + b"\n") * 2048 + b'",chat,openai,GPT-5,10,0,5'
    path = _csv(tmp_path, GOOD, huge)
    _named(_refused(tmp_path, path), path, 2, None, "field larger than field limit")


def test_duplicate_and_reserved_header_names_are_refused(tmp_path):
    dup = _csv(tmp_path, GOOD + ["B"], header=HEADER + ["tenant"], name="dup.csv")
    _named(_refused(tmp_path, dup), dup, 0, calllog.COL_TENANT, "names this column 2 times (fields 2, 9)")
    own_row = _csv(tmp_path, GOOD + ["7"], header=HEADER + ["__row"], name="row.csv")
    _named(_refused(tmp_path, own_row), own_row, 0, "__row", "reserves for its row numbers")


@pytest.mark.parametrize(("data", "row", "reason"), [
    (b"", None, "the file is empty: no header row"),
    ((",".join(HEADER) + "\n").encode(), None, "the call log has no rows"),
    (b"PAR1\x00\x00\x15\x04garbage", 0, "is a Parquet file, not a CSV"),
    (bytes(range(256)) * 4, 0, "holds a NUL byte: this is a binary file"),
    ((",".join(HEADER) + "\n" + ",".join(GOOD) + "\n").encode("utf-16"), 0, "is UTF-16 text"),
])
def test_csv_that_is_not_a_call_log_is_refused(tmp_path, data, row, reason):
    path = tmp_path / "log.csv"
    path.write_bytes(data)
    _named(_refused(tmp_path, path), path, row, None, reason)


# --------------------------------------------------------------------------- bad Parquet
def test_unsigned_parquet_counts_past_int64_are_refused_and_small_ones_read(tmp_path):
    small = calllog.generate_call_log(20, seed=3).column(calllog.COL_INPUT).to_numpy().astype(np.uint64)
    ok = _parquet(tmp_path, name="ok.parquet", **{calllog.COL_INPUT: pa.array(small, pa.uint64())})
    same = attribution.attribute(attribution.connect(_parquet(tmp_path, name="signed.parquet"), PRICES))
    assert attribution.attribute(attribution.connect(ok, PRICES)).equals(same)
    big = small.copy()
    big[3] = 2**63 + 5
    path = _parquet(tmp_path, **{calllog.COL_INPUT: pa.array(big, pa.uint64())})
    _named(_refused(tmp_path, path), path, 4, calllog.COL_INPUT, "9223372036854775813 tokens is above the ceiling")


def test_non_finite_and_fractional_parquet_doubles_are_refused(tmp_path):
    values = np.full(20, 800.0)
    values[[5, 7]] = [np.inf, np.nan]
    values[11] = 2.5
    path = _parquet(tmp_path, **{calllog.COL_OUTPUT: pa.array(values)})
    problems = _refused(tmp_path, path)
    assert "(2 rows in all)" in _named(problems, path, 6, calllog.COL_OUTPUT, "'inf' is not a finite number of tokens")
    _named(problems, path, 12, calllog.COL_OUTPUT, "2.5 is not a whole number of tokens")


@pytest.mark.parametrize(("value", "reason"), [
    ("lots", "'lots' is not a number of tokens"),
    ("99999999999999999999", "99999999999999999999 tokens is above the ceiling"),
    ("inf", "'inf' is not a finite number of tokens"),
])
def test_string_token_column_in_parquet_is_checked_cell_by_cell(tmp_path, value, reason):
    cells = ["900"] * 20
    cells[8] = value
    path = _parquet(tmp_path, **{calllog.COL_OUTPUT: pa.array(cells)})
    _named(_refused(tmp_path, path), path, 9, calllog.COL_OUTPUT, reason)


def test_decimal_token_column_past_int64_is_refused(tmp_path):
    cells = [Decimal(500)] * 20
    cells[2] = Decimal(10) ** 30
    path = _parquet(tmp_path, **{calllog.COL_OUTPUT: pa.array(cells, pa.decimal128(38, 0))})
    _named(_refused(tmp_path, path), path, 3, calllog.COL_OUTPUT, f"{10**30} tokens is above the ceiling")


def test_reserved_column_in_parquet_is_refused(tmp_path):
    path = _parquet(tmp_path, file_row_number=pa.array(np.arange(20)))
    _named(_refused(tmp_path, path), path, 0, "file_row_number", "reserves for its row numbers")


def _good_parquet_bytes(tmp_path: Path) -> bytes:
    return _parquet(tmp_path, n=2_000, name="good.parquet").read_bytes()


@pytest.mark.parametrize(("make", "reason"), [
    (lambda good: b"", "the file is empty (0 bytes)"),
    (lambda good: b"timestamp,tenant\n2026-05-01,Acme\n", "is not a Parquet file"),
    (lambda good: good[: len(good) // 2], "is truncated"),
    (lambda good: good[:-200] + b"\x07" * 192 + good[-8:], "could not be read as Parquet"),  # a broken footer
])
def test_file_that_is_not_parquet_is_refused(tmp_path, make, reason):
    path = tmp_path / "log.parquet"
    path.write_bytes(make(_good_parquet_bytes(tmp_path)))
    _named(_refused(tmp_path, path), path, None, None, reason)


def _corrupt_column(tmp_path: Path, column: str) -> Path:
    """A log whose ``column`` chunk is overwritten with noise (footer intact), extra ``notes`` column included."""
    n = 5_000
    rng = np.random.default_rng(5)
    notes = pa.array([f"note {v}" for v in rng.integers(0, 10**12, n)])
    path = _parquet(tmp_path, n=n, name="corrupt.parquet", notes=notes)
    meta = pq.ParquetFile(path).metadata
    chunk = meta.row_group(0).column(meta.schema.names.index(column))
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    data = bytearray(path.read_bytes())
    data[start + 16: start + chunk.total_compressed_size] = rng.integers(0, 256, chunk.total_compressed_size - 16,
                                                                          dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("column", "reason"), [
    (calllog.COL_OUTPUT, "could not be read while checking its values"),
    ("notes", "could not be read while costing it"),  # a column the validator never reads
])
def test_corrupt_parquet_page_is_a_message(tmp_path, column, reason):
    path = _corrupt_column(tmp_path, column)
    _named(_refused(tmp_path, path), path, None, None, reason)


# --------------------------------------------------------------------------- the Spark path
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_spark_refuses_counts_above_the_ceiling_too(tmp_path):
    # Spark does not run the DuckDB validator; without its own check, one int64-maximum call would
    # be billed (and two would overflow its BIGINT sum).
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (java is not on PATH)")
    from lib.finops import engines

    out = np.full(20, 100, dtype=np.int64)
    out[[4, 9]] = INT64_MAX
    path = _parquet(tmp_path, **{calllog.COL_OUTPUT: pa.array(out)})
    spark = engines.spark_session(master="local[1]")
    try:
        with pytest.raises(ValueError, match=rf"2 calls with a token count above the ceiling of {MAX:,} tokens per "
                                             rf"call \(the largest: {INT64_MAX}\)"):
            engines.attribute_on("spark", path, PRICES, spark=spark)
        ok = _parquet(tmp_path, name="ok.parquet")
        spark_total = engines.attribute_on("spark", ok, PRICES, spark=spark)["cost_usd_exact"].sum()
        assert spark_total == attribution.attribute(attribution.connect(ok, PRICES))["cost_usd_exact"].sum()
    finally:
        spark.stop()
