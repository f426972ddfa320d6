"""Write examples/calls.csv: a small seeded call log for trying the command line on.

    PYTHONPATH=. python examples/make_calls.py

The book's own generator (``lib.finops.calllog.generate_call_log``) under a fixed seed, so the file
is the same bytes on every run: 200 ordinary calls from ten tenants and five features over two
weeks that cross the day the price history changes (2026-11-23, the LiteLLM snapshot), plus a
short runaway agent loop, in the OpenTelemetry column names. Timestamps are written to the second.
``tests/test_cli.py`` regenerates it and checks that it matches the committed file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lib.finops import calllog

OUT = Path(__file__).resolve().parent / "calls.csv"
N_CALLS = 200
SEED = 20
START_DATE = "2026-11-16"
DAYS = 14
RUNAWAY = calllog.Runaway("Cobalt", "agent", day=9, start_hour=10, hours=2, calls_per_hour=10)


def example_text() -> str:
    table = calllog.generate_call_log(N_CALLS, seed=SEED, start_date=START_DATE, days=DAYS, runaway=RUNAWAY)
    frame = table.to_pandas()
    frame[calllog.COL_TIME] = frame[calllog.COL_TIME].dt.strftime("%Y-%m-%dT%H:%M:%S")
    for col in (calllog.COL_TENANT, calllog.COL_FEATURE, calllog.COL_PROVIDER, calllog.COL_MODEL):
        frame[col] = frame[col].astype(str)
    return frame.to_csv(index=False, lineterminator="\n")


if __name__ == "__main__":
    OUT.write_text(example_text(), encoding="utf-8")
    print(f"wrote {OUT} ({N_CALLS} calls and the runaway's)", file=sys.stderr)
