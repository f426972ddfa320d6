"""Reading a call log file into DuckDB: Parquet in place, a CSV through pyarrow with every column as text.

The values in a file that reads are checked by ``lib.finops.logrules``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from lib.data.validation import DataValidationError
from lib.finops.logschema import CallLogProblem, _sql_string


def register_raw_log(con: duckdb.DuckDBPyConnection, path: str | Path, view: str = "calls_raw") -> list[str]:
    """Expose the file as ``view`` with a 1-based ``__row`` column (data row number); returns its columns.

    Parquet is read in place by DuckDB; a CSV is read by pyarrow with every column as text (only an
    empty cell is NULL: ``NA`` is a tenant's name and ``nan`` a bad token count, not a blank), so a
    malformed cell reaches the validator as written instead of failing inside a parser.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: the call log does not exist")
    suffix = p.suffix.lower()
    if suffix == ".parquet":
        con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT *, file_row_number + 1 AS __row "
                    f"FROM read_parquet('{_sql_string(str(p))}', file_row_number = true)")
    elif suffix == ".csv":
        with p.open(newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh), [])
        if not header:
            raise DataValidationError([CallLogProblem(str(p), "the file is empty: no header row")])
        table = pacsv.read_csv(p, convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=True, null_values=[""]))
        table = table.append_column("__row", pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64)))
        con.register(f"{view}_arrow", table)
        con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {view}_arrow")
    else:
        raise ValueError(f"{p}: a call log must be a .parquet or .csv file")
    return [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall() if r[0] != "__row"]
